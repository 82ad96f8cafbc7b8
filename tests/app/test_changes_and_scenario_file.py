"""The app's plain logic: what changed between two solves, saving controls as a scenario file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ntm_sched.app.changes import date_changes, money_changes
from ntm_sched.app.scenario_file import ScenarioExists, check_name, save_scenario
from ntm_sched.i18n import in_lang
from ntm_sched.scenario import ScenarioError, load_scenario, load_scenario_plan
from ntm_sched.studies.explore import Controls

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan():
    return load_scenario_plan(load_scenario("base"))


@pytest.fixture()
def sdir(tmp_path):
    """A scenarios folder of its own like the shipped plan's (base.yaml naming the repo's plan by absolute path)."""
    base = yaml.safe_load((ROOT / "data" / "tan_yen_2019" / "scenarios" / "base.yaml").read_text(encoding="utf-8"))
    base["plan"] = str((ROOT / "data" / "tan_yen_2019").resolve())
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    return tmp_path


class _Res:
    """A solved plan reduced to what the change tables read."""

    def __init__(self, rec: dict[str, str], late: dict[str, int], money: dict[str, float], district: str) -> None:
        import datetime as dt

        import pandas as pd

        rows = []
        for code, d in rec.items():
            day = dt.date.fromisoformat(d)
            rows.append({"commune_code": code, "milestone": "recognition", "target_date": day,
                         "scheduled_date": day, "slack_days": -late.get(code, 0), "task_id": f"{code}:decision"})
        self.milestones = pd.DataFrame(rows)
        self.allocation = pd.DataFrame([{"source": s, "amount_mvnd": a, "period_start": dt.date(2019, 8, 1)}
                                        for s, a in money.items()])
        self.summary = {"district_recognition_date": district}
        self.has_schedule = True


def test_date_and_money_changes_name_what_moved(plan):
    prev = _Res({"07303": "2019-11-01", "07321": "2019-11-20"}, {"07321": 5}, {"HUYEN": 1000, "XA": 500},
                "2020-09-01")
    cur = _Res({"07303": "2019-11-01", "07321": "2019-11-10"}, {}, {"HUYEN": 600, "XA": 500, "EXTRA": 400},
               "2020-08-20")
    d = in_lang("vi", date_changes, prev, cur, plan)
    assert list(d["Xã"]) == ["An Dương", "Huyện Tân Yên"]  # Lan Giới did not move: not listed
    row = d.iloc[0]
    assert row["Thay đổi"] == "sớm hơn 10 ngày" and row["Trước"] == "Trễ hạn" and row["Nay"] == "Đúng hạn"
    assert d.iloc[1]["Thay đổi"] == "sớm hơn 12 ngày"
    m = in_lang("vi", money_changes, prev, cur, plan).set_index("Nguồn vốn")
    assert m.loc["Ngân sách huyện", "Chênh lệch (triệu đồng)"] == -400
    assert m.loc["Vốn cần thêm ngoài dự toán", "Chênh lệch (triệu đồng)"] == 400
    assert "Ngân sách xã" not in m.index
    assert len(date_changes(prev, prev, plan)) == 0 and len(money_changes(prev, prev, plan)) == 0


def test_names_are_checked():
    assert check_name("von_tang_10") == "von_tang_10"
    for bad in ("base", "Vốn tăng", "", "../x", "a b"):
        with pytest.raises(ScenarioError):
            check_name(bad)


def test_saved_scenario_is_valid_reproduces_the_controls_and_is_never_replaced_silently(plan, sdir):
    c = Controls.from_plan(plan, time_limit=7)
    c = c.replace(funding_scale={**c.funding_scale, "HUYEN": 1.1}, deadline_shift_days=30,
                  agency_capacity={**c.agency_capacity, "BCD_HUYEN": 10.0}, inspection_capacity=10.0)
    p = save_scenario(plan, c, "huyen_tang_10", "Vốn huyện tăng 10%", sdir)
    assert p == sdir / "huyen_tang_10.yaml"
    sc = load_scenario(p)
    assert sc.description("vi") == "Vốn huyện tăng 10%"
    assert sc.config["funding"]["scale"] == {"HUYEN": 1.1}
    assert sc.config["capacity"]["set"] == {"BCD_HUYEN": 10.0}
    assert sc.config["deadlines"]["shift_days"] == 30
    before = p.read_text(encoding="utf-8")
    with pytest.raises(ScenarioExists):
        save_scenario(plan, c.replace(deadline_shift_days=0), "huyen_tang_10", "khác", sdir)
    assert p.read_text(encoding="utf-8") == before  # untouched without asking
    save_scenario(plan, c.replace(deadline_shift_days=0), "huyen_tang_10", "khác", sdir, overwrite=True)
    assert load_scenario(p).config["deadlines"]["shift_days"] == 0
    with pytest.raises(ScenarioError):
        save_scenario(plan, c, "x", "   ", sdir)  # a description is required (the report's title)
    assert sorted(f.name for f in sdir.iterdir()) == ["base.yaml", "huyen_tang_10.yaml"]  # no temporary file left


def test_saving_from_a_scenario_keeps_its_own_overrides(sdir):
    (sdir / "cut.yaml").write_text("description: {vi: cắt, en: cut}\nfunding:\n  scale: {NTM_TW_TINH: 0.8}\n",
                                   encoding="utf-8")
    start = load_scenario(sdir / "cut.yaml")
    plan = load_scenario_plan(start)
    c = Controls.from_plan(plan)
    c = c.replace(funding_scale={**c.funding_scale, "NTM_TW_TINH": 0.5})
    p = save_scenario(plan, c, "cut_more", "Cắt thêm", sdir, start=start)
    assert load_scenario(p).config["funding"]["scale"]["NTM_TW_TINH"] == pytest.approx(0.4)
