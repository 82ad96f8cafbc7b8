"""The history of a scenario: snapshots are never overwritten and never half-written."""

from __future__ import annotations

import datetime as dt

import pytest

from ntm_sched.studies.progress import history as hist


def _meta(d: str, kind: str = "snapshot") -> dict:
    return {"kind": kind, "status_date": d}


def _files(text: str):
    def fill(tmp):
        (tmp / "summary.json").write_text('{"status": "OPTIMAL"}', encoding="utf-8")
        (tmp / "schedule.csv").write_text(text, encoding="utf-8")
    return fill


def test_same_date_twice_keeps_both(tmp_path) -> None:
    a = hist.write_snapshot(tmp_path, "s", "2019-10-07", _meta("2019-10-07"), _files("first"))
    b = hist.write_snapshot(tmp_path, "s", "2019-10-07", _meta("2019-10-07"), _files("second"))
    assert a.name == "2019-10-07" and b.name == "2019-10-07.2"
    assert (a.path / "schedule.csv").read_text() == "first"
    assert (b.path / "schedule.csv").read_text() == "second"


def test_baseline_is_never_overwritten(tmp_path) -> None:
    hist.write_snapshot(tmp_path, "s", "baseline", _meta("2019-08-05", "baseline"), _files("b"), unique=False)
    with pytest.raises(hist.HistoryError, match="never overwritten"):
        hist.write_snapshot(tmp_path, "s", "baseline", _meta("2019-08-05", "baseline"), _files("x"), unique=False)
    assert (tmp_path / "s" / "baseline" / "schedule.csv").read_text() == "b"


def test_a_failed_write_leaves_no_snapshot(tmp_path) -> None:
    def boom(tmp):
        (tmp / "schedule.csv").write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        hist.write_snapshot(tmp_path, "s", "2019-10-07", _meta("2019-10-07"), boom)
    assert list((tmp_path / "s").iterdir()) == []
    assert hist.list_snapshots(tmp_path, "s") == []


def test_listing_order_and_lookup(tmp_path) -> None:
    hist.write_snapshot(tmp_path, "s", "2019-10-14", _meta("2019-10-14"), _files("2"))
    hist.write_snapshot(tmp_path, "s", "baseline", _meta("2019-08-05", "baseline"), _files("b"), unique=False)
    hist.write_snapshot(tmp_path, "s", "2019-10-07", _meta("2019-10-07"), _files("1"))
    (tmp_path / "s" / ".tmp-crashed").mkdir()  # a crashed write is ignored
    assert [s.name for s in hist.list_snapshots(tmp_path, "s")] == ["baseline", "2019-10-07", "2019-10-14"]
    assert hist.latest_before(tmp_path, "s", dt.date(2019, 10, 14)).name == "2019-10-07"
    assert hist.latest_before(tmp_path, "s", dt.date(2019, 10, 14), inclusive=True).name == "2019-10-14"
    df = hist.history_table(tmp_path, "s")
    assert list(df["name"]) == ["baseline", "2019-10-07", "2019-10-14"] and set(df["status"]) == {"OPTIMAL"}
