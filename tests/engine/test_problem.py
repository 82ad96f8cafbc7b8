"""Problem data: every inconsistency is refused when the data are built, and the two rules the
builder and the checker share (the pause rule, the advance instalment) give hand-computed values."""

from __future__ import annotations

import pytest

from ntm_sched.engine.problem import (
    Budget,
    Calendar,
    Mode,
    Precedence,
    Problem,
    ProblemError,
    Resource,
    Source,
    Task,
    Tranche,
    advance_payment,
    elapsed_end,
)


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda: Mode(duration=-1), "negative duration"),
        (lambda: Mode(duration=1, cost=-5), "negative cost"),
        (lambda: Mode(duration=1, demands={"r": -1}), "negative demand -1 on 'r'"),
        (lambda: Mode(duration=1, nonrenewable={"b": -2}), "negative demand -2 on 'b'"),
        (lambda: Task("t", ()), "has no mode"),
        (lambda: Task("t", (Mode(1),), release=-1), "negative release"),
        (lambda: Task("t", (Mode(1),), tardiness_weight=-1), "negative weight"),
        (lambda: Precedence("a", "b", kind="SF"), "unknown kind 'SF'"),  # type: ignore[arg-type]
        (lambda: Resource("r", -1), "negative capacity"),
        (lambda: Resource("r", 1, ((0, 5, 1), (4, 8, 1))), "bad profile entry (4, 8, 1)"),
        (lambda: Resource("r", 1, ((5, 5, 1),)), "bad profile entry (5, 5, 1)"),
        (lambda: Resource("r", 1, ((0, 5, -1),)), "bad profile entry (0, 5, -1)"),
        (lambda: Calendar("c", ((0, 10), (5, 12))), "overlapping break (5, 12)"),
        (lambda: Calendar("c", ((3, 3),)), "bad or overlapping break (3, 3)"),
        (lambda: Tranche(0, -1), "negative amount -1"),
        (lambda: Source("s", available_from=-1, unlimited=True), "negative available_from"),
        (lambda: Source("s", available_from=3), "available_from is for unlimited sources"),
    ],
)
def test_inconsistent_data_are_refused(make, needle: str) -> None:
    with pytest.raises(ProblemError, match=None) as e:
        make()
    assert needle in str(e.value)


def _task(tid: str, **kw) -> Task:
    return Task(tid, (Mode(2, **kw.pop("mode", {})),), **kw)


@pytest.mark.parametrize(
    ("kw", "needle"),
    [
        ({"tasks": (_task("a"), _task("a"))}, "duplicate task 'a'"),
        ({"tasks": (_task("a"),), "resources": (Resource("r", 1), Resource("r", 2))}, "duplicate resource 'r'"),
        ({"tasks": (_task("a", calendar="nope"),)}, "unknown calendar 'nope'"),
        ({"tasks": (_task("a", mode={"demands": {"x": 1}}),)}, "unknown resource 'x'"),
        ({"tasks": (_task("a", mode={"nonrenewable": {"n": 1}}),)}, "unknown budget 'n'"),
        ({"tasks": (_task("a", sources=frozenset({"z"})),), "sources": (Source("s"),)}, "unknown sources ['z']"),
        ({"tasks": (_task("a", mode={"cost": 5}, sources=frozenset()),), "sources": (Source("s"),)},
         "costs money but no source may pay it"),
        ({"tasks": (_task("a"),), "precedences": (Precedence("a", "b"),)}, "unknown task 'b'"),
        ({"tasks": (_task("a"),), "advance_share": 1.5}, "advance_share 1.5 outside [0, 1]"),
    ],
)
def test_problem_references_must_resolve(kw: dict, needle: str) -> None:
    with pytest.raises(ProblemError) as e:
        Problem(**kw)
    assert needle in str(e.value)


def test_data_are_frozen_and_normalised() -> None:
    m = Mode(3, demands={"r": 2})
    with pytest.raises(TypeError):
        m.demands["r"] = 5  # type: ignore[index]
    r = Resource("r", 4, [(10, 20, 1), (0, 5, 2)])  # type: ignore[arg-type]
    assert r.profile == ((0, 5, 2), (10, 20, 1))
    assert [r.capacity_at(t) for t in (0, 4, 5, 9, 10, 19, 20)] == [2, 2, 4, 4, 1, 1, 4]
    assert r.max_capacity == 4 and Resource("q", 1, ((0, 2, 7),)).max_capacity == 7
    s = Source("s", (Tranche(30, 5), Tranche(0, 10), Tranche(10, 1)))
    assert [t.time for t in s.tranches] == [0, 10, 30]
    assert s.total == 16
    assert [s.released_by(t) for t in (-1, 0, 9, 10, 29, 30, 99)] == [0, 10, 10, 11, 11, 16, 16]
    assert Calendar("c", [(20, 25), (0, 3)]).breaks == ((0, 3), (20, 25))  # type: ignore[arg-type]


def test_lookups() -> None:
    cal = Calendar("c", ((5, 7),))
    p = Problem(tasks=(_task("a", calendar="c"), _task("b", sources=frozenset({"s2"}))),
                resources=(Resource("r", 1),), budgets=(Budget("n", 3),), calendars=(cal,),
                sources=(Source("s1"), Source("s2")))
    assert p.task("b").id == "b" and p.calendar("c") is cal and p.calendar(None) is None
    assert p.resource("r").capacity == 1 and p.source("s2").name == "s2"
    assert p.sources_for(p.task("a")) == ("s1", "s2") and p.sources_for(p.task("b")) == ("s2",)
    for fn, key in ((p.task, "x"), (p.calendar, "x"), (p.resource, "x"), (p.source, "x")):
        with pytest.raises(KeyError):
            fn(key)


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (0, 5, 5),      # ends exactly where the break begins: not extended
        (0, 6, 9),      # reaches one period into [5, 8): pauses 3 periods
        (8, 2, 10),     # starts right after the break
        (2, 10, 15),    # [5, 8) inside: 12 + 3
        (0, 20, 26),    # both breaks inside: 20 + 3 + 3
        (10, 5, 15),    # ends where the second break begins
        (10, 6, 19),    # second break [15, 18) inside
        (4, 0, 4),      # a milestone is never extended
    ],
)
def test_elapsed_end_follows_the_pause_rule(start: int, duration: int, expected: int) -> None:
    cal = Calendar("c", ((5, 8), (15, 18)))
    assert elapsed_end(start, duration, cal) == expected
    assert elapsed_end(start, duration, None) == start + duration


@pytest.mark.parametrize("start", [5, 6, 7, 15, 17])
def test_no_start_inside_a_break(start: int) -> None:
    with pytest.raises(ValueError, match="inside break"):
        elapsed_end(start, 1, Calendar("c", ((5, 8), (15, 18))))


@pytest.mark.parametrize(
    ("cost", "share", "expected"),
    [(100, 0.3, 30), (100, 0.29, 29), (1000, 0.07, 70), (7, 0.3, 2), (0, 0.3, 0), (999, 1.0, 999),
     (999, 0.0, 0), (10, 0.15, 1)],
)
def test_advance_is_the_floor_of_the_decimal_share(cost: int, share: float, expected: int) -> None:
    assert advance_payment(cost, share) == expected


def test_ancestors_follow_every_precedence_backwards() -> None:
    tasks = tuple(Task(x, (Mode(1),)) for x in "ABCDEF")
    precs = (Precedence("A", "B"), Precedence("B", "D", "SS"), Precedence("C", "D"), Precedence("D", "E"),
             Precedence("F", "E", "FS", 2))
    p = Problem(tasks, precs, horizon=20)
    assert p.ancestors(["D"]) == frozenset("ABCD")
    assert p.ancestors(["E", "A"]) == frozenset("ABCDEF")
    assert p.ancestors(["F"]) == frozenset("F") and p.ancestors([]) == frozenset()
