"""Every Vietnamese and English string shown to people: one dictionary per language.

Size (~1100 lines): a string table; each key sits once in each language, side by side, so
a new label is added in both at once (splitting it would put the two languages apart).

Vietnamese is the default. The language is set once per run by its entry point
(:func:`using_lang`, :func:`set_lang`) and read with :func:`current_lang`; the functions
here take an optional ``lang`` only to speak another language than the run's (an English
message beside a Vietnamese one). Every heading, column, status, message and explanation of
every layer comes from here (:func:`label`, with ``str.format`` fields), so a report in
``lang="en"`` has no Vietnamese headings and vice versa, and no other module branches
on the language. Commune, agency and source names come from the plan (with their
diacritics): :func:`commune_names`, :func:`agency_names`, :func:`source_names` and
:func:`name_field` (``name_vi``/``name_en`` of a record). This module imports nothing
from the package, so every layer may use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

LANGS = ("vi", "en")
ENGINE_LANG = "en"
"""Language of the engine's own messages (explanation sentences, checker reports)."""

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
    "h_verified": "Đối chiếu với kế hoạch",
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
    "plan_unit": "Kế hoạch (đơn vị, giai đoạn)",
    "invented_banner": ("KẾ HOẠCH VÍ DỤ GIẢ ĐỊNH: đơn vị, các xã và mọi số liệu của kế hoạch này là bịa ra để minh "
                        "họa cách dùng công cụ, không phải kế hoạch của một đơn vị có thật."),
    "runtime_s": "Thời gian giải (giây)",
    "report": "Báo cáo",
    "error": "Lỗi",
    "district": "Huyện",
    # the plan's unit (``unit.csv``) in titles: level word and name
    "unit_province": "Tỉnh {name}",
    "unit_district": "Huyện {name}",
    "unit_commune": "Xã {name}",
    "deadline": "Hạn",
    # milestones
    "m_works_done": "Hoàn thành công trình",
    "m_inspection": "Thẩm tra",
    "m_submission": "Trình tỉnh thẩm định",
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
    "s_INVALID": "KẾT QUẢ KHÔNG HỢP LỆ (không khớp với kế hoạch)",
    "s_ok": "THÀNH CÔNG",
    "s_failed": "LỖI",
    "banner_bad": "CẢNH BÁO: không có lịch trình cho kịch bản này",
    "banner_invalid": "CẢNH BÁO: kết quả không khớp với kế hoạch — không được sử dụng",
    "banner_timeout": "Lời giải chưa chứng minh tối ưu trong thời gian cho phép",
    "canonical_rule": ("Lịch trình và phân bổ vốn được chọn theo một quy tắc cố định, nên mỗi lần chạy cho cùng "
                       "một kết quả: trong các lịch đạt cùng mức trễ hạn, vốn ngoài dự toán và chi phí, mỗi công "
                       "việc bắt đầu sớm nhất có thể (tổng ngày bắt đầu nhỏ nhất); vốn ngoài dự toán được dùng muộn "
                       "nhất có thể (các đợt vốn đã có trong kế hoạch được chi trước); mỗi khoản chi lấy trước từ "
                       "các nguồn vốn đứng trước trong kế hoạch."),
    "not_repeatable": ("Lưu ý: chi tiết của lịch (ngày từng việc, nguồn vốn từng khoản) có thể khác giữa các lần "
                       "chạy: {reasons}."),
    "rep_tier_not_proven": "một bậc mục tiêu chưa được chứng minh tối ưu trong thời gian cho phép",
    "rep_wall_cut": "bước chọn lịch cố định bị dừng vì máy quá bận",
    "rep_no_schedule": "bước chọn lịch cố định không tìm được lịch trong giới hạn",
    "rep_not_run": "bước chọn lịch cố định không chạy",
    # risk reasons
    "r_late": "trễ {days} ngày so với mốc {milestone}",
    "r_tight": "chỉ còn {days} ngày dự trữ ở mốc {milestone}",
    "r_procedure": "riêng thủ tục công nhận đã mất {need} ngày nhưng chỉ còn {left} ngày đến hạn",
    "r_agency": "{task} chờ {agency} (đã dùng hết năng lực tuần {week})",
    "r_money": "{task} chờ vốn: nguồn {source} đã hết đến đợt cấp ngày {date}",
    "r_extra": "{task} phải dùng vốn ngoài dự toán ({amount})",
    "r_calendar": "{task} bị gián đoạn vì {holiday}",
    "r_holiday": "{task} chờ hết {holiday} (đến {date})",
    "r_session": "{task} chờ phiên họp hội đồng thẩm định ngày {session}",
    "r_session_full": "{task} chờ phiên họp {session}: phiên {full} đã đủ hồ sơ",
    "r_chain": "chuỗi công việc dài nhất: {chain}",
    "r_start": "{task} làm ngay từ đầu kế hoạch ({start}) nhưng đến {end} mới xong",
    "r_unknown": "không xác định được nguyên nhân đơn lẻ",
    # back-test appendix (ntm_sched.report.backtest)
    "backtest": "Phụ lục: đối chiếu với thực tế",
    "bt_intro": ("Ngày công nhận do mô hình xếp lịch, đặt cạnh những gì đã xảy ra sau kế hoạch ({file}). "
                 "Phần này để người đọc đánh giá độ tin cậy của các giả định mặc định; các thời gian "
                 "không được hiệu chỉnh theo kết quả thực tế."),
    "bt_none": "Không có dữ liệu thực tế cho kế hoạch này ({file}).",
    "bt_unit": "Xã / huyện",
    "bt_target": "Mốc của kế hoạch",
    "bt_model": "Mô hình xếp lịch",
    "bt_earliest": "Sớm nhất theo giả định",
    "bt_outcome": "Thực tế",
    "bt_diff": "Chênh lệch (ngày)",
    "bt_verdict": "Nhận xét",
    "bt_source": "Nguồn",
    "bt_v_within": "trong khoảng thực tế",
    "bt_v_later": "mô hình muộn hơn",
    "bt_v_earlier": "mô hình sớm hơn",
    "bt_v_unknown": "chưa có dữ liệu",
    "bt_v_none": "không có lịch",
    "bt_counts": ("Trong {n} đơn vị có dữ liệu thực tế, ngày công nhận của mô hình muộn hơn thực tế ở {later} "
                  "(nhiều nhất {worst}: {worst_days} ngày), nằm trong khoảng thực tế ở {within} và sớm hơn ở "
                  "{earlier}."),
    "bt_counts_no_late": ("Trong {n} đơn vị có dữ liệu thực tế, ngày công nhận của mô hình nằm trong khoảng "
                          "thực tế ở {within} và sớm hơn ở {earlier}."),
    "bt_bound_late": ("Ở {k} đơn vị, thực tế còn sớm hơn cả ngày sớm nhất mà các giả định cho phép (thi công "
                      "tăng tốc, tiền và nhân lực không giới hạn): thời gian thi công và thủ tục mặc định dài hơn "
                      "những gì đã diễn ra."),
    "bt_bound_ok": ("Ở mọi đơn vị, ngày sớm nhất mà các giả định cho phép không muộn hơn thực tế: riêng thời "
                    "gian mặc định không ngăn được những gì đã xảy ra; chênh lệch đến từ cách mô hình xếp lịch "
                    "(chỉ cần kịp các mốc của kế hoạch và tiết kiệm vốn, không đưa từng xã về đích sớm nhất), "
                    "từ vốn và năng lực."),
    "bt_cautious": ("Như vậy các giả định mặc định thận trọng hơn thực tế: ngày của mô hình là một lịch khả thi "
                    "để kịp kế hoạch, không phải dự báo ngày về đích."),
    "bt_optimistic": ("Như vậy các giả định mặc định lạc quan hơn thực tế: thời gian, vốn hoặc năng lực thực tế "
                      "kém thuận lợi hơn giả định."),
    "bt_consistent": "Như vậy các giả định mặc định phù hợp với thực tế ở độ chính xác của dữ liệu.",
    "bt_unknown_count": "{k} đơn vị chưa có dữ liệu thực tế.",
    "bt_no_schedule": "Không có lịch trình nên không có ngày để đối chiếu ở {k} đơn vị có dữ liệu thực tế.",
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
    "h_verified": "Checked against the plan",
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
    "plan_unit": "Plan (unit, period)",
    "invented_banner": ("INVENTED EXAMPLE PLAN: the unit, its communes and every figure of this plan are made up to "
                        "show how the tool is used; it is not the plan of a real unit."),
    "runtime_s": "Solve time (s)",
    "report": "Report",
    "error": "Error",
    "district": "The district",
    "unit_province": "{name} province",
    "unit_district": "{name} district",
    "unit_commune": "{name} commune",
    "deadline": "Deadline",
    "m_works_done": "Works done",
    "m_inspection": "Inspection",
    "m_submission": "Submitted to the province",
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
    "s_INVALID": "INVALID RESULT (disagrees with the plan)",
    "s_ok": "OK",
    "s_failed": "FAILED",
    "banner_bad": "WARNING: no schedule for this scenario",
    "banner_invalid": "WARNING: the answer disagrees with the plan — do not use it",
    "banner_timeout": "The answer was not proven optimal within the time limit",
    "canonical_rule": ("The schedule and the allocation are chosen by a fixed rule, so every run gives the same "
                       "answer: among the schedules with the same lateness, extra money and cost, each work starts "
                       "as early as it can (the smallest sum of start dates); money beyond the plan's sources is drawn "
                       "as late as it can (the planned tranches pay first); each payment comes first from the "
                       "sources listed first in the plan."),
    "not_repeatable": ("Note: the details of the schedule (each work's dates, each payment's source) may differ "
                       "between runs: {reasons}."),
    "rep_tier_not_proven": "a tier of the objective was not proven optimal within the time limit",
    "rep_wall_cut": "the fixed choice of schedule was stopped because the machine was too busy",
    "rep_no_schedule": "the fixed choice of schedule found no schedule within its limit",
    "rep_not_run": "the fixed choice of schedule did not run",
    "r_late": "{days} days late at the {milestone} milestone",
    "r_tight": "only {days} days of slack at the {milestone} milestone",
    "r_procedure": "the recognition procedure alone takes {need} days but only {left} days are left",
    "r_agency": "{task} waited for {agency} (at capacity in the week of {week})",
    "r_money": "{task} waited for money: {source} was exhausted until the tranche of {date}",
    "r_extra": "{task} needs money beyond the budget ({amount})",
    "r_calendar": "{task} is interrupted by the {holiday} break",
    "r_holiday": "{task} waited for the end of the {holiday} break ({date})",
    "r_session": "{task} waits for the appraisal council's session of {session}",
    "r_session_full": "{task} waits for the {session} session: the {full} one is full",
    "r_chain": "longest chain: {chain}",
    "r_start": "{task} starts at the plan's start ({start}) but only ends on {end}",
    "r_unknown": "no single cause found",
    # back-test appendix (ntm_sched.report.backtest)
    "backtest": "Appendix: back-test against what happened",
    "bt_intro": ("The recognition dates the model schedules, beside what happened after the plan ({file}). "
                 "This is for the reader's trust in the default assumptions; the durations are not tuned "
                 "to the outcome."),
    "bt_none": "No recorded outcome for this plan ({file}).",
    "bt_unit": "Commune / district",
    "bt_target": "Plan's target",
    "bt_model": "Model's schedule",
    "bt_earliest": "Earliest the assumptions allow",
    "bt_outcome": "What happened",
    "bt_diff": "Difference (days)",
    "bt_verdict": "Verdict",
    "bt_source": "Source",
    "bt_v_within": "within what happened",
    "bt_v_later": "model later",
    "bt_v_earlier": "model earlier",
    "bt_v_unknown": "no record",
    "bt_v_none": "no schedule",
    "bt_counts": ("Of the {n} units with a record, the model's recognition date is later than what happened for "
                  "{later} (most for {worst}: {worst_days} days), within it for {within} and earlier for {earlier}."),
    "bt_counts_no_late": ("Of the {n} units with a record, the model's recognition date is within what happened "
                          "for {within} and earlier for {earlier}."),
    "bt_bound_late": ("For {k} of them what happened is earlier even than the earliest date the assumptions "
                      "allow (accelerated works, unlimited money and staff): the default works and procedure "
                      "durations are longer than what took place."),
    "bt_bound_ok": ("For every unit the earliest date the assumptions allow is no later than what happened: the "
                    "default durations alone do not rule it out; the difference comes from how the model "
                    "schedules (it only needs to meet the plan's dates and saves money; it does not race each "
                    "commune to the finish) and from money and capacity."),
    "bt_cautious": ("So the default assumptions are more cautious than what happened: the model's dates are a "
                    "feasible schedule that meets the plan, not a forecast of recognition."),
    "bt_optimistic": ("So the default assumptions are more optimistic than what happened: real durations, money "
                      "or capacity were less favourable than assumed."),
    "bt_consistent": "So the default assumptions agree with what happened, at the precision of the record.",
    "bt_unknown_count": "{k} units have no record.",
    "bt_no_schedule": "No schedule, so no date to set beside the record of {k} units.",
}

# the one definition of "on time", the committee's decisions, names of plan tables and overrides
VI.update({
    "on_time_def": ("**Đúng hạn** nghĩa là: mọi mốc có ngày mục tiêu trong chuỗi công nhận của xã (hoàn thành "
                    "công trình, thẩm tra của huyện, trình tỉnh thẩm định, thẩm định của tỉnh, quyết định công "
                    "nhận) đều xong trước hoặc đúng ngày mục tiêu của kế hoạch. Trễ một mốc là xã trễ hạn; "
                    "mốc trễ đầu tiên là lý do."),
    "decisions": "Những việc Ban Chỉ đạo cần quyết định",
    "d_communes": "Xã trễ hạn hoặc sát hạn và nguyên nhân chính",
    "d_none_at_risk": "Mọi xã đều đúng hạn và không xã nào sát hạn.",
    "d_late_item": "**{commune}** trễ {days} ngày ở mốc *{milestone}* (mục tiêu {target}, dự kiến {date}): {cause}.",
    "d_tight_item": "**{commune}** chỉ còn {days} ngày dự trữ ở mốc *{milestone}* (mục tiêu {target}): {cause}.",
    "d_money": "Vốn còn thiếu ngoài dự toán, theo tháng",
    "d_no_money_gap": "Dự toán đủ: không cần vốn ngoài dự toán.",
    "d_money_total": "Tổng cộng {total}, cần từ tháng {first}.",
    "d_bottleneck": "Cơ quan là điểm nghẽn",
    "d_bottleneck_item": ("**{agency}** dùng hết năng lực {weeks} tuần, từ {first} đến {last}; "
                          "tăng năng lực cơ quan này là cách nhanh nhất để rút ngắn tiến độ."),
    "d_no_bottleneck": "Không cơ quan nào dùng hết năng lực.",
    "d_more": "và {n} xã khác (xem bảng bên dưới)",
    "status_col": "Tình trạng",
    "name": "Tên",
    "st_late": "Trễ hạn",
    "st_tight": "Sát hạn",
    "st_on_time": "Đúng hạn",
    "cause": "Nguyên nhân chính",
    "details": "Chi tiết",
    "days_text": "Số ngày",
    "late_by": "trễ {days} ngày",
    "slack_of": "còn {days} ngày",
    "c_unknown": "chuỗi công việc dài, không có một nguyên nhân đơn lẻ",
    "subtitle": "Kịch bản «{name}» · ngày bắt đầu kế hoạch {start}",
    "t_agencies": "Cơ quan", "t_calendar": "Lịch nghỉ", "t_criteria": "Tiêu chí", "t_funding": "Đợt cấp vốn",
    "t_recognition_steps": "Bước công nhận", "t_settings": "Tham số mô hình", "t_sources": "Nguồn vốn",
    "t_work_types": "Loại công việc", "t_capacity_changes": "Thay đổi năng lực", "t_communes": "Xã",
    "t_tasks": "Công việc", "t_step_progress": "Bước công nhận đang làm",
    "o_funding.scale": "Hệ số vốn: {name}",
    "o_funding.delay_days": "Lùi ngày cấp vốn (ngày): {name}",
    "o_funding.tranche_scale": "Hệ số đợt cấp vốn {name}",
    "o_funding.tranche_delay_days": "Lùi đợt cấp vốn {name} (ngày)",
    "o_funding.add": "Đợt cấp vốn thêm",
    "o_funding.extra_funding": "Cho phép vốn ngoài dự toán",
    "o_capacity.set": "Năng lực (ngày công/tuần): {name}",
    "o_capacity.scale": "Hệ số năng lực: {name}",
    "o_deadlines.shift_days": "Lùi mọi hạn (ngày)",
    "o_deadlines.shift_days.one": "Lùi hạn (ngày): {name}",
    "o_deadlines.hard": "Hạn cứng (không được trễ)",
    "o_accelerated": "Cho phép đẩy nhanh tiến độ",
    "o_objective": "Trọng số mục tiêu: {name}",
    "o_solver": "Bộ giải: {name}",
    "o_report": "Báo cáo: {name}",
    "o_plan": "Kế hoạch",
    "true": "có",
    "false": "không",
    "criteria_set_commune": "tiêu chí xã",
    "criteria_set_district": "tiêu chí huyện",
})
EN.update({
    "on_time_def": ("**On time** means: every milestone of the commune's recognition chain that has a target date "
                    "(works done, district inspection, submission to the province, provincial appraisal, "
                    "recognition decision) finishes on or before the plan's target. Missing any one makes the "
                    "commune late; the first missed milestone is the reason."),
    "decisions": "Decisions for the steering committee",
    "d_communes": "Communes late or tight, and the main cause",
    "d_none_at_risk": "Every commune is on time and none is tight.",
    "d_late_item": "**{commune}** is {days} days late at *{milestone}* (target {target}, scheduled {date}): {cause}.",
    "d_tight_item": "**{commune}** has only {days} days of slack at *{milestone}* (target {target}): {cause}.",
    "d_money": "Money missing beyond the budget, by month",
    "d_no_money_gap": "The budget is enough: no money beyond it is needed.",
    "d_money_total": "{total} in all, needed from {first}.",
    "d_bottleneck": "The bottleneck agency",
    "d_bottleneck_item": ("**{agency}** is at capacity for {weeks} weeks, from {first} to {last}; "
                          "more capacity there is the quickest way to shorten the schedule."),
    "d_no_bottleneck": "No agency reaches its capacity.",
    "d_more": "and {n} more communes (see the table below)",
    "status_col": "Status",
    "name": "Name",
    "st_late": "Late",
    "st_tight": "Tight",
    "st_on_time": "On time",
    "cause": "Main cause",
    "details": "Details",
    "days_text": "Days",
    "late_by": "{days} days late",
    "slack_of": "{days} days left",
    "c_unknown": "a long chain of works, no single cause",
    "subtitle": "Scenario «{name}» · plan start {start}",
    "t_agencies": "Agencies", "t_calendar": "Holidays", "t_criteria": "Criteria", "t_funding": "Funding tranches",
    "t_recognition_steps": "Recognition steps", "t_settings": "Model settings", "t_sources": "Funding sources",
    "t_work_types": "Work types", "t_capacity_changes": "Capacity changes", "t_communes": "Communes",
    "t_tasks": "Tasks", "t_step_progress": "Recognition steps under way",
    "o_funding.scale": "Funding factor: {name}",
    "o_funding.delay_days": "Funding delayed (days): {name}",
    "o_funding.tranche_scale": "Tranche factor {name}",
    "o_funding.tranche_delay_days": "Tranche {name} delayed (days)",
    "o_funding.add": "Added tranche",
    "o_funding.extra_funding": "Money beyond the budget allowed",
    "o_capacity.set": "Capacity (person-days/week): {name}",
    "o_capacity.scale": "Capacity factor: {name}",
    "o_deadlines.shift_days": "Every deadline shifted (days)",
    "o_deadlines.shift_days.one": "Deadline shifted (days): {name}",
    "o_deadlines.hard": "Hard deadlines",
    "o_accelerated": "Accelerated modes allowed",
    "o_objective": "Objective weight: {name}",
    "o_solver": "Solver: {name}",
    "o_report": "Report: {name}",
    "o_plan": "Plan",
    "true": "yes",
    "false": "no",
    "criteria_set_commune": "commune criterion",
    "criteria_set_district": "district criterion",
})

# the planner's and the finance office's app
VI.update({
    "ch_before": "Công nhận (lần giải trước)", "ch_now": "Công nhận (lần giải này)", "ch_moved": "Thay đổi",
    "ch_status_before": "Trước", "ch_status_now": "Nay", "ch_later": "muộn hơn {days} ngày",
    "ch_earlier": "sớm hơn {days} ngày", "ch_same": "không đổi",
    "ch_before_mvnd": "Lần trước (triệu đồng)", "ch_now_mvnd": "Lần này (triệu đồng)",
    "ch_diff_mvnd": "Chênh lệch (triệu đồng)",
    "app_title": "Khám phá kế hoạch xây dựng nông thôn mới",
    "app_tab_explore": "Khám phá kế hoạch", "app_tab_budget": "Ngân sách (Phòng Tài chính)",
    "unit_period": "{unit}, giai đoạn {period}",
    "app_funding": "Vốn theo nguồn, % so với kế hoạch (100 = như kế hoạch; 80 = giảm 20%)",
    "app_capacity": "Năng lực các cơ quan (ngày công mỗi tuần)",
    "app_options": "Hạn và lựa chọn",
    "app_shift": "Lùi mọi hạn (ngày)", "app_hard": "Hạn cứng (không được trễ)",
    "app_accel": "Cho phép đẩy nhanh tiến độ (tốn thêm chi phí)", "app_extra": "Cho phép vốn ngoài dự toán",
    "app_time": "Thời gian giải tối đa (giây)",
    "app_solve": "Giải lại kế hoạch", "app_solving": "Đang giải… (tối đa {seconds} giây)",
    "app_solved": "Đã giải xong lúc {time}.",
    "app_not_solved": "Chưa giải.", "app_error": "Lỗi: {error}",
    "app_kept_previous": "giữ lịch trước (vẫn hợp lệ)",
    "app_cards": "Kết quả chính",
    "card_on_time": "Xã đúng hạn", "card_district": "Huyện đạt chuẩn (dự kiến)", "card_target": "mục tiêu {date}",
    "card_cost": "Tổng chi phí", "card_extra": "Vốn cần thêm ngoài dự toán", "card_status": "Lời giải",
    "card_from": "từ tháng {month}", "card_none": "không cần",
    "card_no_schedule": ("Chưa có lịch trình: tăng «Thời gian giải tối đa» (mục Hạn và lựa "
                         "chọn) rồi bấm «Giải lại kế hoạch»."),
    "app_changes": "Thay đổi so với lần giải trước",
    "app_changes_first": ("Đây là lần giải đầu tiên: bấm «Giải lại kế hoạch» sau khi đổi các "
                          "điều khiển để xem thay đổi."),
    "app_changes_none": "Không có thay đổi về ngày công nhận hay nguồn vốn.",
    "app_changes_unproven": ("Lưu ý: ít nhất một lần giải chưa chứng minh tối ưu trong thời gian cho phép, nên một "
                             "phần thay đổi có thể do bộ giải tìm được lịch tốt hơn chứ không do điều khiển. Tăng "
                             "«Thời gian giải tối đa» để so sánh chắc chắn hơn."),
    "app_changes_dates": "Xã có ngày công nhận thay đổi",
    "app_changes_money": "Tiền chuyển giữa các nguồn vốn (số tiền chi từ mỗi nguồn, lần trước và lần này)",
    "app_at_risk": "Xã trễ hạn hoặc sát hạn",
    "app_gantt": "Tiến độ", "app_gantt_filter": "Xem xã", "app_all_communes": "Tất cả các xã",
    "app_save": "Lưu thành kịch bản", "app_save_name": "Tên tệp", "app_save_desc": "Mô tả",
    "app_save_name_hint": "ví dụ: von_tang_10", "app_save_desc_hint": "ví dụ: Vốn huyện tăng 10%",
    "app_save_button": "Lưu kịch bản", "app_saved": "Đã lưu {path}: lần chạy hằng đêm sẽ lập báo cáo cho kịch bản này.",
    "app_exists": "Đã có kịch bản «{name}». Ghi đè lên nó?", "app_overwrite": "Ghi đè", "app_cancel": "Không ghi",
    "app_cancelled": "Không lưu: kịch bản «{name}» giữ nguyên.",
    "app_definition": "Đúng hạn: mọi mốc có ngày mục tiêu của xã đều đạt.",
    "b_intro": "Các câu hỏi của Phòng Tài chính - Kế hoạch. Mỗi câu trả lời cần vài lần giải (vài chục giây).",
    "b_evaluate": "Đánh giá một phương án phân bổ vốn", "b_file": "Tệp phân bổ (CSV)",
    "b_evaluate_button": "Đánh giá", "b_minimum": "Ngân sách tối thiểu để đạt mọi hạn có thể đạt",
    "b_minimum_button": "Tính", "b_cuts": "Nếu cắt giảm ngân sách", "b_levels": "Các mức (% ngân sách)",
    "b_thorough": "Tính kỹ (chứng minh hoặc sai số vài %, mất nhiều phút mỗi mức thay vì vài giây)",
    "b_cuts_button": "Tính", "b_marginal": "Thêm vốn cho từng xã thì sớm được bao nhiêu ngày",
    "b_amount": "Số tiền thêm mỗi xã (triệu đồng)", "b_marginal_button": "Tính",
    "b_working": "Đang tính…", "b_answer": "Trả lời",
    "b_status": "Tình trạng lời giải: {status}.", "b_gap": "Khoảng cách đến tối ưu: {gap} %.",
    "b_alloc_ok": "Phương án phân bổ này trả đủ mọi công việc.",
    "b_scale": ("Nếu mọi đợt cấp vốn cùng tăng hoặc giảm theo một tỷ lệ: cần ít nhất {scale} ngân sách hiện có "
                "({budget}) để đạt mọi hạn có thể đạt; ở {lower} thì không đủ."),
    "b_scale_none": "Không tìm được tỷ lệ ngân sách đủ trong giới hạn đã thử.",
    "b_no_schedule": ("Với đúng số tiền này không lập được lịch trình trong thời gian cho phép: "
                      "không nói được xã nào trễ; xem số tiền còn thiếu bên dưới."),
    "b_infeasible": ("Với đúng số tiền này không thể làm hết các công việc (đã chứng minh): "
                     "xem số tiền còn thiếu theo xã và quý bên dưới."),
    "b_alloc_missing": "Phương án phân bổ này còn thiếu {amount}, cần từ {first}.",
    "b_alloc_late": "Các xã trễ hạn với phương án này: {communes}.", "b_alloc_none_late": "Không xã nào trễ hạn.",
    "b_unspent": "Vốn phân bổ chưa dùng hết: {amount}.",
    "b_min_total": "Ngân sách tối thiểu: {total} (kế hoạch hiện có {plan_total}).",
    "b_min_none": "Không tìm được ngân sách tối thiểu trong thời gian cho phép.",
    "b_unreachable": "Các hạn không thể đạt dù có bao nhiêu tiền", "b_by_quarter": "Vốn cần theo nguồn và quý",
    "b_cuts_answer": "Số xã đúng hạn ở từng mức ngân sách", "b_marginal_answer": "Số ngày sớm hơn khi thêm vốn",
    "b_can_make": "Xã còn kịp đúng hạn (tập lớn nhất)", "b_cannot_make": "Xã không kịp: trễ (ngày), mốc trễ đầu tiên",
    "b_set_status": "Tập xã", "b_set_proven": "đã chứng minh", "b_set_unsettled": "chưa xác định hết",
    "b_missing_by_month": "Tiền còn thiếu theo tháng (triệu đồng)", "b_others": "Độ trễ các xã còn lại",
    "b_others_proven": "tối ưu (đã chứng minh)", "b_others_gap": "sai số {gap} %",
    "b_other_sets": "Mức {level}: các tập khác cùng {size} xã: {sets}",
    "b_unsettled_sets": "Mức {level}: chưa xác định được các tập (có thể có tập lớn hơn hoặc tập khác): {sets}",
    "b_cuts_method": ("Ở mỗi mức: tìm chính xác tập xã (và huyện) lớn nhất có thể đạt mọi mốc có hạn; giữ tập đó, "
                      "tìm độ trễ nhỏ nhất của các xã còn lại; rồi đến chi phí và ngày. Khi nhiều tập cùng cỡ, "
                      "tập hiển thị là tập đầu tiên theo thứ tự mã xã của kế hoạch."),
    "b_cuts_thorough_note": ("Đã tính kỹ: cận dưới của độ trễ được tính đến khi hội tụ, rồi lập lịch theo thứ tự "
                             "của nó (sai số ghi ở cột độ trễ của các xã còn lại)."),
    "b_cuts_progress": "Mức {k}/{n} ({level} %): {phase}, {questions} câu hỏi khả thi, {elapsed} giây",
    "b_phase_search": "đang tìm tập xã lớn nhất", "b_phase_solve": "đang tính độ trễ, tiền và ngày",
    "b_phase_done": "xong", "b_cancel": "Dừng", "b_cancelled": "Đã dừng theo yêu cầu: {what}",
    "b_upload": "Tải lên tệp phân bổ", "b_upload_ok": "Đã nhận tệp {name}: hợp lệ, dùng để đánh giá thay cho danh sách",
    "b_download": "Tải câu trả lời (Excel)",
    "b_level": "Mức ngân sách", "b_budget": "Ngân sách (triệu đồng)", "b_late_communes": "Xã trễ hạn",
    "b_extra_needed": "Còn thiếu (triệu đồng)", "b_from": "Lịch trình lấy từ",
    "b_own": "lần giải của mức này", "b_below": "lịch của mức thấp hơn",
    "b_base_date": "Công nhận (hiện tại)", "b_with_more": "Công nhận (thêm vốn)", "b_days_gained": "Sớm hơn (ngày)",
    "b_gain_at_most": "Sớm hơn tối đa (ngày)", "b_dates_proven": "Ngày đã chứng minh",
    "b_proven_yes": "có", "b_proven_no": "chưa (xem cột tối đa)",
    "b_quarter": "Quý",
    "b_quarter_of": "Quý {quarter}/{year}",
    "b_allocated": "Được phân bổ (triệu đồng)",
    "b_paid": "Đã chi (triệu đồng)",
    "b_unspent_col": "Chưa dùng (triệu đồng)", "b_earliest": "Ngày sớm nhất đạt được",
    "b_late_days": "Trễ (ngày)", "b_slip": "Chậm so với hiện tại (ngày)",
})
EN.update({
    "ch_before": "Recognition (previous solve)", "ch_now": "Recognition (this solve)", "ch_moved": "Change",
    "ch_status_before": "Before", "ch_status_now": "Now", "ch_later": "{days} days later",
    "ch_earlier": "{days} days earlier", "ch_same": "unchanged",
    "ch_before_mvnd": "Previous (million VND)", "ch_now_mvnd": "This solve (million VND)",
    "ch_diff_mvnd": "Difference (million VND)",
    "app_title": "New Rural Development plan explorer",
    "app_tab_explore": "Plan explorer", "app_tab_budget": "Budget (finance office)",
    "unit_period": "{unit}, programme {period}",
    "app_funding": "Funding by source, % of the plan (100 = as planned; 80 = cut by 20%)",
    "app_capacity": "Agency capacity (person-days per week)",
    "app_options": "Deadlines and options",
    "app_shift": "Shift every deadline (days)", "app_hard": "Hard deadlines (no lateness)",
    "app_accel": "Allow accelerated works (dearer)", "app_extra": "Allow money beyond the budget",
    "app_time": "Longest solve time (seconds)",
    "app_solve": "Solve again", "app_solving": "Solving… (at most {seconds} seconds)",
    "app_solved": "Solved at {time}.",
    "app_not_solved": "Not solved yet.", "app_error": "Error: {error}",
    "app_kept_previous": "previous schedule kept (still valid)",
    "app_cards": "Headline",
    "card_on_time": "Communes on time", "card_district": "District recognition (scheduled)",
    "card_target": "target {date}", "card_cost": "Total cost", "card_extra": "Money beyond the budget",
    "card_status": "Answer", "card_from": "from {month}", "card_none": "none needed",
    "card_no_schedule": "No schedule yet: raise «Longest solve time» (Deadlines and options) and press «Solve again».",
    "app_changes": "What changed since the previous solve",
    "app_changes_first": "This is the first solve: change the controls and press «Solve again» to see what changes.",
    "app_changes_none": "No recognition date and no source's money changed.",
    "app_changes_unproven": ("Note: at least one of the two solves is not proven optimal within its time limit, so "
                             "part of the change may come from the solver finding a better schedule, not from the "
                             "controls. Raise «Longest solve time» for a firmer comparison."),
    "app_changes_dates": "Communes whose recognition date moved",
    "app_changes_money": "Money moved between sources (paid from each source, previous and this solve)",
    "app_at_risk": "Communes late or tight",
    "app_gantt": "Schedule", "app_gantt_filter": "Show", "app_all_communes": "All communes",
    "app_save": "Save as a scenario", "app_save_name": "File name", "app_save_desc": "Description",
    "app_save_name_hint": "e.g. district_plus_10", "app_save_desc_hint": "e.g. District budget up 10%",
    "app_save_button": "Save scenario", "app_saved": "Saved {path}: the nightly run will report on this scenario.",
    "app_exists": "Scenario «{name}» exists. Replace it?", "app_overwrite": "Replace", "app_cancel": "Keep it",
    "app_cancelled": "Not saved: scenario «{name}» is unchanged.",
    "app_definition": "On time: every dated milestone of the commune is met.",
    "b_intro": "The finance office's questions. Each answer takes several solves (tens of seconds).",
    "b_evaluate": "Evaluate an allocation of money", "b_file": "Allocation file (CSV)",
    "b_evaluate_button": "Evaluate", "b_minimum": "Smallest budget meeting every reachable deadline",
    "b_minimum_button": "Compute", "b_cuts": "If the budget is cut", "b_levels": "Levels (% of the budget)",
    "b_thorough": "Thorough (proven or within a few per cent, minutes per level instead of seconds)",
    "b_cuts_button": "Compute", "b_marginal": "Days gained with more money per commune",
    "b_amount": "Extra money per commune (million VND)", "b_marginal_button": "Compute",
    "b_working": "Computing…", "b_answer": "Answer",
    "b_status": "Solver status: {status}.", "b_gap": "Optimality gap: {gap} %.",
    "b_alloc_ok": "This allocation pays for every work.",
    "b_scale": ("If every tranche is scaled alike: at least {scale} of the current budget ({budget}) meets every "
                "reachable deadline; {lower} is not enough."),
    "b_scale_none": "No sufficient scale of the budget found within the range tried.",
    "b_no_schedule": ("No schedule was found within this money in the time limit: which communes are late "
                      "cannot be said; see the money missing below."),
    "b_infeasible": ("This money cannot pay for every work (proven): see the money missing by commune and "
                     "quarter below."),
    "b_alloc_missing": "This allocation is {amount} short, needed from {first}.",
    "b_alloc_late": "Communes late with this allocation: {communes}.", "b_alloc_none_late": "No commune is late.",
    "b_unspent": "Allocated money left unspent: {amount}.",
    "b_min_total": "Smallest budget: {total} (the plan has {plan_total}).",
    "b_min_none": "No smallest budget found within the time limit.",
    "b_unreachable": "Deadlines no amount of money can meet", "b_by_quarter": "Money needed by source and quarter",
    "b_cuts_answer": "Communes on time at each budget level", "b_marginal_answer": "Days gained with more money",
    "b_can_make": "Communes that can still make it (largest set)",
    "b_cannot_make": "Communes that cannot: days late, first missed milestone",
    "b_set_status": "Set", "b_set_proven": "proven", "b_set_unsettled": "unsettled",
    "b_missing_by_month": "Money missing by month (million VND)", "b_others": "Lateness of the others",
    "b_others_proven": "optimal (proven)", "b_others_gap": "gap {gap} %",
    "b_other_sets": "Level {level}: other sets of {size} communes: {sets}",
    "b_unsettled_sets": "Level {level}: sets not settled (a larger or another set may be feasible): {sets}",
    "b_cuts_method": ("At each level: the largest set of communes (and the district) that can meet every dated "
                      "milestone, searched exactly; with that set held, the least lateness of the others; then cost "
                      "and dates. Where several sets share the largest size, the one shown is the first in the "
                      "plan's order of commune codes."),
    "b_cuts_thorough_note": ("Computed thoroughly: the lateness bound's rounds ran until they converged, then a "
                             "schedule in their order (the gap is in the others' lateness column)."),
    "b_cuts_progress": "Level {k}/{n} ({level} %): {phase}, {questions} feasibility questions, {elapsed} s",
    "b_phase_search": "searching the largest set of communes", "b_phase_solve": "lateness, money and dates",
    "b_phase_done": "done", "b_cancel": "Cancel", "b_cancelled": "Stopped as asked: {what}",
    "b_upload": "Upload an allocation", "b_upload_ok": "Received {name}: valid, evaluated instead of the list",
    "b_download": "Download the answer (Excel)",
    "b_level": "Budget level", "b_budget": "Budget (million VND)", "b_late_communes": "Late communes",
    "b_extra_needed": "Missing (million VND)", "b_from": "Schedule taken from",
    "b_own": "this level's solve", "b_below": "the level below's schedule",
    "b_base_date": "Recognition (now)", "b_with_more": "Recognition (more money)", "b_days_gained": "Days earlier",
    "b_gain_at_most": "Days earlier, at most", "b_dates_proven": "Dates proven",
    "b_proven_yes": "yes", "b_proven_no": "not yet (see at most)",
    "b_quarter": "Quarter",
    "b_quarter_of": "Q{quarter} {year}",
    "b_allocated": "Allocated (million VND)",
    "b_paid": "Paid (million VND)",
    "b_unspent_col": "Unspent (million VND)", "b_earliest": "Earliest reachable date",
    "b_late_days": "Late (days)", "b_slip": "Later than now (days)",
})

# Messages of the lower layers (domain explanations, plan checks, studies, command line, app),
# each as (Vietnamese, English) side by side; merged into VI and EN below.
MESSAGES: dict[str, tuple[str, str]] = {
    # the province report (ntm_sched.report.province)
    "pv_title": ("Báo cáo cấp tỉnh", "Province report"),
    "pv_district_title": ("Báo cáo huyện {district}", "District report: {district}"),
    "pv_of": ("thuộc {province}", "in {province}"),
    "pv_synthetic": ("GIẢ LẬP (SYNTHETIC): tỉnh, các huyện, các xã và mọi số liệu của kế hoạch này được sinh ngẫu "
                     "nhiên từ một kế hoạch mẫu đi kèm phần mềm; không phải kế hoạch của đơn vị có thật.",
                     "SYNTHETIC: the province, its districts, its communes and every figure of this plan are drawn "
                     "at random from a plan shipped with the software; it is not the plan of a real unit."),
    "pv_districts": ("Các huyện: xã đúng hạn và xã trễ hạn", "Districts: communes on time and late"),
    "pv_sessions": ("Lịch họp Hội đồng thẩm định tỉnh: xã nào ở phiên nào",
                    "The provincial appraisal council: which communes at which session"),
    "pv_sessions_note": ("Chỉ liệt kê các phiên có hồ sơ; phiên «đủ» là phiên đã nhận đủ số hồ sơ tối đa.",
                         "Only the sessions that take a dossier are listed; a full session has taken its capacity."),
    "pv_waits": ("Xã phải chờ phiên sau vì phiên trước đã đủ hồ sơ",
                 "Communes waiting for a later session because an earlier one was full"),
    "pv_tightest": ("Ba phiên căng nhất (ít chỗ trống nhất, nhiều xã phải chờ nhất)",
                    "The three tightest sessions (least spare capacity, most communes waiting)"),
    "pv_money": ("Vốn theo nguồn và tháng, toàn tỉnh", "Money by source and month, province-wide"),
    "pv_money_district": ("Vốn theo nguồn và tháng, từng huyện", "Money by source and month, per district"),
    "pv_district": ("Huyện", "District"), "pv_n_communes": ("Số xã", "Communes"),
    "pv_n_on_time": ("Số xã đúng hạn", "On time"), "pv_on_time": ("Xã đúng hạn", "Communes on time"),
    "pv_late": ("Xã trễ hạn (nguyên nhân)", "Late communes (cause)"),
    "pv_report": ("Báo cáo huyện", "District report"), "pv_link": ("mở", "open"),
    "pv_session": ("Phiên", "Session"), "pv_date": ("Ngày họp", "Date"),
    "pv_capacity": ("Số hồ sơ tối đa", "Capacity"), "pv_taken": ("Số hồ sơ", "Dossiers"),
    "pv_spare": ("Còn trống", "Spare"), "pv_full": ("Đủ hồ sơ", "Full"), "pv_full_yes": ("đủ", "full"),
    "pv_waiting": ("Số xã phải chờ phiên sau", "Communes pushed to a later session"),
    "pv_communes": ("Các xã", "Communes"), "pv_commune": ("Xã", "Commune"),
    "pv_month": ("Tháng", "Month"), "pv_total": ("Tổng", "Total"), "pv_source": ("Nguồn vốn", "Source"),
    "pv_session_load": ("Số hồ sơ mỗi phiên so với sức chứa", "Dossiers per session against capacity"),
    "pv_what": ("Vì sao", "Why"),
    "app_tab_province": ("Tỉnh (huyện, phiên họp, vốn)", "Province (districts, sessions, money)"),
    "pv_yes": ("đúng hạn", "on time"), "pv_no": ("trễ hạn", "late"), "pv_is_on_time": ("Tiến độ", "On time?"),
    "pv_recognition": ("Ngày công nhận (lịch)", "Recognition (scheduled)"),
    "pv_target": ("Mục tiêu công nhận", "Recognition target"), "pv_cause": ("Nguyên nhân trễ", "Why late"),
    "pv_commune_rows": ("Các xã của huyện: đúng hạn và trễ hạn", "The district's communes: on time and late"),
    "pv_money_own": ("Vốn theo nguồn và tháng của huyện", "The district's money by source and month"),
    "pv_back": ("← Báo cáo cấp tỉnh", "← Province report"),
    "pv_district_note": ("Kế hoạch riêng của huyện: tỉnh chỉ gồm các xã của huyện này, nên phiên họp và vốn "
                         "dùng chung không bị các huyện khác chiếm; ngày có thể sớm hơn trong báo cáo cấp tỉnh.",
                         "The district's own plan: the province holding only this district's communes, so no other "
                         "district takes the shared sessions and money; dates may be earlier than in the province "
                         "report."),
    "pv_no_schedule": ("Không có lịch: các bảng dưới đây trống.", "No schedule: the tables below are empty."),
    # domain: infeasibility explained
    "x_resource": ("năng lực của {name}", "capacity of {name}"),
    "x_session_wait": ("{commune} chờ phiên họp {session}: phiên {full} đã đủ hồ sơ",
                       "{commune} waits for the {session} session: the {full} one is full"),
    "x_calendar_covers": ("đợt nghỉ {breaks} của lịch {calendar} phủ toàn bộ thời gian kế hoạch ({start}–{end}): "
                          "không công việc nào theo lịch này bắt đầu được",
                          "calendar break {breaks} of the {calendar} calendar covers the whole plan window "
                          "({start}–{end}): no work on this calendar can start"),
    "x_calendar_short": ("đợt nghỉ {breaks} của lịch {calendar} để lại quá ít ngày làm việc trước {end}",
                         "calendar break {breaks} of the {calendar} calendar leaves too few working days before "
                         "the horizon {end}"),
    "calendar_construction": ("thi công", "construction"),
    "calendar_office": ("hành chính", "office"),
    "x_source": ("lịch cấp vốn của nguồn {sid}", "release schedule of source {sid}"),
    "x_source_earmark": (" (xã {code})", " (commune {code})"),
    "x_money": ("thiếu vốn: các công việc cần ít nhất {cost} nhưng các nguồn được phép chi chỉ cấp {released}",
                "money short: the works cost at least {cost} but the sources allowed to pay them release "
                "{released} in all"),
    "x_no_cause": ("Không tìm thấy nguyên nhân trong thời gian cho phép.", "No cause found within the time limit."),
    "x_needs_more": (" cần lùi {days} ngày, sớm nhất {date}", " needs {days} more days, at the earliest {date}"),
    "x_hard_cannot": ("Không thể đáp ứng đồng thời các mốc bắt buộc: ", "The hard deadlines cannot all be met: "),
    "x_binding": ("Ràng buộc quyết định: ", "Binding: "),
    # plan checks (file, sheet, row, column of every issue)
    "v_sheet": ("trang tính '{sheet}'", "sheet '{sheet}'"),
    "v_line": ("dòng {row}", "line {row}"),
    "v_row": ("hàng {row}", "row {row}"),
    "v_column": ("cột '{column}'", "column '{column}'"),
    "v_error": ("lỗi", "error"),
    "v_warning": ("cảnh báo", "warning"),
    "v_none": ("Không có lỗi hay cảnh báo nào.", "No errors or warnings."),
    "v_counts": ("{errors} lỗi, {warnings} cảnh báo:", "{errors} error(s), {warnings} warning(s):"),
    # command line: validate
    "cli_checking": ("Kiểm tra kế hoạch: {path}", "Checking plan: {path}"),
    "cli_valid": ("Kế hoạch hợp lệ.", "The plan is valid."),
    "cli_invalid": ("Kế hoạch KHÔNG hợp lệ.", "The plan is NOT valid."),
    "cli_communes": ("Số xã: {communes} (chưa đạt chuẩn: {not_recognised})",
                     "Communes: {communes} (not recognised: {not_recognised})"),
    "cli_tasks": ("Số công việc: {tasks}", "Tasks: {tasks}"),
    "cli_step_progress": ("Bước công nhận đang làm khi lập kế hoạch (step_progress): {n}",
                          "Recognition steps under way at the plan's date (step_progress): {n}"),
    "cli_step_left": ("  {code} {name}: {step}, còn {share:g}", "  {code} {name}: {step}, {share:g} left"),
    "cli_unit": ("Đơn vị: {unit} (mã {code}), giai đoạn {period}; bộ tiêu chí: {criteria_set}; quy trình: {procedure}",
                 "Unit: {unit} (code {code}), period {period}; criteria set: {criteria_set}; procedure: {procedure}"),
    "cli_district_owner": ("huyện", "district"),
    "cli_funding": ("Số nguồn vốn: {sources}; số đợt cấp vốn: {tranches}; tổng vốn: {total}",
                    "Sources: {sources}; tranches: {tranches}; total funding: {total}"),
    # report: bottlenecks
    "b_agency_full": ("{n} tuần dùng hết năng lực, từ {first} đến {last}",
                      "{n} weeks at capacity, from {first} to {last}"),
    "b_budget_short": ("dự toán không đủ: cần thêm {amount} từ tháng {month}",
                       "the budget is not enough: {amount} more needed from {month}"),
    "b_source_dry": ("dùng hết vốn đã cấp vào {n} tháng, lần đầu {first}",
                     "released money used up in {n} months, first {first}"),
    "u_billion": ("tỷ đồng", "billion VND"),
    "u_million": ("triệu đồng", "million VND"),
    "num_thousands": (".", ","),
    "num_decimal": (",", "."),
    # budget lab: cuts plot
    "cuts_xlabel": ("Mức ngân sách (so với kế hoạch)", "Budget level (share of the plan's funding)"),
    "cuts_ylabel": ("Số xã đạt đúng hạn", "Communes recognised on time"),
    "cuts_title": ("Cắt giảm ngân sách: số xã đúng hạn và ngày huyện đạt chuẩn",
                   "Budget cuts: communes on time and district recognition date"),
    "cuts_extra": ("+{amount:,} tr", "+{amount:,} M"),
    "cuts_optimal": ("tối ưu", "optimal"),
    "cuts_set_proven": ("tập xã: đã chứng minh", "set: proven"),
    "cuts_set_unsettled": ("tập xã: chưa xác định hết", "set: unsettled"),
    "cuts_gap": ("sai số {gap:.0%}", "gap {gap:.0%}"),
    # budget lab: allocation files
    "al_not_found": ("không có tệp này", "file not found"),
    "al_unreadable": ("không đọc được tệp: {error}", "cannot read the file: {error}"),
    "al_missing_columns": ("thiếu cột {missing} (cần các cột {expected})",
                           "missing column(s) {missing} (expected {expected})"),
    "al_unknown_commune": ("mã xã không có trong kế hoạch {value!r}", "unknown commune code {value!r}"),
    "al_unknown_source": ("nguồn vốn không có trong kế hoạch {value!r} (cần một trong {expected})",
                          "unknown source {value!r} (expected one of {expected})"),
    "al_bad_quarter": ("quý không hợp lệ {value!r} (viết như 2019Q4)", "bad quarter {value!r} (expected like 2019Q4)"),
    "al_negative_amount": ("số tiền âm hoặc để trống {value!r}", "negative or missing amount {value!r}"),
    "al_not_number": ("số tiền không phải là số {value!r}", "not a number {value!r}"),
    "al_no_rows": ("không có dòng phân bổ nào", "no allocation rows"),
    "al_duplicate_row": ("trùng xã {commune}, nguồn {source}, quý {quarter} với dòng {first}: mỗi xã x nguồn x quý "
                         "chỉ một dòng (cộng số tiền vào một dòng nếu cả hai đều đúng)",
                         "the same commune {commune}, source {source} and quarter {quarter} as row {first}: give "
                         "one row per commune x source x quarter (add the amounts into one row if both are meant)"),
    # studies.risk: the risk report (ntm_sched/studies/risk/figures.py, notebook.py)
    "risk_title": ('Phân tích rủi ro tiến độ và nguồn vốn', 'Schedule and funding risk analysis'),
    "risk_h_headline": ('Tóm tắt', 'Headline'),
    "risk_h_probability": ('Xác suất đúng hạn theo xã và mốc', 'Probability of meeting each target'),
    "risk_h_scurve": ('Đường cong S: ngày huyện được công nhận', "S-curve: the district's recognition date"),
    "risk_h_scurve_communes": ('Đường cong S: ngày công nhận các xã', "S-curves: the communes' recognition dates"),
    "risk_h_tornado": (
        'Các yếu tố ảnh hưởng nhiều nhất đến ngày công nhận huyện',
        "Inputs that move the district's date most"),
    "risk_h_criticality": ('Nguyên nhân chậm trễ thường gặp', 'What drives late recognition'),
    "risk_h_cash": ('Nhu cầu vốn bổ sung theo xác suất', 'Probabilistic cash need'),
    "risk_h_assumptions": ('Giả định về độ bất định (và nguồn)', 'Uncertainty assumptions (and sources)'),
    "risk_h_notes": ('Ghi chú và kiểm tra', 'Notes and checks'),
    "risk_commune": ('Xã', 'Commune'),
    "risk_milestone": ('Mốc', 'Milestone'),
    "risk_target": ('Hạn', 'Target'),
    "risk_p_on_time": ('Xác suất đúng hạn', 'P(on time)'),
    "risk_p50": ('Ngày P50', 'P50 date'),
    "risk_p80": ('Ngày P80', 'P80 date'),
    "risk_p90": ('Ngày P90', 'P90 date'),
    "risk_all": ('cả chuỗi (định nghĩa đúng hạn)', 'whole chain (on-time definition)'),
    "risk_works_done": ('Hoàn thành công trình', 'Works done'),
    "risk_inspection": ('Thẩm tra', 'Inspection'),
    "risk_appraisal": ('Thẩm định', 'Appraisal'),
    "risk_recognition": ('Công nhận', 'Recognition'),
    "risk_district": ('Huyện', 'District'),
    "risk_prob": ('Xác suất tích lũy', 'Cumulative probability'),
    "risk_date": ('Ngày', 'Date'),
    "risk_samples": ('Số mẫu', 'Samples'),
    "risk_plan_date": ('Kế hoạch tất định', 'Deterministic plan'),
    "risk_target_line": ('Hạn', 'Target'),
    "risk_spearman": ('Hệ số tương quan hạng với ngày công nhận huyện', "Rank correlation with the district's date"),
    "risk_swing": ('chênh lệch (ngày)', 'swing (days)'),
    "risk_p_drives": ('Tỷ lệ mẫu gây chậm', 'Share of samples where it drives a delay'),
    "risk_month": ('Tháng', 'Month'),
    "risk_source": ('Nguồn', 'Source'),
    "risk_mvnd": ('triệu đồng', 'million VND'),
    "risk_extra_p50": ('Vốn bổ sung P50', 'Extra money P50'),
    "risk_extra_p80": ('Vốn bổ sung P80', 'Extra money P80'),
    "risk_extra_plan": ('Kế hoạch tất định', 'Deterministic plan'),
    "risk_cum_p80": ('Lũy kế P80', 'Cumulative P80'),
    "risk_kind": ('Loại', 'Kind'),
    "risk_what": ('Nội dung', 'What'),
    "risk_values": ('Giá trị', 'Values'),
    "risk_basis": ('Căn cứ', 'Source'),
    "risk_task": ('công việc', 'task'),
    "risk_agency": ('cơ quan', 'agency'),
    "risk_money": ('nguồn vốn', 'money source'),
    "risk_event": ('sự kiện rủi ro', 'risk event'),
    "risk_duration": ('thời gian', 'duration'),
    "risk_cost": ('chi phí', 'cost'),
    "risk_delay": ('chậm vốn', 'late money'),
    "risk_shortfall": ('thiếu vốn', 'shortfall'),
    "risk_no_rows": ('Không có dữ liệu', 'No data'),
    "risk_EXTRA": ('vốn bổ sung trong kế hoạch', "the plan's own extra funding"),
    "risk_ALL": ('tất cả', 'all'),
    "risk_no_analysis": ('Không có phân tích rủi ro', 'No risk analysis'),
    "risk_policy_fixed": ('giữ kế hoạch', 'fixed (the plan re-timed)'),
    "risk_policy_replan": ('lập lại kế hoạch', 'replan (re-solved)'),
    "risk_hl_run": (
        '- {n} mẫu Monte Carlo, chính sách **{policy}**, hệ số độ bất định {spread}, hạt giống {seed}.',
        '- {n} Monte Carlo samples, policy **{policy}**, spread scale {spread}, seed {seed}.'),
    "risk_hl_district": (
        '- Huyện đúng hạn (mọi mốc có hạn) với xác suất **{p}**; ngày công nhận P50 {p50}, P80 {p80} (kế '
        'hoạch tất định: {plan}).',
        '- The district is on time (every dated milestone) with probability **{p}**; recognition P50 '
        '{p50}, P80 {p80} (deterministic plan: {plan}).'),
    "risk_hl_communes": (
        '- Tất cả các xã đúng hạn với xác suất {p}; trung bình {mean}/{communes} xã đúng hạn.',
        '- Every commune on time with probability {p}; on average {mean}/{communes} communes on time.'),
    "risk_hl_money": (
        '- Vốn bổ sung cần có: P50 {x50}, P80 {x80} (kế hoạch tất định: {plan}).',
        '- Extra money needed: P50 {x50}, P80 {x80} (deterministic plan: {plan}).'),
    "risk_hl_checker": (
        '- Bộ kiểm tra độc lập: {checked} lịch được kiểm tra, {failures} lỗi.',
        '- Independent checker: {checked} schedules checked, {failures} failures.'),
    "risk_note_plan": (
        '- Kế hoạch tất định: {status} (thời gian giải {seconds} s)',
        '- Deterministic plan: {status} (solve time {seconds} s)'),
    "risk_note_rate": (
        '- Mẫu/giây: {rate} ({workers} worker, {scheduler})',
        '- Samples per second: {rate} ({workers} worker(s), {scheduler})'),
    "risk_note_unfinished": (
        '- Mẫu không hoàn thành trong khung thời gian mở rộng: {n}',
        '- Samples not finished within the extended horizon: {n}'),
    "risk_session": ('phiên họp hội đồng thẩm định', 'council session'),
    "risk_never": ('chưa đạt trong thời hạn', 'not within the horizon'),
    "risk_session_full": ('chờ phiên họp {session}: phiên {skipped} đã đủ hồ sơ',
                          'waits for the {session} session: the {skipped} one is full'),
    "risk_session_cutoff": ('chờ phiên họp {session}: hồ sơ không kịp hạn nộp của phiên {skipped}',
                            "waits for the {session} session: the {skipped} one's cut-off was missed"),
    "risk_session_none_full": ('không được công nhận trong thời hạn: hết phiên họp, phiên cuối {skipped} đã đủ hồ sơ',
                               'not recognised within the horizon: no session left, the last one ({skipped}) is '
                               'full'),
    "risk_session_none_cutoff": ('không được công nhận trong thời hạn: hết phiên họp, hồ sơ không kịp hạn nộp của '
                                 'phiên cuối {skipped}',
                                 "not recognised within the horizon: no session left, the last one's ({skipped}) "
                                 "cut-off was missed"),
    "risk_session_none": ('không được công nhận trong thời hạn: không còn phiên họp nào',
                          'not recognised within the horizon: no council session left'),
    # studies.progress: the giao ban report (keys gb_*)
    "gb_title": ("Báo cáo giao ban tiến độ xây dựng nông thôn mới",
                 "Giao ban: weekly progress of the New Rural Development plan"),
    "gb_as_of": ("Ngày báo cáo", "Status date"),
    "gb_commune": ("Xã", "Commune"),
    "gb_task": ("Công việc", "Task"),
    "gb_agency": ("Cơ quan", "Agency"),
    "gb_baseline": ("Kế hoạch gốc", "Baseline"),
    "gb_current": ("Dự kiến hiện nay", "Current forecast"),
    "gb_previous": ("Kỳ trước", "Previous"),
    "gb_slip": ("Chậm (ngày)", "Slip (days)"),
    "gb_change": ("Thay đổi (ngày)", "Change (days)"),
    "gb_why_task": ("Công việc gây chậm", "Driving task"),
    "gb_why_agency": ("Cơ quan chủ trì", "Lead agency"),
    "gb_why_money": ("Nguồn vốn chi chậm (đã chi/kế hoạch)", "Source paid late (paid/planned)"),
    "gb_start": ("Bắt đầu", "Start"),
    "gb_finish": ("Hoàn thành", "Finish"),
    "gb_state": ("Tình trạng", "State"),
    "gb_pct": ("% hoàn thành", "% complete"),
    "gb_source": ("Nguồn vốn", "Source"),
    "gb_pv": ("PV (kế hoạch)", "PV (planned value)"),
    "gb_ev": ("EV (giá trị thực hiện)", "EV (earned value)"),
    "gb_ac": ("AC (đã chi)", "AC (actual cost)"),
    "gb_spi": ("SPI", "SPI"),
    "gb_cpi": ("CPI", "CPI"),
    "gb_recognition": ("Ngày công nhận dự kiến", "Forecast recognition date"),
    "gb_snapshot": ("Kỳ", "Snapshot"),
    "gb_done": ("đã xong", "done"),
    "gb_in_progress": ("đang làm", "in progress"),
    "gb_planned": ("chưa bắt đầu", "not started"),
    "gb_status_line": ("Ngày báo cáo", "Status date"),
    "gb_spend_planned": ("Kế hoạch gốc (lũy kế)", "Baseline (cumulative)"),
    "gb_spend_actual": ("Thực chi (lũy kế)", "Paid (cumulative)"),
    "gb_spend_current": ("Kế hoạch hiện nay (lũy kế)", "Current plan (cumulative)"),
    "gb_money": ("Triệu đồng", "Million VND"),
    "gb_what": ("Nội dung", "What"),
    "gb_none": ("(không có)", "(none)"),
    "gb_status_word": ("trạng thái lời giải", "solver status"),
    "gb_checker_word": ("kiểm tra độc lập", "independent checker"),
    "gb_checker_ok": ("đạt", "OK"),
    "gb_checker_failed": ("KHÔNG ĐẠT", "FAILED"),
    "gb_no_schedule": ("KHÔNG CÓ LỊCH TRÌNH: lời giải không tìm được kế hoạch cho phần việc còn lại; "
                       "các bảng dưới đây để trống.",
                       "NO SCHEDULE: the solve found no plan for the remaining work; the tables below are empty."),
    "gb_district_forecast": ("Huyện đạt chuẩn dự kiến", "District recognition forecast"),
    "gb_baseline_short": ("KH gốc", "baseline"),
    "gb_h_changes": ("Thay đổi so với kỳ trước", "What changed since the previous snapshot"),
    "gb_h_slipping": ("Các xã chậm so với kế hoạch gốc và nguyên nhân",
               "Communes slipping against the baseline, and why"),
    "gb_h_next_two_weeks": ("Việc các cơ quan phải hoàn thành trong hai tuần tới",
               "What each agency must finish in the next two weeks"),
    "gb_h_earned_value": ("Giá trị thu được theo xã (PV, EV, AC, SPI, CPI)",
               "Earned value per commune (PV, EV, AC, SPI, CPI)"),
    "gb_h_spend": ("Chi tiêu theo nguồn: kế hoạch gốc và thực chi", "Spend per source: baseline and paid"),
    "gb_h_tracking_gantt": ("Tiến độ: kế hoạch gốc và hiện nay", "Tracking Gantt: baseline and current"),
    "gb_h_spend_curves": ("Chi tiêu lũy kế theo nguồn", "Cumulative spend per source"),
    "gb_h_slip_trend": ("Xu hướng ngày công nhận của các xã", "Slip trend of each commune's recognition date"),
    "gb_note_resume": ("các công việc đang làm không thể cùng tiếp tục ngay từ ngày báo cáo (năng lực cơ quan "
                       "hoặc vốn): một số phải tạm dừng",
                       "in-progress tasks cannot all resume on the status date (agency capacity or money): "
                       "some of them pause"),
    "gb_note_baseline": ("chưa có kế hoạch gốc: kế hoạch giải lúc này được lưu làm kế hoạch gốc",
               "no baseline: the plan as solved now was saved as the baseline"),
    "gb_settlement": ("Thanh toán nốt: ", "Settlement: "),
}
for _key, (_vi, _en) in MESSAGES.items():
    if _key in VI or _key in EN:  # pragma: no cover - a typo in this file
        raise AssertionError(f"i18n: message key {_key!r} defined twice")
    VI[_key], EN[_key] = _vi, _en

# issue 22: "late" apart from "impossible" (Vietnamese first, then English)
LATENESS: dict[str, tuple[str, str]] = {
    "earliest_possible_date": ("Ngày sớm nhất có thể", "Earliest possible"),
    "late_cause": ("Vì sao trễ", "Why late"),
    "lc_out_of_reach": ("không thể kịp với thời gian thực hiện giả định",
                        "out of reach under these durations"),
    "lc_resources_or_money": ("trễ vì thiếu vốn / nhân lực / năng lực thẩm tra",
                              "late for lack of money / staff / inspection capacity"),
    "lc_money": ("trễ vì thiếu vốn", "late for lack of money"),
    "lc_agency": ("trễ vì thiếu nhân lực / năng lực thẩm tra", "late for lack of staff / inspection capacity"),
    "lc_other_milestone": ("{text} (mốc {milestone}: sớm nhất {earliest})",
                           "{text} ({milestone}: earliest {earliest})"),
    "lc_item_out": (" Ngày sớm nhất có thể là {earliest}, đã sau mục tiêu: {why}.",
                    " The earliest possible date is {earliest}, already after the target: {why}."),
    "lc_item_fixable": (" Ngày sớm nhất có thể là {earliest}, vẫn kịp mục tiêu: {why}.",
                        " The earliest possible date is {earliest}, which meets the target: {why}."),
    "lc_explain": ("Ngày sớm nhất có thể: ngày mà riêng trình tự công việc, thời gian thực hiện giả định (kể cả "
                   "thi công tăng tốc) và lịch nghỉ cho phép, khi vốn và nhân lực không giới hạn. Khi ngày này đã "
                   "sau mục tiêu thì không lịch nào kịp: mục tiêu không thể kịp với thời gian thực hiện giả định; "
                   "ngược lại, việc trễ là do thiếu vốn, nhân lực hoặc năng lực thẩm tra.",
                   "Earliest possible: the date that the order of the work, the assumed durations (accelerated "
                   "works included) and the calendar's breaks alone allow, with unlimited money and staff. When it "
                   "is already after the target no schedule can meet it: the target is out of reach under these "
                   "durations; otherwise the lateness comes from a lack of money, staff or inspection capacity."),
    "b_late_causes": ("Vì sao trễ: {items}.", "Why late: {items}."),
    "b_late_cause_item": ("{commune} {cause} (sớm nhất {earliest})", "{commune} {cause} (earliest {earliest})"),
    "bt_contradicted": ("Thực tế mâu thuẫn với thời gian giả định ở {unit}: đã được công nhận chậm nhất {actual}, "
                        "trong khi sớm nhất theo giả định là {earliest}. Chuỗi việc quyết định ngày sớm nhất "
                        "đó: {items}; ít nhất một thời gian trong chuỗi dài hơn thực tế.",
                        "History contradicts the assumed durations for {unit}: recognised by {actual}, while "
                        "the earliest date they allow is {earliest}. The chain that sets that earliest date: "
                        "{items}; at least one duration on it is longer than what took place."),
    "bt_chain_item": ("{task} {days} ngày", "{task} {days} days"),
    # the province sweep (ntm_sched.studies.province_sweep)
    "sw_title": ("Quét kịch bản cấp tỉnh", "Province scenario sweep"),
    "sw_intro": ("{points} phương án ({axes}); mỗi phương án giải với {work} đơn vị thời gian tất định của CP-SAT, "
                 "một luồng, hạt giống {seed}: kết quả như nhau dù chạy ở đâu.",
                 "{points} points ({axes}); each solved with {work} units of CP-SAT deterministic time, one worker, "
                 "seed {seed}: the same answer wherever it runs."),
    "sw_on_time": ("Xã đúng hạn", "On time"), "sw_late": ("Xã trễ hạn", "Late"),
    "sw_latest": ("Ngày công nhận muộn nhất", "Latest recognition"), "sw_gap": ("Khoảng cách tối ưu", "Gap"),
    "sw_checked": ("Mọi lời giải đã được bộ kiểm tra độc lập và bộ đối chiếu với kế hoạch chấp nhận.",
                   "Every answer was accepted by the independent checker and the plan-level verifier."),
    "sw_rejected": ("Phương án không có lời giải hợp lệ được kiểm tra: {points}.",
                    "Points without a checked, valid schedule: {points}."),
    "sw_cut": ("Phương án bị giới hạn thời gian thực (máy quá tải) cắt ngang, có thể khác ở lần chạy khác: {points}.",
               "Points cut by the wall-clock safety limit (machine too busy), which may differ on another run: "
               "{points}."),
}
for _key, (_vi, _en) in LATENESS.items():
    if _key in VI or _key in EN:  # pragma: no cover - a typo in this file
        raise AssertionError(f"i18n: lateness key {_key!r} defined twice")
    VI[_key], EN[_key] = _vi, _en

LABELS: dict[str, dict[str, str]] = {"vi": VI, "en": EN}


_RUN_LANG: ContextVar[str] = ContextVar("ntm_sched_lang", default="vi")
"""The language of the current run: set once by its entry point (:func:`using_lang`,
:func:`set_lang`), read by every text-making function (:func:`current_lang`). Vietnamese
when no entry point set it. Context variables do not cross into thread pools, Dask workers
or notebook kernels by themselves: whoever starts one passes the language along and sets
it there."""


def current_lang() -> str:
    """The language of the current run ('vi' unless an entry point set another)."""
    return _RUN_LANG.get()


@contextmanager
def using_lang(lang: str | None) -> Iterator[str]:
    """Run the ``with`` block in ``lang`` (``None``: keep the current language).

    Parameters
    ----------
    lang
        ``"vi"``, ``"en"`` or ``None``.

    Yields
    ------
    str
        The language in force inside the block.
    """
    token = _RUN_LANG.set(check_lang(lang))
    try:
        yield _RUN_LANG.get()
    finally:
        _RUN_LANG.reset(token)


def set_lang(lang: str | None) -> str:
    """Set the language for the rest of the current context (a notebook kernel, a worker).

    Parameters
    ----------
    lang
        ``"vi"``, ``"en"`` or ``None`` (keep the current language).

    Returns
    -------
    str
        The language now in force.
    """
    _RUN_LANG.set(check_lang(lang))
    return _RUN_LANG.get()


def in_lang(lang: str | None, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` run in ``lang`` (see :func:`using_lang`).

    Parameters
    ----------
    lang
        ``"vi"``, ``"en"`` or ``None`` (the current language).
    fn, args, kwargs
        The call.

    Returns
    -------
    T
        What ``fn`` returns.
    """
    with using_lang(lang):
        return fn(*args, **kwargs)


def speaks_own_lang(method: Callable[..., T]) -> Callable[..., T]:
    """Decorate a method of an object that holds its ``lang`` (a page, a report): the method
    runs in that language, whoever calls it (a widget's callback, a notebook cell).

    Parameters
    ----------
    method
        A method of an object with a ``lang`` attribute.

    Returns
    -------
    Callable
        The method, run inside :func:`using_lang` of ``self.lang``.
    """
    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> T:
        with using_lang(self.lang):
            return method(self, *args, **kwargs)
    return run


def check_lang(lang: str | None) -> str:
    """``lang``, or the current run's language when ``None``/empty; raises ``ValueError`` for
    anything but 'vi'/'en'."""
    lang = lang or current_lang()
    if lang not in LABELS:
        raise ValueError(f"language must be 'vi' or 'en', got {lang!r}")
    return lang


def label(key: str, lang: str | None = None, **fmt: Any) -> str:
    """The label ``key`` in ``lang`` (formatted with ``fmt``); the key itself if unknown."""
    text = LABELS[check_lang(lang)].get(key, LABELS["en"].get(key, key))
    return text.format(**fmt) if fmt else text


def status_label(status: str, lang: str | None = None) -> str:
    """Solver status in words."""
    return label(f"s_{status}", lang) if f"s_{status}" in LABELS[check_lang(lang)] else str(status)


def milestone_label(milestone: str, lang: str | None = None) -> str:
    """``works_done`` -> 'Hoàn thành công trình'; ``task:<id>`` -> 'Hạn công việc <id>'."""
    if milestone.startswith("task:"):
        return f"{label('m_task', lang)} {milestone[5:]}"
    return label(f"m_{milestone}", lang) if f"m_{milestone}" in LABELS[check_lang(lang)] else milestone


def localized(mapping: Any, key: str, lang: str | None = None) -> Any:
    """``mapping[key + "_vi"]`` in Vietnamese when present and not empty, else ``mapping[key]``
    (e.g. a summary's ``explanation`` / ``explanation_vi``)."""
    lang = check_lang(lang)
    own = mapping.get(f"{key}_{lang}") if lang != ENGINE_LANG else None
    return own or mapping.get(key)


def name_field(lang: str | None = None, stem: str = "name") -> str:
    """The column or attribute holding a name in ``lang``: ``name_vi`` or ``name_en``."""
    return f"{stem}_{check_lang(lang)}"


def unit_title(unit: Any, lang: str | None = None) -> str:
    """The plan's unit as a title: 'Huyện <name>' / '<name> district' (the unit's ``title_vi``/``title_en``
    when given); the bare level word when the plan does not name its unit (``unit`` is ``None``).
    ``unit`` is a :class:`~ntm_sched.plan.records.Unit` or a mapping with its fields (``summary.json``'s
    ``unit``)."""
    if unit is None:
        return label("district", lang)
    get = unit.get if isinstance(unit, Mapping) else (lambda k, d=None: getattr(unit, k, d))
    own = get(f"title_{check_lang(lang)}", None)
    return str(own) if own else label(f"unit_{get('level')}", lang, name=get("name"))


def invented_banner(unit: Any, lang: str | None = None) -> str | None:
    """The warning every page of an invented example plan opens with (``unit.csv``: ``invented`` true), or
    ``None`` for a real plan (or one that does not name its unit). ``unit`` as in :func:`unit_title`."""
    if unit is None:
        return None
    flag = unit.get("invented") if isinstance(unit, Mapping) else getattr(unit, "invented", None)
    return label("invented_banner", lang) if flag is True else None


def unit_in_sentence(unit: Any, lang: str | None = None) -> str:
    """The unit inside a sentence: 'huyện <name>' (level word in lower case) / '<name> district'."""
    lang = check_lang(lang)
    title = unit_title(unit, lang)
    if lang == "vi" and (unit is None or not getattr(unit, "title_vi", None)):
        return title[:1].lower() + title[1:]
    return title


def commune_names(plan: Any, lang: str | None = None) -> dict[str, str]:
    """Commune code -> name with diacritics (the plan's spelling), plus the plan's own unit (``DISTRICT``)."""
    out = {c.code: c.name for c in plan.communes}
    out["DISTRICT"] = unit_title(getattr(plan, "unit", None), lang)
    return out


def agency_names(plan: Any, lang: str | None = None) -> dict[str, str]:
    """Agency id -> name in ``lang``."""
    col = name_field(lang)
    return {a.agency_id: str(getattr(a, col)) for a in plan.agencies}


def source_names(plan: Any, lang: str | None = None) -> dict[str, str]:
    """Funding source id -> name in ``lang`` (plus the extra-funding source)."""
    col = name_field(lang)
    out = {s.source_id: str(getattr(s, col)) for s in plan.sources}
    out["EXTRA"] = label("h_extra", lang)
    return out


def criterion_names(plan: Any, lang: str | None = None) -> dict[tuple[str, str], str]:
    """(criteria set, code) -> '2. Giao thông' (the criterion's number and name in ``lang``)."""
    col = name_field(lang)
    return {(str(c.set), str(c.code)): f"{c.code}. {getattr(c, col)}" for c in plan.criteria}


def criterion_name(names: dict[tuple[str, str], str], commune_code: str, code: Any, lang: str | None = None) -> str:
    """The name of criterion ``code`` of a commune (or of the district when ``commune_code`` is DISTRICT)."""
    k = str(code)
    if k in ("all", "", "nan", "None"):
        return label("all_criteria", lang)
    cset = "district" if str(commune_code) == "DISTRICT" else "commune"
    return names.get((cset, k)) or names.get(("commune", k)) or names.get(("district", k)) or k


def repeatability_note(summary: Mapping[str, Any], lang: str | None = None) -> str:
    """The canonical rule when the answer is repeatable, else why its details may change (issue 25)."""
    if summary.get("repeatable"):
        return label("canonical_rule", lang)
    reasons = summary.get("repeatable_reasons") or ["not_run"]
    return label("not_repeatable", lang, reasons="; ".join(label(f"rep_{r}", lang) for r in reasons))
