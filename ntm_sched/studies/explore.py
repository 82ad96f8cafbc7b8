"""The planner's interactive controls, as plain logic (tested without a browser).

:class:`Controls` holds what the planner may turn (funding scale per source, agency
capacities, the inspection team's capacity, a deadline shift, hard deadlines,
accelerated modes, extra funding, the time limit); :func:`apply_controls` turns them
into a plan through the same overrides as a scenario file (:func:`ntm_sched.scenario.apply`);
:class:`Explorer` re-solves warm-started from its previous schedule and exposes the
headline figures and the communes at risk. The page on top (controls by name, headline
cards, what changed, Gantt, saving a scenario) is :mod:`ntm_sched.app.explorer_page`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ntm_sched.domain import CHAIN_MILESTONES, DISTRICT, PlanResult, build, on_time_table, read_settings, solve_keeping
from ntm_sched.domain.verify import verify_result
from ntm_sched.engine import SolveOptions
from ntm_sched.plan import Plan
from ntm_sched.scenario import Scenario, apply

DEFAULT_TIME_LIMIT = SolveOptions().time_limit


def inspection_agency(plan: Plan) -> str:
    """The agency of the commune chain's district-inspection step (``recognition_steps.csv``,
    the step held to the ``inspection`` milestone): the district inspection team."""
    for s in plan.recognition_steps:
        if s.chain == "commune" and s.milestone == "inspection":
            return s.agency_id
    raise KeyError("recognition_steps.csv: no commune step has milestone 'inspection'")


@dataclass
class Controls:
    """What the planner may change; defaults are the plan's own values (:meth:`from_plan`).

    Attributes
    ----------
    funding_scale
        Multiplier of every tranche, per source id (1.0 = as planned).
    agency_capacity
        Weekly capacity (person-days/week) per agency id.
    inspection_capacity
        Weekly capacity of the inspection team (overrides ``agency_capacity`` for it);
        ``None`` keeps ``agency_capacity``'s value.
    deadline_shift_days
        Days added to every target date (communes and district).
    hard_deadlines, accelerated, extra_funding
        The plan settings ``hard_deadlines``, ``allow_accelerated``, ``allow_extra_funding``.
    time_limit
        Seconds per solve.
    """

    funding_scale: dict[str, float] = field(default_factory=dict)
    agency_capacity: dict[str, float] = field(default_factory=dict)
    inspection_capacity: float | None = None
    deadline_shift_days: int = 0
    hard_deadlines: bool = False
    accelerated: bool = True
    extra_funding: bool = True
    time_limit: float = DEFAULT_TIME_LIMIT
    inspection_agency: str = ""

    @classmethod
    def from_plan(cls, plan: Plan, time_limit: float = DEFAULT_TIME_LIMIT) -> Controls:
        """The controls that reproduce ``plan`` unchanged."""
        st = read_settings(plan)
        caps = {a.agency_id: float(a.weekly_capacity) for a in plan.agencies}
        insp = inspection_agency(plan)
        return cls(
            funding_scale={s.source_id: 1.0 for s in plan.sources},
            agency_capacity=caps,
            inspection_capacity=caps.get(insp),
            deadline_shift_days=0,
            hard_deadlines=st.hard_deadlines,
            accelerated=st.allow_accelerated,
            extra_funding=st.allow_extra_funding,
            time_limit=float(time_limit),
            inspection_agency=insp,
        )

    def replace(self, **changes: Any) -> Controls:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


def apply_controls(plan: Plan, controls: Controls) -> Plan:
    """The plan with the controls applied (the input plan is unchanged).

    Uses :func:`ntm_sched.scenario.apply`, so a control means exactly what the same key
    in a scenario file means (funding.scale, capacity.set, deadlines.shift_days/hard,
    accelerated, funding.extra_funding). Unknown source or agency ids raise
    :class:`ntm_sched.scenario.ScenarioError`.
    """
    return apply(plan, Scenario(name="explore", path=None, config=controls_overrides(plan, controls)))


def controls_overrides(plan: Plan, controls: Controls) -> dict[str, Any]:
    """The controls as scenario-file overrides (only what differs from ``plan``, plus the
    deadline and mode switches): what :func:`apply_controls` applies and what a saved scenario
    file holds."""
    caps = dict(controls.agency_capacity)
    if controls.inspection_capacity is not None:
        caps[controls.inspection_agency or inspection_agency(plan)] = float(controls.inspection_capacity)
    current = {a.agency_id: float(a.weekly_capacity) for a in plan.agencies}
    cfg: dict[str, Any] = {
        "funding": {"scale": {k: float(v) for k, v in controls.funding_scale.items() if float(v) != 1.0},
                    "extra_funding": bool(controls.extra_funding)},
        "capacity": {"set": {k: float(v) for k, v in caps.items() if current.get(k) != float(v)}},
        "deadlines": {"shift_days": int(controls.deadline_shift_days), "hard": bool(controls.hard_deadlines)},
        "accelerated": bool(controls.accelerated),
    }
    return cfg


def headline(pr: PlanResult) -> dict[str, Any]:
    """The few figures the planner looks at first."""
    s = pr.summary
    n = (s["communes_on_time"] or 0) + (s["communes_late"] or 0)
    return {
        "status": s["status"],
        "communes_on_time": s["communes_on_time"],
        "communes_total": n if pr.has_schedule else None,
        "late_communes": s["late_communes"],
        "district_recognition_date": s["district_recognition_date"],
        "district_target_date": s["district_target_date"],
        "total_cost_mvnd": s["total_cost_mvnd"],
        "extra_funding_mvnd": s["extra_funding_mvnd"],
        "runtime_s": s["runtime_s"],
        "gap": s["gap"],
        "explanation": s.get("explanation"),
    }


def at_risk(pr: PlanResult, margin_days: int = 14) -> pd.DataFrame:
    """Communes late (by the one definition of on time, :func:`ntm_sched.domain.on_time_table`) or
    with a chain milestone less than ``margin_days`` ahead of its target; per commune its
    recognition target and date and the least slack over its chain milestones, least first; for a
    late commune its first missed milestone's ``earliest_possible_date`` and its ``late_cause``
    (``out_of_reach`` or ``resources_or_money``, :func:`ntm_sched.domain.on_time_table`)."""
    cols = ["commune_code", "target_date", "scheduled_date", "slack_days", "late", "earliest_possible_date",
            "late_cause"]
    if not pr.has_schedule:
        return pd.DataFrame(columns=cols)
    ms = pr.milestones
    ms = ms[ms["milestone"].isin(CHAIN_MILESTONES) & (ms["commune_code"] != DISTRICT)]
    ot = on_time_table(ms).set_index("commune_code")
    rows = []
    for code, grp in ms.groupby("commune_code", sort=True):
        slack = int(grp["slack_days"].min())
        late = not bool(ot.loc[code, "on_time"])
        if not late and slack >= margin_days:
            continue
        rec = grp[grp["milestone"] == "recognition"]
        rows.append({"commune_code": str(code),
                     "target_date": rec["target_date"].iloc[0] if len(rec) else None,
                     "scheduled_date": rec["scheduled_date"].iloc[0] if len(rec) else None,
                     "slack_days": slack, "late": late,
                     "earliest_possible_date": ot.loc[code, "earliest_possible_date"] if late else None,
                     "late_cause": ot.loc[code, "late_cause"] if late else None})
    return pd.DataFrame(rows, columns=cols).sort_values("slack_days").reset_index(drop=True)


class Explorer:
    """Re-solves a plan under changing controls, warm-started from the previous schedule.

    Parameters
    ----------
    plan
        The plan (scenario applied) the controls start from.
    workers, seed
        Solver settings (``workers=1`` and a fixed seed make answers repeatable).
    """

    def __init__(self, plan: Plan, workers: int | None = None, seed: int | None = None,
                 time_limit: float | None = None, options: SolveOptions | None = None) -> None:
        self.plan = plan
        self.options = (options or SolveOptions()).with_(workers=workers, seed=seed, time_limit=time_limit)
        self.workers = self.options.workers
        self.seed = self.options.seed
        self.controls = Controls.from_plan(plan, time_limit=self.options.time_limit)
        self.result: PlanResult | None = None
        self.history: list[dict[str, Any]] = []

    def solve(self, controls: Controls | None = None) -> PlanResult:
        """Apply ``controls`` (default: the current ones), solve with the previous schedule as a
        hint, keep and return the result. If the solve finds nothing new but the previous schedule
        is still valid under the new controls (the checker says so), that schedule is returned
        instead, marked ``kept_previous`` in the summary."""
        if controls is not None:
            self.controls = controls
        plan = apply_controls(self.plan, self.controls)
        model = build(plan)
        hint = self.result.result.solution if self.result is not None and self.result.has_schedule else None
        pr, kept = solve_keeping(model, hint, self.options.with_(time_limit=self.controls.time_limit))
        if kept:
            pr.summary["kept_previous"] = True
        pr = verify_result(plan, pr)  # against the plan's own records, as solve_plan does
        self.result = pr
        self.history.append({"controls": dataclasses.asdict(self.controls), **headline(pr)})
        return pr

    def headline(self) -> dict[str, Any]:
        """Headline figures of the last solve (``{}`` before the first)."""
        return headline(self.result) if self.result is not None else {}

    def at_risk(self, margin_days: int = 14) -> pd.DataFrame:
        """Communes at risk in the last solve."""
        return at_risk(self.result, margin_days) if self.result is not None else at_risk_empty()

    def history_table(self) -> pd.DataFrame:
        """One row per solve: the headline figures (controls left out)."""
        return pd.DataFrame([{k: v for k, v in h.items() if k != "controls"} for h in self.history])


def at_risk_empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["commune_code", "target_date", "scheduled_date", "slack_days", "late"])
