"""Infeasible hard deadlines with calendars: valid model, INFEASIBLE status, explanation."""

from __future__ import annotations

import time

from ntm_sched.engine import Calendar, Mode, Precedence, Problem, Resource, Status, Task, solve
from ntm_sched.engine.builder import build_model
from ntm_sched.engine.explain import earliest_times


def calendar_deadlines() -> Problem:
    """A on a calendar with a break [4, 6) cannot end by 5 (it ends at 8 at best: 3 + 3 + 2 paused);
    B after A cannot end by 9; C and D compete for one machine: each deadline alone holds, both together not."""
    return Problem(
        tasks=(
            Task("A", (Mode(3, {"M": 0}),), release=3, due=5, due_hard=True, calendar="C"),
            Task("B", (Mode(2),), due=9, due_hard=True, calendar="C"),
            Task("C", (Mode(3, {"M": 1}),), due=3, due_hard=True),
            Task("D", (Mode(3, {"M": 1}),), due=4, due_hard=True),
            Task("E", (Mode(1),), due=40, due_hard=True, calendar="C"),
        ),
        precedences=(Precedence("A", "B"),),
        resources=(Resource("M", 1),),
        calendars=(Calendar("C", ((4, 6), (20, 22))),),
        horizon=40,
    )


def test_earliest_times_follow_calendars():
    es, ee, cyclic = earliest_times(calendar_deadlines())
    assert not cyclic
    assert (es["A"], ee["A"]) == (3, 8)
    assert (es["B"], ee["B"]) == (8, 10)


def test_impossible_calendar_deadline_gives_a_valid_infeasible_model():
    p = calendar_deadlines()
    bm = build_model(p)
    assert bm.model.validate() == ""
    t0 = time.perf_counter()
    r = solve(p, time_limit=5)
    assert r.status == Status.INFEASIBLE
    ex = r.explanation
    assert sorted(ex.names("deadline")) == ["A", "B", "C", "D"]
    assert ex.extra_periods["A"] == 3 and ex.extra_periods["B"] == 1  # from the bounds, no probe needed
    assert ex.extra_periods.get("C", 0) + ex.extra_periods.get("D", 0) == 2
    assert "E" not in ex.extra_periods
    assert ex.names("resource") == ["M"]
    assert "A needs at least +3 periods" in ex.sentence
    assert time.perf_counter() - t0 < 10


def test_every_task_with_impossible_bounds_keeps_the_model_valid():
    # multi-mode task on a calendar, due before release + shortest duration; horizon too short for F
    p = Problem(
        tasks=(
            Task("A", (Mode(3), Mode(2)), release=3, due=4, due_hard=True, calendar="C"),
            Task("F", (Mode(5),), release=2, calendar="C"),
        ),
        calendars=(Calendar("C", ((4, 6),)),),
        horizon=6,
    )
    assert build_model(p).model.validate() == ""
    r = solve(p, time_limit=2)
    assert r.status == Status.INFEASIBLE
    assert r.explanation.names("structure") == ["problem"]
    assert "horizon" in r.explanation.sentence


def test_infeasibility_proven_without_search_is_answered_at_any_time_limit():
    from ntm_sched.engine import Source, Tranche
    from ntm_sched.engine.explain import infeasible_without_search

    # deadline before the earliest end
    p = calendar_deadlines()
    assert "hard deadline(s) earlier than the earliest possible end" in infeasible_without_search(p)
    # a task that cannot end by the horizon
    long = Problem(tasks=(Task("L", (Mode(50),)),), horizon=40)
    assert "cannot end by the horizon 40" in infeasible_without_search(long)
    # money short whatever the schedule: 100 of works, 60 released
    poor = Problem(tasks=(Task("W", (Mode(2, cost=100),)),), sources=(Source("s", (Tranche(0, 60),)),),
                   horizon=40)
    assert "cost at least 100" in infeasible_without_search(poor)
    # feasible problems are not claimed infeasible
    ok = Problem(tasks=(Task("W", (Mode(2, cost=60),)),), sources=(Source("s", (Tranche(0, 60),)),), horizon=40)
    assert infeasible_without_search(ok) is None
    # the solve says INFEASIBLE even with no time to search (no UNKNOWN under load)
    for prob in (long, poor):
        res = solve(prob, time_limit=0.001, explain=False)
        assert res.status == Status.INFEASIBLE and res.notes[0].startswith("infeasible without search")


def test_a_break_covering_the_horizon_is_named() -> None:
    from ntm_sched.engine import Calendar, Mode, Problem, Task, solve

    p = Problem(tasks=(Task("a", (Mode(3),), calendar="site"), Task("b", (Mode(2),))),
                calendars=(Calendar("site", ((0, 40),)),), horizon=20)
    res = solve(p, time_limit=2, workers=1, seed=0)
    assert res.status.value == "INFEASIBLE"
    cal = [i for i in res.explanation.items if i.kind == "calendar"]
    assert [(i.name, i.periods) for i in cal] == [("site", (0, 40))]
    assert "calendar site: break [0, 40) covers the whole horizon" in res.explanation.sentence


def test_a_money_shortfall_searches_only_the_sources_that_could_end_it(monkeypatch) -> None:
    """Money short whatever the schedule: a machine, a spending budget and a source the works may not use
    leave it short when dropped (the proof without search stands), so only the source that pays the works is
    searched, and it is the one named."""
    import ntm_sched.engine.explain as E
    from ntm_sched.engine import Budget, Source, Tranche

    poor = Problem(tasks=(Task("W", (Mode(2, {"M": 1}, cost=100, nonrenewable={"B": 1}),), sources=("s",)),
                          Task("V", (Mode(1, cost=0),), sources=("t",))),
                   sources=(Source("s", (Tranche(0, 60),)), Source("t", (Tranche(0, 500),))),
                   resources=(Resource("M", 1),), budgets=(Budget("B", 5),), horizon=40)
    relaxed = []
    real = E._feasible

    def counting(problem, core, time_limit, opts, relax=frozenset()):
        relaxed.append(sorted(relax))
        return real(problem, core, time_limit, opts, relax)

    monkeypatch.setattr(E, "_feasible", counting)
    expl = E.explain_infeasibility(poor)
    assert relaxed == [[("source", "s")]]
    assert [(i.kind, i.name) for i in expl.items if i.kind in ("source", "resource", "budget")] == [("source", "s")]
    assert "cost at least 100" in expl.sentence


def test_a_deterministic_solves_explanation_searches_on_its_clock(monkeypatch) -> None:
    """In a deterministic solve every search of the explanation is limited in deterministic time (a wall-clock
    limit beside it only as the safety net), so that the explanation, like the answer, is the same at any load;
    and it names the two deadlines that cannot both hold."""
    import math

    from ortools.sat.python import cp_model

    from ntm_sched.engine import SolveOptions

    limits = []
    real = cp_model.CpSolver.solve

    def recording(self, model, *args, **kwargs):
        limits.append(self.parameters.max_deterministic_time)
        return real(self, model, *args, **kwargs)

    problem = calendar_deadlines()
    monkeypatch.setattr(cp_model.CpSolver, "solve", recording)
    res = solve(problem, SolveOptions(deterministic=True, time_limit=2.0, workers=1, seed=0))
    assert res.status == Status.INFEASIBLE and res.explanation is not None
    assert len(limits) >= 2 and all(math.isfinite(x) and x > 0 for x in limits), limits
    assert {"C", "D"} <= {i.name for i in res.explanation.items if i.kind == "deadline"}
    again = solve(problem, SolveOptions(deterministic=True, time_limit=2.0, workers=1, seed=0))
    assert again.explanation.sentence == res.explanation.sentence
