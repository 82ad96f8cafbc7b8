"""Budget lab: fixed allocations never overspend, the minimum budget is tight, cuts are monotone,
allocation files are checked with file/row/column messages. A 3-commune plan keeps solves short."""

from __future__ import annotations

from ntm_sched.studies import budget as B
from tests.studies.budget.helpers import KW


def test_cuts_are_monotone_and_complete(plan):
    df = B.budget_cuts(plan, (1.0, 0.8, 0.6, 0.5), **KW)
    assert list(df["level"]) == [1.0, 0.8, 0.6, 0.5]
    # every level answered, with its status, gap and bound
    assert df["communes_on_time"].notna().all()
    assert df["status"].isin(["OPTIMAL", "FEASIBLE"]).all()
    assert df["gap"].notna().all() and (df["gap"] >= 0).all()
    assert (df["bound"] <= df["lateness"]).all()
    assert df["late_recognition"].notna().all() and df["horizon_end"].notna().all()
    assert (df["question"] == B.CUTS_QUESTION).all()
    assert B.cuts_are_monotone(df)
    on = list(df["communes_on_time"])
    assert on == sorted(on, reverse=True)
    bounds = list(df["bound"])
    assert bounds == sorted(bounds)  # less money cannot do better: bounds monotone too
    short = df[df["extra_needed_mvnd"] > 0]
    assert short["missing_from"].notna().all()  # money still missing is dated
    import matplotlib

    matplotlib.use("Agg")
    ax = B.plot_cuts(df)
    assert len(ax.patches) == 4
    texts = " ".join(t.get_text() for t in ax.texts)
    for st, gap in zip(df["status"], df["gap"]):
        assert ("optimal" if st == "OPTIMAL" else f"{st}, gap {gap:.0%}") in texts


def test_cuts_extend_the_horizon_when_nothing_fits(plan):
    """A horizon too short for next year's money: the level is answered with a longer horizon."""
    short = B.set_settings(plan, {"horizon_end": "2021-02-28"})
    df = B.budget_cuts(short, (1.0, 0.3), **KW)
    assert df["communes_on_time"].notna().all()
    assert (df["horizon_end"] > "2021-02-28").all()
    assert df["horizon_end"].nunique() == 1  # every level solved with the same horizon


def test_own_money_bound_is_valid_on_a_restricted_plan(full_plan):
    """An Dương alone at 80 % of its money: the tranche formulation proves the lateness optimum;
    the cash-flow formulation (with its warm start, LNS and payment-free bound) never reports a
    bound above it, short solve or long."""
    from ntm_sched.domain import build
    from ntm_sched.engine import solve

    p = B.set_settings(B.own_money(B.scale_funding(B.restrict_plan(full_plan, ["07321"]), 0.8)),
                       {"hard_deadlines": False})
    problem = build(p).problem
    ref = solve(problem, time_limit=30, workers=1, seed=0, explain=False, money_formulation="tranche")
    assert ref.tiers[0].status.value == "OPTIMAL"
    optimum = ref.tiers[0].value
    for tl in (1.0, 20.0):
        r = solve(problem, time_limit=tl, workers=1, seed=0, explain=False)
        tier = r.tiers[0]
        assert tier.bound is not None and tier.bound <= optimum <= tier.value
        assert r.check is not None and r.check.ok
        if tier.status.value == "OPTIMAL":
            assert tier.value == optimum
