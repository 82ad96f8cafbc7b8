"""ntm-sched: scheduling the New Rural Development (NTM) plan of a Vietnamese district."""

from __future__ import annotations

__version__ = "0.1.0"
