"""The app's province tab in a real browser (issue 24, item 5): ``ntm-sched app`` on a SYNTHETIC
province of 4 communes in 2 districts (``plan synth``, seed 0, one worker, a short time limit), the
province tab opened, its tables read: the districts, the council's sessions and the SYNTHETIC
banner. Screenshot: ``outputs/browser/app-province-tab.png``."""

from __future__ import annotations

import pytest
import yaml

from ntm_sched.i18n import label
from ntm_sched.plan import load_plan
from ntm_sched.plan.synth import SynthSpec, write_synth

from .app_server import running_app, wait_for

pytestmark = pytest.mark.slow

TIME_LIMIT = 2  # seconds per solve: 4 communes; the tab's tables, whatever the schedule (5 s ran to its end)


@pytest.fixture(scope="module")
def province_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("province_app")
    plan_dir = write_synth(SynthSpec(communes=4, districts=2, seed=0), root / "prov")
    sdir = root / "scenarios"
    sdir.mkdir()
    sc = sdir / "base.yaml"
    sc.write_text(yaml.safe_dump({"plan": str(plan_dir), "solver": {"time_limit": TIME_LIMIT, "workers": 1,
                                                                      "seed": 0}}), encoding="utf-8")
    with running_app(sc, sdir, TIME_LIMIT) as url:
        yield url, sdir, load_plan(plan_dir)


def test_the_province_tab_shows_districts_sessions_and_the_synthetic_banner(province_app, browser,
                                                                             screenshots) -> None:
    url, sdir, plan = province_app
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(url, timeout=120_000, wait_until="commit")  # Voilà fills the page while the first solve runs
    wait_for(page, ".ntm-card[data-key='on_time']", 300_000, sdir.parent / "app.log", screenshots)
    page.get_by_role("tab", name=label("app_tab_province", "vi")).click()
    wait_for(page, ".ntm-province-sessions table", 60_000, sdir.parent / "app.log", screenshots)
    tab = page.locator(".ntm-province")
    text = tab.inner_text()
    assert "SYNTHETIC" in text and page.locator(".ntm-province .ntm-invented").is_visible()
    districts = page.inner_text(".ntm-province-districts table")
    assert all(d.name in districts for d in plan.districts)
    sessions = page.inner_text(".ntm-province-sessions table")
    assert label("pv_session", "vi") in sessions and label("pv_capacity", "vi") in sessions
    named = [c.name for c in plan.communes if c.name in sessions]
    assert len(named) == len(plan.communes)  # every commune at one of the council's sessions
    for code in ("import ", "def ", "district_code", "NaN", "nan"):  # no code, no missing-value marks
        assert code not in text, code
    assert label("pv_report", "vi") not in districts  # no district reports behind the app: no empty column
    # the whole tab: Voilà scrolls inside its own container, so a full-page shot stops at the window;
    # a window as tall as the tab shows all of it
    bottom = tab.bounding_box()
    page.set_viewport_size({"width": 1280, "height": int(bottom["y"] + bottom["height"]) + 40})
    page.screenshot(path=str(screenshots / "app-province-tab.png"))
    page.close()
