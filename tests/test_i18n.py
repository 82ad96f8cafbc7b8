"""Labels: every key in both languages with the same placeholders; names from the plan."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from ntm_sched.i18n import (
    EN,
    VI,
    agency_names,
    check_lang,
    commune_names,
    label,
    milestone_label,
    source_names,
    status_label,
    unit_in_sentence,
    unit_title,
)
from ntm_sched.plan import load_plan
from ntm_sched.report import heading
from ntm_sched.units import format_money

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "ntm_sched"


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert set(VI) == set(EN), f"only vi: {sorted(set(VI) - set(EN))}; only en: {sorted(set(EN) - set(VI))}"
    fields = re.compile(r"{(\w+)}")
    bad = [k for k in VI if set(fields.findall(VI[k])) != set(fields.findall(EN[k]))]
    assert bad == []
    same = [k for k in VI if VI[k] == EN[k] and re.search(r"[a-z]{4,}", VI[k])]
    assert same == [], "labels left untranslated"


def test_lang_is_checked() -> None:
    assert check_lang(None) == "vi" and check_lang("en") == "en"
    with pytest.raises(ValueError, match="'vi' or 'en'"):
        check_lang("fr")
    with pytest.raises(ValueError):
        label("title", "fr")


def test_labels_statuses_and_milestones() -> None:
    assert label("title", "vi") == "Báo cáo kịch bản" and label("title", "en") != label("title", "vi")
    assert status_label("OPTIMAL", "vi") != status_label("OPTIMAL", "en")
    assert status_label("SOMETHING_NEW", "vi") == "SOMETHING_NEW"
    assert milestone_label("task:07345-road", "en").endswith(" 07345-road")
    assert milestone_label("recognition", "vi") == VI["m_recognition"]


def test_names_come_from_the_plan_with_diacritics() -> None:
    plan = load_plan(ROOT / "data" / "tan_yen_2019")
    communes = commune_names(plan, "vi")
    assert communes["07357"] == "Liên Chung"
    # the district's own row is named by the plan's unit (unit.csv), in each language
    assert communes["DISTRICT"] == "Huyện Tân Yên" and commune_names(plan, "en")["DISTRICT"] == "Tân Yên district"
    assert agency_names(plan, "vi")["BCD_HUYEN"] != agency_names(plan, "en")["BCD_HUYEN"]
    names = source_names(plan, "en")
    assert names["EXTRA"] == label("h_extra", "en") and set(plan.table("sources")["source_id"]) < set(names)


def test_headings_and_report_labels():
    assert heading("milestones", "en") == "## Milestones by commune"
    assert label("milestones") == "Mốc thời gian theo xã"
    with pytest.raises(ValueError):
        label("x", "fr")


def test_lower_layers_take_their_words_from_here():
    assert label("x_resource", "en", name="TN_MT") == "capacity of TN_MT"
    assert label("v_row", "vi", row=3) == "hàng 3"
    assert format_money(1500, "vi") == "1,50 tỷ đồng" and format_money(1500, "en") == "1.50 billion VND"


def test_no_language_branch_outside_this_module():
    """Every vi/en string lives in ntm_sched/i18n.py: no module branches on the language."""
    branch = re.compile(r"""lang\s*[!=]=\s*["'](vi|en)["']|["'](vi|en)["']\s*[!=]=\s*lang|\bif vi\b""")
    hits = [f"{p.relative_to(ROOT)}:{n}" for p in sorted(PKG.rglob("*.py")) if p.name != "i18n.py"
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if branch.search(line)]
    assert hits == []


def test_unit_title_comes_from_the_unit_or_says_only_the_level() -> None:
    plan = load_plan(ROOT / "data" / "tan_yen_2019")
    unit = dataclasses.replace(plan.unit, name="Sơn Hà", level="commune", code="99999")
    assert unit_title(unit, "vi") == "Xã Sơn Hà" and unit_title(unit, "en") == "Sơn Hà commune"
    assert unit_in_sentence(unit, "vi") == "xã Sơn Hà"
    own = dataclasses.replace(unit, title_vi="Thị xã Sơn Hà", title_en="Son Ha town")
    assert unit_title(own, "vi") == unit_in_sentence(own, "vi") == "Thị xã Sơn Hà"
    assert unit_title(own, "en") == "Son Ha town"
    assert unit_title(None, "vi") == label("district", "vi") and "Tân Yên" not in label("district", "en")
