"""A small but complete valid plan (3 communes, 2 work types, 2 agencies, 4 tasks, ...) as text rows."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from ntm_sched.plan.schema import TABLES

COMMUNE_CRITERIA = [str(i) for i in range(1, 20)]
DISTRICT_CRITERIA = ["1", "2", "3", "4", "5.1", "5.2", "5.3", "6", "7", "8", "9"]


def _missing(met: int) -> str:
    return ";".join(COMMUNE_CRITERIA[met:])


def plan_tables() -> dict[str, list[dict[str, str]]]:
    """Rows of every table, as the text a user would type."""
    return {
        "settings": [
            {"key": "start_date", "value": "2019-08-01", "description": "plan start", "source": "plan §1"},
            {"key": "horizon_days", "value": "500", "description": "", "source": ""},
            {"key": "advance_share", "value": "0.3", "description": "share paid at start", "source": "assumption: 30%"},
        ],
        "unit": [
            {"code": "111", "name": "Thử Nghiệm", "level": "district", "period": "2019-2020", "criteria_set": "",
             "procedure": "", "source": "invented for the tests (own criteria and steps, no catalogue)"},
        ],
        "communes": [
            {"code": "07111", "name": "Ngọc Châu", "alias": "", "status": "not_recognised", "criteria_met": "17",
             "missing_criteria": "2;17", "target_works_done": "2020-06-30", "target_inspection": "",
             "target_appraisal": "", "target_recognition": "2020-12-31", "disadvantaged": "false",
             "plan_ref": "II.1", "note": ""},
            {"code": "07114", "name": "Phúc Sơn", "alias": "Phúc Sơn xã", "status": "not_recognised",
             "criteria_met": "18", "missing_criteria": "2", "target_works_done": "",
             "target_inspection": "", "target_appraisal": "", "target_recognition": "2020-12-31",
             "disadvantaged": "có", "plan_ref": "II.2", "note": ""},
            {"code": "07117", "name": "Cao Xá", "alias": "", "status": "recognised", "criteria_met": "19",
             "missing_criteria": "", "target_works_done": "", "target_inspection": "", "target_appraisal": "",
             "target_recognition": "", "disadvantaged": "no", "plan_ref": "", "note": "recognised 2018"},
        ],
        "criteria": (
            [{"set": "commune", "code": c, "group": "", "name_vi": f"Tiêu chí {c}", "name_en": f"Criterion {c}",
              "source": ""} for c in COMMUNE_CRITERIA]
            + [{"set": "district", "code": c, "group": "", "name_vi": f"Tiêu chí huyện {c}",
                "name_en": f"District criterion {c}", "source": ""} for c in DISTRICT_CRITERIA]
        ),
        "agencies": [
            {"agency_id": "UBND_XA", "name_vi": "Ủy ban nhân dân xã", "name_en": "Commune people's committee",
             "kind": "commune", "weekly_capacity": "10", "source": "assumption: 2 staff"},
            {"agency_id": "PHONG_NN", "name_vi": "Phòng Nông nghiệp", "name_en": "Agriculture office",
             "kind": "office", "weekly_capacity": "12.5", "source": "plan §4"},
        ],
        "capacity_changes": [
            {"agency_id": "PHONG_NN", "start_date": "2020-01-20", "end_date": "2020-02-10",
             "weekly_capacity": "2", "source": "Tết"},
        ],
        "work_types": [
            {"work_type": "road", "name_vi": "Đường giao thông", "name_en": "Road", "unit": "km",
             "unit_cost_mvnd": "1500", "support_norm_mvnd": "900.5", "duration_fixed_days": "14",
             "duration_per_batch_days": "60", "parallel_per_commune": "2", "lead_agency": "UBND_XA",
             "effort_per_week": "1.5", "calendar": "construction", "accelerable": "true",
             "source": "FACTS.md #3", "note": ""},
            {"work_type": "dossier", "name_vi": "Hồ sơ", "name_en": "Dossier", "unit": "bộ",
             "unit_cost_mvnd": "5", "support_norm_mvnd": "", "duration_fixed_days": "10",
             "duration_per_batch_days": "0", "parallel_per_commune": "1", "lead_agency": "PHONG_NN",
             "effort_per_week": "2", "calendar": "office", "accelerable": "false",
             "source": "assumption: desk work", "note": ""},
        ],
        "tasks": [
            {"task_id": "T1", "commune_code": "07111", "criterion": "2", "work_type": "road", "quantity": "2.5",
             "quantity_estimated": "false", "unit": "km", "description_vi": "Cứng hoá đường trục xã",
             "description_en": "Pave the main road", "plan_ref": "II.1.a", "predecessors": "",
             "lead_agency": "", "release_date": "", "due_date": "2020-06-30", "estimate_note": ""},
            {"task_id": "T2", "commune_code": "07111", "criterion": "17", "work_type": "dossier",
             "quantity": "1", "quantity_estimated": "false", "unit": "bộ", "description_vi": "Hồ sơ môi trường",
             "description_en": "", "plan_ref": "II.1.b", "predecessors": "T1", "lead_agency": "UBND_XA",
             "release_date": "", "due_date": "", "estimate_note": ""},
            {"task_id": "T3", "commune_code": "07114", "criterion": "2", "work_type": "road", "quantity": "1",
             "quantity_estimated": "true", "unit": "km", "description_vi": "Đường liên thôn",
             "description_en": "Village roads", "plan_ref": "II.2.a", "predecessors": "",
             "lead_agency": "", "release_date": "2019-09-05", "due_date": "", "estimate_note": "plan gives no length"},
            {"task_id": "T4", "commune_code": "DISTRICT", "criterion": "5.1", "work_type": "dossier",
             "quantity": "1", "quantity_estimated": "false", "unit": "bộ", "description_vi": "Hồ sơ huyện",
             "description_en": "District dossier", "plan_ref": "III", "predecessors": "T2;T3",
             "lead_agency": "", "release_date": "", "due_date": "", "estimate_note": ""},
        ],
        "sources": [
            {"source_id": "NTM", "name_vi": "Vốn chương trình NTM", "name_en": "NTM programme funds",
             "pays_for": "*", "source": "plan §5"},
        ],
        "funding": [
            {"tranche_id": "F1", "source_id": "NTM", "date_available": "2019-08-01", "amount_mvnd": "3000",
             "commune_code": "", "source": "plan §5"},
            {"tranche_id": "F2", "source_id": "NTM", "date_available": "2020-01-01", "amount_mvnd": "1500.25",
             "commune_code": "07114", "source": "plan §5"},
        ],
        "calendar": [
            {"calendar": "construction", "start_date": "2020-01-20", "end_date": "2020-02-05",
             "name_vi": "Nghỉ Tết", "name_en": "Tet holiday", "source": "assumption: Tết"},
        ],
        "recognition_steps": [
            {"chain": "commune", "step": "self_check", "order": "1", "name_vi": "Xã tự đánh giá",
             "name_en": "Commune self-assessment", "agency_id": "UBND_XA", "duration_days": "10",
             "effort_per_week": "2", "calendar": "office", "milestone": "works_done", "source": "Decision 2540"},
            {"chain": "commune", "step": "district_check", "order": "2", "name_vi": "Huyện thẩm tra",
             "name_en": "District inspection", "agency_id": "PHONG_NN", "duration_days": "15",
             "effort_per_week": "3", "calendar": "office", "milestone": "inspection", "source": "Decision 2540"},
            {"chain": "district", "step": "province_appraisal", "order": "1", "name_vi": "Tỉnh thẩm định",
             "name_en": "Province appraisal", "agency_id": "PHONG_NN", "duration_days": "30",
             "effort_per_week": "1", "calendar": "office", "milestone": "", "source": "Decision 2540"},
        ],
    }


def write_tables(folder: Path, tables: dict[str, list[dict[str, str]]], *, sep: str = ",",
                 bom: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for t in TABLES:
        if t.name not in tables:
            continue
        rows = tables[t.name]
        header = list(rows[0].keys()) if rows else [c.name for c in t.columns]
        with open(folder / t.filename, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter=sep, lineterminator="\n")
            w.writerow(header)
            for r in rows:
                w.writerow([r.get(h, "") for h in header])
    return folder


def tree_hash(path: Path) -> dict[str, str]:
    """Hash of every file under path (or of the file itself)."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(p.relative_to(path) if path.is_dir() else p.name): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in files}
