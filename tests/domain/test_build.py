"""The NTM layer: a plan becomes an engine problem, and the answer comes back as the plan's tables.

The tables are checked here on their own terms (dates, weekly loads, money by date), independently
of the engine's checker, which every solve also runs.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from ntm_sched import domain as ntm

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "tan_yen_2019"
NOT_RECOGNISED = ["07303", "07309", "07321", "07330", "07336", "07345", "07357", "07360"]
CHAIN = ["works_done", "dossier", "public_posting", "survey", "inspection", "submission", "appraisal", "decision"]




def test_build_has_every_task_and_each_communes_chain(plan) -> None:
    m = ntm.build(plan)
    ids = {t.id for t in m.problem.tasks}
    assert {t.task_id for t in plan.tasks} <= ids
    for code in NOT_RECOGNISED:
        for step in CHAIN:
            assert f"{code}:{step}" in ids
    assert "DISTRICT:decision" in ids
    # the district's chain waits for every commune's decision
    preds = {p.pred for p in m.problem.precedences if p.succ == "DISTRICT:criteria_done"}
    assert {f"{c}:decision" for c in NOT_RECOGNISED} <= preds
    assert {"D1-regional-plan", "D7-dossier", "D5.2-dossier"} <= preds


def test_durations_costs_and_modes_follow_the_work_types(plan) -> None:
    m = ntm.build(plan)
    houses = m.problem.task("07336-houses-new")  # 6 new houses, 6 at a time: 15 + 90 days
    assert houses.modes[0].duration == 15 + 90
    assert houses.modes[0].cost == 6 * 560
    assert houses.modes[1].name == "accelerated" and houses.modes[1].duration < houses.modes[0].duration
    road = m.problem.task("07345-road")  # 5.12 km, 2 km at a time -> 3 batches of 30 days + 10
    assert road.modes[0].duration == 10 + 3 * 30
    assert road.calendar == "construction"


def test_share_remaining_scales_cost_and_duration(plan) -> None:
    m = ntm.build(plan)
    house = m.problem.task("07303-commune-house")  # finishing half of a commune cultural house
    assert house.modes[0].duration == math.ceil(0.5 * (15 + 90))
    assert house.modes[0].cost == 0.5 * 1200
    assert house.modes[1].cost == 0.5 * 1200 * 1.25  # the accelerated mode of the same share
    whole = m.problem.task("07345-commune-house")  # renovation (cải tạo): the whole work
    assert whole.modes[0].duration == 15 + 90 and whole.modes[0].cost == 1200


def test_submission_is_the_day_the_inspection_ends_held_to_the_plans_date(plan) -> None:
    m = ntm.build(plan)
    sub = m.problem.task("07330:submission")
    assert sub.modes[0].duration == 0 and m.info["07330:submission"].milestone == "submission"
    assert m.date(sub.due - 1) == dt.date(2019, 11, 30)
    assert m.problem.task("07330:appraisal").due is None  # the plan dates no finished appraisal
    preds = {(p.pred, p.succ) for p in m.problem.precedences}
    assert ("07330:inspection", "07330:submission") in preds and ("07330:submission", "07330:appraisal") in preds
    assert m.date(m.problem.task("07303:decision").due - 1) == dt.date(2019, 12, 31)


def test_a_communes_2020_plan_does_not_hold_its_recognition(plan) -> None:
    m = ntm.build(plan)
    preds = {p.pred for p in m.problem.precedences if p.succ == "07360:works_done"}
    assert "P-07360-plan2020" not in preds and preds == set()
    preds = {p.pred for p in m.problem.precedences if p.succ == "07303:works_done"}
    assert "07303-commune-house" in preds and "P-07303-plan2020" not in preds


def test_deadlines_come_from_the_plans_target_dates(plan) -> None:
    m = ntm.build(plan)
    t = m.problem.task("07330:inspection")
    assert m.date(t.due - 1) == dt.date(2019, 11, 30)
    assert not t.due_hard and t.late_weight > 0


def test_earmarked_money_only_reaches_its_commune(plan) -> None:
    m = ntm.build(plan)
    for t in m.problem.tasks:
        for s in t.sources or ():
            _, earmark = m.source_map[s]
            assert earmark is None or earmark == m.info[t.id].commune_code
