"""The group search (:mod:`ntm_sched.engine.groups`) against brute force: every subset of groups checked by a
plain CP-SAT model written here (not the engine's builder), on small hand-made problems with money."""

from __future__ import annotations

import itertools
import random

import pytest
from ortools.sat.python import cp_model

from ntm_sched.engine import Mode, Problem, ProblemError, Resource, Source, Task, Tranche, check
from ntm_sched.engine.groups import FEASIBLE, INFEASIBLE, UNSETTLED, GroupSearch, check_nested
from ntm_sched.engine.stop import StopFlag, stopping

LEVELS = (1.0, 0.8, 0.7)


def scaled_tranches(problem, x: float):
    """Every tranche of every limited source times ``x``, rounded down to whole units (same dates)."""
    import dataclasses
    import math

    return dataclasses.replace(problem, sources=tuple(
        s if s.unlimited else dataclasses.replace(
            s, tranches=tuple(dataclasses.replace(tr, amount=math.floor(tr.amount * x)) for tr in s.tranches))
        for s in problem.sources))


def money_problem(seed: int) -> tuple[Problem, dict[str, tuple[str, ...]]]:
    """Six tasks on one machine, each paid in full at its start from one source released in three tranches
    (1.5 times their cost in all, so that some schedule exists at every level of :data:`LEVELS`);
    every task has a soft due date; groups of one or two tasks."""
    rng = random.Random(seed)
    tasks = []
    for k in range(6):
        d = rng.randint(2, 5)
        tasks.append(Task(f"T{k}", (Mode(d, {"R": 1}, cost=rng.randint(3, 9)),), due=rng.randint(d + 2, 22),
                          tardiness_weight=1, late_weight=1, sources=frozenset({"S"})))
    total = sum(t.modes[0].cost for t in tasks)
    src = Source("S", (Tranche(0, total // 4), Tranche(8, total // 4), Tranche(16, total + 4)))  # > 1.5 x the cost
    problem = Problem(tuple(tasks), resources=(Resource("R", 1),), sources=(src,), horizon=40, advance_share=1.0)
    groups = {"a": ("T0", "T1"), "b": ("T2",), "c": ("T3", "T4"), "d": ("T5",)}
    return problem, groups


def chain(problem: Problem) -> list[Problem]:
    return [scaled_tranches(problem, x) for x in LEVELS]


def plain_feasible(problem: Problem, held: set[str]) -> bool:
    """Brute force: a plain CP-SAT model (one machine, costs paid at the start, releases as a step function)."""
    m = cp_model.CpModel()
    H = problem.horizon
    start, ivs = {}, []
    for t in problem.tasks:
        d = t.modes[0].duration
        start[t.id] = m.new_int_var(0, H - d, f"s{t.id}")
        ivs.append(m.new_fixed_size_interval_var(start[t.id], d, f"i{t.id}"))
        if t.id in held:
            assert t.due is not None
            m.add(start[t.id] + d <= t.due)
    m.add_no_overlap(ivs)
    (src,) = problem.sources
    released = [sum(tr.amount for tr in src.tranches if tr.time <= x) for x in range(H + 1)]
    for i in problem.tasks:
        rel = m.new_int_var(0, max(released), f"rel{i.id}")
        m.add_element(start[i.id], released, rel)
        paid = []
        for j in problem.tasks:
            b = m.new_bool_var(f"b{j.id}{i.id}")
            m.add(start[j.id] <= start[i.id]).only_enforce_if(b)
            m.add(start[j.id] > start[i.id]).only_enforce_if(~b)
            paid.append(j.modes[0].cost * b)
        m.add(sum(paid) <= rel)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30
    st = solver.solve(m)
    assert st in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE), "brute force undecided"
    return st != cp_model.INFEASIBLE


def brute_largest(problem: Problem, groups: dict[str, tuple[str, ...]]) -> tuple[int | None, list[frozenset[str]]]:
    feasible = [frozenset(c) for n in range(len(groups) + 1) for c in itertools.combinations(sorted(groups), n)
                if plain_feasible(problem, {t for g in c for t in groups[g]})]
    if not feasible:
        return None, []
    size = max(len(c) for c in feasible)
    return size, sorted((c for c in feasible if len(c) == size), key=sorted)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_largest_sets_match_brute_force_at_every_level(seed):
    problem, groups = money_problem(seed)
    probs = chain(problem)
    gs = GroupSearch(probs, groups, question_time=10, workers=2, seed=0)
    sizes = []
    for k, p in enumerate(probs):
        ans = gs.largest(k)
        size, largest = brute_largest(p, groups)
        assert size is not None and ans.proven and not ans.unsettled
        assert (ans.size, ans.largest) == (size, largest), f"level {k}"
        for c, sol in ans.solutions.items():
            assert check(p, sol).ok and c <= gs.met(sol)  # each largest set comes with a checked schedule
        sizes.append(ans.size)
    assert sizes == sorted(sizes, reverse=True)  # less money never lets more groups make it


def test_monotone_pruning_carries_answers_between_levels():
    """A set infeasible with more money is answered at a poorer level without a solve; a schedule of a poorer
    level answers the same set at a richer one (re-checked there)."""
    for seed in range(1, 20):
        problem, groups = money_problem(seed)
        probs = chain(problem)
        bad = [frozenset(c) for c in itertools.combinations(sorted(groups), 2)
               if not plain_feasible(probs[0], {t for g in c for t in groups[g]})]
        good = [frozenset(c) for c in itertools.combinations(sorted(groups), 2)
                if plain_feasible(probs[-1], {t for g in c for t in groups[g]})]
        if bad and good:
            break
    else:  # pragma: no cover - the generator always has both within these seeds
        pytest.fail("no seed with a pair infeasible at the top and one feasible at the bottom")
    gs = GroupSearch(probs, groups, question_time=10)
    assert gs.ask(0, bad[0])[0] == INFEASIBLE
    superset = bad[0] | {g for g in groups if g not in bad[0]}
    assert gs.ask(2, superset)[0] == INFEASIBLE
    assert gs.questions[-1].how == "carried"
    answer, sol = gs.ask(2, good[0])
    assert answer == FEASIBLE and sol is not None
    before = len(gs.questions)
    answer, again = gs.ask(0, good[0])
    assert answer == FEASIBLE and gs.questions[before].how == "known" and again is sol
    assert check(probs[0], again).ok
    # and nothing is carried the wrong way: the richer level's infeasible set is not assumed at no level above it
    assert gs.known(0, bad[0]) == (INFEASIBLE, None)


def crowded() -> tuple[list[Problem], dict[str, tuple[str, ...]]]:
    """Nine tasks of 5 days on one machine, all due by day 44: they need 45 days, so holding all is infeasible."""
    tasks = tuple(Task(f"T{k}", (Mode(5, {"R": 1}),), due=44, tardiness_weight=1) for k in range(9))
    p = Problem(tasks, resources=(Resource("R", 1),), horizon=80)
    return [p], {"all": tuple(t.id for t in tasks)}


def test_a_question_out_of_time_is_unsettled_never_guessed():
    probs, groups = crowded()
    gs = GroupSearch(probs, groups, question_time=1e-4, workers=2)
    assert gs.ask(0, {"all"})[0] == UNSETTLED
    ans = gs.largest(0)
    assert ans.size == 0 and not ans.proven and ans.unsettled == [frozenset({"all"})]
    slow = GroupSearch(probs, groups, question_time=20, workers=1)
    assert slow.ask(0, {"all"})[0] == INFEASIBLE
    ans = slow.largest(0)
    assert ans.proven and ans.size == 0


def test_a_stop_request_leaves_the_questions_unsettled():
    problem, groups = money_problem(1)
    flag = StopFlag()
    flag.set()
    with stopping(flag):
        gs = GroupSearch(chain(problem), groups)
        ans = gs.largest(0)
    assert ans.size is None and not ans.proven
    assert {q.how for q in gs.questions} == {"not asked"}


def test_a_chain_that_is_not_nested_is_refused():
    problem, groups = money_problem(1)
    with pytest.raises(ProblemError, match="releases more"):
        check_nested([scaled_tranches(problem, 0.5), problem])
    with pytest.raises(ProblemError, match="unknown task"):
        GroupSearch([problem], {"x": ("nope",)})


def test_the_concerned_tasks_model_and_its_fallback_to_the_whole_problem(monkeypatch):
    """A question is asked on the held tasks and their predecessors (a relaxation); when its schedule cannot be
    completed (here: the schedule generation scheme made to fail), the whole problem is asked. Answers as brute
    force, every schedule checked on the whole problem."""
    import ntm_sched.engine.group_questions as G  # where a question is answered

    problem, groups = money_problem(2)
    probs = chain(problem)
    gs = GroupSearch(probs, groups, question_time=10, workers=2, seed=0)
    reduced = gs.reduced(0, frozenset({"a"}))
    assert {t.id for t in reduced.tasks} == set(groups["a"]) and reduced.horizon <= problem.horizon
    assert all(t.due_hard for t in reduced.tasks)
    monkeypatch.setattr(G, "money_sgs", lambda *a, **k: None)
    seen = set()
    for c in itertools.chain.from_iterable(itertools.combinations(sorted(groups), n) for n in (1, 2)):
        answer, sol = gs.ask(0, frozenset(c))
        assert answer != UNSETTLED
        assert (answer == FEASIBLE) == plain_feasible(probs[0], {t for g in c for t in groups[g]}), c
        seen.add(gs.questions[-1].how)
        if answer == FEASIBLE:
            assert sol is not None and check(probs[0], sol).ok
    assert "asked (whole)" in seen


def test_the_steady_schedule_meets_the_set_is_checked_and_does_not_depend_on_the_seed():
    """:meth:`GroupSearch.steady_schedule`: for each largest set, a schedule meeting it (checked), the same for
    searches made with different seeds."""
    found = 0
    for seed in range(4):
        problem, groups = money_problem(seed)
        probs = chain(problem)
        k = len(probs) - 1
        a = GroupSearch(probs, groups, question_time=10, workers=1, seed=0)
        b = GroupSearch(probs, groups, question_time=10, workers=1, seed=7)
        for s in a.largest(k).largest:
            sol = a.steady_schedule(k, s, 2.0)
            if sol is None:
                continue
            found += 1
            assert check(probs[k], sol).ok and s <= a.met(sol)
            other = b.steady_schedule(k, s, 2.0)
            assert other is not None and other.tasks == sol.tasks
    assert found >= 2
