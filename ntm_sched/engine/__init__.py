"""Generic project scheduling with CP-SAT (knows nothing of communes)."""
