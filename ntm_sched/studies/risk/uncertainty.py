"""Uncertainty as data: what may vary in a plan, and by how much.

A risk data folder (``data/<plan>/risk/`` by default, or the scenario's ``risk.data``) holds
four CSV tables, every row with a ``source`` column saying which fact it rests on or that it
is an assumption:

``work_types.csv``
    Per work type (``*``: every work type not listed): a distribution (``triangular`` or
    ``pert``) and three-point *factors* of the plan's duration (``duration_low``,
    ``duration_mode``, ``duration_high``) and cost (``cost_low``, ``cost_mode``, ``cost_high``).
    A factor 1 is the plan's own figure.
``steps.csv``
    Per recognition step (``chain``, ``step``): distribution and three-point duration factors.
``sources.csv``
    Per funding source: a delay of its tranches in days (three-point, ``delay_*_days``);
    ``per_earmark`` (each commune's earmarked money draws its own delay and shortfall); an
    optional shortfall: ``shortfall_probability`` and the share of the source's money never
    released (three-point ``shortfall_low/mode/high``, taken from its last tranches).
``events.csv``
    The risk register: ``probability``; ``scope`` (``all``: one draw hits every target;
    ``each``: every hit task draws on its own); what it hits (``work_types``, ``steps`` as
    ``chain:step``, ``communes``, ``agency``, ``source_id``; lists separated by ``;``); a
    window (``window_start``, ``window_end``: tasks planned to overlap it, the agency outage or
    the tranches dated in it); the ``effect`` and its three-point impact:

    ===================== ===========================================================
    ``duration_factor``   hit tasks last ``impact`` times longer
    ``delay_days``        hit tasks last ``impact`` more days
    ``cost_factor``       hit tasks cost ``impact`` times more
    ``capacity_outage``   the agency works at ``capacity_factor`` of its capacity for
                          ``impact`` days, starting at a random day of the window
    ``release_delay_days`` the source's tranches dated in the window come ``impact``
                          days later
    ===================== ===========================================================

Scenarios override any of it under the key ``risk`` (see :func:`apply_overrides`).
Bad input raises :class:`RiskDataError` naming the file, line and column (or the scenario
file and key) and never modifies a file.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ntm_sched.errors import InputError
from ntm_sched.io import CsvFileError, located, read_csv_text
from ntm_sched.plan.cells import CellError, parse_bool, read_date

DISTRIBUTIONS = ("triangular", "pert")
EFFECTS = ("duration_factor", "delay_days", "cost_factor", "capacity_outage", "release_delay_days")
TASK_EFFECTS = ("duration_factor", "delay_days", "cost_factor")
FILES = ("work_types.csv", "steps.csv", "sources.csv", "events.csv")


class RiskDataError(InputError):
    """Uncertainty data are wrong: the message names the file, line and column (or key)."""


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


# ---------------------------------------------------------------------------
# records
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkTypeRisk:
    """Duration and cost factors of one work type."""

    work_type: str
    duration: ThreePoint
    cost: ThreePoint
    source: str = ""


@dataclass(frozen=True)
class StepRisk:
    """Duration factor of one recognition step."""

    chain: str
    step: str
    duration: ThreePoint
    source: str = ""


@dataclass(frozen=True)
class SourceRisk:
    """Delay (days) of a funding source's tranches and its optional shortfall (share never released)."""

    source_id: str
    delay: ThreePoint
    per_earmark: bool = False
    shortfall_probability: float = 0.0
    shortfall: ThreePoint = ZERO
    source: str = ""


@dataclass(frozen=True)
class RiskEvent:
    """One row of the risk register (see the module docstring)."""

    event_id: str
    name_vi: str
    name_en: str
    probability: float
    scope: str
    effect: str
    impact: ThreePoint
    work_types: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    agency: str | None = None
    source_id: str | None = None
    window: tuple[dt.date, dt.date] | None = None
    capacity_factor: float = 0.0
    source: str = ""

    @property
    def hits_tasks(self) -> bool:
        return self.effect in TASK_EFFECTS


@dataclass(frozen=True)
class Uncertainty:
    """Everything that may vary, by kind (see the module docstring)."""

    work_types: dict[str, WorkTypeRisk] = field(default_factory=dict)
    steps: dict[tuple[str, str], StepRisk] = field(default_factory=dict)
    sources: dict[str, SourceRisk] = field(default_factory=dict)
    events: tuple[RiskEvent, ...] = ()
    origin: str = ""
    warnings: tuple[str, ...] = ()  # located: a date read from dd/mm/yyyy (the one rule of read_date)

    def work_type(self, wt: str) -> WorkTypeRisk | None:
        """The work type's row, else the ``*`` row, else ``None`` (no uncertainty)."""
        return self.work_types.get(wt) or self.work_types.get("*")

    def step(self, chain: str, step: str) -> StepRisk | None:
        """The step's row (``None``: no uncertainty)."""
        return self.steps.get((chain, step))

    def scaled(self, x: float) -> Uncertainty:
        """Every spread and every probability multiplied by ``x`` (0: the deterministic plan).

        Duration and cost factors move towards 1, delays and shortfall shares towards 0;
        event and shortfall probabilities are multiplied by ``x`` (at most 1). Event impacts
        keep their size: an event that happens hits as hard.
        """
        if x < 0 or not math.isfinite(x):
            raise RiskDataError(f"spread scale must be a finite number >= 0, got {x!r}")
        return Uncertainty(
            {k: replace(v, duration=v.duration.scaled(x, 1.0), cost=v.cost.scaled(x, 1.0))
             for k, v in self.work_types.items()},
            {k: replace(v, duration=v.duration.scaled(x, 1.0)) for k, v in self.steps.items()},
            {k: replace(v, delay=v.delay.scaled(x, 0.0),
                        shortfall_probability=min(1.0, v.shortfall_probability * x))
             for k, v in self.sources.items()},
            tuple(replace(e, probability=min(1.0, e.probability * x)) for e in self.events),
            self.origin,
            self.warnings,
        )

    def assumptions_table(self) -> pd.DataFrame:
        """One row per figure group with its values and source (for reports)."""
        rows: list[dict[str, Any]] = []
        for w in self.work_types.values():
            rows.append({"kind": "work_type", "id": w.work_type,
                         "values": f"duration {_tp(w.duration)}; cost {_tp(w.cost)}", "source": w.source})
        for st in self.steps.values():
            rows.append({"kind": "step", "id": f"{st.chain}:{st.step}", "values": f"duration {_tp(st.duration)}",
                         "source": st.source})
        for so in self.sources.values():
            txt = f"delay days {_tp(so.delay)}" + (" per commune" if so.per_earmark else "")
            if so.shortfall_probability > 0:
                txt += f"; shortfall p={so.shortfall_probability:g} share {_tp(so.shortfall)}"
            rows.append({"kind": "source", "id": so.source_id, "values": txt, "source": so.source})
        for e in self.events:
            rows.append({"kind": "event", "id": e.event_id,
                         "values": f"p={e.probability:g} ({e.scope}); {e.effect} {_tp(e.impact)}",
                         "source": e.source})
        return pd.DataFrame(rows, columns=["kind", "id", "values", "source"])


def _tp(t: ThreePoint) -> str:
    return f"{t.low:g}/{t.mode:g}/{t.high:g} {t.distribution}"


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------
_COLUMNS = {
    "work_types.csv": ["work_type", "distribution", "duration_low", "duration_mode", "duration_high",
                       "cost_low", "cost_mode", "cost_high", "source"],
    "steps.csv": ["chain", "step", "distribution", "duration_low", "duration_mode", "duration_high", "source"],
    "sources.csv": ["source_id", "distribution", "delay_low_days", "delay_mode_days", "delay_high_days",
                    "per_earmark", "shortfall_probability", "shortfall_low", "shortfall_mode", "shortfall_high",
                    "source"],
    "events.csv": ["event_id", "name_vi", "name_en", "probability", "scope", "work_types", "steps", "communes",
                   "agency", "source_id", "window_start", "window_end", "effect", "distribution", "impact_low",
                   "impact_mode", "impact_high", "capacity_factor", "source"],
}
_OPTIONAL = {"events.csv": {"work_types", "steps", "communes", "agency", "source_id", "window_start", "window_end",
                            "capacity_factor"},
             "sources.csv": {"per_earmark", "shortfall_probability", "shortfall_low", "shortfall_mode",
                             "shortfall_high"}}


class _Errors:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.warnings: list[str] = []

    def add(self, where: str, msg: str) -> None:
        self.items.append(f"{where}: {msg}")

    def raise_if_any(self, head: str) -> None:
        if self.items:
            raise RiskDataError(head + "\n" + "\n".join(f"  {m}" for m in self.items))


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s).strip()


def _read_rows(path: Path, errors: _Errors) -> list[tuple[int, dict[str, str]]]:
    name = path.name
    try:
        t = read_csv_text(path, name=str(path))
    except CsvFileError as exc:
        errors.add(located(exc.file, exc.line), exc.en)
        return []
    header = [_nfc(c) for c in t.header]
    missing = [c for c in _COLUMNS[name] if c not in header and c not in _OPTIONAL.get(name, set())]
    unknown = [c for c in header if c not in _COLUMNS[name]]
    for c in missing:
        errors.add(t.where(t.header_line, c), "missing column")
    for c in unknown:
        errors.add(t.where(t.header_line, c), f"unknown column (expected {_COLUMNS[name]})")
    out = []
    for line, cells in t.rows:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            errors.add(t.where(line), f"{len(cells)} cells but {len(header)} columns")
            continue
        out.append((line, {h: _nfc(cells[i]) if i < len(cells) else "" for i, h in enumerate(header)}))
    return out


class _Row:
    """Typed access to one CSV row with located errors."""

    def __init__(self, path: Path | str, line: int | None, row: dict[str, Any], errors: _Errors) -> None:
        self.path, self.line, self.row, self.errors = path, line, row, errors
        self.ok = True

    def where(self, col: str) -> str:
        if self.line is None:  # a scenario key
            return f"{self.path}: key '{col}'"
        return located(str(self.path), self.line, col)

    def fail(self, col: str, msg: str) -> None:
        self.errors.add(self.where(col), msg)
        self.ok = False

    def text(self, col: str, required: bool = True) -> str:
        v = self.row.get(col, "")
        v = "" if v is None else str(v).strip()
        if required and not v:
            self.fail(col, "empty; a value is required")
        return v

    def number(self, col: str, default: float | None = None, lo: float | None = None, hi: float | None = None) -> float:
        v = self.row.get(col, "")
        if (v is None or str(v).strip() == "") and default is not None:
            return default
        try:
            x = float(str(v).replace(",", ".")) if not isinstance(v, (int, float)) or isinstance(v, bool) else float(v)
            if isinstance(v, bool) or not math.isfinite(x):
                raise ValueError
        except (TypeError, ValueError):
            self.fail(col, f"expected a number, got {v!r}")
            return default if default is not None else 0.0
        if (lo is not None and x < lo) or (hi is not None and x > hi):
            rng = f">= {lo}" if hi is None else f"between {lo} and {hi}"
            self.fail(col, f"expected a number {rng}, got {x:g}")
        return x

    def boolean(self, col: str, default: bool = False) -> bool:
        v = self.row.get(col, "")
        if isinstance(v, bool):
            return v
        s = str(v).strip()
        if s == "":
            return default
        try:
            return parse_bool(s)
        except CellError:
            self.fail(col, f"expected true or false, got {v!r}")
            return default

    def choice(self, col: str, choices: tuple[str, ...], default: str | None = None) -> str:
        v = self.text(col, required=default is None) or (default or "")
        if v not in choices:
            self.fail(col, f"expected one of {list(choices)}, got {v!r}")
            return choices[0]
        return v

    def date(self, col: str) -> dt.date | None:
        v = self.row.get(col, "")
        if isinstance(v, dt.date):
            return v
        s = "" if v is None else str(v).strip()
        if not s:
            return None
        try:
            value, how = read_date(s)  # the one rule of input files' dates
        except CellError as exc:
            self.fail(col, f"expected an ISO date yyyy-mm-dd: {exc.en}")
            return None
        if how is not None:
            self.errors.warnings.append(f"{self.where(col)}: {how.en}")
        return value

    def items(self, col: str) -> tuple[str, ...]:
        v = self.row.get(col, "")
        if isinstance(v, (list, tuple)):
            return tuple(str(x).strip() for x in v if str(x).strip())
        s = "" if v is None else str(v)
        return tuple(x.strip() for x in s.split(";") if x.strip())

    def three(self, prefix: str, suffix: str, dist: str, lo: float | None = None,
              hi: float | None = None) -> ThreePoint:
        vals = [self.number(f"{prefix}_{k}{suffix}", lo=lo, hi=hi) for k in ("low", "mode", "high")]
        if not (vals[0] <= vals[1] <= vals[2]):
            self.fail(f"{prefix}_low{suffix}", f"three points must satisfy low <= mode <= high, got "
                      f"{vals[0]:g}, {vals[1]:g}, {vals[2]:g}")
            vals = sorted(vals)
        return ThreePoint(vals[0], vals[1], vals[2], distribution=dist)


def _work_type(r: _Row) -> WorkTypeRisk:
    dist = r.choice("distribution", DISTRIBUTIONS, "triangular")
    return WorkTypeRisk(r.text("work_type"), r.three("duration", "", dist, lo=0.0), r.three("cost", "", dist, lo=0.0),
                        r.text("source", required=False))


def _step(r: _Row) -> StepRisk:
    dist = r.choice("distribution", DISTRIBUTIONS, "triangular")
    return StepRisk(r.text("chain"), r.text("step"), r.three("duration", "", dist, lo=0.0),
                    r.text("source", required=False))


def _source(r: _Row) -> SourceRisk:
    dist = r.choice("distribution", DISTRIBUTIONS, "triangular")
    p = r.number("shortfall_probability", default=0.0, lo=0.0, hi=1.0)
    short = r.three("shortfall", "", dist, lo=0.0, hi=1.0) if p > 0 or r.row.get("shortfall_high") not in (None, "") \
        else ZERO
    return SourceRisk(r.text("source_id"), r.three("delay", "_days", dist, lo=0.0), r.boolean("per_earmark"),
                      p, short, r.text("source", required=False))


def _event(r: _Row) -> RiskEvent:
    dist = r.choice("distribution", DISTRIBUTIONS, "triangular")
    effect = r.choice("effect", EFFECTS)
    lo = 0.0
    impact = r.three("impact", "", dist, lo=lo)
    w0, w1 = r.date("window_start"), r.date("window_end")
    window = None
    if (w0 is None) != (w1 is None):
        r.fail("window_start" if w0 is None else "window_end", "give both window_start and window_end, or neither")
    elif w0 is not None and w1 is not None:
        if w1 < w0:
            r.fail("window_end", f"window ends ({w1}) before it starts ({w0})")
        window = (w0, w1)
    ev = RiskEvent(
        event_id=r.text("event_id"), name_vi=r.text("name_vi", required=False),
        name_en=r.text("name_en", required=False),
        probability=r.number("probability", lo=0.0, hi=1.0), scope=r.choice("scope", ("all", "each"), "all"),
        effect=effect, impact=impact, work_types=r.items("work_types"), steps=r.items("steps"),
        communes=r.items("communes"), agency=r.text("agency", required=False) or None,
        source_id=r.text("source_id", required=False) or None, window=window,
        capacity_factor=r.number("capacity_factor", default=0.0, lo=0.0, hi=1.0),
        source=r.text("source", required=False))
    if effect in TASK_EFFECTS:
        if not (ev.work_types or ev.steps):
            r.fail("work_types", f"effect {effect} hits tasks: name work_types (or '*') and/or steps")
        if effect in ("duration_factor", "cost_factor") and impact.low < 0:
            r.fail("impact_low", "a factor must be >= 0")
    elif effect == "capacity_outage":
        if not ev.agency:
            r.fail("agency", "effect capacity_outage needs the agency it hits")
        if ev.window is None:
            r.fail("window_start", "effect capacity_outage needs the window in which the outage starts")
        if ev.scope != "all":
            r.fail("scope", "capacity_outage hits one agency: scope must be 'all'")
    elif effect == "release_delay_days":
        if not ev.source_id:
            r.fail("source_id", "effect release_delay_days needs the source it hits")
        if ev.scope != "all":
            r.fail("scope", "release_delay_days hits one source: scope must be 'all'")
    for s in ev.steps:
        if ":" not in s:
            r.fail("steps", f"step {s!r}: write it as chain:step (e.g. commune:appraisal)")
    return ev


_PARSERS = {"work_types.csv": _work_type, "steps.csv": _step, "sources.csv": _source, "events.csv": _event}


def load_uncertainty(folder: str | Path) -> Uncertainty:
    """Read and check a risk data folder (the four CSV tables of the module docstring).

    Raises
    ------
    RiskDataError
        Listing every problem with its file, line and column.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise RiskDataError(f"{folder}: no risk data folder (expected {', '.join(FILES)})")
    errors = _Errors()
    wts: dict[str, WorkTypeRisk] = {}
    steps: dict[tuple[str, str], StepRisk] = {}
    sources: dict[str, SourceRisk] = {}
    events: list[RiskEvent] = []
    for name in FILES:
        path = folder / name
        if not path.exists():
            if name == "events.csv":
                continue  # an empty register is allowed
            errors.add(str(path), "missing file")
            continue
        seen: dict[Any, int] = {}
        for line, row in _read_rows(path, errors):
            r = _Row(path, line, row, errors)
            rec: Any = _PARSERS[name](r)
            key: Any = {"work_types.csv": lambda x: x.work_type, "steps.csv": lambda x: (x.chain, x.step),
                        "sources.csv": lambda x: x.source_id, "events.csv": lambda x: x.event_id}[name](rec)
            if key in seen:
                first = _nfc(str(key if not isinstance(key, tuple) else ':'.join(key)))
                errors.add(located(str(path), line), f"duplicate {first!r} (first on line {seen[key]})")
                continue
            seen[key] = line
            if not r.ok:
                continue
            if name == "work_types.csv":
                wts[rec.work_type] = rec
            elif name == "steps.csv":
                steps[(rec.chain, rec.step)] = rec
            elif name == "sources.csv":
                sources[rec.source_id] = rec
            else:
                events.append(rec)
    errors.raise_if_any(f"{folder}: the risk data have errors:")
    return Uncertainty(wts, steps, sources, tuple(events), str(folder), tuple(errors.warnings))


def check_against_plan(unc: Uncertainty, plan: Any) -> None:
    """Raise :class:`RiskDataError` when the data name work types, steps, sources, agencies or
    communes the plan does not have."""
    errors = _Errors()
    wts = set(plan.table("work_types")["work_type"]) | {"*"}
    steps_df = plan.table("recognition_steps")
    steps = {(str(c), str(s)) for c, s in zip(steps_df["chain"], steps_df["step"])}
    sids = set(plan.table("sources")["source_id"])
    aids = set(plan.table("agencies")["agency_id"])
    codes = set(plan.table("communes")["code"]) | {"DISTRICT"}
    where = unc.origin or "risk data"
    for w in unc.work_types:
        if w not in wts:
            errors.add(f"{where}/work_types.csv", f"work type {w!r} is not in the plan's work_types.csv")
    for k in unc.steps:
        if k not in steps:
            errors.add(f"{where}/steps.csv", f"step {k[0]}:{k[1]} is not in the plan's recognition_steps.csv")
    for s in unc.sources:
        if s not in sids:
            errors.add(f"{where}/sources.csv", f"source {s!r} is not in the plan's sources.csv")
    for e in unc.events:
        loc = f"{where}/events.csv, event {e.event_id}"
        for w in e.work_types:
            if w not in wts:
                errors.add(loc, f"work type {w!r} is not in the plan")
        for s in e.steps:
            if tuple(s.split(":", 1)) not in steps:
                errors.add(loc, f"step {s!r} is not in the plan's recognition steps")
        for c in e.communes:
            if c not in codes:
                errors.add(loc, f"commune {c!r} is not in the plan")
        if e.agency and e.agency not in aids:
            errors.add(loc, f"agency {e.agency!r} is not in the plan")
        if e.source_id and e.source_id not in sids:
            errors.add(loc, f"source {e.source_id!r} is not in the plan")
    errors.raise_if_any("the risk data do not match the plan:")


# ---------------------------------------------------------------------------
# scenario overrides
# ---------------------------------------------------------------------------
RISK_KEYS = ("data", "work_types", "steps", "sources", "events", "spread_scale", "samples", "policy", "seed")


def apply_overrides(unc: Uncertainty, risk_cfg: dict[str, Any], where: str) -> Uncertainty:
    """The uncertainty with a scenario's ``risk`` overrides applied.

    ``risk_cfg`` keys (all optional)::

        work_types: {WORK_TYPE or '*': {distribution, duration_low, ..., cost_high}}
        steps: {'chain:step': {distribution, duration_low, duration_mode, duration_high}}
        sources: {SOURCE_ID: {delay_low_days, ..., shortfall_probability, ...}}
        events: {EVENT_ID: {probability: 0.5, ...}}   # a new id needs every required column
        spread_scale, samples, policy, seed            # defaults of the run (read by the CLI)

    Only the fields given change; the row's ``source`` becomes ``scenario <file>`` unless
    given. Raises :class:`RiskDataError` naming ``where`` (the scenario file) and the key.
    """
    if not isinstance(risk_cfg, dict):
        raise RiskDataError(f"{where}: key 'risk': expected a mapping")
    errors = _Errors()
    for k in risk_cfg:
        if k not in RISK_KEYS:
            errors.add(f"{where}: key 'risk.{k}'", f"unknown key (expected one of {list(RISK_KEYS)})")
    errors.raise_if_any("the scenario's risk overrides have errors:")
    note = f"scenario {Path(where).name}"
    wts = dict(unc.work_types)
    steps = dict(unc.steps)
    sources = dict(unc.sources)
    events = {e.event_id: e for e in unc.events}

    def merged(kind: str, key: str, old: dict[str, Any] | None, new: Any) -> _Row | None:
        if not isinstance(new, dict):
            errors.add(f"{where}: key 'risk.{kind}.{key}'", "expected a mapping of column -> value")
            return None
        allowed = set(_COLUMNS[f"{kind}.csv"])
        for c in new:
            if c not in allowed:
                errors.add(f"{where}: key 'risk.{kind}.{key}.{c}'", f"unknown column (expected one of "
                           f"{sorted(allowed)})")
        row = dict(old or {})
        row.update({c: v for c, v in new.items()})
        row.setdefault("source", note)
        if "source" not in new:
            row["source"] = note
        return _Row(where, None, row, errors)

    for key, new in (risk_cfg.get("work_types") or {}).items():
        ow = wts.get(key)
        base = None if ow is None else {"work_type": key, "distribution": ow.duration.distribution,
                                        **_tp_cols("duration", "", ow.duration), **_tp_cols("cost", "", ow.cost)}
        r = merged("work_types", key, base, new)
        if r is not None:
            r.row["work_type"] = key
            rw = _work_type(r)
            if r.ok:
                wts[key] = rw
    for key, new in (risk_cfg.get("steps") or {}).items():
        if ":" not in str(key):
            errors.add(f"{where}: key 'risk.steps.{key}'", "write the step as chain:step")
            continue
        chain, step = str(key).split(":", 1)
        ost = steps.get((chain, step))
        base = None if ost is None else {"distribution": ost.duration.distribution,
                                         **_tp_cols("duration", "", ost.duration)}
        r = merged("steps", key, base, new)
        if r is not None:
            r.row.update({"chain": chain, "step": step})
            rs = _step(r)
            if r.ok:
                steps[(chain, step)] = rs
    for key, new in (risk_cfg.get("sources") or {}).items():
        oso = sources.get(key)
        base = None if oso is None else {
            "distribution": oso.delay.distribution, **_tp_cols("delay", "_days", oso.delay),
            "per_earmark": oso.per_earmark, "shortfall_probability": oso.shortfall_probability,
            **_tp_cols("shortfall", "", oso.shortfall)}
        r = merged("sources", key, base, new)
        if r is not None:
            r.row["source_id"] = key
            rso = _source(r)
            if r.ok:
                sources[key] = rso
    for key, new in (risk_cfg.get("events") or {}).items():
        oe = events.get(key)
        base = None if oe is None else {
            "event_id": key, "name_vi": oe.name_vi, "name_en": oe.name_en, "probability": oe.probability,
            "scope": oe.scope, "work_types": list(oe.work_types), "steps": list(oe.steps),
            "communes": list(oe.communes), "agency": oe.agency or "", "source_id": oe.source_id or "",
            "window_start": oe.window[0] if oe.window else "", "window_end": oe.window[1] if oe.window else "",
            "effect": oe.effect, "distribution": oe.impact.distribution, **_tp_cols("impact", "", oe.impact),
            "capacity_factor": oe.capacity_factor}
        r = merged("events", key, base, new)
        if r is not None:
            r.row["event_id"] = key
            re_ = _event(r)
            if r.ok:
                events[key] = re_
    x = risk_cfg.get("spread_scale")
    if x is not None and (isinstance(x, bool) or not isinstance(x, (int, float)) or x < 0):
        errors.add(f"{where}: key 'risk.spread_scale'", f"expected a number >= 0, got {x!r}")
    n = risk_cfg.get("samples")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n <= 0):
        errors.add(f"{where}: key 'risk.samples'", f"expected a whole number > 0, got {n!r}")
    pol = risk_cfg.get("policy")
    if pol is not None and pol not in ("fixed", "replan"):
        errors.add(f"{where}: key 'risk.policy'", f"expected 'fixed' or 'replan', got {pol!r}")
    errors.raise_if_any("the scenario's risk overrides have errors:")
    return Uncertainty(wts, steps, sources, tuple(events.values()), unc.origin, unc.warnings)


def _tp_cols(prefix: str, suffix: str, t: ThreePoint) -> dict[str, float]:
    return {f"{prefix}_low{suffix}": t.low, f"{prefix}_mode{suffix}": t.mode, f"{prefix}_high{suffix}": t.high}


def risk_data_folder(scenario: Any) -> Path:
    """The scenario's risk data folder: ``risk.data`` if given, else ``<plan folder>/risk``."""
    cfg = dict(scenario.config.get("risk") or {})
    if cfg.get("data"):
        p = Path(str(cfg["data"]))
        if not p.is_absolute() and scenario.path is not None:
            p = (Path(scenario.path).parent / p).resolve()
        return p
    plan = Path(scenario.plan_path)
    if plan.is_dir():
        return plan / "risk"
    raise RiskDataError(f"{scenario.path}: the plan {plan} is a workbook: name the risk data folder with "
                        f"the key 'risk.data'")


def scenario_uncertainty(scenario: Any, plan: Any) -> Uncertainty:
    """The scenario's uncertainty: its data folder, its ``risk`` overrides, checked against the plan."""
    unc = load_uncertainty(risk_data_folder(scenario))
    cfg = copy.deepcopy(scenario.config.get("risk") or {})
    if cfg:
        unc = apply_overrides(unc, cfg, str(scenario.path))
    check_against_plan(unc, plan)
    return unc
