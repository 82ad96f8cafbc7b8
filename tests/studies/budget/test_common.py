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
