"""The province report (issue 24, item 5) on a SYNTHETIC province of 6 communes in 2 districts
(``plan synth``, seed 0, one worker, short limits): its tables (every commune at exactly one session,
sessions within capacity, every commune in one district row), the batch of district reports and the
province report linking to them, both languages, and both pages in Chromium (screenshots in
``outputs/browser/province-*.png``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from ntm_sched.i18n import using_lang
from ntm_sched.io import mark_output
from ntm_sched.plan import load_plan
from ntm_sched.plan.synth import SynthSpec, write_synth
from ntm_sched.report.province import district_of, district_table, for_people
from ntm_sched.report.province_batch import run_province_batch
from ntm_sched.report.province_context import build_province_context
from ntm_sched.report.runner import ReportError

pytestmark = pytest.mark.slow

# every solve here: a limit of deterministic time (one worker), so the same reports at any load and wherever they
# ran (a wall-clock limit gave another session plan to a district on a loaded machine, and none at all once); one
# unit is about a second on an idle machine, where a 5 s wall-clock limit took 7-8 s of the suite's time a solve
SOLVE = {"time_limit": 1.0, "seed": 0, "deterministic": True}
BATCH = SOLVE  # the batch's reports, as the nightly batch runs them


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory) -> Path:
    return write_synth(SynthSpec(communes=6, districts=2, seed=0), tmp_path_factory.mktemp("p") / "prov")


@pytest.fixture(scope="module")
def tight_dir(plan_dir, tmp_path_factory) -> Path:
    """The same province with a council taking one dossier a session: sessions fill up, communes wait."""
    tight = tmp_path_factory.mktemp("t") / "tight"
    tight.mkdir()
    for f in plan_dir.iterdir():
        text = f.read_text(encoding="utf-8")
        if f.name == "council_sessions.csv":
            head, *rows = text.splitlines()
            text = "\n".join([head] + [r.replace(",11,7,", ",1,7,", 1) for r in rows]) + "\n"
        (tight / f.name).write_text(text, encoding="utf-8")
    return tight


@pytest.fixture(scope="module")
def ctx(plan_dir, tmp_path_factory):
    return build_province_context(plan_dir, lang="vi", output_dir=tmp_path_factory.mktemp("ctx"), **SOLVE)


@pytest.fixture(scope="module")
def batch(plan_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    # a previous run's report of a district the plan no longer has, and a user's own folder beside it
    (out / "prov" / "district_999").mkdir(parents=True)
    mark_output(out / "prov" / "district_999", "report")
    (out / "prov" / "district_998_notes").mkdir()
    (out / "prov" / "district_998_notes" / "mine.txt").write_text("keep", encoding="utf-8")
    # two district reports at a time, as the nightly batch runs them (one solver worker each)
    prov, errors = run_province_batch(plan_dir, run="prov", jobs=2, lang="vi", outputs_dir=out, **BATCH)
    return prov, errors


def test_every_commune_is_at_exactly_one_session_within_capacity(ctx, plan_dir) -> None:
    assert ctx.result.has_schedule and ctx.summary["verified"] is True
    s = ctx.tables["sessions"]
    named = [c for cell in s["communes"] for c in cell.split(", ")]
    plan = load_plan(plan_dir)
    assert sorted(named) == sorted(c.name for c in plan.communes)  # each commune once
    assert (s["taken"] <= s["capacity"]).all() and (s["spare"] == s["capacity"] - s["taken"]).all()
    assert list(s["taken"]) == [len(cell.split(", ")) for cell in s["communes"]]
    assert all(d.count("/") == 2 and len(d) == 10 for d in s["date"])  # dd/mm/yyyy
    tight = ctx.tables["tightest"]
    assert 1 <= len(tight) <= 3 and list(tight["spare"]) == sorted(tight["spare"])
    assert tight["spare"].iloc[0] == s["spare"].min()


def test_each_commune_is_in_one_district_row(ctx, plan_dir) -> None:
    plan = load_plan(plan_dir)
    d = ctx.tables["districts"]
    assert list(d["district_code"]) == ["980", "981"]
    assert d["communes"].sum() == len(plan.communes)
    names = {c.name: c.code for c in plan.communes}
    for r in d.itertuples():
        on = [] if r.on_time_communes == "-" else r.on_time_communes.split(", ")
        late = [] if r.late_communes == "-" else [x.split(" (")[0] for x in r.late_communes.split("; ")]
        assert sorted(on + late) == sorted(n for n, c in names.items() if district_of(plan)[c] == r.district_code)
        assert r.on_time == f"{len(on)}/{r.communes}"
        assert all("(" in x for x in ([] if r.late_communes == "-" else r.late_communes.split("; ")))  # a cause


def test_a_tight_council_flags_full_sessions_and_says_who_waits(tight_dir, tmp_path) -> None:
    c = build_province_context(tight_dir, lang="en", output_dir=tmp_path / "out", **SOLVE)
    s = c.tables["sessions"]
    assert (s["capacity"] == 1).all() and (s["taken"] == 1).all() and (s["full"] == "full").all()
    assert len(s) == 6  # six communes, six sessions
    assert c.tables["tightest"]["spare"].tolist() == [0, 0, 0]
    waits = c.tables["waits"]
    assert len(waits) == s["waiting"].sum() > 0
    assert waits["what"].str.contains(r"waits for the \d\d/\d\d session: the \d\d/\d\d one is full").all()
    communes = c.tables["communes"]
    assert len(communes) == 6 and set(communes["on_time"]) <= {"on time", "late"}
    assert (communes.loc[communes["on_time"] == "late", "cause"] != "").all()
    # the causes of the risk tables name the full session a commune's appraisal waits behind
    from ntm_sched.report.risk_tables import explain_task_chain_kinds

    problem = c.result.model.problem
    with using_lang("en"):
        found = [r for t in problem.tasks if problem.sessions_for(t)
                 for r in explain_task_chain_kinds(c.result, c.plan, t.id) if r[0] == "r_session"]
    assert len(found) == len(waits)
    assert all(re.search(r"waits for the \d\d/\d\d session: the \d\d/\d\d one is full", text) for _, text in found)


def test_money_is_formatted_and_totals_add_up(ctx) -> None:
    money, total = ctx.tables["money"], "Tổng"
    assert total in money.columns and money["Tháng"].str.match(r"^\d\d/\d{4}$").all()
    assert money[total].str.contains("đồng").all()  # the one money formatter, in Vietnamese
    per = ctx.tables["money_district"]
    assert set(per["Huyện"]) == {"Tân Dương", "Minh Long"}


def test_english_labels_on_request(ctx) -> None:
    with using_lang("en"):
        d = for_people(district_table(ctx.result, ctx.plan, {"980": "../district_980/report.html"}), links=True)
        assert list(d.columns)[:3] == ["District", "Communes", "On time"]
        assert 'href="../district_980/report.html"' in d["District report"].iloc[0]
    with using_lang("vi"):
        assert "Huyện" in for_people(ctx.tables["districts"]).columns
        full = for_people(ctx.tables["sessions"])["Đủ hồ sơ"]
        assert set(full) <= {"đủ", "-"}  # a session with room left: "-", never a blank cell


def test_the_batch_links_each_district_to_its_own_report(batch, plan_dir) -> None:
    prov, errors = batch
    assert errors == {"980": None, "981": None}
    summ = json.loads((prov / "summary.json").read_text(encoding="utf-8"))
    assert summ["synthetic"] is True and summ["verified"] is True
    assert set(summ["district_reports"]) == {"980", "981"}
    html = (prov / "report.html").read_text(encoding="utf-8")
    assert "SYNTHETIC" in html and "Các huyện" in html
    assert "Warning" not in html and "Traceback" not in html  # nothing but the report on the page
    for code, link in summ["district_reports"].items():
        assert f'href="{link}"' in html
        target = (prov / link).resolve()
        assert target.is_file() and target.parent.name == f"district_{code}"
        page = target.read_text(encoding="utf-8")
        assert "Warning" not in page and "Traceback" not in page
        assert "SYNTHETIC" in page and "Báo cáo huyện" in page and 'href="../province/report.html"' in page
    assert (prov / "figures" / "sessions.png").stat().st_size > 1000
    assert (prov / "tables" / "sessions.csv").is_file()
    assert not list(prov.parent.glob("*.failed"))
    assert not (prov.parent / "district_999").exists()  # the stale report of an old district is gone
    assert (prov.parent / "district_998_notes" / "mine.txt").read_text(encoding="utf-8") == "keep"  # a user's stays


def _report_files(folder: Path) -> dict[str, bytes]:
    """A published report's files but its run facts: ``run.json`` (paths, wall time), the executed notebook and the
    page (they show them), and the wall seconds of ``summary.json``."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name not in ("run.json", "report.ipynb", "report.html"):
            data = p.read_bytes()
            if p.name == "summary.json":
                summ = json.loads(data)
                summ.pop("runtime_s")
                data = json.dumps(summ, sort_keys=True).encode()
            out[str(p.relative_to(folder))] = data
    return out


@pytest.mark.long  # make test-long: the whole batch again on a Dask cluster, compared
@pytest.mark.fresh_solves  # the same answer from another search, not from the solve cache
def test_district_reports_on_dask_are_the_local_ones(batch, plan_dir, tmp_path) -> None:
    # the same batch with its district reports as Dask tasks on a LocalCluster of two workers: the same files
    # (the province report, made here after them, too)
    prov, errors = run_province_batch(plan_dir, run="prov", jobs=2, dask=True, lang="vi", outputs_dir=tmp_path, **BATCH)
    assert errors == {"980": None, "981": None}
    local = batch[0].parent
    for name in ("district_980", "district_981", "province"):
        mine, theirs = _report_files(tmp_path / "prov" / name), _report_files(local / name)
        assert "tables/sessions.csv" in mine and mine == theirs, name
    assert json.loads((prov / "summary.json").read_text(encoding="utf-8"))["district_reports"] == \
        {c: f"../district_{c}/report.html" for c in ("980", "981")}


@pytest.mark.long  # make test-long: a district solved twice, the second time beside a busy thread
@pytest.mark.fresh_solves  # the same answer from another search, not from the solve cache
def test_a_deterministic_district_report_is_the_same_at_any_load(plan_dir, tmp_path) -> None:
    import threading

    opts = {"district": "980", "lang": "vi", "time_limit": 0.3, "seed": 0, "deterministic": True}
    quiet = build_province_context(plan_dir, output_dir=tmp_path / "a", **opts)
    stop = threading.Event()

    def busy() -> None:
        while not stop.is_set():
            pass

    load = threading.Thread(target=busy, daemon=True)
    load.start()
    try:
        loaded = build_province_context(plan_dir, output_dir=tmp_path / "b", **opts)
    finally:
        stop.set()
        load.join()
    for name, table in quiet.tables.items():
        pd.testing.assert_frame_equal(table, loaded.tables[name])
    assert quiet.summary["objective"] == loaded.summary["objective"]


def test_the_province_report_in_english(tight_dir, tmp_path, browser, screenshots) -> None:
    # the tight council: full sessions and communes waiting, in English
    prov, errors = run_province_batch(tight_dir, run="en", jobs=1, lang="en", outputs_dir=tmp_path, districts=False,
                                      **SOLVE)
    html = (prov / "report.html").read_text(encoding="utf-8")
    assert errors == {} and "Province report" in html and "SYNTHETIC" in html
    assert "Districts: communes on time and late" in html and "Các huyện" not in html
    assert "one is full" in html and "Warning" not in html
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((prov / "report.html").as_uri())
        assert "The provincial appraisal council" in page.inner_text("body")
        page.screenshot(path=str(screenshots / "province-report-en.png"), full_page=True)
    finally:
        page.close()


def test_a_broken_plan_leaves_failed_evidence_and_nothing_published(tmp_path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "unit.csv").write_text("code,name\n", encoding="utf-8")
    with pytest.raises(ReportError) as err:
        run_province_batch(bad, run="bad", outputs_dir=tmp_path / "out", **SOLVE)
    assert err.value.failed_dir is not None and (err.value.failed_dir / "error.txt").is_file()
    assert not (tmp_path / "out" / "bad" / "province").exists()
    assert sorted(p.name for p in bad.iterdir()) == ["unit.csv"]  # the plan's folder is only read


def test_province_and_district_pages_in_chromium(batch, browser, screenshots) -> None:
    prov, _ = batch
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((prov / "report.html").as_uri())
        assert "SYNTHETIC" in page.inner_text("body")
        page.screenshot(path=str(screenshots / "province-report.png"), full_page=True)
        page.click("text=mở >> nth=0")  # the first district's row links to its own report
        page.wait_for_load_state()
        assert page.url.endswith("district_980/report.html")
        body = page.inner_text("body")
        assert "Báo cáo huyện Tân Dương" in body and "SYNTHETIC" in body
        page.screenshot(path=str(screenshots / "province-district-report.png"), full_page=True)
    finally:
        page.close()


def test_the_app_shows_the_province_tab(plan_dir, tmp_path) -> None:
    import yaml

    from ntm_sched.app.pages import app_widget

    sc = tmp_path / "base.yaml"
    # the tab's tables, whatever the schedule: 2 s (a 5 s limit ran to its end, 7-8 s of the suite's time)
    sc.write_text(yaml.safe_dump({"plan": str(plan_dir), "solver": {"time_limit": 2, "workers": 1, "seed": 0}}),
                  encoding="utf-8")
    app = app_widget(str(sc), lang="en", time_limit=2, workers=1, seed=0, scenario_dir=str(tmp_path))
    assert len(app.children) == 3 and app.get_title(2).startswith("Province")
    html = app.province.widget.value
    assert "SYNTHETIC" in html and "The provincial appraisal council" in html and "Communes on time" in html
    s = app.province.tables["sessions"]
    assert (s["taken"] <= s["capacity"]).all() and s["taken"].sum() == 6


@pytest.mark.parametrize("verb", ["province-report", "batch"])
def test_the_command_refuses_a_broken_plan_with_exit_2(verb, tmp_path, capsys) -> None:
    from ntm_sched.cli import main

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "unit.csv").write_text("code,name\n", encoding="utf-8")
    argv = ([verb, str(bad)] if verb == "province-report" else [verb, "--province", str(bad)])
    assert main(argv + ["--run", "r", "--outputs", str(tmp_path / "out"), "--time-limit", "2"]) == 2
    assert "province report failed" in capsys.readouterr().err
    assert (tmp_path / "out" / "r" / "province.failed" / "error.txt").is_file()
    assert not (tmp_path / "out" / "r" / "province").exists()
