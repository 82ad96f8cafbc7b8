"""Budget lab: the marginal value of money, every row's schedules checked against the plan they answer for."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ntm_sched.i18n import in_lang
from ntm_sched.studies import budget as B
from ntm_sched.studies.budget import marginal as M
from tests.studies.budget.helpers import district_date_a_day_early

ENGINE_QUESTIONS = ("_least_lateness", "_earliest_end")


@pytest.fixture(scope="module")
def clean(plan):
    """``marginal_value`` for Liên Chung, with the engine's answers recorded (to replay them below)."""
    answers: dict[str, list] = {name: [] for name in ENGINE_QUESTIONS}

    def recording(name, real):
        def ask(*args, **kwargs):
            out = real(*args, **kwargs)
            answers[name].append(out)
            return out
        return ask

    with pytest.MonkeyPatch.context() as mp:
        for name in ENGINE_QUESTIONS:
            mp.setattr(M, name, recording(name, getattr(M, name)))
        df = B.marginal_value(plan, 500, communes=["07357"], time_limit=8.0, workers=1, seed=0)
    return df, answers


@pytest.fixture(scope="module")
def invalid(plan, clean):
    """The same engine answers through a summary with a bug planted for the test (the district's
    recognition reported a day early): the verifier must reject both schedules of the row."""
    import ntm_sched.domain.tables as tables_module

    _, answers = clean
    replay = {name: iter(answers[name]) for name in ENGINE_QUESTIONS}
    real = tables_module.summary_dict

    buggy = district_date_a_day_early(real)

    with pytest.MonkeyPatch.context() as mp:
        for name in ENGINE_QUESTIONS:
            mp.setattr(M, name, lambda *a, _it=replay[name], **k: next(_it))
        mp.setattr(tables_module, "summary_dict", buggy)
        df = B.marginal_value(plan, 500, communes=["07357"], time_limit=8.0, workers=1, seed=0)
    assert all(next(it, None) is None for it in replay.values())  # the same questions were asked
    return df


def test_marginal_value_table(clean):
    df, _ = clean
    assert list(df.columns)[:5] == ["commune_code", "name", "base_date", "date_with_more", "days_gained"]
    assert list(df.columns)[-3:] == ["verified", "verifier_findings", "question"]
    assert (df["question"] == B.MARGINAL_QUESTION).all()
    assert df["status_base"].notna().all() and df["lateness_status_base"].notna().all()
    # both schedules of the row agree with the plan they answer for
    assert df["verified"].tolist() == [True] and df["verifier_findings"].tolist() == [""]
    assert B.INVALID not in set(df["status_base"]) | set(df["status_with_more"])
    assert df["days_gained"].tolist() == [(df["base_date"][0] - df["date_with_more"][0]).days]
    row = df.iloc[0]
    # more money only adds schedules: the with-more search starts from the base schedule, so no gain is negative,
    # and the bounds are proven: the most the money could gain is at least what was found
    assert row["days_gained"] >= 0
    assert row["base_date_earliest_possible"] <= row["base_date"]
    assert row["date_with_more_earliest_possible"] <= row["date_with_more"]
    assert row["days_gained_at_most"] == (row["base_date"] - row["date_with_more_earliest_possible"]).days
    assert row["days_gained_at_most"] >= row["days_gained"]
    for side in ("base", "with_more"):  # a date is OPTIMAL exactly when its bound reaches it
        date = row["base_date" if side == "base" else "date_with_more"]
        proven = row[f"{'base_date' if side == 'base' else 'date_with_more'}_earliest_possible"] == date
        assert (row[f"status_{side}"] == "OPTIMAL") == proven
    # one lateness for both questions: the base's least, and the schedule with more money is no worse on it
    assert row["lateness_with_more"] <= row["lateness_base"]
    assert row["lateness_status_with_more"] == row["lateness_status_base"]


def test_a_row_the_verifier_rejects_is_invalid_and_not_ranked(clean, invalid):
    df, _ = clean
    row = invalid.iloc[0]
    assert B.verdict_value(row["verified"]) is False
    assert row["status_base"] == B.INVALID and row["status_with_more"] == B.INVALID
    assert pd.isna(row["days_gained"])  # not ranked on a rejected answer
    assert "base: [summary] summary district_recognition_date" in row["verifier_findings"]
    assert "with more: [summary] summary district_recognition_date" in row["verifier_findings"]
    # the dates found are still shown, as evidence
    assert row["base_date"] == df["base_date"][0] and row["date_with_more"] == df["date_with_more"][0]


def test_the_command_says_invalid_and_fails(invalid, tmp_path, monkeypatch, capsys):
    from ntm_sched.cli import main

    monkeypatch.setattr("ntm_sched.cli.budget.marginal_value", lambda *a, **k: invalid)
    rc = main(["budget", "marginal", "--out", str(tmp_path / "o"), "--time-limit", "1", "--workers", "1"])
    assert rc == 1
    out, err = capsys.readouterr()
    assert "INVALID commune 07357: the answer disagrees with the plan" in err
    assert "district_recognition_date" in err
    written = pd.read_csv(tmp_path / "o" / "marginal.csv", dtype={"commune_code": str})
    assert written["verified"].tolist() == [False] and written["status_base"].tolist() == [B.INVALID]
    summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert summary["verified"] is False and summary["invalid_communes"] == ["07357"]


def test_the_page_says_invalid(plan, clean, invalid):
    from ntm_sched.app.budget_answers import marginal_html
    from ntm_sched.i18n import label

    page = in_lang("vi", marginal_html, invalid, plan)
    assert f"⛔ {label('banner_invalid', 'vi')}: Liên Chung" in page
    assert f"<td>{label('no', 'vi')}</td>" in page or f">{label('no', 'vi')}</td>" in page
    good = in_lang("en", marginal_html, clean[0], plan)
    assert label("banner_invalid", "en") not in good and f">{label('yes', 'en')}</td>" in good
    # the most days the money could still gain, and whether both dates are proven, are on the page
    row = clean[0].iloc[0]
    assert label("b_gain_at_most", "en") in good and label("b_dates_proven", "en") in good
    proven = row["status_base"] == row["status_with_more"] == "OPTIMAL"
    assert f">{label('b_proven_yes' if proven else 'b_proven_no', 'en')}</td>" in good
