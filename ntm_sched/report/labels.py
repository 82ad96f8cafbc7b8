"""Labels for the report: one dictionary per language (Vietnamese is the default).

Every heading, column and status shown to people comes from here, so a report in
``lang="en"`` has no Vietnamese headings and vice versa. Commune, agency and
source names come from the plan (with their diacritics), see :func:`commune_names`.
"""

from __future__ import annotations

from typing import Any

LANGS = ("vi", "en")

VI: dict[str, str] = {
    # headings
    "title": "Báo cáo kịch bản",
    "status_banner": "Tình trạng lời giải",
    "headline": "Các chỉ tiêu chính",
    "milestones": "Mốc thời gian theo xã",
    "gantt": "Tiến độ theo xã và tiêu chí",
    "allocation": "Phân bổ vốn theo xã và nguồn",
    "cash_flow": "Vốn được cấp lũy kế và chi tiêu theo nguồn",
    "extra_by_month": "Vốn cần thêm ngoài dự toán theo tháng",
    "agency_load": "Mức sử dụng năng lực các cơ quan theo tuần",
    "at_risk": "Điểm nghẽn và các xã có nguy cơ",
    "assumptions": "Các giả định và nguồn",
    "overrides": "Thay đổi của kịch bản so với kịch bản gốc",
    "comparison": "So sánh các kịch bản",
    "failed": "Kịch bản lỗi",
    "no_schedule": "Không có lịch trình: các bảng và biểu đồ dưới đây để trống.",
    "no_rows": "(không có dữ liệu)",
    "no_overrides": "(không có thay đổi: đây là kịch bản gốc)",
    "none_at_risk": "Không có xã nào trễ hạn hoặc sát hạn.",
    # headline items
    "item": "Chỉ tiêu",
    "value": "Giá trị",
    "h_status": "Tình trạng lời giải",
    "h_gap": "Khoảng cách tối ưu",
    "h_runtime": "Thời gian giải (giây)",
    "h_on_time": "Số xã đạt chuẩn đúng hạn",
    "h_late_communes": "Các xã trễ hạn",
    "h_district_date": "Ngày huyện đạt chuẩn (dự kiến)",
    "h_district_target": "Mục tiêu của kế hoạch (huyện)",
    "h_total_cost": "Tổng chi phí",
    "h_extra": "Vốn cần thêm ngoài dự toán",
    "h_extra_first": "Cần vốn thêm từ tháng",
    "h_explanation": "Giải thích",
    "h_checker": "Kiểm tra độc lập",
    "of": "trên",
    "yes": "đạt",
    "no": "không đạt",
    # columns
    "commune": "Xã",
    "commune_code": "Mã xã",
    "milestone": "Mốc",
    "target_date": "Mục tiêu kế hoạch",
    "scheduled_date": "Ngày dự kiến",
    "slack_days": "Dự trữ (ngày)",
    "late": "Trễ hạn",
    "source": "Nguồn vốn",
    "total": "Tổng",
    "month": "Tháng",
    "date": "Ngày",
    "released": "Vốn được cấp lũy kế",
    "spent": "Chi tiêu lũy kế",
    "amount": "Số tiền (triệu đồng)",
    "extra_mvnd": "Vốn cần thêm (triệu đồng)",
    "reason": "Lý do",
    "task": "Công việc",
    "agency": "Cơ quan",
    "week": "Tuần",
    "load_ratio": "Tỷ lệ sử dụng năng lực",
    "table": "Bảng",
    "id": "Mã",
    "assumption": "Giả định",
    "origin": "Nguồn thông tin",
    "kind": "Loại",
    "key": "Khóa",
    "criterion": "Tiêu chí",
    "all_criteria": "Toàn bộ tiêu chí",
    "start": "Bắt đầu",
    "end": "Kết thúc",
    "scenario": "Kịch bản",
    "runtime_s": "Thời gian giải (giây)",
    "report": "Báo cáo",
    "error": "Lỗi",
    "district": "Huyện Tân Yên",
    "deadline": "Hạn",
    # milestones
    "m_works_done": "Hoàn thành công trình",
    "m_inspection": "Thẩm tra",
    "m_appraisal": "Thẩm định",
    "m_recognition": "Công nhận",
    "m_task": "Hạn công việc",
    # kinds of assumption
    "k_V": "V (đã kiểm chứng)",
    "k_assumption": "giả định",
    "k_estimate": "ước tính",
    "k_plan": "kế hoạch / văn bản",
    "k_scenario": "kịch bản",
    # statuses
    "s_OPTIMAL": "Tối ưu",
    "s_FEASIBLE": "Khả thi (chưa chứng minh tối ưu)",
    "s_INFEASIBLE": "KHÔNG KHẢ THI",
    "s_UNKNOWN": "KHÔNG TÌM ĐƯỢC LỜI GIẢI (hết thời gian)",
    "s_MODEL_INVALID": "MÔ HÌNH KHÔNG HỢP LỆ",
    "s_ok": "THÀNH CÔNG",
    "s_failed": "LỖI",
    "banner_bad": "CẢNH BÁO: không có lịch trình cho kịch bản này",
    "banner_timeout": "Lời giải chưa chứng minh tối ưu trong thời gian cho phép",
    # risk reasons
    "r_late": "trễ {days} ngày so với mốc {milestone}",
    "r_tight": "chỉ còn {days} ngày dự trữ ở mốc {milestone}",
    "r_procedure": "riêng thủ tục công nhận đã mất {need} ngày nhưng chỉ còn {left} ngày đến hạn",
    "r_agency": "{task} chờ {agency} (đã dùng hết năng lực tuần {week})",
    "r_money": "{task} chờ vốn: nguồn {source} đã hết đến đợt cấp ngày {date}",
    "r_extra": "{task} phải dùng vốn ngoài dự toán ({amount})",
    "r_calendar": "{task} bị gián đoạn bởi kỳ nghỉ {holiday}",
    "r_chain": "chuỗi công việc dài nhất: {chain}",
    "r_start": "{task} bắt đầu ngay từ đầu kế hoạch nhưng thời gian thực hiện dài",
    "r_unknown": "không xác định được nguyên nhân đơn lẻ",
}

EN: dict[str, str] = {
    "title": "Scenario report",
    "status_banner": "Solver status",
    "headline": "Headline figures",
    "milestones": "Milestones by commune",
    "gantt": "Schedule by commune and criterion",
    "allocation": "Money by commune and source",
    "cash_flow": "Cumulative releases and spending by source",
    "extra_by_month": "Money needed beyond the budget, by month",
    "agency_load": "Agency load by week",
    "at_risk": "Bottlenecks and communes at risk",
    "assumptions": "Assumptions and their sources",
    "overrides": "What this scenario changes from the base",
    "comparison": "Scenario comparison",
    "failed": "Failed scenarios",
    "no_schedule": "No schedule: the tables and figures below are empty.",
    "no_rows": "(no data)",
    "no_overrides": "(no changes: this is the base scenario)",
    "none_at_risk": "No commune is late or tight.",
    "item": "Item",
    "value": "Value",
    "h_status": "Solver status",
    "h_gap": "Optimality gap",
    "h_runtime": "Solve time (s)",
    "h_on_time": "Communes recognised on time",
    "h_late_communes": "Late communes",
    "h_district_date": "District recognition (scheduled)",
    "h_district_target": "Plan's district target",
    "h_total_cost": "Total cost",
    "h_extra": "Money needed beyond the budget",
    "h_extra_first": "Extra money needed from",
    "h_explanation": "Explanation",
    "h_checker": "Independent check",
    "of": "of",
    "yes": "passed",
    "no": "failed",
    "commune": "Commune",
    "commune_code": "Commune code",
    "milestone": "Milestone",
    "target_date": "Plan target",
    "scheduled_date": "Scheduled",
    "slack_days": "Slack (days)",
    "late": "Late",
    "source": "Source",
    "total": "Total",
    "month": "Month",
    "date": "Date",
    "released": "Cumulative releases",
    "spent": "Cumulative spending",
    "amount": "Amount (million VND)",
    "extra_mvnd": "Extra money (million VND)",
    "reason": "Reason",
    "task": "Task",
    "agency": "Agency",
    "week": "Week",
    "load_ratio": "Load / capacity",
    "table": "Table",
    "id": "Id",
    "assumption": "Assumption",
    "origin": "Where it comes from",
    "kind": "Kind",
    "key": "Key",
    "criterion": "Criterion",
    "all_criteria": "All criteria",
    "start": "Start",
    "end": "End",
    "scenario": "Scenario",
    "runtime_s": "Solve time (s)",
    "report": "Report",
    "error": "Error",
    "district": "Tân Yên district",
    "deadline": "Deadline",
    "m_works_done": "Works done",
    "m_inspection": "Inspection",
    "m_appraisal": "Appraisal",
    "m_recognition": "Recognition",
    "m_task": "Task due",
    "k_V": "V (verified)",
    "k_assumption": "assumption",
    "k_estimate": "estimate",
    "k_plan": "plan / document",
    "k_scenario": "scenario",
    "s_OPTIMAL": "Optimal",
    "s_FEASIBLE": "Feasible (not proven optimal)",
    "s_INFEASIBLE": "INFEASIBLE",
    "s_UNKNOWN": "NO SOLUTION FOUND (time limit)",
    "s_MODEL_INVALID": "MODEL INVALID",
    "s_ok": "OK",
    "s_failed": "FAILED",
    "banner_bad": "WARNING: no schedule for this scenario",
    "banner_timeout": "The answer was not proven optimal within the time limit",
    "r_late": "{days} days late at the {milestone} milestone",
    "r_tight": "only {days} days of slack at the {milestone} milestone",
    "r_procedure": "the recognition procedure alone takes {need} days but only {left} days are left",
    "r_agency": "{task} waited for {agency} (at capacity in the week of {week})",
    "r_money": "{task} waited for money: {source} was exhausted until the tranche of {date}",
    "r_extra": "{task} needs money beyond the budget ({amount})",
    "r_calendar": "{task} is interrupted by the {holiday} break",
    "r_chain": "longest chain: {chain}",
    "r_start": "{task} starts at the plan's start but takes long",
    "r_unknown": "no single cause found",
}

LABELS: dict[str, dict[str, str]] = {"vi": VI, "en": EN}


def check_lang(lang: str | None) -> str:
    """``lang`` or ``'vi'``; raises ``ValueError`` for anything but 'vi'/'en'."""
    lang = lang or "vi"
    if lang not in LABELS:
        raise ValueError(f"language must be 'vi' or 'en', got {lang!r}")
    return lang


def label(key: str, lang: str = "vi", **fmt: Any) -> str:
    """The label ``key`` in ``lang`` (formatted with ``fmt``); the key itself if unknown."""
    text = LABELS[check_lang(lang)].get(key, LABELS["en"].get(key, key))
    return text.format(**fmt) if fmt else text


def status_label(status: str, lang: str = "vi") -> str:
    """Solver status in words."""
    return label(f"s_{status}", lang) if f"s_{status}" in LABELS[check_lang(lang)] else str(status)


def milestone_label(milestone: str, lang: str = "vi") -> str:
    """``works_done`` -> 'Hoàn thành công trình'; ``task:<id>`` -> 'Hạn công việc <id>'."""
    if milestone.startswith("task:"):
        return f"{label('m_task', lang)} {milestone[5:]}"
    return label(f"m_{milestone}", lang) if f"m_{milestone}" in LABELS[check_lang(lang)] else milestone


def commune_names(plan: Any, lang: str = "vi") -> dict[str, str]:
    """Commune code -> name with diacritics (the plan's spelling), plus the district."""
    c = plan.table("communes")
    out = {str(k): str(v) for k, v in zip(c["code"], c["name"])}
    out["DISTRICT"] = label("district", lang)
    return out


def agency_names(plan: Any, lang: str = "vi") -> dict[str, str]:
    """Agency id -> name in ``lang``."""
    a = plan.table("agencies")
    col = "name_vi" if lang == "vi" else "name_en"
    return {str(k): str(v) for k, v in zip(a["agency_id"], a[col])}


def source_names(plan: Any, lang: str = "vi") -> dict[str, str]:
    """Funding source id -> name in ``lang`` (plus the extra-funding source)."""
    s = plan.table("sources")
    col = "name_vi" if lang == "vi" else "name_en"
    out = {str(k): str(v) for k, v in zip(s["source_id"], s[col])}
    out["EXTRA"] = label("h_extra", lang)
    return out
