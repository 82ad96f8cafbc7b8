"""Budget lab: fixed allocations never overspend, the minimum budget is tight, cuts are monotone,
allocation files are checked with file/row/column messages. A 3-commune plan keeps solves short."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pytest

from ntm_sched.i18n import in_lang
from ntm_sched.studies import budget as B
from ntm_sched.studies.budget import evaluate as E
from tests.studies.budget.helpers import KW, district_date_a_day_early, small_allocation


@pytest.fixture(scope="module")
def evaluated(plan):
    """A too small allocation evaluated, with the engine's results recorded (to replay them below)."""
    real = E.solve_model
    results = []

    def recording(model, *args, **kwargs):
        pr = real(model, *args, **kwargs)
        results.append(dataclasses.replace(pr.result))
        return pr

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(E, "solve_model", recording)
        rep = B.evaluate_allocation(plan, small_allocation(), compare_base=False, **KW)
    return rep, results


def test_too_small_allocation_is_never_overspent(evaluated):
    rep, _ = evaluated
    fixed, extra = rep.fixed, rep.with_extra
    # both schedules agree with the plans they answer for (the allocation, and it with extra money)
    assert rep.summary["verified"] is True and rep.summary["verifier_findings"] == ""
    assert rep.summary["verified_with_extra"] is True and rep.summary["verified_base"] is None
    assert rep.summary["verified_fixed"] is (True if fixed.has_schedule else None)
    assert rep.communes["verified"].tolist() == [True] * len(rep.communes)
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


def test_an_answer_the_verifier_rejects_is_invalid(plan, evaluated, tmp_path, monkeypatch, capsys):
    """The same engine results through a summary with a bug planted for the test (the district's
    recognition reported a day early): the evaluation is INVALID in its summary, table, command and page."""
    import ntm_sched.domain.tables as tables_module
    from ntm_sched.app.budget_answers import evaluation_html
    from ntm_sched.cli import main
    from ntm_sched.domain import tabulate
    from ntm_sched.i18n import label

    _, results = evaluated
    replay = iter(results)
    real = tables_module.summary_dict

    buggy = district_date_a_day_early(real)

    monkeypatch.setattr(E, "solve_model", lambda model, *a, **k: tabulate(model, dataclasses.replace(next(replay))))
    monkeypatch.setattr(tables_module, "summary_dict", buggy)
    rep = B.evaluate_allocation(plan, small_allocation(), compare_base=False, **KW)
    s = rep.summary
    assert s["verified"] is False and s["verified_with_extra"] is False
    assert "with extra: [summary] summary district_recognition_date" in s["verifier_findings"]
    assert rep.with_extra.status == B.INVALID and (s["status"] == B.INVALID or not rep.fixed.has_schedule)
    assert rep.communes["verified"].tolist() == [False] * len(rep.communes)
    assert label("banner_invalid", "vi") in in_lang("vi", evaluation_html, rep, plan)
    monkeypatch.setattr("ntm_sched.cli.budget.evaluate_allocation", lambda *a, **k: rep)
    alloc = tmp_path / "a.csv"
    small_allocation().to_csv(alloc, index=False)
    assert main(["budget", "evaluate", str(alloc), "--out", str(tmp_path / "o"), "--time-limit", "1"]) == 1
    out, err = capsys.readouterr()
    assert "checked against the plan: False" in out
    assert "INVALID allocation: the answer disagrees with the plan" in err


def test_late_communes_say_whether_money_could_have_made_them(evaluated, plan):
    """Issue 22: each commune's earliest possible recognition (durations and calendars alone) and, when
    late, whether it is out of reach or late for this allocation's lack of money."""
    import pandas as pd

    from ntm_sched.domain import build, earliest_dates

    rep, _ = evaluated
    c = rep.communes.set_index("commune_code")
    model = build(plan)
    earliest = earliest_dates(model)
    for code in c.index:
        if code == "DISTRICT":
            want = max(d for t, d in earliest.items() if model.info[t].commune_code == code
                       and model.info[t].kind == "step")
        else:
            want = earliest[f"{code}:decision"]
        assert c.loc[code, "earliest_possible_date"] == want, code
        late = pd.notna(c.loc[code, "late_days"]) and c.loc[code, "late_days"] > 0
        cause = c.loc[code, "late_cause"]
        if late:
            assert cause == ("out_of_reach" if want > c.loc[code, "target_date"] else "resources_or_money")
        else:
            assert cause is None or pd.isna(cause)
    assert set(rep.summary["late_cause"]) == set(rep.summary["late_communes"])
    assert all(rep.summary["late_cause"][k] == c.loc[k, "late_cause"] for k in rep.summary["late_cause"])
    assert B.recognition_late_cause(None, None, None) is None


def test_recognition_late_cause_words() -> None:
    import datetime as dt

    d = dt.date(2020, 1, 1)
    assert B.recognition_late_cause(d + dt.timedelta(days=3), d, d + dt.timedelta(days=1)) == "out_of_reach"
    assert B.recognition_late_cause(d + dt.timedelta(days=3), d, d) == "resources_or_money"
    assert B.recognition_late_cause(d, d, d + dt.timedelta(days=9)) is None  # on time: no cause
