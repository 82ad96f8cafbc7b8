"""Budget lab: fixed allocations never overspend, the minimum budget is tight, cuts are monotone,
allocation files are checked with file/row/column messages. A 3-commune plan keeps solves short."""

from __future__ import annotations

from collections import defaultdict

from ntm_sched.studies import budget as B
from tests.studies.budget.helpers import KW, small_allocation


def test_too_small_allocation_is_never_overspent(plan):
    rep = B.evaluate_allocation(plan, small_allocation(), compare_base=False, **KW)
    fixed, extra = rep.fixed, rep.with_extra
    # too small: the money cannot carry the plan -> late communes or missing money
    assert rep.summary["late_communes"] or rep.summary["missing_mvnd"] > 0
    solved = fixed if fixed.has_schedule else extra
    assert solved is not None and solved.has_schedule, rep.summary
    assert solved.result.check.ok  # the engine checker: payments within every tranche
    if fixed.has_schedule:
        assert not (fixed.allocation["source"] == "EXTRA").any()
    else:
        assert fixed.status == "INFEASIBLE" and "cannot pay" in rep.summary["note"]
        assert rep.summary["missing_mvnd"] > 0
        assert set(rep.missing.columns) == {"commune_code", "quarter", "extra_mvnd"}
    # paid per (source, commune) never exceeds the allocation, recomputed from the payments
    paid = defaultdict(int)
    for p in solved.result.solution.payments:
        if p.source != "EXTRA":
            paid[p.source] += p.amount
    alloc = defaultdict(float)
    for r in small_allocation().itertuples():
        alloc[r.source_id + (f"@{r.commune_code}" if r.commune_code else "")] += r.amount_mvnd
    assert paid and all(v <= alloc[k] + 1e-9 for k, v in paid.items())
    assert (rep.unspent["paid_mvnd"] <= rep.unspent["allocated_mvnd"] + 1e-9).all()
