"""The NTM layer: a plan becomes an engine problem, and the answer comes back as the plan's tables.

The tables are checked here on their own terms (dates, weekly loads, money by date), independently
of the engine's checker, which every solve also runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import pytest

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


def test_a_step_under_way_takes_what_is_left_of_it_for_that_commune_only(plan) -> None:
    """step_progress.csv: Ngọc Thiện's dossier is being finished (half of its 10 days left, rounded up to
    whole days); a step done takes no time and runs in no calendar; the other communes run the whole step."""
    from ntm_sched.plan import StepProgress

    m = ntm.build(plan)
    assert plan.step_share("07360", "dossier") == 0.5
    assert m.problem.task("07360:dossier").modes[0].duration == 5
    assert m.problem.task("07345:dossier").modes[0].duration == 10
    assert m.problem.task("07360:survey").modes[0].duration == 21  # not said to be under way

    def built(share: float, step: str = "dossier") -> tuple[int, str | None]:
        rows = (StepProgress(commune_code="07360", step=step, share_remaining=share, source="test"),)
        t = ntm.build(dataclasses.replace(plan, step_progress=rows)).problem.task(f"07360:{step}")
        return t.modes[0].duration, t.calendar

    assert built(0.0) == (0, None)  # done: no time, so no break can lengthen it
    assert built(1.0) == (10, "office")
    assert built(0.25) == (3, "office")  # 2.5 days rounded up
    # the share as written, not its binary float: 0.3 and 0.7 of 10 days are 3 and 7 days (a float
    # product gives 3.0000000000000004 and 7.000000000000001, which ceil makes 4 and 8)
    assert built(0.3) == (3, "office") and built(0.7) == (7, "office")
    assert built(0.5, "survey") == (11, "office")  # 10.5 days rounded up
    # without the rows (a plan without the table) Ngọc Thiện runs its whole dossier
    assert ntm.build(dataclasses.replace(plan, step_progress=())).problem.task("07360:dossier").modes[0].duration == 10


def test_build_reads_step_progress_as_the_verifier_does(plan) -> None:
    """The build and the verifier's own reading agree on every share, rounding included."""
    from ntm_sched.plan import StepProgress

    rows = tuple(StepProgress(commune_code=c, step=s, share_remaining=x, source="test") for c, s, x in (
        ("07360", "dossier", 0.3), ("07360", "survey", 0.7), ("07345", "inspection", 0.0),
        ("07357", "appraisal", 0.35), ("07357", "works_done", 0.5), ("07309", "decision", 1.0)))
    _build_matches_the_plan(dataclasses.replace(plan, step_progress=rows))


def test_a_works_share_is_rounded_on_the_share_as_written(plan) -> None:
    """tasks.csv's share_remaining, by the same rule: 0.3 of a 10-day work is 3 days (the float product
    rounded up gave 4, and the verifier, exact, 3: the answer was INVALID)."""
    changed = dataclasses.replace(
        plan, work_types=_edit(plan.work_types, "commune_grounds", duration_fixed_days=10,
                               duration_per_batch_days=0),
        tasks=_edit(plan.tasks, "07321-grounds", share_remaining=0.3))
    assert plan.task("07321-grounds").work_type == "commune_grounds"
    assert ntm.build(changed).problem.task("07321-grounds").modes[0].duration == 3
    _build_matches_the_plan(changed)


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


# ---------------------------------------------------------------------------
# the domain build against the plan's records (the plan-level verifier's rules as the oracle)
# ---------------------------------------------------------------------------
def _build_matches_the_plan(plan) -> None:
    from ntm_sched.domain.verify_rules import Rules
    from ntm_sched.units import to_model_effort

    rules = Rules(plan)
    m = ntm.build(plan)
    p = m.problem
    origin = rules.start
    assert m.origin == origin and m.settings.plan_start == origin
    assert p.horizon == (rules.horizon_end - origin).days + 1
    assert p.advance_share == float(plan.setting("advance_share"))
    assert {t.id for t in p.tasks} == set(rules.tasks)
    # calendars: the break days of calendar.csv, as [first, last + 1) periods from the plan's date
    for cal in p.calendars:
        days = {origin + dt.timedelta(days=d) for b, e in cal.breaks for d in range(b, e)}
        assert days == {d for d in rules.off[cal.name] if d >= origin}, cal.name
    # agencies: weekly capacity, changed by capacity_changes.csv
    for r in p.resources:
        assert r.capacity == to_model_effort(plan.agency(r.name).weekly_capacity), r.name
        for day in range(0, p.horizon, 3):
            d = origin + dt.timedelta(days=day)
            assert r.capacity_at(day) == to_model_effort(float(rules.capacity(r.name, d))), (r.name, d)
    # money: one engine source per (source, earmark) of funding.csv, amounts rounded down
    want_money: dict[str, list[tuple[int, int]]] = {}
    for tr in plan.funding:
        name = tr.source_id if not tr.commune_code else f"{tr.source_id}@{tr.commune_code}"
        want_money.setdefault(name, []).append((max(0, (tr.date_available - origin).days), int(tr.amount_mvnd // 1)))
    allow_extra = plan.setting("allow_extra_funding") == "true"
    got_money = {s.name: sorted((t.time, t.amount) for t in s.tranches) for s in p.sources if not s.unlimited}
    assert got_money == {k: sorted(v) for k, v in want_money.items()}
    extra = [s for s in p.sources if s.unlimited]
    assert [s.name for s in extra] == (["EXTRA"] if allow_extra else [])
    if extra:
        assert extra[0].unit_price == int(plan.setting("extra_funding_price"))
        efrom = plan.setting("extra_funding_from", "")
        assert extra[0].available_from == ((dt.date.fromisoformat(efrom) - origin).days if efrom else 0)
    assert m.source_map == {**{k: (k.split("@")[0], k.split("@")[1] if "@" in k else None) for k in want_money},
                            **({"EXTRA": ("EXTRA", None)} if allow_extra else {})}
    # tasks: modes, calendars, release, due, allowed sources, and what the tables say about them
    hard = plan.setting("hard_deadlines") == "true"
    for t in p.tasks:
        r = rules.tasks[t.id]
        assert [md.name for md in t.modes] == list(r.modes), t.id
        for md in t.modes:
            want = r.modes[md.name]
            assert md.duration == want.duration and abs(md.cost - want.cost) <= 0.5, (t.id, md.name)
            assert dict(md.demands) == ({r.agency: to_model_effort(float(want.effort))} if want.effort > 0 else {})
        assert t.calendar == (r.calendar if t.modes[0].duration > 0 else None), t.id
        assert t.release == (max(0, (r.release - origin).days) if r.release else 0), t.id
        assert t.due == ((r.target - origin).days + 1 if r.target else None), t.id
        assert t.due_hard == (hard and r.target is not None), t.id
        assert t.late_weight == (int(plan.setting("weight_late_milestone")) if r.target else 0), t.id
        assert t.tardiness_weight == (int(plan.setting("weight_tardiness_day")) if r.target else 0), t.id
        recognition = r.kind == "step" and r.milestone == "recognition" and r.commune != "DISTRICT"
        assert t.end_weight == (int(plan.setting("weight_recognition_day") or 0) if recognition else 0), t.id
        allowed = {name for name, (sid, ear) in m.source_map.items()
                   if sid == "EXTRA" or (r.work_type is not None and plan.source(sid).may_pay(r.work_type)
                                         and ear in (None, r.commune))}
        assert set(t.sources) == (allowed if r.kind == "work" else set()), t.id
        inf = m.info[t.id]
        assert inf.task_id == t.id
        assert (inf.commune_code, inf.kind, inf.agency, inf.target_date) == (r.commune, r.kind, r.agency, r.target)
        # the name the engine's own sentences give the task: the plan's description, or owner and step
        owner = "Huyện" if r.commune == "DISTRICT" else plan.commune(r.commune).name
        assert t.label == (r.name_vi if r.kind == "work" else f"{owner}: {r.name_vi}"), t.id
        assert inf.milestone == (r.milestone if r.kind == "step" else None), t.id
        assert inf.modes == tuple(r.modes), t.id
    assert {(pr.pred, pr.succ) for pr in p.precedences} == {(a, s) for s, ps in rules.preds.items() for a in ps}
    assert all(pr.kind == "FS" and pr.lag == 0 for pr in p.precedences)
    o = p.objective
    assert (o.cost, o.makespan, o.lexicographic) == (int(plan.setting("weight_cost_mvnd")),
                                                     int(plan.setting("weight_district_day")),
                                                     plan.setting("lexicographic_objective") == "true")
    assert m.commune_names["07357"] == "Liên Chung" and m.commune_names["DISTRICT"] == "huyện Tân Yên"
    assert set(m.agency_resources) == {r.name for r in p.resources}


def test_build_follows_the_plans_records(plan) -> None:
    _build_matches_the_plan(plan)


def test_build_follows_changed_settings(plan) -> None:
    """Every setting the build reads, changed: the problem follows each."""
    from ntm_sched.plan.edits import set_settings

    changed = set_settings(plan, {
        "advance_share": "0.45", "accel_duration_factor": "0.5", "accel_cost_factor": "1.5",
        "accel_effort_factor": "2", "hard_deadlines": "true", "extra_funding_price": "7",
        "extra_funding_from": "2020-03-01", "weight_late_milestone": "5", "weight_tardiness_day": "3",
        "weight_cost_mvnd": "2", "weight_district_day": "4", "lexicographic_objective": "false",
        "weight_recognition_day": "6", "plan_start": "2019-08-01", "horizon_end": "2021-12-31"})
    _build_matches_the_plan(changed)
    m = ntm.build(changed)
    assert m.settings.accel_cost_factor == 1.5 and m.settings.extra_funding_from == dt.date(2020, 3, 1)
    assert sorted({t.end_weight for t in m.problem.tasks}) == [0, 6]
    no = ntm.build(set_settings(plan, {"allow_accelerated": "false", "allow_extra_funding": "false"}))
    assert all(len(t.modes) == 1 for t in no.problem.tasks) and not any(s.unlimited for s in no.problem.sources)
    _build_matches_the_plan(set_settings(plan, {"allow_accelerated": "false", "allow_extra_funding": "false"}))
    with pytest.raises(KeyError, match="advance_share"):
        ntm.read_settings(set_settings(plan, {"advance_share": ""}))


def test_build_reads_added_breaks_and_capacity_changes(plan) -> None:
    from ntm_sched.plan import Break, CapacityChange

    brk = Break(calendar="office", start_date=dt.date(2019, 12, 30), end_date=dt.date(2020, 1, 2), name_vi="x",
                name_en="x", source="test")  # overlaps New Year: merged
    late = Break(calendar="construction", start_date=dt.date(2021, 2, 20), end_date=dt.date(2021, 2, 25),
                 name_vi="y", name_en="y", source="test")  # overlaps the end of the Tết 2021 stop: merged too
    ch = CapacityChange(agency_id="BCD_HUYEN", start_date=dt.date(2019, 10, 7), end_date=dt.date(2019, 10, 20),
                        weekly_capacity=2.5, source="test")
    _build_matches_the_plan(dataclasses.replace(plan, calendar=(*plan.calendar, brk, late),
                                                capacity_changes=(*plan.capacity_changes, ch)))


@pytest.mark.parametrize("start", ["2019-10-14", "2020-01-25", "2020-02-02", "2020-02-03", "2020-02-08",
                                   "2020-02-09", "2020-02-10"])
def test_build_ignores_breaks_and_capacity_changes_before_the_plans_date(plan, start) -> None:
    """A plan dated after National Day 2019 (a re-planned scenario), or around Tết 2020: inside the
    construction stop (20/01-08/02) and the province's pause (20/01-02/02), on their last days, the day
    after. What ended before the plan's date has no effect (it once became a break on day 0, and the
    province's pause a zero capacity on day 0 that made the problem invalid); what runs through it
    counts from day 0."""
    from ntm_sched.plan.edits import set_settings

    later = set_settings(plan, {"plan_start": start})
    _build_matches_the_plan(later)
    m = ntm.build(later)
    first_break = min(b for cal in m.problem.calendars for b, _ in cal.breaks)
    assert (first_break == 0) == (start in ("2020-01-25", "2020-02-02", "2020-02-03", "2020-02-08"))


def _edit(records, key, **changes):
    """``records`` with the one whose first field is ``key`` changed."""
    first = dataclasses.fields(records[0])[0].name
    assert any(getattr(r, first) == key for r in records), key
    return tuple(dataclasses.replace(r, **changes) if getattr(r, first) == key else r for r in records)


def test_build_follows_records_the_shipped_plan_does_not_have(plan) -> None:
    """Rules the shipped data never exercise, each in a record changed on purpose: a release date, a
    task of no quantity, an appraisal target, a work type without agency effort, a 1-day work and a
    1-day step, a light step (half a person-day a week), a work that takes no time, an accelerable work
    without agency effort, a commune whose works are all done, a source with tranches both earmarked
    and not."""
    from ntm_sched.plan.edits import set_settings

    steps = tuple(dataclasses.replace(s, effort_per_week=0.5) if (s.chain, s.step) == ("commune", "survey")
                  else dataclasses.replace(s, duration_days=1) if (s.chain, s.step) == ("commune", "inspection")
                  else s for s in plan.recognition_steps)
    changed = dataclasses.replace(
        plan,
        tasks=tuple(t for t in _edit(_edit(plan.tasks, "07321-waste-area", release_date=dt.date(2019, 9, 16)),
                                     "07321-waste-points", quantity=0.0) if t.commune_code != "07360"),
        work_types=_edit(_edit(_edit(plan.work_types, "boundary_markers", duration_fixed_days=0,
                                     duration_per_batch_days=0),
                               "cultural_house_tidy", effort_per_week=0.0, duration_fixed_days=1,
                               duration_per_batch_days=0),
                         "cultural_house_renovation", duration_fixed_days=2, duration_per_batch_days=0,
                         effort_per_week=0.0),
        communes=_edit(plan.communes, "07303", target_appraisal=dt.date(2019, 11, 20)),
        recognition_steps=steps,
        # commune budgets are earmarked; one tranche of the same source for any commune beside them
        funding=(*plan.funding, dataclasses.replace(next(tr for tr in plan.funding if tr.source_id == "XA"),
                                                    tranche_id="XA-ANY", commune_code=None)),
    )
    _build_matches_the_plan(changed)
    # renovations take 2 days: accelerated to 1 day at half the time, not at 0.7 (ceil(1.4) = 2 is no faster)
    _build_matches_the_plan(set_settings(changed, {"accel_duration_factor": "0.5"}))
    m = ntm.build(changed)
    lone = [s for s in m.problem.precedences if s.succ == "07360:works_done"]
    assert lone == []  # Ngọc Thiện's chain starts on the plan's date
    assert m.problem.task("07321-waste-area").release == 42


def test_build_of_a_plan_without_money_or_district_works(plan) -> None:
    from ntm_sched.plan.edits import set_settings

    free = set_settings(dataclasses.replace(plan, funding=()), {"allow_extra_funding": "false"})
    m = ntm.build(free)
    assert m.problem.sources == () and all(t.sources is None for t in m.problem.tasks)  # money not modelled
    district = {t.task_id for t in plan.tasks if t.commune_code == "DISTRICT"}
    rest = tuple(dataclasses.replace(t, predecessors=tuple(p for p in t.predecessors if p not in district))
                 for t in plan.tasks if t.task_id not in district)
    m = ntm.build(dataclasses.replace(set_settings(plan, {"district_missing_criteria": ""}), tasks=rest))
    first = {p.pred for p in m.problem.precedences if p.succ == "DISTRICT:criteria_done"}
    assert first and not first & district and "07360:decision" in first
    # a plan that leaves out the recognition procedure (works only): no chain step at all
    works_only = dataclasses.replace(plan, recognition_steps=(), step_progress=())  # no chain, no step under way
    _build_matches_the_plan(works_only)
    assert all(":" not in t.id for t in ntm.build(works_only).problem.tasks)


def test_build_uses_the_settings_it_is_given(plan) -> None:
    st = ntm.read_settings(plan)
    m = ntm.build(plan, dataclasses.replace(st, advance_share=0.5))
    assert m.problem.advance_share == 0.5 and m.settings.advance_share == 0.5
    o = ntm.build(plan).problem.objective
    # the weights of settings.csv are carried by each task; the objective does not scale them again
    assert (o.tardiness, o.late_count, o.extra_funding) == (1, 1, 1)


def test_a_funding_scale_releases_the_same_money_in_the_plan_and_in_the_problem(plan) -> None:
    """1.9 million x 0.6: the problem scaled from its rounded 1 released 0, the plan edit 1.14 (1)."""
    from ntm_sched.domain.build import scaled_funding
    from ntm_sched.plan.edits import scale_funding

    first = plan.funding[0]
    odd = plan.with_table("funding", plan.table("funding").assign(
        amount_mvnd=[1.9 if t.tranche_id == first.tranche_id else t.amount_mvnd for t in plan.funding]))
    model = ntm.build(odd)

    def amounts(problem):
        return {s.name: [(t.time, t.amount) for t in s.tranches] for s in problem.sources if not s.unlimited}

    for scale in (0.6, 0.8, 1 / 3, 1.0):
        by_plan = ntm.build(scale_funding(odd, scale)).problem
        by_problem = scaled_funding(odd, model.problem, scale)
        assert amounts(by_problem) == amounts(by_plan), scale
        assert [s for s in by_problem.sources if s.unlimited] == [s for s in model.problem.sources if s.unlimited]
    name = first.source_id if not first.commune_code else f"{first.source_id}@{first.commune_code}"
    scaled = scale_funding(odd, 0.6)
    assert next(t.amount_mvnd for t in scaled.funding if t.tranche_id == first.tranche_id) == 1.14
    assert (ntm.build(odd).problem.sources[[s.name for s in model.problem.sources].index(name)].tranches[0].amount
            == 1)
    assert min(t.amount for t in next(s for s in scaled_funding(odd, model.problem, 0.6).sources
                                      if s.name == name).tranches) == 1
