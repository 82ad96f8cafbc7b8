"""Budget lab: fixed allocations never overspend, the minimum budget is tight, cuts are monotone,
allocation files are checked with file/row/column messages. A 3-commune plan keeps solves short."""

from __future__ import annotations

import pytest

from ntm_sched.studies import budget as B


def test_quarters():
    assert str(B.quarter_start("2019Q4")) == "2019-10-01"
    assert B.quarter_of(B.quarter_start("2020-q2")) == "2020Q2"
    with pytest.raises(ValueError):
        B.quarter_start("2019Q5")


def test_the_lab_asks_each_communes_recognition_date(full_plan):
    """Planning answers leave recognition dates free (weight 0); the lab's questions ask them (issue 10)."""
    from ntm_sched.domain import build

    assert int(full_plan.setting("weight_recognition_day")) == 0
    assert {t.end_weight for t in build(full_plan).problem.tasks} == {0}
    lab = build(B.own_money(full_plan))
    weighted = {t.id for t in lab.problem.tasks if t.end_weight == 1}
    assert weighted and all(lab.info[t].milestone == "recognition" and lab.info[t].commune_code != "DISTRICT"
                            for t in weighted)
    assert len(weighted) == 8  # one per commune not yet recognised
    off = B.own_money(B.set_settings(full_plan, {"budget_lab_weight_recognition_day": "0"}))
    assert {t.end_weight for t in build(off).problem.tasks} == {0}
