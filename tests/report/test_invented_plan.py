"""The invented 2021-2025 example plan (``data/example_2021_2025``): its validation, solve, report, app pages,
budget answer and risk outputs name only its own unit, never the shipped Tân Yên plan, and every page says
that the plan is invented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ntm_sched.cli import main
from ntm_sched.i18n import in_lang
from tests.readback import SHIPPED_COMMUNE_CODE, output_texts

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "data" / "example_2021_2025"
SCENARIO = "example_2021_2025.base"
OLD_UNIT_CODE = re.compile(r"(?:\(|mã |code |\"code\": \")216\b")  # its district code where a code is written
OLD_WORDS = ("Tân Yên", "Tan Yen", "tan_yen", "Bắc Giang", "116/KH-BCĐ", "Liên Chung")
BANNER = {"vi": "KẾ HOẠCH VÍ DỤ GIẢ ĐỊNH", "en": "INVENTED EXAMPLE PLAN"}
TIME = ["--time-limit", "20", "--workers", "1", "--seed", "0"]



def _assert_only_its_own_unit(texts: dict[str, str]) -> None:
    for name, text in texts.items():
        assert not any(w in text for w in OLD_WORDS), (name, [w for w in OLD_WORDS if w in text])
        assert not SHIPPED_COMMUNE_CODE.search(text), (name, SHIPPED_COMMUNE_CODE.search(text))
        assert not OLD_UNIT_CODE.search(text), (name, OLD_UNIT_CODE.search(text))


def _html_of(widget) -> str:
    """Every HTML value, description and drop-down label of an ipywidgets tree (what the page shows)."""
    out = [getattr(widget, "value", "")] if type(widget).__name__ == "HTML" else []
    out += [getattr(widget, "description", "")]
    out += [str(o[0] if isinstance(o, tuple) else o) for o in getattr(widget, "options", ()) or ()]
    for child in getattr(widget, "children", ()) or ():
        out.append(_html_of(child))
    return "\n".join(str(x) for x in out)


def test_the_plan_is_labelled_invented_in_every_file() -> None:
    for path in sorted(PLAN.rglob("*.csv")):
        text = path.read_text(encoding="utf-8")
        _assert_only_its_own_unit({str(path): text})
        lines = text.splitlines()[1:]
        assert lines and all("INVENTED example" in ln for ln in lines), path  # each row's source or note
    for path in sorted((PLAN / "scenarios").glob("*.yaml")):
        assert "INVENTED example" in path.read_text(encoding="utf-8") or path.name == "base.yaml", path
    assert "INVENTED" in (PLAN / "scenarios" / "base.yaml").read_text(encoding="utf-8")


def test_validate_solve_and_report_name_only_the_invented_unit(tmp_path: Path, capsys) -> None:
    from ntm_sched.report.context import build_report_context

    assert main(["validate", str(PLAN)]) == 0
    assert BANNER["vi"] in capsys.readouterr().out  # validate says so too (what it printed is checked below)
    assert main(["validate", str(PLAN), "--lang", "en"]) == 0
    assert main(["solve", SCENARIO, "--out", str(tmp_path / "solve"), *TIME]) == 0
    summary = json.loads((tmp_path / "solve" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "OPTIMAL" and summary["verified"] is True
    assert summary["unit"] == {"name": "Mẫu (ví dụ)", "code": "999", "level": "district", "period": "2021-2025",
                               "criteria_set": "ntm_2021_2025", "procedure": "qd18_2022", "invented": True}
    for lang in ("vi", "en"):
        ctx = build_report_context(SCENARIO, lang=lang, time_limit=20, workers=1, seed=0,
                                   output_dir=tmp_path / f"report_{lang}")
        ctx.write_outputs()
        assert BANNER[lang] in ctx.title() and "2021-2025" in ctx.title()
    shown = capsys.readouterr()
    texts = output_texts(tmp_path)
    texts["console"] = shown.out + shown.err
    assert len(texts) > 15, sorted(texts)
    _assert_only_its_own_unit(texts)
    assert "Huyện Mẫu (ví dụ)" in texts[str(tmp_path / "report_vi" / "tables" / "milestones.csv")]
    assert "Mẫu district (invented example)" in texts[str(tmp_path / "report_en" / "tables" / "milestones.csv")]
    assert "Hòa Mẫu" in texts["console"] and "Đông Mẫu" in texts[str(tmp_path / "report_vi" / "report.xlsx")]


def test_the_html_report_opens_with_the_invented_banner(tmp_path: Path) -> None:
    from ntm_sched.report.runner import run_report

    out = run_report(SCENARIO, run="t", time_limit=20, workers=1, outputs_dir=tmp_path, timeout=300)
    assert out == tmp_path / "t" / SCENARIO
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.index(BANNER["vi"]) < html.index("Huyện Mẫu (ví dụ)", html.index(BANNER["vi"]) - 2000) + 3000
    _assert_only_its_own_unit(output_texts(out))


def test_app_and_budget_pages_show_the_banner_and_only_their_unit(tmp_path: Path, capsys) -> None:
    from ntm_sched.app.budget_page import BudgetPage
    from ntm_sched.app.explorer_page import explorer_page
    from ntm_sched.app.pages import app_heading

    page = explorer_page(SCENARIO, lang="vi", time_limit=20, workers=1)
    assert page.scenario_dir == (PLAN / "scenarios").resolve()  # "save as a scenario" stays in its plan
    budget = BudgetPage(page.plan, lang="vi", time_limit=20)
    files = [opt[0] for opt in budget.alloc_file.options]
    assert files == ["allocation_example.csv"]  # the plan's own, not Tân Yên's
    budget.minimum()
    texts = {"explorer": _html_of(page.widget), "budget": _html_of(budget.widget),
             "heading": in_lang("vi", app_heading, page.plan)}
    assert BANNER["vi"] in texts["explorer"] and BANNER["vi"] in texts["budget"]
    assert "Huyện Mẫu (ví dụ)" in texts["heading"] and "2021-2025" in texts["heading"]
    assert "Đông Mẫu" in texts["explorer"] and "Huyện Mẫu (ví dụ)" in texts["explorer"]  # the Gantt's choices
    _assert_only_its_own_unit(texts)
    # the budget verb on the plan's own allocation example: its answer files name only their unit
    alloc = PLAN / "budget_examples" / "allocation_example.csv"
    assert main(["budget", "evaluate", str(alloc), "--scenario", SCENARIO, "--out", str(tmp_path / "eval"),
                 "--no-missing", *TIME]) == 0
    texts = output_texts(tmp_path / "eval")
    texts["console"] = capsys.readouterr().out
    assert any("An Mẫu" in t for t in texts.values())
    _assert_only_its_own_unit(texts)


def test_risk_outputs_name_only_the_invented_unit(tmp_path: Path, capsys) -> None:
    from ntm_sched.studies.risk.notebook import RiskReport

    out = tmp_path / "risk"
    assert main(["risk", SCENARIO, "--samples", "40", "--jobs", "1", "--seed", "1", "--out", str(out),
                 "--no-report", *TIME]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["unit"]["name"] == "Mẫu (ví dụ)" and summary["unit"]["invented"] is True
    title = RiskReport.load(out, lang="en").title()
    assert BANNER["en"] in title and "Mẫu district (invented example)" in title
    texts = output_texts(out)
    texts["console"] = "".join(capsys.readouterr())
    assert "commune_risk.csv" in " ".join(texts) and any("99904" in t for t in texts.values())
    _assert_only_its_own_unit(texts)
