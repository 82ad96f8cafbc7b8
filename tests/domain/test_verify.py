"""The plan-level verifier (ntm_sched/domain/verify.py): answers checked against the plan's own records.

A small plan (two communes, every district task) is solved once; its answer must agree with the
plan, and every way of corrupting the answer, or of changing the plan under it, must be found.
Then modified plans (another advance share, an added break, a capacity change) and the shipped
scenarios are solved end to end and must verify: a bug in the domain build that ignores one of
those records makes the solve INVALID and these tests fail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from ntm_sched import domain as ntm
from ntm_sched.domain import verify as V
from ntm_sched.i18n import in_lang
from ntm_sched.plan import Break, CapacityChange, load_plan
from ntm_sched.plan.edits import restrict_plan, set_settings
from tests.solved_plans import solved

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "tan_yen_2019"
SMALL = ["07336", "07345", "07357"]  # Cao Xá, Song Vân (roads) and Liên Chung (earmarked support): extra money
KW = {"time_limit": 10, "workers": 1, "seed": 0}


@pytest.fixture(scope="module")
def full_plan():
    return load_plan(DATA)


@pytest.fixture(scope="module")
def small_plan(full_plan):
    return restrict_plan(full_plan, SMALL)


@pytest.fixture(scope="module")
def small(small_plan):
    return solved(small_plan, ("small", *SMALL))


@pytest.fixture(scope="module")
def answer(small_plan, small) -> V.Answer:
    return V.answer_from_result(small_plan, small)


def _with_task(ans: V.Answer, tid: str, **change) -> V.Answer:
    return dataclasses.replace(ans, tasks=tuple(dataclasses.replace(t, **change) if t.task_id == tid else t
                                                for t in ans.tasks))


def _task(ans: V.Answer, tid: str) -> V.ScheduledTask:
    return next(t for t in ans.tasks if t.task_id == tid)


def _costly_work(ans: V.Answer, commune: str = "07345") -> V.ScheduledTask:
    return next(t for t in ans.tasks if t.task_id.startswith(commune + "-") and t.cost_mvnd > 0
                and t.end > t.start)


# ---------------------------------------------------------------------------
# a solved answer agrees; the summary follows the one definition of on time
# ---------------------------------------------------------------------------
def test_solved_answer_agrees_with_the_plan(small_plan, small, answer) -> None:
    rep = V.verify(small_plan, answer)
    assert rep.ok, str(rep)
    assert small.summary["verified"] is True and small.summary["verifier_findings"] == []
    assert small.verification is not None and small.verification.ok
    for key in ("communes_on_time", "communes_late", "late_communes", "district_recognition_date",
                "total_cost_mvnd", "extra_funding_mvnd", "unit"):
        assert small.summary[key] == rep.expected[key], key
    assert small.summary["unit"]["period"] == "2016-2020" and small.summary["unit"]["invented"] is False
    # this plan's answer exercises money beyond the tranches and the earmarked Liên Chung support
    assert rep.expected["extra_funding_mvnd"] > 0
    assert any(p.earmark == "07357" for p in answer.payments)


def test_on_time_means_every_targeted_milestone_of_the_chain(small_plan, answer) -> None:
    """Move one commune's inspection past its target (recognition still on time): the commune is late,
    with the inspection as the reason, and a summary saying otherwise is a disagreement."""
    ms = answer.milestones.copy()
    i = ms.index[(ms["commune_code"] == "07345") & (ms["milestone"] == "recognition")][0]
    assert ms.at[i, "slack_days"] >= 0
    code_target = small_plan.commune("07345").target_inspection
    insp = _task(answer, "07345:inspection")
    days = (code_target - insp.end).days + 2  # finish two days after the target
    shifted = answer
    # shift the inspection and everything after it in the chain by the same number of days
    for tid in ("07345:inspection", "07345:appraisal", "07345:decision"):
        t = _task(shifted, tid)
        shifted = _with_task(shifted, tid, start=t.start + dt.timedelta(days=days),
                             end=t.end + dt.timedelta(days=days))
    shifted = dataclasses.replace(shifted, schedule=None, milestones=None, agency_load=None)
    rep = V.verify(small_plan, shifted)
    assert "07345" in rep.expected["late_communes"]
    assert rep.expected["first_missed"]["07345"] == "inspection"
    summary = dict(answer.summary)
    rep2 = V.verify(small_plan, dataclasses.replace(shifted, summary=summary))
    assert "summary" in rep2.kinds()


# ---------------------------------------------------------------------------
# corrupted answers: each is found, by kind
# ---------------------------------------------------------------------------
def _drop(ans):
    return dataclasses.replace(ans, tasks=ans.tasks[1:])


def _duplicate(ans):
    return dataclasses.replace(ans, tasks=(*ans.tasks, ans.tasks[0]))


def _unknown(ans):
    t = ans.tasks[0]
    return dataclasses.replace(ans, tasks=(*ans.tasks, dataclasses.replace(t, task_id="NO-SUCH-TASK")))


def _bad_mode(ans):
    t = _task(ans, "07345:dossier")
    return _with_task(ans, t.task_id, mode="accelerated")


def _one_day_short(ans):
    t = _costly_work(ans)
    return _with_task(ans, t.task_id, end=t.end - dt.timedelta(days=1))


def _before_plan_start(ans):
    t = _task(ans, "07345:works_done")
    return _with_task(ans, t.task_id, start=dt.date(2019, 8, 1), end=dt.date(2019, 8, 1))


def _cost_off(ans):
    t = _costly_work(ans)
    return _with_task(ans, t.task_id, cost_mvnd=t.cost_mvnd + 7)


def _cost_float(ans):
    t = _costly_work(ans)
    return _with_task(ans, t.task_id, cost_mvnd=float(t.cost_mvnd) + 0.25)


def _start_not_a_day(ans):
    t = _costly_work(ans)
    return _with_task(ans, t.task_id, start=3)


def _amount_float(ans):
    p = ans.payments[0]
    return dataclasses.replace(ans, payments=(dataclasses.replace(p, amount_mvnd=p.amount_mvnd + 0.5),
                                              *ans.payments[1:]))


def _advance_and_remainder_swapped(ans):
    t = _costly_work(ans)
    pays = []
    for p in ans.payments:
        if p.task_id == t.task_id:
            p = dataclasses.replace(p, date=t.end if p.date == t.start else t.start)
        pays.append(p)
    return dataclasses.replace(ans, payments=tuple(pays))


def _paid_on_another_day(ans):
    p = next(p for p in ans.payments if p.source_id != V.EXTRA)
    return dataclasses.replace(ans, payments=tuple(dataclasses.replace(q, date=q.date + dt.timedelta(days=1))
                                                   if q is p else q for q in ans.payments))


def _other_communes_earmark(ans):
    p = next(p for p in ans.payments if p.task_id.startswith("07345-"))
    return dataclasses.replace(ans, payments=tuple(dataclasses.replace(q, source_id="HUYEN_LC", earmark="07357")
                                                   if q is p else q for q in ans.payments))


def _unknown_source(ans):
    p = ans.payments[0]
    return dataclasses.replace(ans, payments=(dataclasses.replace(p, source_id="NOPE"), *ans.payments[1:]))


def _overdrawn(ans):
    """Every payment of every task moved to the plan's first day, from one source."""
    t0 = min(t.start for t in ans.tasks)
    pays = tuple(dataclasses.replace(p, source_id="HUYEN", earmark=None) for p in ans.payments)
    tasks = ans.tasks
    big = V.PlanPayment(_costly_work(ans).task_id, "HUYEN", None, t0, 10**6)
    return dataclasses.replace(ans, tasks=tasks, payments=(*pays, big))


def _negative_payment(ans):
    p = ans.payments[0]
    return dataclasses.replace(ans, payments=(*ans.payments, dataclasses.replace(p, amount_mvnd=-1)))


def _chain_out_of_order(ans):
    a = _task(ans, "07357:appraisal")
    d = _task(ans, "07357:decision")
    return _with_task(ans, d.task_id, start=a.start, end=a.start + (d.end - d.start))


def _summary_late(ans):
    return dataclasses.replace(ans, summary={**ans.summary, "late_communes": ["07357"], "communes_on_time": 1,
                                             "communes_late": 1})


def _summary_district_date(ans):
    d = dt.date.fromisoformat(ans.summary["district_recognition_date"]) - dt.timedelta(days=1)
    return dataclasses.replace(ans, summary={**ans.summary, "district_recognition_date": d.isoformat()})


def _summary_extra(ans):
    extra = ans.summary["extra_funding_mvnd"] - 1
    return dataclasses.replace(ans, summary={**ans.summary, "extra_funding_mvnd": extra})


def _summary_other_unit(ans):
    return dataclasses.replace(ans, summary={**ans.summary, "unit": {**ans.summary["unit"], "name": "Sơn Hà"}})


def _summary_unit_missing_field(ans):
    unit = {k: v for k, v in ans.summary["unit"].items() if k != "procedure"}
    return dataclasses.replace(ans, summary={**ans.summary, "unit": unit})


def _milestone_date(ans):
    ms = ans.milestones.copy()
    ms.loc[ms.index[0], "scheduled_date"] = ms.loc[ms.index[0], "scheduled_date"] - dt.timedelta(days=1)
    return dataclasses.replace(ans, milestones=ms)


def _milestone_missing(ans):
    ms = ans.milestones
    return dataclasses.replace(ans, milestones=ms[ms["milestone"] != "inspection"])


def _schedule_date(ans):
    s = ans.schedule.copy()
    s.loc[s.index[0], "end_date"] = s.loc[s.index[0], "end_date"] + dt.timedelta(days=1)
    return dataclasses.replace(ans, schedule=s)


def _load_capacity(ans):
    ld = ans.agency_load.copy()
    ld.loc[ld.index[0], "capacity"] = ld.loc[ld.index[0], "capacity"] + 1
    return dataclasses.replace(ans, agency_load=ld)


@pytest.mark.parametrize(("corrupt", "kind"), [
    (_drop, "tasks"), (_duplicate, "tasks"), (_unknown, "tasks"), (_bad_mode, "mode"),
    (_one_day_short, "duration"), (_before_plan_start, "release"), (_cost_off, "cost"), (_cost_float, "type"),
    (_start_not_a_day, "type"), (_amount_float, "type"), (_advance_and_remainder_swapped, "payment"),
    (_paid_on_another_day, "payment"), (_other_communes_earmark, "source"), (_unknown_source, "source"),
    (_overdrawn, "funding"), (_negative_payment, "payment"), (_chain_out_of_order, "precedence"),
    (_summary_late, "summary"), (_summary_district_date, "summary"), (_summary_extra, "summary"),
    (_summary_other_unit, "summary"), (_summary_unit_missing_field, "summary"),
    (_milestone_date, "milestones"), (_milestone_missing, "milestones"), (_schedule_date, "schedule"),
    (_load_capacity, "agency_load"),
], ids=lambda x: getattr(x, "__name__", str(x)).strip("_"))
def test_corrupted_answer_is_found(small_plan, answer, corrupt, kind) -> None:
    rep = V.verify(small_plan, corrupt(answer))
    assert kind in rep.kinds(), str(rep)
    assert not rep.ok and str(rep).startswith(f"{len(rep.findings)} disagreement(s)")


def test_start_on_a_break_day_is_found(small_plan, answer) -> None:
    """A construction work moved to start on the last day of the Tết 2020 construction stop."""
    t = _costly_work(answer, "07357")
    rules = V.Rules(small_plan)
    day = dt.date(2020, 2, 8)
    assert day in rules.off["construction"]
    dur = rules.tasks[t.task_id].modes[t.mode].duration
    moved = _with_task(answer, t.task_id, start=day, end=rules.elapsed_end(day, dur, "construction"))
    rep = V.verify(small_plan, dataclasses.replace(moved, schedule=None, milestones=None, agency_load=None,
                                                   summary=None))
    assert "calendar" in rep.kinds(), str(rep)
    # the work resumes after the stop: the end counts the working days after 08/02/2020 only
    assert rules.elapsed_end(day, 1, "construction") == dt.date(2020, 2, 10)
    assert rules.elapsed_end(dt.date(2020, 1, 17), 2, "construction") == dt.date(2020, 2, 10)


# ---------------------------------------------------------------------------
# the same answer against a changed plan: the verifier reads each record
# ---------------------------------------------------------------------------
def _plan_with(plan, **tables):
    return dataclasses.replace(plan, **tables)


def test_another_advance_share_changes_every_advance(small_plan, answer) -> None:
    rep = V.verify(set_settings(small_plan, {"advance_share": "0.5"}), answer)
    assert "payment" in rep.kinds() and "advance_share 0.5" in str(rep)


def test_an_added_break_lengthens_the_works_it_spans(small_plan, answer) -> None:
    t = _costly_work(answer)
    mid = t.start + (t.end - t.start) // 2
    brk = Break(calendar="construction", start_date=mid, end_date=mid + dt.timedelta(days=2), name_vi="Nghỉ thử",
                name_en="Test break", source="test")
    rep = V.verify(_plan_with(small_plan, calendar=(*small_plan.calendar, brk)), answer)
    assert "duration" in rep.kinds() and t.task_id in {f.task for f in rep.findings}


def test_a_capacity_change_limits_the_agency_on_its_days(small_plan, answer) -> None:
    """The district inspection team given no capacity while it inspects Song Vân."""
    t = _task(answer, "07345:inspection")
    ch = CapacityChange(agency_id="BCD_HUYEN", start_date=t.start, end_date=t.start, weekly_capacity=0,
                        source="test")
    rep = V.verify(_plan_with(small_plan, capacity_changes=(*small_plan.capacity_changes, ch)), answer)
    assert "capacity" in rep.kinds() and "BCD_HUYEN" in str(rep)
    assert "agency_load" in rep.kinds()  # the table's capacity column no longer matches the plan


def test_shipped_capacity_changes_are_read(small_plan, answer) -> None:
    """The provincial committee does not sit around Tết 2020 (capacity_changes.csv)."""
    rules = V.Rules(small_plan)
    assert rules.capacity("BCD_TINH", dt.date(2020, 1, 25)) == 0
    assert rules.capacity("BCD_TINH", dt.date(2020, 2, 3)) == small_plan.agency("BCD_TINH").weekly_capacity


def test_extra_money_must_be_allowed(small_plan, answer) -> None:
    rep = V.verify(set_settings(small_plan, {"allow_extra_funding": "false"}), answer)
    assert "source" in rep.kinds() and "allow_extra_funding" in str(rep)
    late = max(p.date for p in answer.payments if p.source_id == V.EXTRA) + dt.timedelta(days=1)
    rep = V.verify(set_settings(small_plan, {"extra_funding_from": late.isoformat()}), answer)
    assert "extra_funding_from" in str(rep)


def test_hard_deadlines_must_hold(small_plan, answer) -> None:
    done = V.completion(_task(answer, "07357:decision").start, _task(answer, "07357:decision").end,
                        small_plan.setting_date("plan_start"))
    communes = tuple(dataclasses.replace(c, target_recognition=done - dt.timedelta(days=1)) if c.code == "07357"
                     else c for c in small_plan.communes)
    soft = _plan_with(small_plan, communes=communes)
    rep = V.verify(soft, dataclasses.replace(answer, milestones=None, summary=None))
    assert rep.ok and "07357" in rep.expected["late_communes"]
    rep = V.verify(set_settings(soft, {"hard_deadlines": "true"}), dataclasses.replace(answer, milestones=None,
                                                                                         summary=None))
    assert rep.kinds() == {"deadline"}


def test_advance_is_exact_for_decimal_shares() -> None:
    from fractions import Fraction

    assert V.advance(100, Fraction("0.29")) == 29
    assert V.advance(10, Fraction("0.3")) == 3
    assert V.advance(7, Fraction("0.5")) == 3
    assert V.advance(0, Fraction("0.3")) == 0


# ---------------------------------------------------------------------------
# modified plans solved end to end: the answer must verify
# ---------------------------------------------------------------------------
def _solve_verified(plan) -> ntm.PlanResult:
    res = ntm.solve_plan(plan, **KW)
    assert res.has_schedule, res.summary
    assert res.summary["verified"] is True, "\n".join(res.summary["verifier_findings"])
    assert res.status in ("OPTIMAL", "FEASIBLE")
    return res


def test_modified_plan_another_advance_share(small_plan) -> None:
    res = _solve_verified(set_settings(small_plan, {"advance_share": "0.5"}))
    adv = res.allocation[res.allocation["instalment"] == "advance"].groupby("task_id")["amount_mvnd"].sum()
    cost = res.schedule.set_index("task_id")["cost_mvnd"]
    tid = adv.index[0]
    assert adv[tid] == cost[tid] // 2


def test_modified_plan_an_added_break(small_plan, small) -> None:
    """A two-week construction stop in October 2019, across Song Vân's road works."""
    brk = Break(calendar="construction", start_date=dt.date(2019, 10, 1), end_date=dt.date(2019, 10, 14),
                name_vi="Mưa bão", name_en="Storm stop", source="test")
    res = _solve_verified(_plan_with(small_plan, calendar=(*small_plan.calendar, brk)))
    sch = res.schedule[(res.schedule["kind"] == "work")]
    spans = sch[(sch["start_date"] < dt.date(2019, 10, 1)) & (sch["end_date"] >= dt.date(2019, 10, 15))]
    assert len(spans) > 0  # some works pause across it (so the lengthening is exercised)


def test_modified_plan_a_capacity_change(small_plan, small) -> None:
    """The provincial committee closed through February 2020, when Liên Chung's appraisal falls."""
    start, end = dt.date(2020, 2, 3), dt.date(2020, 2, 29)  # right after the shipped Tết closure
    before = small.schedule.set_index("task_id").loc["07357:appraisal"]
    assert before["start_date"] <= end and before["end_date"] >= start  # the change matters
    ch = CapacityChange(agency_id="BCD_TINH", start_date=start, end_date=end, weekly_capacity=0, source="test")
    res = _solve_verified(_plan_with(small_plan, capacity_changes=(*small_plan.capacity_changes, ch)))
    new = res.schedule.set_index("task_id").loc["07357:appraisal"]
    assert new["start_date"] > end or new["end_date"] < start
    load = res.agency_load[(res.agency_load["agency"] == "BCD_TINH")
                           & (res.agency_load["week_start"] >= start) & (res.agency_load["week_start"] <= end)]
    assert len(load) and (load["capacity"] == 0).all() and (load["used"] == 0).all()


def test_a_step_under_way_is_verified_from_the_plans_own_step_progress(full_plan) -> None:
    """step_progress.csv: Ngọc Thiện's dossier is half done at the plan's date. The answer built with it
    is accepted; the same answer against the plan without the row, and the answer of the plan without
    it against the plan with it, are rejected at the dossier's duration."""
    with_progress = restrict_plan(full_plan, ["07360"])
    assert [(p.commune_code, p.step, p.share_remaining) for p in with_progress.step_progress] == [
        ("07360", "dossier", 0.5)]
    without = _plan_with(with_progress, step_progress=())
    res = _solve_verified(with_progress)
    ans = V.answer_from_result(with_progress, res)
    dossier = _task(ans, "07360:dossier")
    assert (dossier.end - dossier.start).days == 5  # ceil(0.5 * 10 days), no break in August
    rep = V.verify(without, ans)
    assert "duration" in rep.kinds()
    assert any(f.task == "07360:dossier" and "(10 working days" in f.message
               for f in rep.findings if f.kind == "duration"), str(rep)
    res_without = _solve_verified(without)
    rep = V.verify(with_progress, V.answer_from_result(without, res_without))
    assert any(f.kind == "duration" and f.task == "07360:dossier" and "(5 working days" in f.message
               for f in rep.findings), str(rep)
    # the inspection (31/08/2019) is missed by 5 days with the progress, by 10 without it
    slack = {n: r.milestones.set_index("task_id").loc["07360:inspection", "slack_days"]
             for n, r in (("with", res), ("without", res_without))}
    assert slack == {"with": -5, "without": -10}
    assert V.verify(with_progress, ans).expected["first_missed"] == {"07360": "inspection"}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["base", "programme_cut_20", "residents_late", "second_inspection_team",
                                  "all_hard", "lien_chung_support"])
def test_shipped_scenarios_verify(name) -> None:
    from ntm_sched.scenario import load_scenario, load_scenario_plan

    plan = load_scenario_plan(load_scenario(name))
    # the scenario's own 30 s (proven in 4-8 s): a proven answer is kept in the run's solve cache, where the batch's
    # and the app's tests of the same scenarios find it (an answer cut by a shorter limit was searched twice)
    res = ntm.solve_plan(plan, time_limit=30, workers=1, seed=0)
    if name == "all_hard":  # the plan's own dates cannot all hold: nothing to verify, and it says so
        assert not res.has_schedule and res.summary["verified"] is None
        return
    assert res.has_schedule, res.summary
    assert res.summary["verified"] is True, "\n".join(res.summary["verifier_findings"])


# ---------------------------------------------------------------------------
# a disagreement is loud in every output
# ---------------------------------------------------------------------------
def test_a_disagreement_makes_the_result_invalid_everywhere(small_plan, tmp_path, monkeypatch, capsys) -> None:
    """A summary bug planted for the test (a late commune dropped from the headline): the solve's
    summary.json says INVALID, the report opens with the warning banner, the command exits 1."""
    import json

    from ntm_sched.cli import main
    from ntm_sched.i18n import label
    from ntm_sched.plan import write_plan
    from ntm_sched.report.context import ReportContext
    from ntm_sched.report.tables import headline
    from ntm_sched.scenario import load_scenario

    late_plan = restrict_plan(load_plan(DATA), ["07309", "07360"])  # both late
    real = ntm.tables.summary_dict

    def buggy(*args, **kwargs):
        out = real(*args, **kwargs)
        if out.get("late_communes"):
            out["late_communes"] = out["late_communes"][1:]
            out["communes_late"] -= 1
            out["communes_on_time"] += 1
        return out

    import ntm_sched.domain.tables as tables_module

    monkeypatch.setattr(tables_module, "summary_dict", buggy)
    write_plan(late_plan, tmp_path / "plan")
    (tmp_path / "base.yaml").write_text(f"plan: {tmp_path / 'plan'}\n", encoding="utf-8")
    rc = main(["solve", str(tmp_path / "base.yaml"), "--out", str(tmp_path / "out"), "--time-limit", "10",
               "--workers", "1"])
    assert rc == 1
    err = capsys.readouterr().err
    assert "disagrees with the plan" in err and "late_communes" in err
    summ = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summ["status"] == "INVALID" and summ["verified"] is False
    assert summ["solver_status"] in ("OPTIMAL", "FEASIBLE")
    assert any("late_communes" in f for f in summ["verifier_findings"])
    assert "disagrees with the plan" in summ["explanation"] and "không khớp" in summ["explanation_vi"]
    # the report: banner first, headline says the check failed
    res = ntm.solve_plan(late_plan, **KW)
    assert res.status == "INVALID"
    ctx = ReportContext(load_scenario(tmp_path / "base.yaml"), late_plan, res, "vi", tmp_path / "rep", {})
    banner = ctx.status_markdown()
    assert banner.startswith("## ⛔ " + label("banner_invalid", "vi")) and "late_communes" in banner
    assert label("s_INVALID", "vi") in banner
    table = in_lang("en", headline, res, late_plan)
    h = dict(zip(table.iloc[:, 0], table.iloc[:, 1]))
    assert h[label("h_verified", "en")] == label("no", "en")
    assert h[label("h_status", "en")] == label("s_INVALID", "en")


# ---------------------------------------------------------------------------
# one wrong cell of a table or summary: reported once, naming the table, the task and the value
# (the corruptions above assert the kind only; these were found missing by mutation testing)
# ---------------------------------------------------------------------------
def _table(ans, name, change):
    df = getattr(ans, name).copy()
    change(df)
    return dataclasses.replace(ans, **{name: df})


def _row(df, **where):
    mask = True
    for k, v in where.items():
        mask = mask & (df[k] == v)
    return df.index[mask][0]


def _set(df, where, col, value):
    df.loc[_row(df, **where), col] = value(df.loc[_row(df, **where), col]) if callable(value) else value


SONG_VAN_SPORTS = "07345-sports"


def _less_used(df) -> None:
    i = df.index[df["used"] > 0][0]
    df.loc[i, "used"] = df.loc[i, "used"] - 0.5


def _first_used(ans) -> tuple:
    row = ans.agency_load[ans.agency_load["used"] > 0].iloc[0]
    return row["agency"], row["week_start"], row["used"]


TABLE_CORRUPTIONS = {
    "schedule_cost": (lambda a: _table(a, "schedule", lambda d: _set(d, {"task_id": SONG_VAN_SPORTS}, "cost_mvnd",
                                                                          lambda v: v + 7)),
                      "schedule", SONG_VAN_SPORTS, ["cost_mvnd", "should be"]),
    "schedule_work_type_of_a_step": (lambda a: _table(a, "schedule", lambda d: _set(
        d, {"task_id": "07345:dossier"}, "work_type", "survey")), "schedule", "07345:dossier",
        ["work_type 'survey', should be 'dossier'"]),
    "schedule_row_missing": (lambda a: dataclasses.replace(a, schedule=a.schedule[a.schedule["task_id"]
                                                                                  != SONG_VAN_SPORTS]),
                             "schedule", None, [f"missing ['{SONG_VAN_SPORTS}']"]),
    "schedule_row_twice": (lambda a: dataclasses.replace(a, schedule=pd.concat(
        [a.schedule, a.schedule[a.schedule["task_id"] == SONG_VAN_SPORTS]])),
        "schedule", None, [f"twice ['{SONG_VAN_SPORTS}']"]),
    "milestone_slack": (lambda a: _table(a, "milestones", lambda d: _set(
        d, {"task_id": "07345:inspection"}, "slack_days", lambda v: v + 1)), "milestones", "07345:inspection",
        ["slack"]),
    "milestone_label": (lambda a: _table(a, "milestones", lambda d: _set(
        d, {"task_id": "07345:inspection"}, "milestone", "appraisal")), "milestones", "07345:inspection",
        ["appraisal target", "inspection target"]),
    "milestone_twice": (lambda a: dataclasses.replace(a, milestones=pd.concat(
        [a.milestones, a.milestones[a.milestones["task_id"] == "07345:inspection"]])),
        "milestones", "07345:inspection", ["twice"]),
    "milestone_missing": (lambda a: dataclasses.replace(a, milestones=a.milestones[a.milestones["task_id"]
                                                                                     != "07345:inspection"]),
                          "milestones", "07345:inspection", ["lacks 07345 inspection"]),
    "milestone_without_target": (lambda a: dataclasses.replace(a, milestones=pd.concat(
        [a.milestones, a.milestones[a.milestones["task_id"] == "07345:inspection"].assign(
            task_id="07345:dossier", milestone="dossier")])),
        "milestones", "07345:dossier", ["carries no target"]),
    "load_used": (lambda a: _table(a, "agency_load", _less_used), "agency_load", None,
                  lambda a: [f"agency_load.csv {_first_used(a)[0]} week {_first_used(a)[1]}: "
                             f"{_first_used(a)[2] - 0.5:g} in use, the schedule gives {_first_used(a)[2]:g}"]),
    "load_row_missing": (lambda a: dataclasses.replace(a, agency_load=a.agency_load.iloc[1:]),
                         "agency_load", None,
                         lambda a: [f"agency_load.csv lacks {a.agency_load.iloc[0]['agency']} week "
                                    f"{a.agency_load.iloc[0]['week_start']}"]),
    "load_row_extra": (lambda a: dataclasses.replace(a, agency_load=pd.concat(
        [a.agency_load, a.agency_load.iloc[:1].assign(week_start=dt.date(2030, 1, 7))])),
        "agency_load", None, ["has an extra row", "2030-01-07"]),
    "load_week_not_a_date": (lambda a: dataclasses.replace(a, agency_load=pd.concat(
        [a.agency_load, a.agency_load.iloc[:1].assign(week_start="next week")])),
        "agency_load", None, ["'next week' is not a date"]),
    "allocation_amount": (lambda a: _table(a, "allocation", lambda d: _set(
        d, {"task_id": SONG_VAN_SPORTS, "instalment": "advance"}, "amount_mvnd", lambda v: v + 1)),
        "allocation", SONG_VAN_SPORTS, ["the payments give"]),
    "allocation_commune": (lambda a: _table(a, "allocation", lambda d: _set(
        d, {"task_id": SONG_VAN_SPORTS, "instalment": "advance"}, "commune_code", "07357")),
        "allocation", SONG_VAN_SPORTS, ["commune '07357'", "the task is 07345's"]),
    "summary_first_missed": (lambda a: dataclasses.replace(a, summary={**a.summary,
                                                                         "first_missed": {"07345": "inspection"}}),
                             "summary", None, ["first_missed = {'07345': 'inspection'}"]),
    "summary_total_cost": (lambda a: dataclasses.replace(a, summary={**a.summary, "total_cost_mvnd":
                                                                     a.summary["total_cost_mvnd"] + 1}),
                           "summary", None, ["total_cost_mvnd"]),
    "summary_target": (lambda a: dataclasses.replace(a, summary={**a.summary, "district_target_date": None}),
                       "summary", None, ["district_target_date = None"]),
    "summary_late_communes_missing": (lambda a: dataclasses.replace(a, summary={**a.summary,
                                                                                  "late_communes": None}),
                                      "summary", None, ["late_communes = None"]),
}


@pytest.mark.parametrize("name", sorted(TABLE_CORRUPTIONS))
def test_a_wrong_cell_is_reported_once_by_name(small_plan, answer, name) -> None:
    corrupt, kind, task, words = TABLE_CORRUPTIONS[name]
    rep = V.verify(small_plan, corrupt(answer))  # the answer itself agrees: test_solved_answer_agrees_with_the_plan
    assert len(rep.findings) == 1, str(rep)
    f = rep.findings[0]
    assert (f.kind, f.task) == (kind, task), str(rep)
    for w in (words(answer) if callable(words) else words):
        assert w in f.message, f.message


def test_every_wrong_row_is_reported_not_only_the_first(small_plan, answer) -> None:
    """A row for a task the answer does not have comes first; the rows after it are still read."""
    bad = answer.schedule.iloc[:1].assign(task_id="NO-SUCH-TASK")
    sch = pd.concat([bad, answer.schedule])
    i = sch.index[sch["task_id"] == SONG_VAN_SPORTS][0]
    sch.loc[sch["task_id"] == SONG_VAN_SPORTS, "cost_mvnd"] = sch.loc[i, "cost_mvnd"] + 1
    ms = answer.milestones.copy()
    ms = pd.concat([ms.iloc[:1].assign(task_id="NO-SUCH-TASK"), ms])
    ms.loc[ms["task_id"] == "07345:inspection", "slack_days"] += 1
    rep = V.verify(small_plan, dataclasses.replace(answer, schedule=sch, milestones=ms))
    assert {(f.kind, f.task) for f in rep.findings} >= {("schedule", SONG_VAN_SPORTS),
                                                        ("milestones", "07345:inspection")}


def test_a_summary_without_first_missed_is_not_a_disagreement(small_plan, answer) -> None:
    """Summaries written before first_missed existed are read without it; the rest is still checked."""
    summary = {k: v for k, v in answer.summary.items() if k != "first_missed"}
    assert V.verify(small_plan, dataclasses.replace(answer, summary=summary)).ok


def test_report_text_lists_at_most_fifty_findings() -> None:
    rep = V.VerifyReport([V.Finding("cost", f"f{i}") for i in range(53)])
    assert rep.lines() == [f"[cost] f{i}" for i in range(50)] + ["... and 3 more"]
    assert rep.lines(3) == ["[cost] f0", "[cost] f1", "[cost] f2", "... and 50 more"]
    assert V.VerifyReport([V.Finding("cost", f"f{i}") for i in range(50)]).lines()[-1] == "[cost] f49"
    text = str(rep).splitlines()
    assert text[0] == "53 disagreement(s) with the plan:" and text[1] == "  [cost] f0" and len(text) == 52
    assert str(V.VerifyReport()) == "answer agrees with the plan" and V.VerifyReport().ok


# ---------------------------------------------------------------------------
# verify_result: every table the user receives is checked, and the verdict is written
# ---------------------------------------------------------------------------
def _fresh(small_plan):
    solved(small_plan, ("small", *SMALL))  # solved once per process
    return solved(small_plan, ("small", *SMALL))  # built, tabulated and verified again: a result of its own


def test_verify_result_checks_each_table_it_is_given(small_plan) -> None:
    pr = _fresh(small_plan)
    assert pr.summary["verified"] is True
    for table, col, more in (("schedule", "end_date", dt.timedelta(days=1)), ("milestones", "slack_days", 1),
                             ("agency_load", "capacity", 1), ("allocation", "amount_mvnd", 1)):
        df = getattr(pr, table)
        df.loc[df.index[0], col] = df.loc[df.index[0], col] + more
    pr.summary["total_cost_mvnd"] += 1
    V.verify_result(small_plan, pr)
    assert pr.summary["verified"] is False and pr.status == V.INVALID_STATUS
    kinds = {f.kind for f in pr.verification.findings}
    assert {"schedule", "milestones", "agency_load", "allocation", "summary"} <= kinds, kinds


def test_verify_result_says_why_in_both_languages(small_plan) -> None:
    pr = _fresh(small_plan)
    solver = pr.summary["status"]
    pr.schedule["cost_mvnd"] = pr.schedule["cost_mvnd"] + 1  # every row: many findings
    V.verify_result(small_plan, pr)
    s, rep = pr.summary, pr.verification
    n = len(rep.findings)
    assert n > 3 and s["verifier_findings"] == rep.lines() and s["solver_status"] == solver
    first3 = "; ".join(rep.lines(3))
    assert s["explanation"] == f"The answer disagrees with the plan ({n} finding(s)); do not use it: {first3}"
    assert s["explanation_vi"] == (f"Kết quả không khớp với kế hoạch ({n} điểm); không dùng kết quả này: "
                                   f"{first3}")


def test_verify_result_without_a_schedule(small_plan) -> None:
    from ntm_sched.engine import Result, Status

    pr = ntm.tabulate(ntm.build(small_plan), Result(status=Status.UNKNOWN, runtime_s=1.0))
    pr.verification = "not run"
    assert V.verify_result(small_plan, pr) is pr
    assert pr.summary["verified"] is None and pr.summary["verifier_findings"] == [] and pr.verification is None
    assert pr.status == "UNKNOWN"


def test_answer_from_result_keeps_what_is_wrong_for_the_verifier(small_plan) -> None:
    """A time that is not a whole day, a payment from a source the plan does not know and a row the
    schedule table lists twice are findings, not errors of the verifier."""
    from ntm_sched.engine import Payment, Solution, TaskSchedule

    pr = _fresh(small_plan)
    sol = pr.result.solution
    tid = SONG_VAN_SPORTS
    ts = sol.tasks[tid]
    tasks = {**sol.tasks, tid: TaskSchedule(tid, ts.start + 0.5, ts.end + 0.5, ts.mode)}
    pr.result.solution = Solution(tasks, (*sol.payments, Payment(tid, "NOWHERE", ts.start, 0)))
    dossier_rows = pr.schedule[pr.schedule["task_id"] == "07345:dossier"]
    pr.schedule = pd.concat([pr.schedule[pr.schedule["task_id"] != "07345:survey"], dossier_rows,
                             dossier_rows.assign(mode="accelerated", cost_mvnd=9)])  # twice, the second differs
    ans = V.answer_from_result(small_plan, pr)
    survey = next(t for t in ans.tasks if t.task_id == "07345:survey")
    assert (survey.mode, survey.cost_mvnd) == ("?", None)  # not in the table: no mode, no cost read
    got = next(t for t in ans.tasks if t.task_id == tid)
    assert got.start == ts.start + 0.5  # passed on as it is, not turned into a day
    dossier = next(t for t in ans.tasks if t.task_id == "07345:dossier")
    assert dossier.mode == "normal" and dossier.cost_mvnd == 0  # the first of the two rows
    assert next(p for p in ans.payments if p.source_id == "NOWHERE").earmark is None
    rep = V.verify(small_plan, ans)
    assert {"type", "source", "schedule", "mode"} <= rep.kinds(), str(rep)
    assert any("twice ['07345:dossier']" in f.message for f in rep.findings)
    assert ("mode", "07345:survey") in {(f.kind, f.task) for f in rep.findings}  # its mode '?' is none of the plan's


def test_load_above_capacity_in_the_table_is_a_disagreement(small_plan, answer) -> None:
    ld = answer.agency_load.copy()
    i = ld.index[ld["used"] > 0][0]
    agency, week, cap = ld.loc[i, "agency"], ld.loc[i, "week_start"], ld.loc[i, "capacity"]
    ld.loc[i, "used"] = cap + 1
    rep = V.verify(small_plan, dataclasses.replace(answer, agency_load=ld))
    assert [f.kind for f in rep.findings] == ["agency_load", "agency_load"]
    assert rep.findings[1].message == f"agency_load.csv {agency} week {week}: {cap + 1:g} in use > capacity {cap:g}"


# ---------------------------------------------------------------------------
# a task wrong in the answer: reported once, naming the task; the others are still checked
# ---------------------------------------------------------------------------
def test_a_task_twice_or_unknown_is_one_finding_each(small_plan, answer) -> None:
    first = answer.tasks[0]
    ghost = dataclasses.replace(first, task_id="NO-SUCH-TASK")
    rep = V.verify(small_plan, dataclasses.replace(answer, tasks=(first, ghost, *answer.tasks)))
    assert [(f.kind, f.task, f.message) for f in rep.findings] == [
        ("tasks", "NO-SUCH-TASK", "task 'NO-SUCH-TASK' is not in the plan"),
        ("tasks", first.task_id, f"task {first.task_id!r} is scheduled more than once")]


def test_a_task_not_in_whole_days_is_one_type_finding(small_plan, answer) -> None:
    t = _costly_work(answer)
    bad = _with_task(answer, t.task_id, start=3)
    rep = V.verify(small_plan, dataclasses.replace(bad, schedule=None, milestones=None, agency_load=None,
                                                   allocation=None, summary=None))
    types = [(f.task, f.message) for f in rep.findings if f.kind == "type"]
    assert types == [(t.task_id, f"task {t.task_id!r}: start/end 3/{t.end!r} are not whole days")]
    assert "tasks" not in rep.kinds()  # it is in the answer: not "not scheduled"
    dropped = V.verify(small_plan, dataclasses.replace(_drop(answer), schedule=None, milestones=None,
                                                       agency_load=None, allocation=None, summary=None))
    gone = answer.tasks[0].task_id
    assert ("tasks", gone, f"task {gone!r} of the plan is not scheduled") in {
        (f.kind, f.task, f.message) for f in dropped.findings}


def _repaid(ans, task_id, **change):
    """The answer with the first payment of ``task_id`` changed."""
    p = next(p for p in ans.payments if p.task_id == task_id)
    return dataclasses.replace(ans, payments=tuple(dataclasses.replace(q, **change) if q is p else q
                                                   for q in ans.payments))


def _sources(rep) -> list[str]:
    return [f.message for f in rep.findings if f.kind == "source"]


def test_sources_are_checked_by_work_type_earmark_and_tranche(small_plan, answer) -> None:
    bare = dict(schedule=None, milestones=None, agency_load=None, allocation=None, summary=None)
    # a chain step is never paid
    step = _task(answer, "07345:dossier")
    paid = dataclasses.replace(answer, payments=(*answer.payments, V.PlanPayment(step.task_id, "HUYEN", None,
                                                                                 step.start, 1)), **bare)
    assert any("may not pay work type None" in m for m in _sources(V.verify(small_plan, paid)))
    # a source whose pays_for does not list the work type
    dan = small_plan.source("DAN")
    work = next(t for t in answer.tasks if t.task_id.startswith("07345-") and t.cost_mvnd > 0
                and not dan.may_pay(small_plan.task(t.task_id).work_type))
    rep = V.verify(small_plan, dataclasses.replace(_repaid(answer, work.task_id, source_id="DAN", earmark="07345"),
                                                   **bare))
    wt = small_plan.task(work.task_id).work_type
    assert any(f"source 'DAN' may not pay work type {wt!r} (pays_for {list(dan.pays_for)})" in m
               for m in _sources(rep))
    # an earmark the source never has in funding.csv
    rep = V.verify(small_plan, dataclasses.replace(_repaid(answer, work.task_id, source_id="HUYEN",
                                                           earmark="07345"), **bare))
    assert any("funding.csv has no tranche of 'HUYEN' with earmark '07345'" in m for m in _sources(rep))
    # extra money where the plan allows none
    rep = V.verify(set_settings(small_plan, {"allow_extra_funding": "false"}), dataclasses.replace(answer, **bare))
    assert any(m.endswith(": extra funding is not allowed (setting allow_extra_funding)") for m in _sources(rep))


def test_money_released_per_source_and_earmark_by_day(small_plan) -> None:
    from ntm_sched.plan import Tranche

    d1, d2 = dt.date(2019, 9, 1), dt.date(2019, 10, 1)

    def tr(i, sid, day, amount, earmark=None):
        return Tranche(tranche_id=f"T{i}", source_id=sid, date_available=day, amount_mvnd=amount,
                       commune_code=earmark, source="test")

    plan = dataclasses.replace(small_plan, funding=(tr(1, "HUYEN_LC", d1, 100, "07357"),
                                                    tr(2, "HUYEN_LC", d2, 50, "07357"),
                                                    tr(3, "XA", d1, 30, "07357"), tr(4, "XA", d1, 7)))
    rules = V.Rules(plan)
    assert rules.released("HUYEN_LC", "07357", d1 - dt.timedelta(days=1)) == 0
    assert rules.released("HUYEN_LC", "07357", d1) == 100
    assert rules.released("HUYEN_LC", "07357", d2) == 150
    assert rules.released("XA", "07357", d2) == 30 and rules.released("XA", None, d2) == 7
    assert rules.released("XA", "07345", d2) == 0


def test_a_calendar_without_breaks_pauses_nothing(small_plan) -> None:
    rules = V.Rules(small_plan)
    d = dt.date(2020, 1, 20)  # inside the construction stop of Tết 2020
    assert rules.elapsed_end(d, 3, "no-such-calendar") == d + dt.timedelta(days=3)
    assert rules.elapsed_end(d, 0, "construction") == d


# ---------------------------------------------------------------------------
# money: each disagreement named by task, source, day and amount
# ---------------------------------------------------------------------------
BARE = dict(schedule=None, milestones=None, agency_load=None, allocation=None, summary=None)


def _money_findings(plan, ans) -> list[tuple[str, str | None, str]]:
    rep = V.verify(plan, dataclasses.replace(ans, **BARE))
    return [(f.kind, f.task, f.message) for f in rep.findings]


def _two_payment_work(answer) -> str:
    """The first work (by id) paid in two payments, an advance and the remainder, one source each."""
    by: dict[str, list] = {}
    for p in answer.payments:
        by.setdefault(p.task_id, []).append(p)
    return min(tid for tid, ps in by.items() if len(ps) == 2 and ps[0].date != ps[1].date)


def test_money_disagreements_are_named(small_plan, answer) -> None:
    work = _two_payment_work(answer)  # which work depends on the canonical allocation, not the rules tested
    sports = [p for p in answer.payments if p.task_id == work]
    adv, rest = sorted(sports, key=lambda p: p.date)
    t = _task(answer, work)
    # not a whole number of millions: that payment is left out, so the advance is short too
    got = _money_findings(small_plan, _repaid(answer, work, amount_mvnd=adv.amount_mvnd + 0.5))
    assert got == [("type", work, f"payment to {work!r} from {adv.source_id!r}: amount "
                    f"{adv.amount_mvnd + 0.5!r} on {adv.date!r} is not a whole number of millions on a day"),
                   ("payment", work, f"task {work!r}: advance 0 paid on {t.start}, the "
                    f"plan's advance_share 0.3 of {t.cost_mvnd} gives {adv.amount_mvnd}")]
    # a day late: paid neither on the first day nor after the end
    late = adv.date + dt.timedelta(days=1)
    got = _money_findings(small_plan, _repaid(answer, work, date=late))
    assert ("payment", work, f"task {work!r}: {adv.amount_mvnd} paid on {late}, neither its "
            f"first day {t.start} nor the day after its end {t.end}") in got
    # the remainder short by one million
    got = _money_findings(small_plan, _repaid(answer, work, amount_mvnd=rest.amount_mvnd - 1)
                          if rest is sports[0] else dataclasses.replace(answer, payments=tuple(
                              dataclasses.replace(q, amount_mvnd=q.amount_mvnd - 1) if q is rest else q
                              for q in answer.payments)))
    assert ("payment", work, f"task {work!r}: remainder {rest.amount_mvnd - 1} paid on "
            f"{t.end}, should be {rest.amount_mvnd}") in got
    # a payment to no task, and a negative one
    extra = (V.PlanPayment("NO-SUCH-TASK", "HUYEN", None, t.start, 1),
             V.PlanPayment(work, "HUYEN", None, t.start, -1))
    got = _money_findings(small_plan, dataclasses.replace(answer, payments=(*answer.payments, *extra)))
    assert ("payment", "NO-SUCH-TASK", "payment of 1 to 'NO-SUCH-TASK', not a task of the plan") in got
    assert ("payment", work, f"task {work!r}: negative payment -1 from 'HUYEN'") in got


def test_money_beyond_what_was_released_is_one_finding_per_source(small_plan, answer) -> None:
    first = min(t.start for t in answer.tasks)
    rules = V.Rules(small_plan)
    have = rules.released("HUYEN", None, first)
    big = (V.PlanPayment(SONG_VAN_SPORTS, "HUYEN", None, first, int(have) + 1),
           V.PlanPayment(SONG_VAN_SPORTS, "HUYEN", None, first + dt.timedelta(days=1), 5))
    got = [g for g in _money_findings(small_plan, dataclasses.replace(answer, payments=(*answer.payments, *big)))
           if g[0] == "funding"]
    paid = sum(p.amount_mvnd for p in answer.payments if p.source_id == "HUYEN" and p.date <= first)
    assert got == [("funding", None, f"source 'HUYEN': {paid + int(have) + 1} paid by {first}, funding.csv "
                    f"releases {float(have):g} by then")]
    # the earmarked support of Liên Chung is a source of its own
    lc = rules.released("HUYEN_LC", "07357", dt.date(2020, 12, 31))
    lien_chung = next(t.task_id for t in answer.tasks if t.task_id.startswith("07357-"))
    over = V.PlanPayment(lien_chung, "HUYEN_LC", "07357", dt.date(2020, 12, 31), int(lc) + 1)
    assert any(g[0] == "funding" and "source 'HUYEN_LC' (earmark 07357)" in g[2]
               for g in _money_findings(small_plan, dataclasses.replace(answer, payments=(*answer.payments, over))))


def test_extra_money_before_it_may_come_is_named(small_plan, answer) -> None:
    first = min((p for p in answer.payments if p.source_id == V.EXTRA and p.amount_mvnd > 0), key=lambda p: p.date)
    later = first.date + dt.timedelta(days=1)
    got = _money_findings(set_settings(small_plan, {"extra_funding_from": later.isoformat()}), answer)
    assert ("source", first.task_id, f"task {first.task_id!r} paid {first.amount_mvnd} of extra funding on "
            f"{first.date}, before extra_funding_from {later}") in got


# ---------------------------------------------------------------------------
# tables as read back from files, and each table's findings named exactly
# ---------------------------------------------------------------------------
def test_tables_as_read_back_from_files_agree(small_plan, answer) -> None:
    """Dates as ISO text or as pandas prints a timestamp, an empty earmark as pandas reads it (NaN):
    the verifier reads the tables a user has in hand, not only the ones the package just built."""
    iso = lambda v: v.isoformat() if isinstance(v, dt.date) else v  # noqa: E731
    stamp = lambda v: str(pd.Timestamp(v)) if isinstance(v, dt.date) else v  # noqa: E731
    sch = answer.schedule.assign(start_date=answer.schedule["start_date"].map(iso),
                                 end_date=answer.schedule["end_date"].map(stamp))
    ms = answer.milestones.assign(target_date=answer.milestones["target_date"].map(stamp),
                                  scheduled_date=answer.milestones["scheduled_date"].map(iso))
    ld = answer.agency_load.assign(week_start=answer.agency_load["week_start"].map(stamp))
    al = answer.allocation.assign(period_start=answer.allocation["period_start"].map(iso),
                                  earmark=answer.allocation["earmark"].replace("", float("nan")))
    assert al["earmark"].isna().any() and (al["earmark"] == "07357").any()
    rep = V.verify(small_plan, dataclasses.replace(answer, schedule=sch, milestones=ms, agency_load=ld, allocation=al))
    assert rep.ok, str(rep)


def _alloc_row(ans, **where):
    al = ans.allocation
    return al.index[(al["task_id"] == where["task_id"]) & (al["instalment"] == where["instalment"])][0]


def test_allocation_rows_are_summed_and_named(small_plan, answer) -> None:
    al = answer.allocation
    i = _alloc_row(answer, task_id=SONG_VAN_SPORTS, instalment="advance")
    row = al.loc[i]
    # the same money in two rows, a row of nothing, and a payment made in two parts: all agree
    half = row["amount_mvnd"] // 2
    split = pd.concat([al.drop(index=i), al.loc[[i]].assign(amount_mvnd=half),
                       al.loc[[i]].assign(amount_mvnd=row["amount_mvnd"] - half),
                       al.loc[[i]].assign(amount_mvnd=0, period_start=dt.date(2020, 6, 1))])
    p = next(p for p in answer.payments if p.task_id == SONG_VAN_SPORTS and p.source_id == row["source"])
    parts = (dataclasses.replace(p, amount_mvnd=half), dataclasses.replace(p, amount_mvnd=p.amount_mvnd - half))
    pays = tuple(q for q in answer.payments if q is not p) + parts
    assert V.verify(small_plan, dataclasses.replace(answer, allocation=split, payments=pays)).ok
    # the verifier names an earmarked source source@commune (which row the optimum pays from is its choice)
    src = row["source"] + (f"@{row['earmark']}" if isinstance(row["earmark"], str) and row["earmark"] else "")
    head = f"allocation.csv {SONG_VAN_SPORTS!r} {src} {row['period_start']} advance: "

    def one(table) -> str:
        rep = V.verify(small_plan, dataclasses.replace(answer, allocation=table))
        assert [(f.kind, f.task) for f in rep.findings] == [("allocation", SONG_VAN_SPORTS)], str(rep)
        return rep.findings[0].message

    more = al.copy()
    more.loc[i, "amount_mvnd"] += 1
    assert one(more) == head + f"{row['amount_mvnd'] + 1}, the payments give {row['amount_mvnd']}"
    assert one(al.drop(index=i)) == head + f"0, the payments give {row['amount_mvnd']}"
    extra = pd.concat([al, al.loc[[i]].assign(period_start=dt.date(2020, 6, 1), amount_mvnd=5)])
    assert one(extra) == (f"allocation.csv {SONG_VAN_SPORTS!r} {src} 2020-06-01 advance: 5, "
                          "the payments give 0")
    lc = al.index[al["earmark"] == "07357"][0]
    more = al.copy()
    more.loc[lc, "amount_mvnd"] += 1
    rep = V.verify(small_plan, dataclasses.replace(answer, allocation=more))
    assert f"{al.loc[lc, 'source']}@07357 {al.loc[lc, 'period_start']}" in rep.findings[0].message


def test_allocation_is_checked_past_a_payment_that_is_not_a_day(small_plan, answer) -> None:
    p = answer.payments[0]
    pays = (dataclasses.replace(p, date=5), *answer.payments[1:])
    rep = V.verify(small_plan, dataclasses.replace(answer, payments=pays, summary=None))
    assert ("type", p.task_id) in {(f.kind, f.task) for f in rep.findings}
    assert [f.task for f in rep.findings if f.kind == "allocation"] == [p.task_id]  # only that payment's row


def test_schedule_table_rows_named(small_plan, answer) -> None:
    n = len(answer.schedule)
    ghost = pd.concat([answer.schedule, answer.schedule.iloc[:1].assign(task_id="NO-SUCH-TASK")])
    rep = V.verify(small_plan, dataclasses.replace(answer, schedule=ghost))
    assert [f.message for f in rep.findings] == [f"schedule.csv lists {n + 1} rows for {n} scheduled tasks"]
    rep = V.verify(small_plan, dataclasses.replace(answer, schedule=answer.schedule.iloc[6:]))
    first = sorted(answer.schedule["task_id"].iloc[:6])
    assert rep.findings[0].message == (f"schedule.csv lists {n - 6} rows for {n} scheduled tasks; missing "
                                       f"{first[:5]}")
    rep = V.verify(small_plan, dataclasses.replace(answer, schedule=pd.concat([answer.schedule,
                                                                               answer.schedule.iloc[:6]])))
    assert rep.findings[0].message == (f"schedule.csv lists {n + 6} rows for {n} scheduled tasks; twice "
                                       f"{first[:5]}")


def test_milestone_rows_named(small_plan, answer) -> None:
    ms = answer.milestones
    gone = ms[~ms["task_id"].isin(["07345:inspection", "07357:inspection"])]
    rep = V.verify(small_plan, dataclasses.replace(answer, milestones=gone))
    assert sorted(f.task for f in rep.findings) == ["07345:inspection", "07357:inspection"]
    i = _row(ms, task_id="07345:inspection")
    wrong = ms.copy()
    wrong.loc[i, "scheduled_date"] = ms.loc[i, "scheduled_date"] + dt.timedelta(days=1)
    r = ms.loc[i]
    rep = V.verify(small_plan, dataclasses.replace(answer, milestones=wrong))
    assert rep.findings[0].message == (
        f"milestones.csv '07345:inspection': inspection target {r['target_date']} scheduled "
        f"{r['scheduled_date'] + dt.timedelta(days=1)} slack {r['slack_days']}; the plan and schedule give "
        f"inspection target {r['target_date']} scheduled {r['scheduled_date']} slack {r['slack_days']}")


def test_agency_load_rows_named_and_all_read(small_plan, answer) -> None:
    ld = answer.agency_load
    a, w, cap = ld.iloc[0]["agency"], ld.iloc[0]["week_start"], ld.iloc[0]["capacity"]
    wrong = ld.copy()
    wrong.loc[wrong.index[0], "capacity"] = cap + 1
    bad_first = pd.concat([ld.iloc[:1].assign(week_start="?"), wrong])
    rep = V.verify(small_plan, dataclasses.replace(answer, agency_load=bad_first))
    assert [f.message for f in rep.findings] == [
        "agency_load.csv: week_start '?' is not a date",
        f"agency_load.csv {a} week {w}: capacity {cap + 1:g}, agencies.csv and capacity_changes.csv give {cap:g}"]
    later = ld.copy()
    j = later.index[-1]
    later.loc[j, "capacity"] = later.loc[j, "capacity"] + 1
    rep = V.verify(small_plan, dataclasses.replace(answer, agency_load=later.iloc[1:]))  # first row missing
    last = f"agency_load.csv {later.loc[j, 'agency']} week {later.loc[j, 'week_start']}"
    assert [f.message.split(":")[0] for f in rep.findings] == [f"agency_load.csv lacks {a} week {w}", last]
    extra = pd.concat([wrong, ld.iloc[:1].assign(week_start=dt.date(2030, 1, 7))])
    rep = V.verify(small_plan, dataclasses.replace(answer, agency_load=extra))
    assert sorted(f.message for f in rep.findings) == sorted([
        f"agency_load.csv has an extra row for {a} week 2030-01-07",
        f"agency_load.csv {a} week {w}: capacity {cap + 1:g}, agencies.csv and capacity_changes.csv give {cap:g}"])


def test_task_findings_named(small_plan, answer) -> None:
    t = _costly_work(answer)
    rules = V.Rules(small_plan)
    mode = rules.tasks[t.task_id].modes[t.mode]
    cal = rules.tasks[t.task_id].calendar

    def findings(ans, plan=small_plan):
        return [(f.kind, f.task, f.message) for f in V.verify(plan, dataclasses.replace(ans, **BARE)).findings]

    short = t.end - dt.timedelta(days=1)
    assert ("duration", t.task_id, f"task {t.task_id!r} [{t.start}, {short}) should end on {t.end} "
            f"({mode.duration} working days from {t.start} in the {cal} calendar)") in findings(
        _with_task(answer, t.task_id, end=short))
    assert ("mode", t.task_id, f"task {t.task_id!r}: mode 'fast' is not allowed (allowed: "
            f"{sorted(rules.tasks[t.task_id].modes)})") in findings(_with_task(answer, t.task_id, mode="fast"))
    assert ("type", t.task_id, f"task {t.task_id!r}: cost 1.5 is not a whole number of millions") in findings(
        _with_task(answer, t.task_id, cost_mvnd=1.5))
    assert ("cost", t.task_id, f"task {t.task_id!r} ({t.mode}): cost {t.cost_mvnd + 1} but the plan gives "
            f"{float(mode.cost):g} million VND") in findings(_with_task(answer, t.task_id, cost_mvnd=t.cost_mvnd + 1))
    w = _task(answer, "07345:works_done")
    early = dt.date(2019, 8, 1)
    assert ("release", w.task_id, f"task {w.task_id!r} starts on {early}, before the plan's date "
            f"{rules.start}") in findings(_with_task(answer, w.task_id, start=early, end=early))


def test_release_dates_and_the_horizon(small_plan, answer) -> None:
    """A task may start on its release date, not before; it may finish on horizon_end, not after."""
    t = _costly_work(answer)
    on = dataclasses.replace(small_plan, tasks=_edit_task(small_plan, t.task_id, release_date=t.start))
    assert V.verify(on, dataclasses.replace(answer, **BARE)).ok
    later = t.start + dt.timedelta(days=1)
    after = dataclasses.replace(small_plan, tasks=_edit_task(small_plan, t.task_id, release_date=later))
    got = [(f.kind, f.task, f.message) for f in V.verify(after, dataclasses.replace(answer, **BARE)).findings]
    assert got == [("release", t.task_id, f"task {t.task_id!r} starts on {t.start}, before its release date {later}")]
    # the district's decision moved to finish on horizon_end (30/06/2021), then a day later
    rules = V.Rules(small_plan)
    d = _task(answer, "DISTRICT:decision")
    cal, dur = rules.tasks[d.task_id].calendar, rules.tasks[d.task_id].modes["normal"].duration
    h = rules.horizon_end

    def placed(start):
        return start, rules.elapsed_end(start, dur, cal)

    start = next(s for s in (h - dt.timedelta(days=i) for i in range(0, dur + 60))
                 if s not in rules.off.get(cal, ()) and V.completion(*placed(s), rules.start) == h)
    on_time = dataclasses.replace(_with_task(answer, d.task_id, end=placed(start)[1], start=start), **BARE)
    assert "horizon" not in V.verify(small_plan, on_time).kinds()
    nxt = next(s for s in (start + dt.timedelta(days=i) for i in range(1, 10)) if s not in rules.off.get(cal, ()))
    past = dataclasses.replace(_with_task(answer, d.task_id, end=placed(nxt)[1], start=nxt), **BARE)
    assert ("horizon", d.task_id, f"task {d.task_id!r} ends after horizon_end {h}") in {
        (f.kind, f.task, f.message) for f in V.verify(small_plan, past).findings}


def _edit_task(plan, task_id, **change):
    return tuple(dataclasses.replace(t, **change) if t.task_id == task_id else t for t in plan.tasks)


def test_a_cost_half_way_between_two_millions_may_round_either_way(small_plan, answer) -> None:
    """The plan gives X.5 million: X and X + 1 are both the nearest whole million."""
    counts = {}
    for t in small_plan.tasks:
        counts[t.work_type] = counts.get(t.work_type, 0) + 1
    t = next(t for t in answer.tasks if t.task_id in {p.task_id for p in small_plan.tasks}
             and small_plan.task(t.task_id).quantity == 1 and small_plan.task(t.task_id).share_remaining is None
             and counts[small_plan.task(t.task_id).work_type] == 1 and t.mode == "normal" and t.cost_mvnd > 0)
    wt = small_plan.task(t.task_id).work_type
    halfway = dataclasses.replace(small_plan, work_types=tuple(
        dataclasses.replace(w, unit_cost_mvnd=t.cost_mvnd + 0.5) if w.work_type == wt else w
        for w in small_plan.work_types))
    for cost in (t.cost_mvnd, t.cost_mvnd + 1):
        rep = V.verify(halfway, dataclasses.replace(_with_task(answer, t.task_id, cost_mvnd=cost), **BARE))
        assert "cost" not in rep.kinds(), str(rep)


# ---------------------------------------------------------------------------
# boundaries of the money, capacity and deadline rules
# ---------------------------------------------------------------------------
def test_a_work_that_takes_no_time_is_paid_at_once(small_plan, answer) -> None:
    t = _costly_work(answer)
    wt = small_plan.task(t.task_id).work_type
    instant = dataclasses.replace(small_plan, work_types=tuple(
        dataclasses.replace(w, duration_fixed_days=0, duration_per_batch_days=0) if w.work_type == wt else w
        for w in small_plan.work_types))
    paid = [p for p in answer.payments if p.task_id == t.task_id]
    others = tuple(p for p in answer.payments if p.task_id != t.task_id)
    at_once = tuple(dataclasses.replace(p, date=t.start) for p in paid)
    moved = dataclasses.replace(_with_task(answer, t.task_id, end=t.start), **BARE)

    def mine(pays):
        rep = V.verify(instant, dataclasses.replace(moved, payments=others + pays))
        return [(f.kind, f.message) for f in rep.findings if f.task == t.task_id]

    assert mine(at_once) == []
    advance_only = tuple(p for p in at_once if p.amount_mvnd != max(q.amount_mvnd for q in at_once))
    assert mine(advance_only) == [("payment", f"task {t.task_id!r} takes no time: paid "
                                   f"{sum(p.amount_mvnd for p in advance_only)} on {t.start}, cost {t.cost_mvnd}")]


def test_money_rules_at_their_boundaries(small_plan, answer) -> None:
    t = _costly_work(answer)
    p = next(p for p in answer.payments if p.task_id == t.task_id)
    # a payment of nothing is not a negative payment
    zero = dataclasses.replace(answer, payments=(*answer.payments, dataclasses.replace(p, amount_mvnd=0)), **BARE)
    assert V.verify(small_plan, zero).ok
    # extra money on the very day it may come is allowed
    first = min((q for q in answer.payments if q.source_id == V.EXTRA), key=lambda q: q.date)
    on_the_day = set_settings(small_plan, {"extra_funding_from": first.date.isoformat()})
    assert V.verify(on_the_day, dataclasses.replace(answer, **BARE)).ok
    # bad payments first do not stop the checks of the ones after them
    bad = (V.PlanPayment(t.task_id, "HUYEN", None, t.start, 0.5), V.PlanPayment("NO-SUCH-TASK", "HUYEN", None,
                                                                                t.start, 1))
    later = tuple(dataclasses.replace(q, source_id="HUYEN_LC", earmark="07357") if q is p else q
                  for q in answer.payments)  # Liên Chung's support paid to a task of Song Vân
    wrong = dataclasses.replace(answer, payments=(*bad, *later), **BARE)
    got = {(f.kind, f.task) for f in V.verify(small_plan, wrong).findings}
    assert {("type", t.task_id), ("payment", "NO-SUCH-TASK"), ("source", t.task_id)} <= got


def test_a_precedence_broken_is_named(small_plan, answer) -> None:
    a, d = _task(answer, "07357:appraisal"), _task(answer, "07357:decision")
    bad = dataclasses.replace(_with_task(answer, d.task_id, start=a.start, end=a.start + (d.end - d.start)), **BARE)
    got = [(f.kind, f.task, f.message) for f in V.verify(small_plan, bad).findings if f.kind == "precedence"]
    assert got == [("precedence", d.task_id, f"{d.task_id!r} starts on {a.start} before '07357:appraisal' is "
                    f"finished (last day {a.end - dt.timedelta(days=1)})")]


def _gd_dt(answer, rules):
    """Days on which the education office (GD_DT) has more than one work running, with their load."""
    from collections import defaultdict

    load = defaultdict(list)
    for t in answer.tasks:
        r = rules.tasks[t.task_id]
        m = r.modes[t.mode]
        if r.agency == "GD_DT" and m.effort > 0:
            d = t.start
            while d < t.end:
                load[d].append((t.task_id, m.effort))
                d += dt.timedelta(days=1)
    return load


def test_an_agencys_load_adds_up_the_works_it_runs(small_plan, answer) -> None:
    """The education office runs both communes' classrooms at once (each within its capacity, not
    together, once the capacity is lowered to just below their sum): one finding per agency and
    week, naming the works running."""
    rules = V.Rules(small_plan)
    load = _gd_dt(answer, rules)
    busy = sorted(d for d, v in load.items() if sum(e for _, e in v) > 1)  # above a capacity of 1
    start, end = busy[0], busy[0] + dt.timedelta(days=13)
    cap = float(sum(e for _, e in load[start])) - 0.25  # the optimum's own modes decide the sum
    ch = CapacityChange(agency_id="GD_DT", start_date=start, end_date=end, weekly_capacity=cap, source="test")
    rep = V.verify(_plan_with(small_plan, capacity_changes=(*small_plan.capacity_changes, ch)),
                   dataclasses.replace(answer, **BARE))
    caps = [f.message for f in rep.findings if f.kind == "capacity"]
    over = [d for d in sorted(load) if start <= d <= end and sum(e for _, e in load[d]) > cap]
    weeks = sorted({d - dt.timedelta(days=d.weekday()) for d in over})
    assert len(caps) == len(weeks) >= 2
    first = over[0]
    names = ", ".join(sorted(tid for tid, _ in load[first]))
    total = float(sum(e for _, e in load[first]))
    assert caps[0] == f"agency 'GD_DT' on {first}: {total:g} person-days/week in use > capacity {cap:g} ({names})"


def test_a_work_is_not_counted_on_the_day_after_its_end(small_plan, answer) -> None:
    rules = V.Rules(small_plan)
    yt = [t for t in answer.tasks if rules.tasks[t.task_id].agency == "YT"
          and rules.tasks[t.task_id].modes[t.mode].effort > 0]
    t = yt[0]
    assert not any(s.start <= t.end < s.end for s in yt)  # nothing of the health office runs that day
    ch = CapacityChange(agency_id="YT", start_date=t.end, end_date=t.end, weekly_capacity=0, source="test")
    rep = V.verify(_plan_with(small_plan, capacity_changes=(*small_plan.capacity_changes, ch)),
                   dataclasses.replace(answer, **BARE))
    assert "capacity" not in rep.kinds(), str(rep)


def test_a_hard_deadline_met_on_its_day(small_plan, answer) -> None:
    d = _task(answer, "07357:decision")
    done = V.completion(d.start, d.end, small_plan.setting_date("plan_start"))

    def with_target(day):
        communes = tuple(dataclasses.replace(c, target_recognition=day) if c.code == "07357" else c
                         for c in small_plan.communes)
        return set_settings(_plan_with(small_plan, communes=communes), {"hard_deadlines": "true"})

    assert V.verify(with_target(done), dataclasses.replace(answer, **BARE)).ok
    early = done - dt.timedelta(days=1)
    got = [(f.kind, f.task, f.message) for f in V.verify(with_target(early), dataclasses.replace(answer, **BARE))
           .findings]
    assert got == [("deadline", d.task_id, f"task {d.task_id!r} finishes on {done}, after its hard target {early}")]


# ---------------------------------------------------------------------------
# the one definition of on time, as the verifier recomputes it
# ---------------------------------------------------------------------------
def _targets(plan, code, **targets):
    return _plan_with(plan, communes=tuple(dataclasses.replace(c, **targets) if c.code == code else c
                                           for c in plan.communes))


def _done(plan, ans, tid):
    t = _task(ans, tid)
    return V.completion(t.start, t.end, plan.setting_date("plan_start"))


def test_on_time_is_recomputed_at_its_boundaries(small_plan, answer) -> None:
    bare = dataclasses.replace(answer, **BARE)
    rec = _done(small_plan, answer, "07357:decision")
    # recognised on its target day: on time
    assert "07357" not in V.verify(_targets(small_plan, "07357", target_recognition=rec), bare).expected[
        "late_communes"]
    # no target of its own: the communes_target setting holds it
    fallback = set_settings(_targets(small_plan, "07357", target_recognition=None),
                            {"communes_target": (rec - dt.timedelta(days=1)).isoformat()})
    exp = V.verify(fallback, bare).expected
    assert "07357" in exp["late_communes"] and exp["first_missed"]["07357"] == "recognition"
    # a chain step the answer lacks: not on time (nothing says it was reached)
    missing = dataclasses.replace(bare, tasks=tuple(t for t in bare.tasks if t.task_id != "07357:decision"))
    assert "07357" in V.verify(small_plan, missing).expected["late_communes"]


def test_the_first_missed_milestone_follows_the_plans_chain_order(small_plan, answer) -> None:
    """With the province's appraisal before the submission in recognition_steps.csv (order 5 and 6),
    a commune late on both is late first on the appraisal, whatever the milestones' usual order."""
    steps = tuple(dataclasses.replace(s, order={"submission": 6, "appraisal": 5}.get(s.step, s.order))
                  if s.chain == "commune" else s for s in small_plan.recognition_steps)
    sub, app = _done(small_plan, answer, "07345:submission"), _done(small_plan, answer, "07345:appraisal")
    plan = _targets(_plan_with(small_plan, recognition_steps=steps), "07345",
                    target_submission=sub - dt.timedelta(days=1), target_appraisal=app - dt.timedelta(days=1))
    exp = V.verify(plan, dataclasses.replace(answer, **BARE)).expected
    assert exp["first_missed"]["07345"] == "appraisal"
    usual = _targets(small_plan, "07345", target_submission=sub - dt.timedelta(days=1),
                     target_appraisal=app - dt.timedelta(days=1))
    assert V.verify(usual, dataclasses.replace(answer, **BARE)).expected["first_missed"]["07345"] == "submission"


def test_a_plan_without_district_chain_or_target(small_plan, answer) -> None:
    works_only = set_settings(_plan_with(small_plan, recognition_steps=()),
                              {f"district_target_{m}": "" for m in V.CHAIN_MILESTONES})
    ans = dataclasses.replace(answer, tasks=tuple(t for t in answer.tasks if ":" not in t.task_id), **BARE)
    exp = V.verify(works_only, ans).expected
    assert exp["district_recognition_date"] is None and exp["district_target_date"] is None
    assert exp["late_communes"] == [] and exp["communes_on_time"] == 3  # no dated milestone to miss


def test_a_wrong_task_does_not_hide_the_ones_after_it(small_plan, answer) -> None:
    """A task not in whole days, or in a mode it does not have, listed first: the tasks after it are
    still checked (here a cost off by one)."""
    t = _costly_work(answer)
    other = next(s for s in answer.tasks if s.task_id != t.task_id and s.cost_mvnd > 0)
    for broken in (dataclasses.replace(t, start=3), dataclasses.replace(t, mode="fast")):
        rest = tuple(dataclasses.replace(s, cost_mvnd=s.cost_mvnd + 1) if s is other else s
                     for s in answer.tasks if s.task_id != t.task_id)
        rep = V.verify(small_plan, dataclasses.replace(answer, tasks=(broken, *rest), **BARE))
        assert ("cost", other.task_id) in {(f.kind, f.task) for f in rep.findings}, str(rep)


def test_a_zero_payment_with_its_row_of_nothing_agrees(small_plan, answer) -> None:
    t = _costly_work(answer)
    p = next(p for p in answer.payments if p.task_id == t.task_id)
    nothing = dataclasses.replace(p, amount_mvnd=0, source_id="XA", earmark=t.task_id.split("-")[0])
    ans = dataclasses.replace(answer, payments=(*answer.payments, nothing))
    assert V.verify(small_plan, ans).ok  # no row in allocation.csv for it, and none needed


# ---------------------------------------------------------------------------
# issue 22: the earliest possible dates and the cause of lateness, recomputed from the plan
# ---------------------------------------------------------------------------
def test_the_verifiers_earliest_dates_are_the_engines(full_plan) -> None:
    """Two passes written apart (the verifier's over the plan's records in days, the engine's over
    the problem in periods) give every task of the shipped plan the same earliest date."""
    rules = V.Rules(full_plan)
    mine = {tid: V.completion(s, e, rules.start) for tid, (s, e) in rules.earliest().items()}
    assert mine == ntm.earliest_dates(ntm.build(full_plan))
    assert mine["07360:inspection"] == dt.date(2019, 9, 5) and mine["07309:inspection"] == dt.date(2020, 1, 3)


def _ms_cell(ans: V.Answer, tid: str, col: str, value) -> V.Answer:
    ms = ans.milestones.copy()
    ms.loc[ms["task_id"] == tid, col] = value
    return dataclasses.replace(ans, milestones=ms)


@pytest.mark.parametrize("corrupt, words", [
    (lambda a: _ms_cell(a, "07345:inspection", "earliest_possible_date", dt.date(2019, 8, 6)),
     "earliest_possible_date 2019-08-06"),
    (lambda a: _ms_cell(a, "07345:inspection", "late_cause", "out_of_reach"), "late_cause 'out_of_reach'"),
    (lambda a: dataclasses.replace(a, milestones=a.milestones.drop(columns=["late_cause"])),
     "lacks column(s) late_cause"),
    (lambda a: dataclasses.replace(a, summary={**a.summary, "late_cause": {"07345": "resources_or_money"}}),
     "summary late_cause"),
    (lambda a: dataclasses.replace(a, summary={**a.summary, "late_milestones": [
        {**r, "late_cause": "resources_or_money"} for r in a.summary["late_milestones"]] or [{"task_id": "x"}]}),
     "summary late_milestones"),
])
def test_a_wrong_earliest_date_or_cause_is_found(small_plan, answer, corrupt, words) -> None:
    rep = V.verify(small_plan, corrupt(answer))
    assert not rep.ok and any(words in str(f) for f in rep.findings), str(rep)


def test_the_cause_of_lateness_is_verified_on_both_kinds(full_plan) -> None:
    """A plan late for lack of money beside late out of reach: the verifier recomputes each cause and
    a swapped one is found."""
    from tests.solved_plans import MONEY_LATE, money_late_plan

    p = money_late_plan(full_plan)
    res = solved(p, ("money_late", *MONEY_LATE))
    assert res.summary["verified"] is True
    ans = V.answer_from_result(p, res)
    assert V.verify(p, ans).expected["late_cause"] == {"07303": "resources_or_money", "07360": "out_of_reach"}
    swapped = dataclasses.replace(ans, summary={**ans.summary, "late_cause": {"07303": "out_of_reach",
                                                                              "07360": "out_of_reach"}})
    assert any("summary late_cause" in str(f) for f in V.verify(p, swapped).findings)
    bad = _ms_cell(ans, "07303:works_done", "late_cause", "out_of_reach")
    assert any("'07303:works_done': late_cause" in str(f) for f in V.verify(p, bad).findings)
