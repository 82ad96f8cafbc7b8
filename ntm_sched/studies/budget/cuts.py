"""Budget cuts: communes on time and the district's recognition date per budget level."""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ntm_sched.domain import (
    DISTRICT,
    EXTRA_SOURCE,
    MILESTONES,
    NtmModel,
    build,
    keep_if_valid,
    on_time_table,
    solve_model,
)
from ntm_sched.domain.tables import PlanResult
from ntm_sched.domain.verify import INVALID_STATUS, verify_result
from ntm_sched.engine import SolveOptions
from ntm_sched.engine.groups import FEASIBLE, GroupSearch, LevelAnswer, Question
from ntm_sched.engine.heuristic import lateness_value
from ntm_sched.engine.lateness_search import lateness_search
from ntm_sched.engine.result import Solution
from ntm_sched.engine.stop import StopFlag, stopping
from ntm_sched.errors import Cancelled
from ntm_sched.plan import Plan
from ntm_sched.studies.budget.common import (
    commune_names,
    not_recognised,
    options_of,
    own_money_edit,
    recognition_dates,
)
from ntm_sched.studies.budget.cuts_table import CUTS_COLUMNS
from ntm_sched.studies.budget.cuts_work import (
    CANONICAL_WALL,
    GUIDED_TIME,
    JOINT_BOUND_TIME,
    LNS_MOVE_WORK,
    LNS_PARALLEL,
    LNS_WORK,
    METHODS,
    NO_WARM_SEARCH,
    STEADY_WORK,
    STEP2_SEED,
    THOROUGH_BOUND_TIME,
    THOROUGH_SIDE_BY_SIDE,
    THOROUGH_TIMES_WORK,
)

DEFAULT_LEVELS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)

CUTS_QUESTION = ("every tranche x level, same dates; money the plan lacks only from budget_lab_extra_funding_from; "
                 "1) the largest sets of communes (and the district) that can meet every targeted milestone of their "
                 "recognition chain together, searched exactly over sets; 2) with the set shown held, the least "
                 "weighted lateness of the other milestones; 3) then least extra money, then cost and the district's "
                 "date")
"""What :func:`budget_cuts` asks at each level (written in every table and summary)."""

SET_CHOICE = ("of several largest sets the one shown is the first in the plan's order of commune codes; "
              "the others are listed in other_largest")
"""How the set shown is chosen when several sets of communes share the largest size."""

PROVEN, UNSETTLED_SETS = "proven", "unsettled"


@dataclass
class CutsProgress:
    """What :func:`budget_cuts` is doing, passed to its ``progress`` callback.

    Attributes
    ----------
    level_index, levels
        The level being answered (1-based) and how many there are.
    level
        Its share of the money.
    phase
        ``"search"`` (which communes can make it), ``"solve"`` (lateness of the others, cost and dates)
        or ``"done"``. Every level is searched first (richest first, then once more for a level left
        unsettled), then every level is solved.
    questions
        Feasibility questions answered so far at this level.
    elapsed_s
        Seconds since :func:`budget_cuts` began.
    solved
        Levels whose steps 2 and 3 are done (in the thorough mode two levels are solved side by side, the poorest
        first, so the levels do not finish in their order).
    """

    level_index: int
    levels: int
    level: float
    phase: str
    questions: int
    elapsed_s: float
    solved: int = 0


def cut_groups(model: NtmModel, plan: Plan) -> dict[str, tuple[str, ...]]:
    """Commune code (and ``DISTRICT``) -> the engine tasks of its chain milestones that carry a target date.

    These are the milestones of the project's one definition of *on time*
    (:func:`ntm_sched.domain.on_time_table`), for every commune not yet recognised and for the district.
    """
    owners = set(not_recognised(plan)) | {DISTRICT}
    out: dict[str, list[str]] = {}
    for t in model.problem.tasks:
        inf = model.info[t.id]
        if t.due is not None and inf.milestone in MILESTONES and inf.commune_code in owners:
            out.setdefault(inf.commune_code, []).append(t.id)
    order = {c: k for k, c in enumerate([*not_recognised(plan), DISTRICT])}
    return {c: tuple(out[c]) for c in sorted(out, key=lambda c: order[c])}


def budget_cuts(plan: Plan, levels: Sequence[float] = DEFAULT_LEVELS, options: SolveOptions | None = None, *,
                time_limit: float | None = None, workers: int | None = None, seed: int | None = None,
                search_time: float = 30.0, question_time: float = 6.0, bound_time: float = JOINT_BOUND_TIME,
                guided_time: float = GUIDED_TIME, lns_work: float = LNS_WORK, thorough: bool = False,
                horizon_extension_days: int = 365, max_extensions: int = 2,
                progress: Callable[[CutsProgress], None] | None = None, stop: StopFlag | None = None,
                search: list[GroupSearch] | None = None) -> pd.DataFrame:
    """Per budget level: the largest sets of communes that can still make every targeted milestone, proven.

    Question asked at each level (:data:`CUTS_QUESTION`): every tranche of the plan is multiplied
    by the level (same dates); money missing can only come from the ``budget_lab_extra_funding_from``
    date on (:func:`~ntm_sched.studies.budget.common.own_money`). Then, in order:

    1. **Which communes can make it.** The largest sets of communes (and the district) that can meet
       every targeted milestone of their chain together (:func:`cut_groups`), searched exactly over
       sets by :class:`~ntm_sched.engine.groups.GroupSearch`: each set is a feasibility question the
       engine settles with a checked schedule, a relaxation's proof (:mod:`ntm_sched.engine.relaxation`:
       earliest dates, money released in time) or a CP-SAT proof, or reports unsettled (never guessed).
       The levels form a nested chain (less money releases less by every date), so a set infeasible
       at a level is infeasible at every lower level and a schedule of a lower level is re-checked
       and reused at every higher one. ``set_status`` is ``proven`` when every set of that size or
       larger was settled; otherwise ``unsettled_sets`` names the sets left open (a larger set, or
       another set of that size, may be feasible). Several largest sets: :data:`SET_CHOICE`.
    2. **The others.** With the set shown held (its milestones as hard deadlines), the least weighted
       lateness of every other milestone: ``lateness``, ``bound``, ``gap``, ``status``. The bound is the
       larger of the solve's and :func:`~ntm_sched.engine.joint_bound.joint_lateness_bound`'s (the late
       milestones together against the money, with its cuts; :data:`JOINT_BOUND_TIME`); the relaxation's
       times, when the money allows them, guide a first schedule (:func:`~ntm_sched.engine.guided.guided_schedule`,
       :data:`GUIDED_TIME`; otherwise the bound's rounds take those units).
       Beside them, the chain LNS (:func:`~ntm_sched.engine.chain_lns.chain_lns`: the late
       communes' chains re-solved with the rest held, money free) improves a schedule of the set found the same
       way on every seed (:meth:`~ntm_sched.engine.groups.GroupSearch.steady_schedule`, :data:`STEADY_WORK`,
       which the guided schedule's second pattern is hinted with too) for as much work; the chain LNS then goes on
       from the better of the two (:data:`LNS_WORK`, :func:`~ntm_sched.engine.lateness_search.lateness_search`).
       The better of its schedule and the set search's own is hinted to the solve, which starts beside that last
       LNS on its start (``then`` of :func:`~ntm_sched.engine.lateness_search.lateness_search`: the same answer as
       after it, sooner). Step 2 runs on one CP-SAT
       worker per step, seed :data:`STEP2_SEED`, on deterministic time: its answer does not depend on ``seed``,
       ``workers`` or the machine's load (only on the level's problem; on the set search's schedule only when no
       steady schedule was found, or when that one is better).
    3. **Money, cost and dates** as in every solve (the engine's later tiers, canonical schedule).

    ``thorough`` (``method`` ``thorough``): step 2's bound gets :data:`THOROUGH_BOUND_TIME` units instead of
    ``bound_time``, its rounds going on until they end on times the money allows, and a schedule generated in the
    order of those times, after its own chain LNS (:data:`THOROUGH_TIMES_WORK`), is one more start of the last
    chain LNS: proven or within a few per cent where the standard table leaves gaps of 10-25 %, in minutes per level
    instead of seconds. The chain LNS beside the bound keeps its ``bound_time + guided_time`` units; step 1 and 3 are
    the same.

    Time per level: ``search_time`` seconds for step 1 (each question at most ``question_time``, the unsettled ones
    retried with twice the time while it lasts), plus what the richer levels left (at most ``search_time`` more); once
    every level is searched, the levels left unsettled are searched again with the time left (at most ``search_time``
    each), the poorer levels' schedules and infeasible sets then known. Step 1 runs at every level before steps 2 and 3.
    Steps 2 and 3 take ``bound_time`` + ``guided_time`` units of CP-SAT's deterministic time on one thread and as
    many per worker for the chain LNS beside it (two moves side by side), then ``lns_work`` units per worker
    (:data:`JOINT_BOUND_TIME`, :data:`GUIDED_TIME`, :data:`LNS_WORK`; about seconds on an idle machine), then
    ``options.time_limit`` units (one lexicographic solve, hinted with the LNS's schedule or the set's, its warm start
    without searches: :data:`NO_WARM_SEARCH`). The horizon is
    the plan's extended by ``horizon_extension_days`` (the works outside the set need only to finish: the question is
    about the dated milestones), the same for every level and every run; when not even then a schedule is found at the
    lowest level, it is extended again (at most ``max_extensions`` times in all) for every level (``horizon_end``).

    ``progress`` is called with a :class:`CutsProgress` after every question and phase; ``stop``
    (a :class:`~ntm_sched.engine.stop.StopFlag`) stops the search between questions and the engine's
    solves within a fraction of a second; a stopped run raises :class:`~ntm_sched.errors.Cancelled`.
    ``search`` (a list) receives the :class:`GroupSearch` used (for its question log).

    Every row's schedule is checked by the engine's checker and verified against the level's plan
    (``verified``; ``INVALID`` where the plan-level verifier disagrees, or where the schedule meets more
    groups than a proven search allows).

    Returns
    -------
    pandas.DataFrame
        One row per level, largest first, with :data:`CUTS_COLUMNS`.
    """
    opts = options_of(options, time_limit, workers, seed)
    lv = sorted({float(x) for x in levels}, reverse=True)
    if not lv:
        raise ValueError("budget_cuts: no level")
    names = commune_names(plan)
    # the question is about the dated milestones; the other works need only to finish, so the horizon is the
    # plan's a year later, for every level and run alike (a horizon that depended on whether a first solve
    # found a schedule in time would change the answer from run to run)
    horizon = dt.date.fromisoformat(str(plan.setting("horizon_end"))) + dt.timedelta(days=horizon_extension_days)
    t_start = time.perf_counter()

    def level_plan(level: float, end: dt.date) -> Plan:
        return (own_money_edit(plan).scale_funding(level)
                .set_settings({"hard_deadlines": False, "horizon_end": end.isoformat()}, "budget lab").done())

    solved: list[int] = []

    def tell(k: int, phase: str, questions: int) -> None:
        if progress is not None:
            progress(CutsProgress(k + 1, len(lv), lv[k], phase, questions, time.perf_counter() - t_start,
                                  len(solved)))

    counter = {"n": 0, "k": 0}

    def on_question(q: Question) -> None:
        counter["n"] += 1
        tell(counter["k"], "search", counter["n"])

    with stopping(stop):
        extensions = 0
        while True:
            plans = [level_plan(x, horizon) for x in lv]
            models = [build(p) for p in plans]
            groups = cut_groups(models[0], plan)
            gs = GroupSearch([m.problem for m in models], groups, question_time=question_time,
                             workers=opts.workers, seed=opts.seed, progress=on_question)
            empty, _ = gs.ask(len(lv) - 1, frozenset(), max(question_time, 10.0))  # anything at all at the lowest
            if empty == FEASIBLE or extensions + 1 >= max_extensions or _stopped(stop):
                break
            extensions += 1
            horizon = horizon + dt.timedelta(days=horizon_extension_days)
        if search is not None:
            search.append(gs)
        # step 1 at every level, richest first; a level that settles early leaves its time to the next one
        answers: list[LevelAnswer] = []
        spent: list[float] = []
        pool = 0.0
        for k, level in enumerate(lv):
            if _stopped(stop):
                raise Cancelled(f"budget cuts cancelled at level {level:g} ({k + 1} of {len(lv)})")
            counter["k"], counter["n"] = k, 0
            tell(k, "search", 0)
            budget = search_time + min(pool, search_time)
            t0 = time.perf_counter()
            answers.append(gs.largest(k, time_budget=budget))
            spent.append(time.perf_counter() - t0)
            pool += search_time - spent[-1]
        # a second pass over the levels left unsettled, with the time the others left: the poorer levels'
        # schedules (re-checked here) and infeasible sets (carried) are known now
        for k in range(len(lv)):
            if answers[k].proven or pool < 1.0 or _stopped(stop):
                continue
            counter["k"], counter["n"] = k, len(answers[k].questions)
            tell(k, "search", counter["n"])
            t0 = time.perf_counter()
            again = gs.largest(k, time_budget=min(pool, search_time))
            took = time.perf_counter() - t0
            pool -= took
            spent[k] += took
            again.questions = answers[k].questions + again.questions
            answers[k] = again

        def row_of(k: int) -> dict[str, Any]:
            if _stopped(stop):
                raise Cancelled(f"budget cuts cancelled at level {lv[k]:g} ({k + 1} of {len(lv)})")
            tell(k, "solve", len(answers[k].questions))
            row = _level_row(plans[k], models[k], gs, answers[k], lv[k], horizon, names, opts, spent[k],
                             bound_time, guided_time, lns_work, thorough)
            if _stopped(stop):  # stopped while this level was solved: its answer is cut short, not given
                raise Cancelled(f"budget cuts cancelled at level {lv[k]:g} ({k + 1} of {len(lv)})")
            solved.append(k)
            tell(k, "done", len(answers[k].questions))
            return row

        if not thorough:
            rows = [row_of(k) for k in range(len(lv))]
        else:  # the poorest levels first, side by side (THOROUGH_SIDE_BY_SIDE); the rows in the levels' order
            with ThreadPoolExecutor(THOROUGH_SIDE_BY_SIDE) as levels_pool:
                jobs = {k: levels_pool.submit(contextvars.copy_context().run, row_of, k)
                        for k in reversed(range(len(lv)))}
                rows = [jobs[k].result() for k in range(len(lv))]
    return pd.DataFrame(rows, columns=CUTS_COLUMNS).reset_index(drop=True)


def _stopped(stop: StopFlag | None) -> bool:
    return stop is not None and stop.is_set()


def _names_of(codes: Sequence[str] | frozenset[str], names: dict[str, str], order: Sequence[str]) -> str:
    pos = {c: k for k, c in enumerate(order)}
    return ", ".join(names.get(c, c) for c in sorted(codes, key=lambda c: pos.get(c, len(pos))))


def _level_row(level_plan: Plan, model: NtmModel, gs: GroupSearch, ans: LevelAnswer, level: float,
               horizon: dt.date, names: dict[str, str], opts: SolveOptions, search_s: float,
               bound_time: float = JOINT_BOUND_TIME, guided_time: float = GUIDED_TIME,
               lns_work: float = LNS_WORK, thorough: bool = False) -> dict[str, Any]:
    """Steps 2 and 3 at one level (the set shown held hard) and the level's row."""
    order = list(gs.groups)
    pos = {c: k for k, c in enumerate(order)}
    largest = sorted(ans.largest, key=lambda c: sorted(pos[x] for x in c))
    chosen = largest[0] if largest else None
    row: dict[str, Any] = {c: None for c in CUTS_COLUMNS}
    row.update(level=level, horizon_end=horizon.isoformat(), question=CUTS_QUESTION, questions=len(ans.questions),
               search_s=round(search_s, 1), source="own solve", method=METHODS[thorough],
               budget_mvnd=float(sum(x.total for x in model.problem.sources if not x.unlimited)),
               set_status=PROVEN if ans.proven else UNSETTLED_SETS, set_size=ans.size,
               unsettled_sets=" | ".join(_names_of(c, names, order) for c in ans.unsettled) or None)
    if chosen is None:
        row.update(status="UNKNOWN", verified=None, verifier_findings="")
        return row
    row.update(on_time_set=";".join(sorted(chosen, key=lambda c: pos[c])),
               on_time_names=_names_of(chosen, names, order),
               other_largest=" | ".join(_names_of(c, names, order) for c in largest[1:]) or None)
    held = {t for g in chosen for t in gs.groups[g]}
    problem = dataclasses.replace(model.problem, tasks=tuple(
        dataclasses.replace(t, due_hard=True) if t.id in held else t for t in model.problem.tasks))
    t0 = time.perf_counter()
    held_model = model.with_problem(problem)
    # the relaxation's bound (the late milestones together against the money, no agencies): often above the
    # solve's, whose bound ignores most of the money; its times guide a first schedule (the deadlines they meet
    # held); the chain LNS's schedule is hinted to the solve when better than the set's own
    hint = ans.solutions[chosen]
    # a schedule of the set found the same way on every seed (the set search's comes from a race), else the set's
    steady = gs.steady_schedule(ans.level, chosen, STEADY_WORK) or hint
    fixed = opts.with_(seed=STEP2_SEED).counting_work()
    set_hint = hint

    def final_solve(better: Solution) -> tuple[Solution, PlanResult]:
        # the solve on the same clock (one worker, seed STEP2_SEED, ``time_limit`` units of deterministic time), its
        # warm start the hint completed (no pattern search or deadline LNS: NO_WARM_SEARCH): a function of ``better``
        # alone, so lateness_search may start it beside its last LNS (its ``then``)
        hint = better if lateness_value(problem, better) < lateness_value(problem, set_hint) else set_hint
        return hint, solve_model(held_model, fixed.with_(
            explain=False, canonical_wall=min(opts.canonical_wall, CANONICAL_WALL), pattern_search=NO_WARM_SEARCH,
            deadline_lns=NO_WARM_SEARCH), hint=hint)

    # side by side: the bound then the guided schedule, and the chain LNS from the steady schedule for as much work;
    # then the chain LNS from the better of the two (all on one worker each, seed STEP2_SEED, deterministic time),
    # the final solve beside it (started on its start, again on its schedule if it improves)
    found = lateness_search(problem, gs.relaxation(ans.level), gs.deadlines(chosen), gs.groups, steady, fixed,
                            bound_work=THOROUGH_BOUND_TIME if thorough else bound_time, guided_work=guided_time,
                            early_work=bound_time + guided_time, lns_work=lns_work, seed=STEP2_SEED,
                            move_work=LNS_MOVE_WORK, parallel=LNS_PARALLEL, early_parallel=LNS_PARALLEL,
                            times_work=THOROUGH_TIMES_WORK if thorough else 0.0, then=final_solve)
    own = found.bound
    hint, pr = found.then
    if not pr.has_schedule or (pr.result.solution is not None and lateness_value(problem, hint)
                               < lateness_value(problem, pr.result.solution)):
        # the solve found none, or a later one than the guided (or the set's) schedule: that one (checked) answers,
        # with the solve's status and bounds said
        kept = keep_if_valid(held_model, hint, runtime_s=pr.result.runtime_s)
        if kept is not None:
            kept.result.tiers = list(pr.result.tiers)
            pr = kept
    pr = verify_result(level_plan, pr)
    row["solve_s"] = round(time.perf_counter() - t0, 1)
    res = pr.result
    tier = res.tiers[0] if res.tiers else None
    if res.solution is None:
        row.update(status=pr.status, verified=pr.summary.get("verified"),
                   verifier_findings="; ".join((pr.summary.get("verifier_findings") or [])[:3]))
        return row
    value = float(lateness_value(problem, res.solution))
    bound = tier.bound if tier is not None else None
    bound = own if bound is None else max(float(bound), float(own))
    gap = None if bound is None else (0.0 if value == 0 else max(0.0, (value - bound) / value))
    status = pr.status
    if status == "OPTIMAL" and gap:
        status = "FEASIBLE"
    findings = list(pr.summary.get("verifier_findings") or [])
    if own > value:  # a lower bound above a checked schedule's value: the relaxation would be wrong
        findings.append(f"the relaxation's lateness bound {own} is above the schedule's {value:g}")
    met = gs.met(res.solution)
    if not chosen <= met:
        findings.append(f"the schedule misses a milestone of the set held: {sorted(chosen - met)}")
    if ans.proven and len(met) > (ans.size or 0):
        findings.append(f"the schedule meets {len(met)} groups, more than the proven largest set ({ans.size})")
    if findings:
        status = INVALID_STATUS
    s = pr.summary
    ot = on_time_table(pr.milestones)
    late = ot[~ot["on_time"].astype(bool)]
    rec = recognition_dates(pr)
    extra = [p for p in res.solution.payments if p.source == EXTRA_SOURCE and p.amount > 0]
    by_month: dict[str, int] = {}
    for p in sorted(extra, key=lambda p: p.time):
        key = model.date(p.time).strftime("%Y-%m")
        by_month[key] = by_month.get(key, 0) + int(p.amount)
    row.update(
        status=status, lateness=value, bound=bound, gap=None if gap is None else round(gap, 4),
        communes_on_time=s["communes_on_time"], communes_late=s["communes_late"],
        late_communes=";".join(late["commune_code"].astype(str)),
        late_detail="; ".join(f"{names.get(str(r.commune_code), r.commune_code)}: {int(r.days_late)} d, "
                              f"{r.first_missed}" for r in late.itertuples()),
        late_detail_codes=";".join(f"{r.commune_code}:{int(r.days_late)}:{r.first_missed}" for r in late.itertuples()),
        late_recognition="; ".join(f"{names.get(c, c)} {rec[c].isoformat()}" for c in late["commune_code"].astype(str)
                                   if c in rec),
        # issue 22: per late commune, out of reach whatever the money, or late for lack of it
        late_causes=";".join(f"{c}:{(s.get('late_cause') or {}).get(c) or ''}"
                             for c in late["commune_code"].astype(str)) or None,
        district_on_time=DISTRICT in met,
        district_recognition_date=s["district_recognition_date"],
        extra_needed_mvnd=s["extra_funding_mvnd"],
        missing_from=model.date(min(p.time for p in extra)).isoformat() if extra else None,
        missing_by_month="; ".join(f"{m}: {v}" for m, v in by_month.items()) or None,
        verified=False if findings else s.get("verified"),
        verifier_findings="; ".join(findings[:3]),
    )
    return row
