"""Record-level plan edits: each edit changes exactly what it says, the input plan stays as it
was, and the cross-table check runs once at the end."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from ntm_sched.plan import PlanValidationError, Tranche, load_plan
from ntm_sched.plan import model as plan_model
from ntm_sched.plan.edits import PlanEdit, restrict_plan, scale_funding, set_settings, shift_deadlines

DATA = Path(__file__).resolve().parents[2] / "data" / "tan_yen_2019"


@pytest.fixture(scope="module")
def plan():
    return load_plan(DATA)


def test_scale_funding_by_source_rounds_down_to_three_decimals_and_keeps_dates(plan):
    sid = plan.funding[0].source_id
    out = scale_funding(plan, {sid: 1 / 3})
    for a, b in zip(plan.funding, out.funding):
        want = math.floor(a.amount_mvnd / 3 * 1000) / 1000 if a.source_id == sid else a.amount_mvnd
        assert b.amount_mvnd == want and b.date_available == a.date_available  # 3500 / 3: 1166.666, released
    assert plan.funding[0].amount_mvnd != out.funding[0].amount_mvnd  # the input is unchanged


def test_delays_and_notes(plan):
    t0 = plan.funding[0]
    out = PlanEdit(plan).scale_funding(tranche_delay_days={t0.tranche_id: 30}, note="test").done()
    assert out.funding[0].date_available == t0.date_available + dt.timedelta(days=30)
    assert out.funding[0].source.endswith("; test") and out.funding[1].source == plan.funding[1].source


def test_settings_set_and_added(plan):
    out = set_settings(plan, {"hard_deadlines": True, "new_key": 5}, note="n")
    assert out.setting("hard_deadlines") == "true" and out.setting("new_key") == "5"
    assert [s.source for s in out.setting_rows if s.key == "hard_deadlines"] == ["n"]
    assert len(out.setting_rows) == len(plan.setting_rows) + 1


def test_shift_deadlines_moves_every_target(plan):
    out = shift_deadlines(plan, 10)
    for a, b in zip(plan.communes, out.communes):
        assert b.target_recognition == (a.target_recognition + dt.timedelta(days=10) if a.target_recognition
                                        else None)
    assert out.setting_date("communes_target") == plan.setting_date("communes_target") + dt.timedelta(days=10)
    per = shift_deadlines(plan, {"DISTRICT": 7})
    assert per.communes == plan.communes
    assert per.setting_date("district_target_works_done") == (plan.setting_date("district_target_works_done")
                                                              + dt.timedelta(days=7))


def test_restrict_keeps_only_the_listed_communes(plan):
    keep = [c.code for c in plan.not_recognised()][:2]
    out = restrict_plan(plan, keep)
    assert [c.code for c in out.not_recognised()] == keep
    dropped = {c.code for c in plan.not_recognised()} - set(keep)
    assert not any(t.commune_code in dropped for t in out.tasks)
    assert not any(f.commune_code in dropped for f in out.funding)


def test_restrict_keeps_the_steps_under_way_of_the_communes_kept_only(plan):
    """A commune dropped is treated as recognised, which has no chain: its step_progress row goes too
    (kept, it would make the smaller plan invalid)."""
    assert [(p.commune_code, p.step) for p in plan.step_progress] == [("07360", "dossier")]
    assert restrict_plan(plan, ["07345"]).step_progress == ()
    kept = restrict_plan(plan, ["07345", "07360"])
    assert kept.step_progress == plan.step_progress and kept.step_share("07360", "dossier") == 0.5


def test_unknown_ids_and_bad_results_are_refused(plan):
    with pytest.raises(KeyError, match="NOPE"):
        PlanEdit(plan).set_capacity({"NOPE": 3})
    bad = Tranche(tranche_id="X-1", source_id="NO_SUCH_SOURCE", date_available=dt.date(2020, 1, 1),
                  amount_mvnd=5, commune_code=None, source="test")
    with pytest.raises(PlanValidationError, match="NO_SUCH_SOURCE"):
        PlanEdit(plan).add_tranches([bad]).done()


def test_many_edits_are_checked_once(plan, monkeypatch):
    calls = []
    real = plan_model.check_records
    monkeypatch.setattr(plan_model, "check_records", lambda r: calls.append(1) or real(r))
    (PlanEdit(plan).scale_funding(0.5).set_settings({"hard_deadlines": True}).shift_deadlines(3)
     .set_capacity(scale={plan.agencies[0].agency_id: 2}).done())
    assert calls == [1]


def test_council_capacity_set_on_every_session(tmp_path):
    from ntm_sched.plan.synth import SynthSpec, write_synth

    prov = load_plan(write_synth(SynthSpec(communes=4, districts=2, seed=0), tmp_path / "p"))
    out = PlanEdit(prov).set_council_capacity(3, note="sweep").done()
    assert prov.council_sessions and {s.capacity for s in out.council_sessions} == {3}
    assert all(s.source.endswith("; sweep") for s in out.council_sessions)
    assert [s.capacity for s in prov.council_sessions] != [3] * len(prov.council_sessions)  # input unchanged
    for bad in (-1, 2.5):
        with pytest.raises(ValueError, match="whole number >= 0"):
            PlanEdit(prov).set_council_capacity(bad)
