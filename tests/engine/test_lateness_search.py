"""The bound and the schedule searched side by side (:mod:`ntm_sched.engine.lateness_search`): the bound is below
the schedule's lateness, the schedule is checked and never later than the start, and the answer is the same twice."""

from __future__ import annotations

from ntm_sched.engine import SolveOptions, check
from ntm_sched.engine.heuristic import lateness_value, money_sgs
from ntm_sched.engine.lateness_search import lateness_search
from ntm_sched.engine.relaxation import Relaxation

from .test_chain_lns import _dated, _groups
from .test_joint_bound import _two_payers


def _search(p, start, early_parallel=1):  # type: ignore[no-untyped-def]
    opts = SolveOptions().with_(workers=1, seed=0).counting_work()
    return lateness_search(p, Relaxation(p), {}, _groups(p), start, opts, bound_work=1.0, guided_work=0.5,
                           early_work=1.0, lns_work=1.0, seed=0, move_work=0.5, early_parallel=early_parallel)


def test_bound_below_the_schedule_checked_and_the_same_twice():
    seen = 0
    for seed, early_parallel in ((1, 1), (4, 2), (7, 1), (9, 2)):
        p = _dated(seed)
        start = money_sgs(p, seed=0)
        if start is None or not check(p, start).ok:
            continue
        seen += 1
        a, b = _search(p, start, early_parallel), _search(p, start, early_parallel)
        value = lateness_value(p, a.schedule)
        assert check(p, a.schedule).ok and value <= lateness_value(p, start)
        assert 0 <= a.bound <= value
        assert (a.bound, a.schedule.tasks, a.early.after, a.late.after) == (b.bound, b.schedule.tasks, b.early.after,
                                                                          b.late.after)
        assert a.late.before == min(a.early.after, lateness_value(p, a.guided) if a.guided else a.early.after)
    assert seen >= 2


def test_the_money_cut_bound_and_the_optimum_on_two_payers():
    p = _two_payers()
    start = money_sgs(p, seed=0)
    assert start is not None and check(p, start).ok
    found = _search(p, start)
    assert found.bound == 4 and lateness_value(p, found.schedule) == 4  # the optimum (test_joint_bound), proven


def test_then_answers_on_the_schedule_returned_also_when_phase_2_improves():
    from ntm_sched.engine import solve

    opts = SolveOptions().with_(workers=1, seed=0, time_limit=0.3, explain=False).counting_work()
    restarted = set()
    # without phase 1's LNS, phase 2 improves the start: the answer started ahead is dropped; with it (seed 9), the
    # runs start in phase 1 on each schedule it keeps, the last one is phase 2's start and its answer is kept
    for seed, early_work in ((1, 0.2), (7, 0.0), (9, 0.2)):
        p = _dated(seed)
        start = money_sgs(p, seed=0)
        if start is None or not check(p, start).ok:
            continue

        def then(schedule, p=p):  # type: ignore[no-untyped-def]
            # a function of its argument alone: a solve on deterministic time hinted with it
            res = solve(p, options=opts, hint=schedule)
            return lateness_value(p, schedule), res.objective, res.status

        found = lateness_search(p, Relaxation(p), {}, _groups(p), start,
                                SolveOptions().with_(workers=1, seed=0).counting_work(), bound_work=0.2,
                                guided_work=0.1, early_work=early_work, lns_work=0.5, seed=0, move_work=0.1,
                                then=then)
        assert found.then == then(found.schedule), seed
        assert found.ahead and found.then_runs >= 1 + found.late.kept, seed
        restarted.add(("phase 2 kept a move", found.late.kept > 0))
        restarted.add(("started in phase 1", found.then_runs > 1 + found.late.kept))
    # every way: the first run's answer kept, runs dropped when phase 2 kept a move, runs started in phase 1
    assert restarted == {(w, b) for w in ("phase 2 kept a move", "started in phase 1") for b in (True, False)}


def test_the_schedule_from_the_converged_times_is_one_more_start_and_the_same_twice():
    import dataclasses

    opts = SolveOptions().with_(workers=1, seed=0).counting_work()
    used = 0
    for seed in range(12):
        p = _dated(seed)
        start = money_sgs(p, seed=0)
        if start is None or not check(p, start).ok:
            continue
        # one dated task held hard at the start's end: its chain is pinned where the start has it
        held = min((t for t in p.tasks if t.due is not None), key=lambda t: t.id)
        due = max(int(held.due), start.tasks[held.id].end)  # type: ignore[arg-type]
        hard = dataclasses.replace(p, tasks=tuple(dataclasses.replace(t, due=due, due_hard=True) if t is held else t
                                                  for t in p.tasks))
        runs = [lateness_search(hard, Relaxation(p), {held.id: due}, _groups(hard), start, opts, bound_work=2.0,
                                guided_work=0.0, early_work=0.0, lns_work=0.0, seed=0, move_work=0.5,
                                times_work=work) for work in (1.0, 1.0, 0.0)]
        a, b, without = runs
        assert without.generated is None and without.generated_log is None
        assert (a.bound, a.schedule.tasks) == (b.bound, b.schedule.tasks)
        if a.generated is None:
            continue
        used += 1
        # generated with the held chain pinned (tests/engine/test_guided.py), then moved by its own chain LNS
        assert check(hard, a.generated).ok and a.generated_log is not None, seed
        value = lateness_value(hard, a.schedule)
        assert check(hard, a.schedule).ok and a.bound <= value <= min(lateness_value(hard, a.generated),
                                                                      lateness_value(hard, start)), seed
        assert a.late.before == min(lateness_value(hard, start), lateness_value(hard, a.generated)), seed
    assert used >= 3
