"""The constraint families: each declares its model part, check, explanation and serial-generator
treatment, and the builder, the checker and the explanation visit every one of them."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable

import pytest
from ortools.sat.python import cp_model

import ntm_sched.engine.families as families_pkg
from ntm_sched.engine import builder, checker, explain
from ntm_sched.engine.families import FAMILIES, Family
from ntm_sched.engine.problem import Mode, Objective, Precedence, Session, Task
from tests.engine.engine_helpers import small_problem, valid_solution

MODEL_PARTS = ("add_task", "add_to_model", "add_redundant")
CHECK_PARTS = ("check_task", "check")
NOT_FAMILIES = {"base", "context", "tasks", "objective"}  # shared state and the objective's own terms


def missing_parts(f: Family) -> list[str]:
    """What a family lacks of the four treatments (empty when complete)."""
    out = []
    if all(getattr(f, p) is None for p in MODEL_PARTS):
        out.append("model part (add_task / add_to_model)")
    if all(getattr(f, p) is None for p in CHECK_PARTS):
        out.append("check (check_task / check)")
    if not (isinstance(f.explain, str) and f.explain.strip()):
        out.append("explain")
    if not (isinstance(f.sgs, str) and f.sgs.strip()):
        out.append("sgs")
    return out


def rich_problem():
    """:func:`small_problem` with a multi-mode task across the break and soft deadlines: every family has work."""
    base = small_problem()
    multi = Task("M", (Mode(3, {"R": 1}, cost=6, nonrenewable={"N": 1}), Mode(1, {"R": 2}, cost=9)),
                 calendar="C", sources=frozenset({"S", "X"}), due=14, tardiness_weight=2, late_weight=3)
    return small_problem(tasks=(*base.tasks, multi), precedences=(*base.precedences, Precedence("A", "M", "SS", 1)),
                         objective=Objective(makespan=1))


def test_the_families_are_listed() -> None:
    names = [f.name for f in FAMILIES]
    assert names == ["precedence", "modes", "calendar", "capacity", "budget", "money", "deadlines", "sessions"]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_every_family_declares_its_model_part_check_explanation_and_sgs(family: Family) -> None:
    assert missing_parts(family) == []


def test_a_family_without_a_check_is_caught() -> None:
    """The declaration test can fail."""
    bare = dataclasses.replace(FAMILIES[0], add_to_model=None, check=None, sgs="")
    assert missing_parts(bare) == ["model part (add_task / add_to_model)", "check (check_task / check)", "sgs"]


def test_every_family_module_is_registered() -> None:
    """A module in engine/families with a FAMILY that is not in FAMILIES is built, checked and explained by no one."""
    mods = [m.name for m in pkgutil.iter_modules(families_pkg.__path__)]
    for name in mods:
        mod = importlib.import_module(f"ntm_sched.engine.families.{name}")
        if name in NOT_FAMILIES:
            assert not hasattr(mod, "FAMILY"), name
            continue
        assert getattr(mod, "FAMILY", None) in FAMILIES, f"families/{name}.py has no registered FAMILY"
        assert mod.FAMILY.name == name
        assert mod.__doc__ and "Model" in mod.__doc__ and "Check" in mod.__doc__, name


def _spied(calls: dict[str, set[str]]) -> tuple[Family, ...]:
    def wrap(fam: str, part: str, fn: Callable) -> Callable:
        def spy(*a, **kw):
            calls.setdefault(fam, set()).add(part)
            return fn(*a, **kw)
        return spy

    out = []
    for f in FAMILIES:
        parts = {p: wrap(f.name, p, getattr(f, p)) for p in (*MODEL_PARTS, *CHECK_PARTS) if getattr(f, p) is not None}
        out.append(dataclasses.replace(f, **parts))
    return tuple(out)


def test_the_builder_calls_every_model_part(monkeypatch) -> None:
    p = rich_problem()
    want = builder.build_model(p).model.proto
    calls: dict[str, set[str]] = {}
    monkeypatch.setattr(builder, "FAMILIES", _spied(calls))
    got = builder.build_model(p).model.proto
    assert str(got) == str(want)
    for f in FAMILIES:
        assert calls.get(f.name, set()) >= {x for x in MODEL_PARTS if getattr(f, x) is not None}, f.name


def test_the_checker_calls_every_check(monkeypatch) -> None:
    calls: dict[str, set[str]] = {}
    monkeypatch.setattr(checker, "FAMILIES", _spied(calls))
    assert checker.check(small_problem(), valid_solution()).ok
    for f in FAMILIES:
        assert calls.get(f.name, set()) == {x for x in CHECK_PARTS if getattr(f, x) is not None}, f.name


def with_a_session():
    """:func:`small_problem` with task C an appraisal taken by one of two sessions of capacity 1."""
    base = small_problem()
    tasks = tuple(Task("C", t.modes, kind="appraisal") if t.id == "C" else t for t in base.tasks)
    extra = Task("C2", (Mode(1),), kind="appraisal")
    return small_problem(tasks=(*tasks, extra), sessions=(Session("s1", 3, 1), Session("s2", 9, 1)))


@pytest.mark.parametrize("family", [f for f in FAMILIES if f.relax is not None], ids=lambda f: f.name)
def test_each_relax_key_drops_something_from_the_model(family: Family) -> None:
    p = with_a_session()
    assert family.relax is not None
    name = family.relax.names(p)[0]
    full = builder.build_model(p).model.proto
    relaxed = builder.build_model(p, relax=frozenset({(family.relax.kind, name)})).model.proto
    assert str(relaxed) != str(full)


def test_the_explanation_tries_every_family_that_can_be_relaxed(monkeypatch) -> None:
    tried: list[tuple[str, str]] = []

    def fake(problem, core, time_limit, opts, relax=frozenset()):
        if relax:
            tried.extend(relax)
            return cp_model.FEASIBLE, None
        return (cp_model.INFEASIBLE, list(core)) if core else (cp_model.OPTIMAL, None)

    monkeypatch.setattr(explain, "_feasible", fake)
    p = small_problem()
    ex = explain.explain_infeasibility(p, total_time=30)
    want = [(f.relax.kind, n) for f in FAMILIES if f.relax is not None for n in f.relax.names(p)]
    assert tried == want and {k for k, _ in want} == {"resource", "budget", "source"}
    for f in FAMILIES:
        if f.relax is not None:
            for n in f.relax.names(p):
                assert any(i.kind == f.relax.kind and i.name == n and f.relax.detail(p, n) in i.detail
                           for i in ex.items)
