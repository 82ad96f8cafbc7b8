"""Three-point distributions (triangular, PERT) of the risk data: :class:`ThreePoint`.

Split from :mod:`ntm_sched.studies.risk.uncertainty` (one job per module, issue 20).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DISTRIBUTIONS = ("triangular", "pert")
# ---------------------------------------------------------------------------
# three-point distributions
# ---------------------------------------------------------------------------
_PERT_GRID = 2049
_pert_tables: dict[tuple[float, float], np.ndarray] = {}


def _pert_quantile_table(a: float, b: float) -> np.ndarray:
    """Quantiles of Beta(a, b) at ``_PERT_GRID`` equally spaced probabilities (numerical CDF)."""
    key = (round(a, 12), round(b, 12))
    tab = _pert_tables.get(key)
    if tab is None:
        x = np.linspace(0.0, 1.0, 20001)
        with np.errstate(divide="ignore", invalid="ignore"):
            logpdf = (a - 1) * np.log(np.where(x > 0, x, 1e-300)) + (b - 1) * np.log(np.where(x < 1, 1 - x, 1e-300))
        pdf = np.exp(logpdf - logpdf.max())
        cdf = np.concatenate([[0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2)])
        cdf /= cdf[-1]
        p = np.linspace(0.0, 1.0, _PERT_GRID)
        tab = np.interp(p, cdf, x)
        _pert_tables[key] = tab
    return tab


@dataclass(frozen=True)
class ThreePoint:
    """A three-point estimate ``low <= mode <= high`` with a distribution.

    ``triangular`` is the triangle on ``[low, high]`` peaking at ``mode``; ``pert`` is the
    Beta-PERT distribution (shape 4) with the same three points.
    """

    low: float
    mode: float
    high: float
    distribution: str = "triangular"

    def __post_init__(self) -> None:
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(f"distribution {self.distribution!r}: expected one of {DISTRIBUTIONS}")
        if not (self.low <= self.mode <= self.high):
            raise ValueError(f"three points must satisfy low <= mode <= high, got "
                             f"{self.low}, {self.mode}, {self.high}")

    @property
    def degenerate(self) -> bool:
        """True when low == high (always the same value)."""
        return self.high - self.low <= 0

    def ppf(self, u: float | np.ndarray) -> float | np.ndarray:
        """The value at probability ``u`` (inverse CDF), so one uniform draw gives one value.

        Monotone in ``u`` and in the three points: the same ``u`` with wider points gives a
        value at least as far from the mode (common random numbers).
        """
        a, c, b = self.low, self.mode, self.high
        if b - a <= 0:
            return np.full_like(u, a, dtype=float) if isinstance(u, np.ndarray) else float(a)
        if self.distribution == "triangular":
            fc = (c - a) / (b - a)
            uu = np.asarray(u, dtype=float)
            left = a + np.sqrt(uu * (b - a) * (c - a))
            right = b - np.sqrt((1 - uu) * (b - a) * (b - c))
            out = np.where(uu < fc, left, right)
            return out if isinstance(u, np.ndarray) else float(out)
        alpha = 1 + 4 * (c - a) / (b - a)
        beta = 1 + 4 * (b - c) / (b - a)
        tab = _pert_quantile_table(alpha, beta)
        q = np.interp(np.asarray(u, dtype=float), np.linspace(0.0, 1.0, _PERT_GRID), tab)
        out = a + (b - a) * q
        return out if isinstance(u, np.ndarray) else float(out)

    def mean(self) -> float:
        """The distribution's mean."""
        if self.distribution == "triangular":
            return (self.low + self.mode + self.high) / 3
        return (self.low + 4 * self.mode + self.high) / 6

    def scaled(self, x: float, centre: float) -> ThreePoint:
        """Spread multiplied by ``x`` around ``centre`` (1 for factors, 0 for days and shares)."""
        def s(v: float) -> float:
            return centre + x * (v - centre)

        lo, mo, hi = s(self.low), s(self.mode), s(self.high)
        return ThreePoint(min(lo, mo, hi), sorted((lo, mo, hi))[1], max(lo, mo, hi), self.distribution)


ONE = ThreePoint(1.0, 1.0, 1.0)
ZERO = ThreePoint(0.0, 0.0, 0.0)


