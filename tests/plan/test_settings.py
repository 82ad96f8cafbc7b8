"""Typed settings: parsed once from settings.csv; a missing required setting is named."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from ntm_sched.plan import load_plan
from ntm_sched.plan.settings import read_settings

DATA = Path(__file__).resolve().parents[2] / "data" / "tan_yen_2019"


def test_values_are_typed():
    st = read_settings(load_plan(DATA))
    assert st.plan_start == dt.date(2019, 8, 5) and st.advance_share == 0.3
    assert st.allow_accelerated is True and st.hard_deadlines is False and st.lexicographic is True
    assert st.extra_funding_from is None and st.budget_lab_extra_funding_from == dt.date(2021, 1, 1)
    assert st.district_targets["works_done"] == dt.date(2020, 5, 31) and st.weight_late_milestone == 100000


def test_a_missing_setting_is_named():
    plan = load_plan(DATA)
    cut = dataclasses.replace(plan, setting_rows=tuple(s for s in plan.setting_rows if s.key != "advance_share"))
    with pytest.raises(KeyError, match="advance_share"):
        read_settings(cut)


def _with_setting(plan, key: str, value: str):
    return dataclasses.replace(plan, setting_rows=tuple(
        dataclasses.replace(s, value=value) if s.key == key else s for s in plan.setting_rows))


@pytest.mark.parametrize(("text", "want"), [("true", True), ("đúng", True), ("Có", True), (" 1 ", True),
                                            ("false", False), ("sai", False), ("không", False)])
def test_yes_no_settings_read_by_the_cells_parser(text, want):
    st = read_settings(_with_setting(load_plan(DATA), "hard_deadlines", text))
    assert st.hard_deadlines is want


def test_hard_deadlines_in_vietnamese_are_hard_in_the_build_and_the_verifier():
    """"đúng" was soft in the build (settings' own parser) and hard in the verifier (the cells')."""
    from ntm_sched.domain import build
    from ntm_sched.domain.verify_rules import Rules

    plan = load_plan(DATA)
    viet, english = _with_setting(plan, "hard_deadlines", "đúng"), _with_setting(plan, "hard_deadlines", "true")
    hard = [t.id for t in build(viet).problem.tasks if t.due_hard]
    assert hard and hard == [t.id for t in build(english).problem.tasks if t.due_hard]
    assert Rules(viet).hard is True


def test_an_unreadable_yes_no_setting_is_named_not_false():
    """Refused where the plan is checked, and named where the settings are read (a plan built
    without checks, as a trusted writer does)."""
    from ntm_sched.plan import PlanValidationError
    from ntm_sched.plan.model import trusted_plan
    from ntm_sched.plan.records import PLAN_FIELD

    plan = load_plan(DATA)
    with pytest.raises(PlanValidationError, match=r"'hard_deadlines'.*'maybe'"):
        _with_setting(plan, "hard_deadlines", "maybe")
    records = {attr: getattr(plan, attr) for attr in PLAN_FIELD.values()}
    records["setting_rows"] = tuple(dataclasses.replace(s, value="maybe") if s.key == "hard_deadlines" else s
                                for s in plan.setting_rows)
    with pytest.raises(KeyError, match=r"hard_deadlines.*maybe"):
        read_settings(trusted_plan(records))
