"""Read a risk data folder (``work_types.csv``, ``steps.csv``, ``sources.csv``, ``events.csv``)
into an :class:`~ntm_sched.studies.risk.uncertainty.Uncertainty`, every problem located by file,
line and column; and check it against a plan.

Split from :mod:`ntm_sched.studies.risk.uncertainty` (one job per module, issue 20).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from pathlib import Path
from typing import Any

from ntm_sched.io import CsvFileError, located, read_csv_text
from ntm_sched.plan.cells import CellError, parse_bool, read_date
from ntm_sched.studies.risk.uncertainty import (
    DISTRIBUTIONS,
    EFFECTS,
    FILES,
    TASK_EFFECTS,
    ZERO,
    RiskDataError,
    RiskEvent,
    SourceRisk,
    StepRisk,
    ThreePoint,
    Uncertainty,
    WorkTypeRisk,
)

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


