"""A plan names itself: a renamed copy of the shipped plan (another district, other communes and codes)
gives validation, solve, report tables, workbook and summary that name only their own unit."""

from __future__ import annotations

from pathlib import Path

import pytest

from ntm_sched.cli import main
from ntm_sched.plan import load_plan, write_plan
from ntm_sched.plan.edits import restrict_plan
from tests.readback import SHIPPED_COMMUNE_CODE, output_texts

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "tan_yen_2019"
KEEP = ["07309", "07345"]  # two of the communes still to be recognised: a fast solve
OLD_WORDS = ("Tân Yên", "Tan Yen", "tan_yen")
NEW_UNIT = "Sơn Hà"


def _rename(folder: Path) -> dict[str, str]:
    """Rename the unit and every commune (names and codes) in every file of ``folder``; return the names."""
    plan = load_plan(folder)
    codes = {c.code: f"9{i:04d}" for i, c in enumerate(plan.communes, start=1)}
    names = {c.name: f"Thử Nghiệm {i}" for i, c in enumerate(plan.communes, start=1)}
    names.update({c.alias: f"Thử Nghiệm {i}" for i, c in enumerate(plan.communes, start=1) if c.alias})
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        for old in sorted(names, key=len, reverse=True):
            text = text.replace(old, names[old])
        text = SHIPPED_COMMUNE_CODE.sub(lambda m: codes.get(m.group(0), "90000"), text)
        text = text.replace("Tân Yên", NEW_UNIT).replace("Bắc Giang", "Hà Thành")
        if path.name == "unit.csv":
            text = text.replace("\n216,", "\n299,")
        path.write_text(text, encoding="utf-8")
    return {v: k for k, v in codes.items()}



@pytest.fixture(scope="module")
def renamed(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("renamed")
    write_plan(restrict_plan(load_plan(DATA), KEEP), root / "plan")
    _rename(root / "plan")
    scenario = root / "renamed.yaml"
    scenario.write_text(f"description:\n  vi: Kế hoạch đổi tên\n  en: Renamed plan\nplan: {root / 'plan'}\n",
                        encoding="utf-8")
    return scenario


def test_the_renamed_copy_names_only_its_own_unit(renamed: Path, tmp_path: Path, capsys) -> None:
    from ntm_sched.report.context import build_report_context

    plan_dir = renamed.parent / "plan"
    for path in plan_dir.glob("*.csv"):  # the input itself is clean, so any hit below comes from code
        text = path.read_text(encoding="utf-8")
        assert not SHIPPED_COMMUNE_CODE.search(text) and not any(w in text for w in OLD_WORDS), path
    assert main(["validate", str(plan_dir)]) == 0
    assert main(["validate", str(plan_dir), "--lang", "en"]) == 0
    assert main(["solve", str(renamed), "--out", str(tmp_path / "solve"), "--workers", "1", "--seed", "0",
                 "--time-limit", "20"]) == 0
    for lang in ("vi", "en"):
        ctx = build_report_context(str(renamed), lang=lang, time_limit=20, workers=1, seed=0,
                                   output_dir=tmp_path / f"report_{lang}")
        ctx.write_outputs()
        assert NEW_UNIT in ctx.title() and "2016-2020" in ctx.title()
    shown = capsys.readouterr()
    texts = output_texts(tmp_path)
    texts["console"] = shown.out + shown.err
    assert len(texts) > 15, sorted(texts)
    for name, text in texts.items():
        assert not any(w in text for w in OLD_WORDS), (name, [w for w in OLD_WORDS if w in text])
        assert not SHIPPED_COMMUNE_CODE.search(text), (name, SHIPPED_COMMUNE_CODE.search(text))
    # and the unit's own name is what the report tables and the workbook say
    assert "Huyện Sơn Hà" in texts[str(tmp_path / "report_vi" / "tables" / "milestones.csv")]
    assert "Sơn Hà district" in texts[str(tmp_path / "report_en" / "tables" / "milestones.csv")]
    assert any("Huyện Sơn Hà" in t for n, t in texts.items() if n.endswith("report.xlsx"))
