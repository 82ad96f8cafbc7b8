"""The progress workbook officers fill in: ``progress``, ``disbursements`` and ``huong_dan`` (instructions)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pandas as pd

from ntm_sched.studies.progress import history as hist
from ntm_sched.studies.progress.progress_state import state_of

INSTRUCTIONS_VI = [
    "HƯỚNG DẪN ĐIỀN BÁO CÁO TIẾN ĐỘ (giao ban hằng tuần)",
    "",
    "Trang 'progress': mỗi dòng là một công việc chưa xong theo kỳ báo cáo trước.",
    "  - Các cột từ task_id đến planned_finish là thông tin của kế hoạch: KHÔNG sửa.",
    "  - actual_start: ngày thực tế bắt đầu (dd/mm/yyyy hoặc yyyy-mm-dd). Để trống nếu chưa bắt đầu.",
    "  - actual_finish: ngày thực tế hoàn thành. Chỉ điền khi đã xong 100%.",
    "  - percent_complete: tỷ lệ khối lượng đã làm, từ 0 đến 100. Đã xong thì ghi 100.",
    "  - note: ghi chú (vướng mắc, nguyên nhân chậm...).",
    "  - Không được ghi ngày sau ngày báo cáo; ngày xong không được trước ngày bắt đầu.",
    "",
    "Trang 'disbursements': mỗi dòng là một khoản tiền đã thực chi từ kỳ báo cáo trước.",
    "  - date: ngày chi; source_id: mã nguồn vốn (xem danh sách bên dưới);",
    "  - task_id: mã công việc được chi (bắt buộc với nguồn phân bổ theo xã: XA, DAN, HUYEN_LC...);",
    "  - amount_mvnd: số tiền, đơn vị triệu đồng; note: ghi chú.",
    "  - Không ghi lại các khoản đã báo cáo ở kỳ trước (sẽ bị coi là chi trùng).",
    "",
    "Sau khi điền: ntm-sched replan KỊCH_BẢN --progress TỆP.xlsx --as-of NGÀY",
    "Mọi lỗi được báo theo trang tính, hàng và cột; tệp của bạn không bị sửa.",
    "",
    "Mã nguồn vốn:",
]


def write_template(scenario: str, as_of: dt.date, out: str | os.PathLike[str],
                   history_root: str | os.PathLike[str] | None = None, overwrite: bool = False) -> Path:
    """Write the workbook for ``scenario`` at ``as_of`` into ``out`` (atomic; refuses to overwrite a file).

    The rows are the tasks not done in the newest stored plan before ``as_of`` (the
    baseline, a snapshot, or a fresh baseline when there is none), with their planned
    dates from it and the progress recorded so far filled in.
    """
    from ntm_sched.domain import build
    from ntm_sched.scenario import load_scenario_and_plan
    from ntm_sched.studies.progress.replan import save_baseline

    out = Path(out)
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} exists: choose another name (a user's file is never replaced)")
    sc, plan = load_scenario_and_plan(scenario)
    model = build(plan)
    if hist.baseline(history_root, sc.name) is None:
        save_baseline(scenario, history_root, note="created by progress template: no baseline yet")
    snap = hist.latest_before(history_root, sc.name, as_of, inclusive=True)
    assert snap is not None
    sch = snap.table("schedule")
    prog, _ = state_of(snap)
    names = model.commune_names
    rows = []
    for _, r in sch.iterrows():
        tid = str(r["task_id"])
        if r["kind"] == "settlement" or tid not in model.info:
            continue
        if max(m.duration for m in model.problem.task(tid).modes) == 0:
            continue  # a milestone follows its predecessors: nothing to report
        p = prog.get(tid)
        if p is not None and p.actual_finish is not None:
            continue
        inf = model.info[tid]
        rows.append({"task_id": tid, "commune": names.get(inf.commune_code, inf.commune_code),
                     "criterion": inf.criterion, "description_vi": inf.name_vi, "lead_agency": inf.agency,
                     "planned_start": r["start_date"], "planned_finish": r["end_date"],
                     "actual_start": p.actual_start if p else None, "actual_finish": None,
                     "percent_complete": p.percent_complete if p else None, "note": p.note if p else ""})
    prog_df = pd.DataFrame(rows, columns=["task_id", "commune", "criterion", "description_vi", "lead_agency",
                                          "planned_start", "planned_finish", "actual_start", "actual_finish",
                                          "percent_complete", "note"])
    disb = pd.DataFrame(columns=["date", "source_id", "task_id", "amount_mvnd", "note"])
    src = plan.table("sources")
    lines = INSTRUCTIONS_VI + [f"  {a}: {b}" for a, b in zip(src["source_id"], src["name_vi"])]
    lines += ["", f"Kịch bản: {sc.name}; ngày báo cáo: {as_of.strftime('%d/%m/%Y')}; "
              f"kế hoạch hiện hành: {snap.name}"]
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".xlsx", dir=out.parent)
    os.close(fd)
    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            prog_df.to_excel(xw, sheet_name="progress", index=False)
            disb.to_excel(xw, sheet_name="disbursements", index=False)
            pd.DataFrame({"Hướng dẫn": lines}).to_excel(xw, sheet_name="huong_dan", index=False)
            for ws in xw.book.worksheets:
                for col in ws.columns:
                    width = max(len(str(c.value or "")) for c in col[:50])
                    ws.column_dimensions[col[0].column_letter].width = min(60, max(10, width + 2))
                for cell in ws["F"] + ws["G"] + ws["H"] + ws["I"] if ws.title == "progress" else ():
                    cell.number_format = "DD/MM/YYYY"
        if out.exists() and not overwrite:
            raise FileExistsError(f"{out} exists")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
