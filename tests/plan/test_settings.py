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
