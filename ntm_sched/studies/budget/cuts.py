"""Budget cuts: communes on time and the district's recognition date per budget level."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from ntm_sched.domain import EXTRA_SOURCE, NtmModel, PlanResult, build, keep_if_valid, solve_model
from ntm_sched.domain.verify import INVALID_STATUS, verify_result
from ntm_sched.engine import Solution, SolveOptions
from ntm_sched.engine.heuristic import lateness_value
from ntm_sched.i18n import label
from ntm_sched.plan import Plan
from ntm_sched.studies.budget.common import commune_names, options_of, own_money_edit, recognition_dates

DEFAULT_LEVELS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)

CUTS_QUESTION = ("every tranche x level, same dates; money the plan lacks only from budget_lab_extra_funding_from; "
                 "soft deadlines; least weighted lateness of the milestones, then least extra money, then cost "
                 "and the district's date")
"""What :func:`budget_cuts` asks at each level (written in every table and summary)."""


def budget_cuts(plan: Plan, levels: Sequence[float] = DEFAULT_LEVELS, options: SolveOptions | None = None, *,
                time_limit: float | None = None, workers: int | None = None, seed: int | None = None,
                horizon_extension_days: int = 365, max_extensions: int = 2) -> pd.DataFrame:
    """Communes on time and the district's recognition date when every tranche is cut to a level.

    Question asked at each level (:data:`CUTS_QUESTION`): every tranche of the plan is
    multiplied by the level (same dates); money missing can only come from the
    ``budget_lab_extra_funding_from`` date on (:func:`~ntm_sched.studies.budget.common.own_money`);
    deadlines are soft; the answer is a lexicographically best schedule (least weighted
    lateness of the milestones, then least extra money, then cost and the district's date) as
    far as the solver proved it: ``status`` and ``gap`` (of the lateness tier,
    ``(lateness - bound) / lateness``) say how far.

    Every level is answered. When no schedule fits before the plan's horizon at some level
    (works waiting for next year's money cannot finish in time) the horizon is extended by
    ``horizon_extension_days`` (at most ``max_extensions`` times in all) and the table says so
    (``horizon_end``); every level is then solved with the same horizon, so the levels stay
    comparable.

    Monotone by construction: levels are solved from the smallest to the largest, each one
    warm-started with the schedule of the level below; that schedule is also valid at the
    higher level (every tranche is at least as large), so it is checked there by the engine's
    checker and kept if it is better than the level's own solve, comparing (communes on time,
    then earlier district recognition, then less extra money). Hence more money never gives
    fewer communes on time, nor (at equal count) a later district date. Every row's schedule
    is a checked schedule of its own level. Bounds are monotone too: the optimum with less
    money is at least the optimum with more, so a level's lateness bound is raised to the best
    bound of the larger levels.

    Every row's schedule, the level's own or carried, is also verified against the level's plan
    by the plan-level verifier: ``verified``; where it disagrees the status is ``INVALID`` and
    ``verifier_findings`` says why, and a schedule it rejects is never carried to another level.

    Returns
    -------
    pandas.DataFrame
        ``level, budget_mvnd, status, lateness, bound, gap, communes_on_time, communes_late,
        late_communes, late_recognition, late_causes, district_recognition_date, extra_needed_mvnd,
        missing_from, horizon_end, source, verified, verifier_findings, question``, largest
        level first.
        ``late_recognition``: each late commune's name and recognition date; ``late_causes``:
        ``code:cause;...`` per late commune, ``out_of_reach`` when no money could make it on time
        under the assumed durations, else ``resources_or_money`` (issue 22); ``missing_from``:
        the date of the first payment of money the plan lacks; ``source``: the level's own
        solve or the level below's schedule.
    """
    opts = options_of(options, time_limit, workers, seed)
    lv = sorted({float(x) for x in levels})
    names = commune_names(plan)
    horizon = dt.date.fromisoformat(str(plan.setting("horizon_end")))

    def level_plan(level: float) -> Plan:
        return (own_money_edit(plan).scale_funding(level)
                .set_settings({"hard_deadlines": False, "horizon_end": horizon.isoformat()}, "budget lab").done())

    def solve_level(level: float, hint: Solution | None) -> tuple[NtmModel, PlanResult]:
        p = level_plan(level)
        model = build(p)
        return model, verify_result(p, solve_model(model, opts, hint=hint))  # checked against the level's plan

    solved: list[tuple[float, NtmModel, PlanResult, str]] = []
    prev: PlanResult | None = None
    extensions = 0
    for level in lv:
        model, own = solve_level(level, prev.result.solution if prev is not None and prev.has_schedule else None)
        while not own.has_schedule and extensions < max_extensions:
            extensions += 1
            horizon = horizon + dt.timedelta(days=horizon_extension_days)
            solved = [(lv_, *solve_level(lv_, None), "own solve") for lv_, *_ in solved]  # same horizon for all
            prev = solved[-1][2] if solved and solved[-1][2].has_schedule else None
            model, own = solve_level(level, prev.result.solution if prev is not None else None)
        chosen, origin = own, "own solve"
        if prev is not None and prev.has_schedule and prev.result.solution is not None:
            carried = keep_if_valid(model, prev.result.solution, runtime_s=own.result.runtime_s)
            if carried is not None:  # checked against the level's plan too, never carried unverified
                carried = verify_result(level_plan(level), carried)
            if carried is not None and carried.status != INVALID_STATUS and (
                    not own.has_schedule or own.status == INVALID_STATUS or _key(carried) > _key(own)):
                carried.result.tiers = list(own.result.tiers)  # the level's own bound
                chosen, origin = carried, f"schedule of level {solved[-1][0]}"
        solved.append((level, model, chosen, origin))
        prev = chosen if chosen.has_schedule else prev
    rows: list[dict[str, Any]] = []
    best_bound: float | None = None
    for level, model, pr, origin in sorted(solved, key=lambda x: -x[0]):
        res = pr.result
        tier = res.tiers[0] if res.tiers else None
        bound = tier.bound if tier is not None else None
        if best_bound is not None and (bound is None or best_bound > bound):
            bound = best_bound  # less money cannot do better than more money
        best_bound = bound if bound is not None else best_bound
        value = float(lateness_value(model.problem, res.solution)) if res.solution is not None else None
        gap = None if value is None or bound is None else (0.0 if value == 0 else max(0.0, (value - bound) / value))
        s = pr.summary
        rec = recognition_dates(pr)
        late = list(s["late_communes"] or []) if pr.has_schedule else None
        extra = [p for p in (res.solution.payments if res.solution is not None else ())
                 if p.source == EXTRA_SOURCE and p.amount > 0]
        status = pr.status if origin == "own solve" else "FEASIBLE"
        if status == "OPTIMAL" and gap:
            status = "FEASIBLE"
        rows.append({
            "level": level,
            "budget_mvnd": float(sum(x.total for x in model.problem.sources if not x.unlimited)),
            "status": status,
            "lateness": value,
            "bound": bound,
            "gap": None if gap is None else round(gap, 4),
            "communes_on_time": s["communes_on_time"], "communes_late": s["communes_late"],
            "late_communes": ";".join(late) if late is not None else None,
            "late_recognition": ("; ".join(f"{names.get(c, c)} {rec[c].isoformat()}" for c in late if c in rec)
                                 if late is not None else None),
            # issue 22: per late commune, out of reach whatever the money, or late for lack of it
            "late_causes": (";".join(f"{c}:{(s.get('late_cause') or {}).get(c) or ''}" for c in late)
                            if late is not None else None),
            "district_recognition_date": s["district_recognition_date"],
            "extra_needed_mvnd": s["extra_funding_mvnd"],
            "missing_from": model.date(min(p.time for p in extra)).isoformat() if extra else None,
            "horizon_end": horizon.isoformat(),
            "source": origin,
            "verified": s.get("verified"),
            "verifier_findings": "; ".join((s.get("verifier_findings") or [])[:3]),
            "question": CUTS_QUESTION,
        })
    return pd.DataFrame(rows).reset_index(drop=True)


def _key(pr: PlanResult) -> tuple[int, int, int]:
    s = pr.summary
    d = s["district_recognition_date"]
    dn = dt.date.fromisoformat(d).toordinal() if d else 10**9
    return (int(s["communes_on_time"] or 0), -dn, -int(s["extra_funding_mvnd"] or 0))


def cuts_are_monotone(df: pd.DataFrame) -> bool:
    """True when less money never gives more communes on time in a :func:`budget_cuts` table."""
    d = df.sort_values("level")
    v = [x for x in d["communes_on_time"] if x is not None and not pd.isna(x)]
    return all(a <= b for a, b in zip(v, v[1:]))


def plot_cuts(df: pd.DataFrame, ax: Any = None, lang: str = "en") -> Any:
    """Bar chart of communes on time per budget level, with the district's recognition date,
    the money still missing and the row's status and gap written on each bar (pale bars: not
    proven optimal). Returns the axes."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    d = df.sort_values("level")
    x = [f"{lv:.0%}" for lv in d["level"]]
    y = [0 if v is None or pd.isna(v) else int(v) for v in d["communes_on_time"]]
    status = list(d["status"]) if "status" in d.columns else ["" for _ in y]
    gaps = list(d["gap"]) if "gap" in d.columns else [None for _ in y]
    bars = ax.bar(x, y, color=["#4c78a8" if st == "OPTIMAL" else "#9ecae9" for st in status])
    for b, date, extra, st, gp in zip(bars, d["district_recognition_date"], d["extra_needed_mvnd"], status, gaps):
        txt = dt.date.fromisoformat(str(date)).strftime("%d/%m/%Y") if date and not pd.isna(date) else "-"
        if extra and not pd.isna(extra) and extra > 0:
            txt += "\n" + label("cuts_extra", lang, amount=int(extra))
        if st == "OPTIMAL":
            txt += "\n" + label("cuts_optimal", lang)
        elif st and gp is not None and not pd.isna(gp):
            txt += "\n" + label("cuts_gap", lang, status=st, gap=float(gp))
        elif st:
            txt += "\n" + str(st)
        ax.annotate(txt, (b.get_x() + b.get_width() / 2, b.get_height()), ha="center", va="bottom", fontsize=7)
    ax.set_xlabel(label("cuts_xlabel", lang))
    ax.set_ylabel(label("cuts_ylabel", lang))
    ax.set_title(label("cuts_title", lang))
    ax.set_ylim(0, max(y + [1]) * 1.3)
    return ax
