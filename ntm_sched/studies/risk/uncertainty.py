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

Scenarios override any of it under the key ``risk`` (see
:func:`ntm_sched.studies.risk.overrides.apply_overrides`).

This module holds the records; :mod:`~ntm_sched.studies.risk.distributions` the three-point
distributions, :mod:`~ntm_sched.studies.risk.risk_files` the reader of the four tables and
:mod:`~ntm_sched.studies.risk.overrides` the scenario overrides.
Bad input raises :class:`RiskDataError` naming the file, line and column (or the scenario
file and key) and never modifies a file.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ntm_sched.errors import InputError
from ntm_sched.studies.risk.distributions import DISTRIBUTIONS, ONE, ZERO, ThreePoint

__all__ = ["DISTRIBUTIONS", "EFFECTS", "FILES", "ONE", "TASK_EFFECTS", "ZERO", "RiskDataError", "RiskEvent",
           "SourceRisk", "StepRisk", "ThreePoint", "Uncertainty", "WorkTypeRisk"]

EFFECTS = ("duration_factor", "delay_days", "cost_factor", "capacity_outage", "release_delay_days")
TASK_EFFECTS = ("duration_factor", "delay_days", "cost_factor")
FILES = ("work_types.csv", "steps.csv", "sources.csv", "events.csv")


class RiskDataError(InputError):
    """Uncertainty data are wrong: the message names the file, line and column (or key)."""

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


