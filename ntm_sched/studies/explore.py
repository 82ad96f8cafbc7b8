"""The planner's interactive controls, as plain logic (tested without a browser).

:class:`Controls` holds what the planner may turn (funding scale per source, agency
capacities, the inspection team's capacity, a deadline shift, hard deadlines,
accelerated modes, extra funding, the time limit); :func:`apply_controls` turns them
into a plan through the same overrides as a scenario file (:func:`ntm_sched.scenario.apply`);
:class:`Explorer` re-solves warm-started from its previous schedule and exposes the
headline figures and the communes at risk (build -> solve -> check -> tabulate and "keep the
previous schedule if still valid" are :func:`ntm_sched.domain.solve_keeping`);
:func:`make_widgets` builds the ipywidgets UI on top (the notebook only calls it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from ntm_sched.domain import DISTRICT, PlanResult, build, read_settings, solve_keeping
from ntm_sched.engine import SolveOptions
from ntm_sched.i18n import label
from ntm_sched.plan import Plan
from ntm_sched.report.plots import gantt
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
    """Communes late or within ``margin_days`` of their recognition target, least slack first."""
    cols = ["commune_code", "target_date", "scheduled_date", "slack_days", "late"]
    if not pr.has_schedule:
        return pd.DataFrame(columns=cols)
    ms = pr.milestones
    rec = ms[(ms["milestone"] == "recognition") & (ms["commune_code"] != DISTRICT)]
    r = rec[rec["slack_days"] < margin_days].copy()
    r["late"] = r["slack_days"] < 0
    return r[cols].sort_values("slack_days").reset_index(drop=True)


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


def headline_text(h: dict[str, Any], lang: str = "vi") -> str:
    """One or two lines of text for the headline figures."""
    if not h:
        return ""
    if h.get("communes_on_time") is None:
        msg = f"status: {h['status']}"
        if h.get("explanation"):
            msg += f" — {h['explanation']}"
        return msg
    return label("ex_headline", lang, **h)


def simple_gantt(schedule: pd.DataFrame, ax: Any = None) -> Any:
    """A plain Gantt of the recognition steps per commune (fallback when the report plots are absent)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    if schedule is None or not len(schedule):
        ax.text(0.5, 0.5, "no schedule", ha="center", va="center", transform=ax.transAxes)
        return ax
    codes = sorted(set(schedule["commune_code"]), key=lambda c: (c == DISTRICT, c))
    for i, code in enumerate(codes):
        for r in schedule[schedule["commune_code"] == code].itertuples():
            s = mdates.date2num(r.start_date)
            e = mdates.date2num(r.end_date + dt.timedelta(days=1))
            ax.barh(i, e - s, left=s, color="#4c78a8" if r.kind == "work" else "#f58518", height=0.6)
    ax.set_yticks(range(len(codes)), codes)
    ax.xaxis_date()
    ax.invert_yaxis()
    return ax


def draw_gantt(pr: PlanResult, lang: str = "vi", ax: Any = None) -> Any:
    """The report's Gantt."""
    return gantt(pr.schedule, pr.milestones, lang=lang, ax=ax)


def make_widgets(explorer: Explorer, lang: str = "vi", solve_now: bool = False) -> Any:
    """Build the ipywidgets UI: sliders and checkboxes, a Solve button and an Output area in which
    the headline, the at-risk list and the Gantt redraw in place. Returns the top widget (a
    ``VBox``; its ``.children`` and the attributes ``controls_from_widgets``, ``on_solve`` and
    ``output`` let tests and notebooks drive it without a browser). Displaying it does not block.
    """
    import ipywidgets as w

    c0 = explorer.controls
    style = {"description_width": "initial"}
    fund = {s: w.FloatSlider(value=v, min=0.0, max=2.0, step=0.05, description=f"{s} ×", style=style,
                             continuous_update=False) for s, v in c0.funding_scale.items()}
    insp = w.FloatSlider(value=float(c0.inspection_capacity or 5), min=1, max=20, step=1,
                         description=label("ex_inspection", lang),
                         style=style, continuous_update=False)
    agencies = {a: w.FloatSlider(value=v, min=0, max=max(20.0, 2 * v), step=1, description=a, style=style,
                                 continuous_update=False)
                for a, v in c0.agency_capacity.items() if a != c0.inspection_agency}
    shift = w.IntSlider(value=c0.deadline_shift_days, min=-60, max=365, step=15,
                        description=label("ex_shift", lang), style=style,
                        continuous_update=False)
    hard = w.Checkbox(value=c0.hard_deadlines, description=label("ex_hard", lang))
    accel = w.Checkbox(value=c0.accelerated, description=label("ex_accel", lang))
    extra = w.Checkbox(value=c0.extra_funding, description=label("ex_extra", lang))
    tl = w.FloatSlider(value=c0.time_limit, min=1, max=120, step=1,
                       description=label("ex_time_limit", lang), style=style)
    button = w.Button(description=label("ex_solve", lang), button_style="primary")
    out = w.Output()

    def controls_from_widgets() -> Controls:
        return Controls(
            funding_scale={s: float(x.value) for s, x in fund.items()},
            agency_capacity={**{a: float(x.value) for a, x in agencies.items()},
                             c0.inspection_agency: float(insp.value)},
            inspection_capacity=float(insp.value),
            inspection_agency=c0.inspection_agency,
            deadline_shift_days=int(shift.value),
            hard_deadlines=bool(hard.value),
            accelerated=bool(accel.value),
            extra_funding=bool(extra.value),
            time_limit=float(tl.value),
        )

    def render() -> None:
        import matplotlib.pyplot as plt
        from IPython.display import display

        out.clear_output(wait=True)
        with out:
            pr = explorer.result
            if pr is None:
                print(label("ex_not_solved", lang))
                return
            print(headline_text(explorer.headline(), lang))
            risk = explorer.at_risk()
            if len(risk):
                print(label("ex_at_risk", lang))
                display(risk)
            if pr.has_schedule:
                fig, ax = plt.subplots(figsize=(10, 5))
                draw_gantt(pr, lang=lang, ax=ax)
                plt.show()
                plt.close(fig)

    def on_solve(_: Any = None) -> None:
        button.disabled = True
        try:
            explorer.solve(controls_from_widgets())
        finally:
            button.disabled = False
        render()

    button.on_click(on_solve)
    money = w.VBox([w.HTML(label("ex_h_funding", lang)), *fund.values(), extra])
    people = w.VBox([w.HTML(label("ex_h_capacity", lang)), insp,
                     w.Accordion(children=[w.VBox(list(agencies.values()))],
                                 titles=(label("ex_agencies", lang),)), accel])
    rules = w.VBox([w.HTML(label("ex_h_deadlines", lang)), shift, hard, tl, button])
    ui = w.VBox([w.HBox([money, people, rules]), out])
    ui.controls_from_widgets = controls_from_widgets
    ui.on_solve = on_solve
    ui.render = render
    ui.output = out
    ui.button = button
    if solve_now:
        on_solve()
    elif explorer.result is not None:
        render()
    return ui
