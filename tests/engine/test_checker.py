"""The independent checker detects every class of violation."""

from __future__ import annotations

import dataclasses

import pytest

from ntm_sched.engine import (
    Budget,
    CheckReport,
    Payment,
    Solution,
    Source,
    TaskSchedule,
    Tranche,
    Violation,
    check,
)
from ntm_sched.engine.result import CheckError
from tests.engine.engine_helpers import small_problem


def with_task(sol: Solution, tid: str, start: int, end: int, mode: int = 0, repay: bool = True) -> Solution:
    """Move a task and (optionally) its payments along."""
    old = sol.tasks[tid]
    tasks = dict(sol.tasks)
    tasks[tid] = TaskSchedule(tid, start, end, mode)
    pays = []
    for p in sol.payments:
        if p.task_id == tid and repay:
            p = dataclasses.replace(p, time=start if p.time == old.start else end)
        pays.append(p)
    return Solution(tasks, tuple(pays))


def test_valid_solution_passes(problem, solution):
    rep = check(problem, solution)
    assert rep.ok, str(rep)
    assert rep.raise_if_failed() is rep


def test_precedence_with_lag(problem, solution):
    rep = check(problem, with_task(solution, "B", 7, 9))  # FS lag 1 needs B >= 8
    assert rep.kinds() == {"precedence"}
    assert rep.violations[0].task == "B"
    with pytest.raises(CheckError, match="precedence"):
        rep.raise_if_failed()


def test_capacity(problem, solution):
    rep = check(problem, with_task(solution, "C", 3, 4))  # A uses 2 of 2 there
    assert rep.kinds() == {"capacity"}
    assert (rep.violations[0].resource, rep.violations[0].period) == ("R", 3)


def test_capacity_profile(problem, solution):
    rep = check(problem, with_task(solution, "B", 9, 11))  # capacity 0 in [10, 12)
    assert rep.kinds() == {"capacity"}
    assert rep.violations[0].period == 10


def test_start_in_break_rejected(problem, solution):
    rep = check(problem, with_task(solution, "A", 4, 9))
    assert "calendar" in rep.kinds()


def test_pause_not_applied_is_a_duration_error(problem, solution):
    rep = check(problem, with_task(solution, "A", 2, 5))  # spans the break: must end at 7
    assert "duration" in rep.kinds()


def test_budget(solution):
    rep = check(small_problem(budgets=(Budget("N", 4),)), solution)
    assert rep.kinds() == {"budget"}


def test_overdrawn_source(solution):
    p = small_problem(sources=(Source("S", (Tranche(0, 2), Tranche(3, 20))), Source("X", unlimited=True)))
    rep = check(p, solution)
    assert rep.kinds() == {"source"}
    assert (rep.violations[0].source, rep.violations[0].period) == ("S", 2)


def test_wrong_instalment(problem, solution):
    pays = list(solution.payments)
    pays[0] = Payment("A", "S", 2, 2)  # advance must be floor(0.3 * 10) = 3
    pays[1] = Payment("A", "S", 7, 8)
    rep = check(problem, Solution(solution.tasks, tuple(pays)))
    assert rep.kinds() == {"payment"}
    assert [v.message for v in rep.violations] == ["task 'A': advance paid 2 at start 2, should be 3",
                                                   "task 'A': remainder paid 8 at end 7, should be 7"]


def test_payment_at_wrong_time_and_source(problem, solution):
    pays = list(solution.payments)
    pays[1] = Payment("A", "X", 7, 7)  # A may only use S
    pays.append(Payment("B", "X", 9, 0))
    rep = check(problem, Solution(solution.tasks, tuple(pays)))
    msgs = " ".join(str(v) for v in rep.violations)
    assert "allowed" in msgs and "neither its start" in msgs


def test_negative_payment(problem, solution):
    pays = list(solution.payments) + [Payment("B", "S", 8, -1), Payment("B", "X", 8, 1)]
    rep = check(problem, Solution(solution.tasks, tuple(pays)))
    assert any("negative" in v.message for v in rep.violations)


def test_hard_deadline(solution):
    p = small_problem()
    tasks = list(p.tasks)
    tasks[1] = dataclasses.replace(tasks[1], due=9)
    rep = check(dataclasses.replace(p, tasks=tuple(tasks)), solution)
    assert rep.kinds() == {"deadline"}
    assert rep.violations[0].task == "B"


def test_soft_deadline_is_not_a_violation(solution):
    p = small_problem()
    tasks = list(p.tasks)
    tasks[1] = dataclasses.replace(tasks[1], due=9, due_hard=False)
    assert check(dataclasses.replace(p, tasks=tuple(tasks)), solution).ok


def test_missing_task_invalid_mode_release_horizon(problem, solution):
    tasks = dict(solution.tasks)
    del tasks["C"]
    assert "schedule" in check(problem, Solution(tasks, solution.payments)).kinds()
    assert "mode" in check(problem, with_task(solution, "C", 0, 1, mode=1)).kinds()
    rep = check(problem, with_task(solution, "C", 29, 30))
    assert rep.ok
    rep = check(dataclasses.replace(problem, horizon=9), solution)
    assert rep.kinds() == {"horizon"}
    late = dataclasses.replace(problem.tasks[2], release=1)
    rep = check(dataclasses.replace(problem, tasks=(*problem.tasks[:2], late)), solution)
    assert rep.kinds() == {"release"}


@pytest.mark.parametrize("change", [
    {"start": 2.0}, {"end": 7.5}, {"start": "2"}, {"end": None}, {"start": True},
])
def test_non_integer_times_are_violations_not_errors(problem, solution, change):
    tasks = dict(solution.tasks)
    tasks["A"] = dataclasses.replace(tasks["A"], **change)
    rep = check(problem, Solution(tasks, solution.payments))
    assert "type" in rep.kinds() and any(v.task == "A" for v in rep.violations if v.kind == "type")


@pytest.mark.parametrize("change", [{"amount": 3.0}, {"amount": 2.5}, {"time": 2.0}, {"amount": "3"}])
def test_non_integer_amounts_are_violations_not_errors(problem, solution, change):
    pays = list(solution.payments)
    pays[0] = dataclasses.replace(pays[0], **change)
    rep = check(problem, Solution(solution.tasks, tuple(pays)))
    assert "type" in rep.kinds()
    # the payment is not counted: A's advance is then missing
    assert any(v.kind == "payment" and v.task == "A" for v in rep.violations)


def test_numpy_integers_are_whole_numbers(problem, solution):
    import numpy as np

    tasks = {k: dataclasses.replace(v, start=np.int64(v.start), end=np.int64(v.end)) for k, v in solution.tasks.items()}
    pays = tuple(dataclasses.replace(p, amount=np.int64(p.amount), time=np.int32(p.time)) for p in solution.payments)
    assert check(problem, Solution(tasks, pays)).ok


def test_the_checkers_advance_is_its_own():
    """floor(share * cost) with the share read as the decimal it prints as; not the builder's helper."""
    from decimal import Decimal

    from ntm_sched.engine import checker

    assert not hasattr(checker, "advance_payment")
    assert checker.advance_due(100, 0.29) == 29 and checker.advance_due(10, 0.3) == 3
    for share in (0.0, 0.1, 0.15, 0.29, 0.3, 0.33, 0.5, 0.7, 0.99, 1.0):
        for cost in (0, 1, 7, 10, 99, 100, 1234, 80973):
            assert checker.advance_due(cost, share) == int(Decimal(str(share)) * cost // 1), (share, cost)


def test_advance_rule_is_checked_for_any_share(solution):
    """A 50 % advance: the 30 % split of the valid solution is wrong there."""
    rep = check(small_problem(advance_share=0.5), solution)
    assert rep.kinds() == {"payment"}
    assert any("should be 5" in v.message for v in rep.violations)


def test_checker_imports_without_cp_sat():
    """The checker and the plan-level verifier need no OR-Tools: a subprocess where importing it fails."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'ortools' or name.startswith('ortools.'):\n"
        "            raise ModuleNotFoundError('blocked for the test', name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from ntm_sched.engine.checker import check\n"
        "from ntm_sched.engine import Problem, Solution, check as c2\n"
        "import ntm_sched.domain.verify\n"
        "import ntm_sched.engine as e\n"
        "try:\n"
        "    e.solve(None)\n"
        "except ModuleNotFoundError as exc:\n"
        "    assert 'OR-Tools' in str(exc)\n"
        "else:\n"
        "    raise SystemExit('solve ran without OR-Tools')\n"
        "assert not any(m.startswith('ortools') for m in sys.modules), 'ortools was imported'\n"
        "print('checker ok without CP-SAT')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "checker ok without CP-SAT" in out.stdout


def test_report_text_lists_the_violations(problem, solution):
    assert str(check(problem, solution)) == "schedule OK"
    rep = check(problem, with_task(solution, "B", 7, 9))
    assert str(rep) == f"1 violation(s):\n  [precedence] {rep.violations[0].message}"
    assert str(rep.violations[0]).startswith("[precedence] FS A->B lag 1: 'B' starts at 7, needs >= 8")
    many = CheckReport([Violation("capacity", f"v{i}") for i in range(53)])
    text = str(many).splitlines()
    assert text[0] == "53 violation(s):" and len(text) == 52 and text[-1] == "  ... and 3 more"
    assert text[50] == "  [capacity] v49"
    assert many.kinds() == {"capacity"} and not many.ok


def _only(rep, kind):
    vs = [v for v in rep.violations if v.kind == kind]
    assert vs, str(rep)
    return vs[0]


def test_each_violation_names_what_broke(problem, solution):
    """Kind, task, resource, source, period and message of every kind of violation."""
    tasks = dict(solution.tasks)
    tasks["Z"] = TaskSchedule("Z", 0, 1)
    v = _only(check(problem, Solution(tasks, solution.payments)), "schedule")
    assert (v.task, v.message) == ("Z", "unknown task 'Z' in the schedule")
    tasks = {k: t for k, t in solution.tasks.items() if k != "C"}
    v = _only(check(problem, Solution(tasks, solution.payments)), "schedule")
    assert (v.task, v.message) == ("C", "task 'C' is not scheduled")
    tasks = dict(solution.tasks)
    tasks["C"] = TaskSchedule("B", 0, 1)
    v = _only(check(problem, Solution(tasks, solution.payments)), "schedule")
    assert (v.task, v.message) == ("C", "entry for 'C' names task 'B'")
    v = _only(check(problem, with_task(solution, "C", 0, 1, mode=1)), "mode")
    assert (v.task, v.message) == ("C", "task 'C': invalid mode 1 (1 modes)")
    late = dataclasses.replace(problem.tasks[2], release=1)
    v = _only(check(dataclasses.replace(problem, tasks=(*problem.tasks[:2], late)), solution), "release")
    assert (v.task, v.period, v.message) == ("C", 0, "task 'C' starts at 0 before its release 1")
    v = _only(check(problem, with_task(solution, "C", -1, 0)), "horizon")
    assert (v.task, v.period) == ("C", -1) and "negative period -1" in v.message
    v = _only(check(problem, with_task(solution, "A", 4, 9)), "calendar")
    assert (v.task, v.period) == ("A", 4) and "start 4 lies inside break [4, 6)" in v.message
    v = _only(check(problem, with_task(solution, "A", 2, 5)), "duration")
    assert (v.task, v.period, v.message) == ("A", 5, "task 'A' [2, 5) should end at 7 (duration 3, calendar C)")
    v = _only(check(dataclasses.replace(problem, horizon=9), solution), "horizon")
    assert (v.task, v.period, v.message) == ("B", 10, "task 'B' ends at 10 after the horizon 9")
    tight = dataclasses.replace(problem.tasks[1], due=9)
    v = _only(check(dataclasses.replace(problem, tasks=(problem.tasks[0], tight, problem.tasks[2])), solution),
              "deadline")
    assert (v.task, v.period, v.message) == ("B", 10, "task 'B' ends at 10 after its hard due date 9")
    v = _only(check(problem, with_task(solution, "B", 7, 9)), "precedence")
    assert (v.task, v.period) == ("B", 7)
    v = _only(check(problem, with_task(solution, "C", 3, 4)), "capacity")
    assert (v.resource, v.period, v.message) == ("R", 3, "resource 'R' period 3: usage 3 > capacity 2")
    v = _only(check(small_problem(budgets=(Budget("N", 4),)), solution), "budget")
    assert (v.resource, v.message) == ("N", "budget 'N': consumption 5 > 4")
    p = small_problem(sources=(Source("S", (Tranche(0, 2), Tranche(3, 20))), Source("X", unlimited=True)))
    v = _only(check(p, solution), "source")
    assert (v.source, v.period, v.message) == ("S", 2, "source 'S' overdrawn at period 2: paid 3 so far, released 2")
    p = small_problem(sources=(Source("S", (Tranche(0, 3), Tranche(3, 20))),
                               Source("X", unlimited=True, available_from=11)))
    v = _only(check(p, solution), "source")
    assert (v.task, v.source, v.period, v.message) == (
        "B", "X", 10, "task 'B' paid 3 from 'X' at period 10, before it is available (from 11)")
    pays = (*solution.payments, Payment("Q", "S", 0, 1))
    v = _only(check(problem, Solution(solution.tasks, pays)), "payment")
    assert (v.task, v.message) == ("Q", "payment for unknown task 'Q'")
    free = small_problem(sources=(), tasks=tuple(dataclasses.replace(t, sources=None) for t in problem.tasks))
    rep = check(free, solution)
    assert [str(x) for x in rep.violations] == ["[payment] payments given but the problem has no money source"]
    assert check(free, Solution(solution.tasks, ())).ok


# ---------------------------------------------------------------------------
# rules and boundaries the tests above left open (found by mutation testing, benchmarks/mutation.py)
# ---------------------------------------------------------------------------
def _with_tasks(problem, **changes):
    """``problem`` with task fields changed: ``B={"due": 10}``."""
    tasks = tuple(dataclasses.replace(t, **changes[t.id]) if t.id in changes else t for t in problem.tasks)
    return dataclasses.replace(problem, tasks=tasks)


def test_a_fixed_start_must_hold(problem, solution):
    """Work already under way (a re-plan) is pinned where it started: any other start is a violation."""
    assert check(_with_tasks(problem, C={"fixed_start": 0}), solution).ok
    rep = check(_with_tasks(problem, C={"fixed_start": 1}), solution)
    assert [(v.kind, v.task, v.period, v.message) for v in rep.violations] == [
        ("release", "C", 0, "task 'C' starts at 0, its start is fixed at 1")]


def test_ending_on_the_hard_due_date_is_on_time(problem, solution):
    """``due`` is the period the task must have ended by: ending exactly there is allowed."""
    assert check(_with_tasks(problem, B={"due": 10}), solution).ok
    assert check(_with_tasks(problem, B={"due": 9}), solution).kinds() == {"deadline"}


def test_every_broken_task_is_reported_not_only_the_first(problem, solution):
    tasks = {k: t for k, t in solution.tasks.items() if k != "A"}  # A missing
    tasks["B"] = TaskSchedule("B", 8.0, 10)  # B not in whole periods
    tasks["C"] = TaskSchedule("C", 0, 1, 3)  # C in a mode it does not have
    rep = check(problem, Solution(tasks, solution.payments))
    assert [(v.kind, v.task) for v in rep.violations if v.kind in ("schedule", "type", "mode")] == [
        ("schedule", "A"), ("type", "B"), ("mode", "C")]
    assert _only(rep, "type").message == "task 'B': start 8.0 and end 10 must be whole periods"
    # the same kinds in another order: a mode error first does not hide the rest
    tasks = dict(solution.tasks)
    tasks["A"] = TaskSchedule("A", 2, 7, 3)
    tasks["C"] = TaskSchedule("C", 0.0, 1)
    del tasks["B"]
    rep = check(problem, Solution(tasks, solution.payments))
    assert [(v.kind, v.task) for v in rep.violations if v.kind in ("schedule", "type", "mode")] == [
        ("mode", "A"), ("schedule", "B"), ("type", "C")]


def test_every_precedence_is_checked_after_one_with_a_broken_task(problem, solution):
    from ntm_sched.engine import Precedence

    two = dataclasses.replace(problem, precedences=(Precedence("C", "A", "FS", 0), *problem.precedences))
    tasks = dict(solution.tasks)
    tasks["C"] = TaskSchedule("C", 0, 1, 3)  # C is broken: its precedence cannot be checked
    tasks["B"] = TaskSchedule("B", 7, 9)  # B starts before A ends + 1
    pays = tuple(dataclasses.replace(p, time={8: 7, 10: 9}.get(p.time, p.time)) if p.task_id == "B" else p
                 for p in solution.payments)
    rep = check(two, Solution(tasks, pays))
    assert ("precedence", "B") in {(v.kind, v.task) for v in rep.violations}


def test_every_source_is_checked_whatever_their_order(solution):
    """An unlimited source listed first does not end the money check."""
    p = small_problem(sources=(Source("X", unlimited=True), Source("S", (Tranche(0, 2), Tranche(3, 20)))))
    v = _only(check(p, solution), "source")
    assert (v.source, v.period) == ("S", 2)


def test_start_inside_a_break_is_one_violation(problem, solution):
    rep = check(problem, with_task(solution, "A", 4, 7))
    assert rep.kinds() == {"calendar"} and len(rep.violations) == 1  # no duration error on top


def test_wrong_duration_of_a_task_without_calendar(problem, solution):
    v = _only(check(problem, with_task(solution, "B", 8, 11)), "duration")
    assert (v.task, v.period, v.message) == ("B", 11, "task 'B' [8, 11) should end at 10 (duration 2)")


def test_start_to_start_precedence_counts_from_the_start(problem, solution):
    from ntm_sched.engine import Precedence, Resource

    ss = dataclasses.replace(problem, precedences=(Precedence("A", "C", "SS", 1),), resources=(Resource("R", 5),))
    assert check(ss, with_task(solution, "C", 3, 4)).ok  # A starts at 2: C may start at 3, before A ends
    v = _only(check(ss, with_task(solution, "C", 2, 3)), "precedence")
    assert (v.task, v.period, v.message) == ("C", 2, "SS A->C lag 1: 'C' starts at 2, needs >= 3")


def test_a_tasks_own_advance_share_replaces_the_problems(problem, solution):
    """A re-planned continuation whose advance was paid already carries ``advance_share=0``."""
    no_advance = _with_tasks(problem, A={"advance_share": 0.0})
    pays = tuple(p for p in solution.payments if p.task_id != "A") + (Payment("A", "S", 7, 10),)
    assert check(no_advance, Solution(solution.tasks, pays)).ok
    rep = check(no_advance, solution)  # 3 paid in advance, 7 at the end: the task's share says 0 and 10
    assert [(v.task, v.period, v.message) for v in rep.violations] == [
        ("A", 2, "task 'A': advance paid 3 at start 2, should be 0"),
        ("A", 7, "task 'A': remainder paid 7 at end 7, should be 10")]


def test_payment_violations_name_task_source_and_period(problem, solution):
    pays = list(solution.payments)
    pays[1] = Payment("A", "X", 7, 7)  # A may only use S
    pays.append(Payment("C", "S", 5, 1))  # C costs nothing and takes place at 0
    pays.append(Payment("B", "X", 10, -1))
    rep = check(problem, Solution(solution.tasks, tuple(pays)))
    got = {(v.kind, v.task, v.source, v.period, v.message) for v in rep.violations}
    assert ("payment", "A", "X", 7, "task 'A' paid from 'X', allowed ['S']") in got
    assert ("payment", "C", "S", 5, "task 'C': payment at 5, neither its start 0 nor end 1") in got
    assert ("payment", "B", "X", 10, "task 'B': negative payment -1 from 'X'") in got
    # a payment of nothing is no payment: never a violation by itself
    zero = Solution(solution.tasks, (*solution.payments, Payment("B", "X", 10, 0)))
    assert check(problem, zero).ok


def test_a_task_that_takes_no_time_is_paid_at_once(problem, solution):
    instant = _with_tasks(problem, C={"modes": (dataclasses.replace(problem.tasks[2].modes[0], duration=0, cost=5),),
                                      "sources": frozenset({"X"})})
    tasks = dict(solution.tasks)
    tasks["C"] = TaskSchedule("C", 1, 1)
    assert check(instant, Solution(tasks, (*solution.payments, Payment("C", "X", 1, 5)))).ok
    v = _only(check(instant, Solution(tasks, (*solution.payments, Payment("C", "X", 1, 4)))), "payment")
    assert (v.task, v.period, v.message) == ("C", 1, "task 'C': paid 4 at 1, cost 5")


def test_payments_in_whole_numbers_each_one_reported(problem, solution):
    pays = (*solution.payments, Payment("B", "X", 10, 0.5), Payment("C", "S", 0.0, 1))
    rep = check(problem, Solution(solution.tasks, pays))
    types = [(v.task, v.source, v.message) for v in rep.violations if v.kind == "type"]
    assert types == [("B", "X", "task 'B': payment 0.5 from 'X' at 10: time and amount must be whole numbers"),
                     ("C", "S", "task 'C': payment 1 from 'S' at 0.0: time and amount must be whole numbers")]


def test_unknown_tasks_paid_each_one_reported(problem, solution):
    pays = (*solution.payments, Payment("Q", "X", 0, 1), Payment("P", "X", 0, 1))
    rep = check(problem, Solution(solution.tasks, pays))
    assert [v.task for v in rep.violations] == ["Q", "P"]


def test_money_is_counted_cumulatively_per_source(problem, solution):
    """Two payments at the same period add up, and so do payments over time."""
    tight = small_problem(sources=(Source("S", (Tranche(0, 3), Tranche(3, 8))), Source("X", unlimited=True)))
    assert check(tight, solution).ok  # 3 by period 2, 10 by 7, 11 by 8: released 3, then 11
    same_time = Solution(solution.tasks, (*solution.payments[:1], Payment("A", "S", 2, 0), *solution.payments[1:]))
    assert check(tight, same_time).ok
    split = (Payment("A", "S", 2, 2), Payment("A", "S", 2, 1), *solution.payments[1:])
    assert check(small_problem(sources=(Source("S", (Tranche(0, 2), Tranche(3, 20))), Source("X", unlimited=True))),
                 Solution(solution.tasks, split)).kinds() == {"source"}  # 2 + 1 at period 2 > 2 released
    later = small_problem(sources=(Source("S", (Tranche(0, 3), Tranche(3, 7))), Source("X", unlimited=True)))
    v = _only(check(later, solution), "source")  # 3 + 7 + 1 = 11 by period 8 > 10 released
    assert (v.source, v.period, v.message) == ("S", 8, "source 'S' overdrawn at period 8: paid 11 so far, released 10")


def test_extra_money_from_its_first_period_on(problem, solution):
    at = small_problem(sources=(Source("S", (Tranche(0, 3), Tranche(3, 20))),
                                Source("X", unlimited=True, available_from=10)))
    assert check(at, solution).ok  # B's 3 from X at period 10, the first period X is available
    one = Solution(solution.tasks, (*solution.payments[:3], Payment("B", "X", 10, 2), Payment("B", "X", 8, 1)))
    v = _only(check(small_problem(sources=at.sources, tasks=_with_tasks(problem, B={"sources": frozenset({"S", "X"})})
                                  .tasks), one), "source")
    assert (v.task, v.period) == ("B", 8)  # even one million before it is available
    nothing = Solution(solution.tasks, (*solution.payments, Payment("B", "X", 8, 0)))
    assert check(at, nothing).ok  # nothing drawn before it is available
