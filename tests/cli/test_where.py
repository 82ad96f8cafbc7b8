"""Where a batch's reports run, on the command line: ``--jobs`` local processes by default, ``--dask`` or
``--scheduler ADDRESS`` (never both), the same options on ``batch``, ``province-report`` and ``province-sweep``."""

from __future__ import annotations

import pytest

from ntm_sched.cli import build_parser
from ntm_sched.cli.common import where_of


@pytest.mark.parametrize("verb", [["batch"], ["province-report", "prov"], ["province-sweep", "prov", "--vary",
                                                                            "money=1"]])
def test_jobs_dask_and_scheduler(verb, capsys) -> None:
    p = build_parser()
    assert where_of(p.parse_args(verb)) == {"jobs": 2, "dask": False, "scheduler": None}  # the nightly default
    assert where_of(p.parse_args([*verb, "--dask", "--jobs", "3"])) == {"jobs": 3, "dask": True, "scheduler": None}
    got = where_of(p.parse_args([*verb, "--scheduler", "tcp://h:8786"]))
    assert got == {"jobs": 2, "dask": False, "scheduler": "tcp://h:8786"}
    with pytest.raises(SystemExit):
        p.parse_args([*verb, "--dask", "--scheduler", "tcp://h:8786"])
    assert "not allowed with" in capsys.readouterr().err


def test_batch_passes_where_its_reports_run(monkeypatch) -> None:
    import pandas as pd

    from ntm_sched.cli import batch

    seen = {}

    def fake_run_batch(scenarios, **kw):
        seen.update(kw)
        return pd.DataFrame({"scenario": ["base"], "ok": [True]})

    monkeypatch.setattr(batch, "run_batch", fake_run_batch)
    monkeypatch.setattr(batch, "giao_ban_reports", lambda args: [])
    args = build_parser().parse_args(["batch", "base", "--dask", "--jobs", "3", "--outputs", "/nonexistent"])
    assert batch.main(args) == 0
    assert seen["jobs"] == 3 and seen["dask"] is True and seen["scheduler"] is None
