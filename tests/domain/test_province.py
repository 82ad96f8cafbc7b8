"""A province plan in the domain layer: council sessions and district earmarks built into the engine problem,
checked by the plan-level verifier, and the districts as groups of tasks."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from ntm_sched.domain.build import build, district_groups
from ntm_sched.domain.run import keep_if_valid
from ntm_sched.domain.verify import answer_from_result, verify
from ntm_sched.engine.heuristic import cheapest_payments, money_sgs
from ntm_sched.plan import load_plan
from ntm_sched.plan.synth import SynthSpec, synth_plan

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def province():
    plan = synth_plan(SynthSpec(8, 2, seed=2), load_plan(ROOT / "data" / "tan_yen_2019"))
    model = build(plan)
    sol = money_sgs(model.problem)
    assert sol is not None
    sol = cheapest_payments(model.problem, sol.tasks)
    res = keep_if_valid(model, sol)
    assert res is not None
    return plan, model, res


def test_sessions_and_district_earmarks_reach_the_engine(province) -> None:
    plan, model, _ = province
    p = model.problem
    assert len(p.sessions) == len([s for s in plan.council_sessions if s.date >= plan.setting_date("plan_start")])
    appraisals = [t for t in p.tasks if t.kind == "appraisal"]
    assert len(appraisals) == len(plan.not_recognised()) and all(t.id.endswith(":appraisal") for t in appraisals)
    earmarked = {name: e for name, (_, e) in model.source_map.items() if e in {d.code for d in plan.districts}}
    assert earmarked
    for t in p.tasks:
        commune = model.info[t.id].commune_code
        for name, d in earmarked.items():
            if t.sources is not None and name in t.sources:
                assert plan.commune(commune).district_code == d


def test_the_verifier_accepts_the_plan_and_catches_a_missed_session(province) -> None:
    plan, model, res = province
    ans = answer_from_result(plan, res)
    assert verify(plan, ans).ok
    tid = next(t.id for t in model.problem.tasks if t.kind == "appraisal")
    one_day = dt.timedelta(days=1)
    moved = tuple(dataclasses.replace(st, start=st.start - one_day, end=st.end - one_day) if st.task_id == tid
                  else st for st in ans.tasks)
    rep = verify(plan, dataclasses.replace(ans, tasks=moved, schedule=None, milestones=None, summary=None,
                                           allocation=None, agency_load=None, payments=()))
    assert any(f.kind == "session" and "does not sit" in f.message for f in rep.findings)


def test_a_full_session_is_a_finding(province) -> None:
    plan, _, res = province
    ans = answer_from_result(plan, res)
    tight = plan.__class__(**{**{f.name: getattr(plan, f.name) for f in dataclasses.fields(plan) if f.init},
                              "council_sessions": tuple(dataclasses.replace(s, capacity=0)
                                                        for s in plan.council_sessions)})
    rep = verify(tight, dataclasses.replace(ans, schedule=None, milestones=None, summary=None, allocation=None,
                                            agency_load=None))
    assert any(f.kind == "session" and "capacity 0" in f.message for f in rep.findings)


def test_district_groups_cover_each_districts_communes(province) -> None:
    plan, model, _ = province
    groups = district_groups(plan, model)
    assert len(groups) == 2
    for g, d in zip(groups, sorted(x.code for x in plan.districts)):
        assert {plan.commune(model.info[t].commune_code).district_code for t in g} == {d}
    grouped = {t for g in groups for t in g}
    assert all(model.info[t.id].commune_code == "DISTRICT" for t in model.problem.tasks if t.id not in grouped)
    tan_yen = load_plan(ROOT / "data" / "tan_yen_2019")
    assert district_groups(tan_yen, build(tan_yen)) == []


def test_a_commune_waiting_behind_a_full_session_is_said_in_words(province) -> None:
    from ntm_sched.domain.explain import session_wait_table

    plan, _, _ = province
    fields = {f.name: getattr(plan, f.name) for f in dataclasses.fields(plan) if f.init}
    one_seat = plan.__class__(**{**fields, "council_sessions": tuple(dataclasses.replace(s, capacity=1)
                                                                     for s in plan.council_sessions)})
    model = build(one_seat)
    sol = money_sgs(model.problem)
    assert sol is not None
    table = session_wait_table(model, sol)
    assert len(table) > 0
    row = table.iloc[0]
    assert row["session_date"] > row["full_session_date"]
    assert row["what_en"] == (f"{row['commune']} waits for the {row['session_date']:%d/%m} session: "
                              f"the {row['full_session_date']:%d/%m} one is full")
    assert row["what_vi"].startswith(f"{row['commune']} chờ phiên họp")
