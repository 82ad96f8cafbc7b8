"""The answer of issue 23 pinned on the shipped plan: at 80 % of every tranche, which communes can still make
every targeted milestone, proven. One level: the set search takes a few seconds (the relaxations refute every
larger set, CP-SAT on the held tasks settles the rest), the others' lateness 5 s of solve and its canonical
schedule; the relaxations' refutations are cross-checked by CP-SAT here (slow: about 20 s in all)."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from ortools.sat.python import cp_model

from ntm_sched.engine import SolveOptions
from ntm_sched.engine.builder import build_model
from ntm_sched.engine.cpsat import make_solver
from ntm_sched.studies import budget as B
from ntm_sched.studies.budget import cuts as C

pytestmark = pytest.mark.slow

SHOWN = "07303;07321;07330;07336;07357"  # Lan Giới, An Dương, Hợp Đức, Cao Xá, Liên Chung
OTHER = "Lan Giới, An Dương, Hợp Đức, Song Vân, Liên Chung"


def test_at_80_percent_five_communes_can_make_it_proven(full_plan, monkeypatch):
    """Five of the eight communes not yet recognised, in two ways (Cao Xá or Song Vân with the same four), and
    proven: every set of six, and every other set of five, is infeasible at 80 % (the horizon the plan's plus a
    year, 30/06/2022, as the table says). Tân Trung and Ngọc Thiện cannot make it with any money (their earliest
    dates); the district cannot at 80 % (the money relaxation)."""
    searches: list = []
    # the set is the question: step 2 is its solve alone, hinted with the set's schedule (the bound, the guided
    # schedule and the chain LNS before it are tests/engine/'s and tests/studies/budget/test_cuts.py's)
    monkeypatch.setattr(C, "lateness_search", lambda problem, relaxation, deadlines, groups, start, *a, then=None,
                        **k: SimpleNamespace(bound=0, schedule=start, then=then(start) if then is not None else None))
    df = B.budget_cuts(full_plan, (0.8,), SolveOptions().with_(canonical_wall=5.0), time_limit=2, workers=2,
                       seed=0, search_time=30, question_time=6, search=searches,
                       bound_time=0.5, guided_time=0.5, lns_work=0.0)
    row = df.iloc[0]
    assert row["horizon_end"] == "2022-06-30"
    assert row["set_status"] == C.PROVEN and not isinstance(row["unsettled_sets"], str)
    assert row["set_size"] == 5 and row["on_time_set"] == SHOWN and row["other_largest"] == OTHER
    late = set(str(row["late_communes"]).split(";"))
    assert {"07309", "07360"} <= late and not late & set(SHOWN.split(";"))
    assert row["district_on_time"] is False or row["district_on_time"] == False  # noqa: E712 - numpy bool
    assert row["verified"] is True or row["verified"] == True  # noqa: E712
    (gs,) = searches
    # Tân Trung and Ngọc Thiện: out of reach whatever the money (so at every level); the district: not the money
    assert {c: (gs.refute(0, frozenset({c})) or ("",))[0] for c in ("07309", "07360", "DISTRICT")} == {
        "07309": "earliest dates", "07360": "earliest dates", "DISTRICT": "money relaxation"}
    # every set the relaxations refute and whose subsets they do not: CP-SAT agrees (on the held tasks' model,
    # itself a relaxation, so INFEASIBLE there is a proof for the whole plan)
    names = list(gs.groups)
    refuted = {frozenset(c) for n in range(1, len(names) + 1) for c in itertools.combinations(names, n)
               if gs.refute(0, frozenset(c)) is not None}
    minimal = [c for c in refuted if not any(c - {g} in refuted for g in c)]
    assert len(minimal) >= 5
    for c in minimal:
        bm = build_model(gs.reduced(0, c))
        bm.model.clear_objective()
        assert make_solver(30, 2, 0, False).solve(bm.model) == cp_model.INFEASIBLE, sorted(c)
