"""Labels: every key in both languages with the same placeholders; names from the plan."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ntm_sched.plan import load_plan
from ntm_sched.report.labels import (
    EN,
    VI,
    agency_names,
    check_lang,
    commune_names,
    label,
    milestone_label,
    source_names,
    status_label,
)

ROOT = Path(__file__).resolve().parents[2]


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
    assert communes["07357"] == "Liên Chung" and communes["DISTRICT"] == label("district", "vi")
    assert agency_names(plan, "vi")["BCD_HUYEN"] != agency_names(plan, "en")["BCD_HUYEN"]
    names = source_names(plan, "en")
    assert names["EXTRA"] == label("h_extra", "en") and set(plan.table("sources")["source_id"]) < set(names)
