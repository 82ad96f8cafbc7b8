"""The finance office's page: its four questions as forms, each answer stated in words (status,
gap, what is short, who is late) with tables by name under Vietnamese headers.

The ``*_html`` functions render an answer of :mod:`ntm_sched.studies.budget` (also used by
``notebooks/budget_lab.ipynb``); :class:`BudgetPage` puts them behind forms (the app's
second tab).
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.app import view
from ntm_sched.engine import SolveOptions
from ntm_sched.engine.stop import StopFlag
from ntm_sched.errors import Cancelled
from ntm_sched.i18n import commune_names, label, milestone_label, name_field, source_names, status_label
from ntm_sched.io import data_dir
from ntm_sched.plan.validate import format_issues
from ntm_sched.report import tables
from ntm_sched.studies import budget
from ntm_sched.studies.budget import AllocationError
from ntm_sched.units import format_date, format_money, format_number, to_date


def _p(text: str, cls: str = "") -> str:
    return f'<p class="{cls}">{view.esc(text)}</p>'


def status_words(status: str, gap: float | None, lang: str = "vi") -> str:
    """'Tình trạng lời giải: Tối ưu.' (plus the gap when not proven optimal)."""
    txt = label("b_status", lang, status=status_label(str(status), lang))
    if gap is not None and str(status) != "OPTIMAL":
        txt += " " + label("b_gap", lang, gap=format_number(100 * float(gap), lang, 1))
    return txt


def quarter_text(q: Any, lang: str = "vi") -> str:
    """'2019Q3' -> 'Quý 3/2019' (Vietnamese) or 'Q3 2019'."""
    t = str(q)
    if len(t) == 6 and t[4] == "Q":
        return label("b_quarter_of", lang, quarter=t[5], year=t[:4])
    return t


def _milestone_name(milestone: str, plan: Any, lang: str) -> str:
    """A chain milestone's name, or for a task's own due date the task's description (never its id)."""
    if milestone.startswith("task:"):
        col = name_field(lang, "description")
        for t in plan.tasks:
            if t.task_id == milestone[5:]:
                return f"{label('m_task', lang)}: {getattr(t, col)}"
    return milestone_label(milestone, lang)


def _names(codes: Any, plan: Any, lang: str) -> str:
    n = commune_names(plan, lang)
    return ", ".join(n.get(str(c), str(c)) for c in codes)


def _causes(cell: Any, plan: Any, lang: str) -> str:
    """``code:cause;...`` of :func:`~ntm_sched.studies.budget.cuts.budget_cuts` in words, by name."""
    if not isinstance(cell, str) or not cell:
        return "-"
    n = commune_names(plan, lang)
    out = []
    for item in cell.split(";"):
        code, _, cause = item.partition(":")
        out.append(f"{n.get(code, code)}: {tables.late_cause_text(cause, lang) or '-'}")
    return "; ".join(out)


def evaluation_html(rep: Any, plan: Any, lang: str = "vi") -> str:
    """An allocation's answer: status, money short (by quarter), late communes, unspent money."""
    L = lambda k, **kw: label(k, lang, **kw)  # noqa: E731
    s = rep.summary
    cn, sn = commune_names(plan, lang), source_names(plan, lang)
    out = [invalid_banner([s.get("verifier_findings") or ""] if s.get("verified") is False else [], lang),
           _p(status_words(s["status"], rep.fixed.summary.get("gap"), lang))]
    if s.get("missing_mvnd"):
        first = quarter_text(rep.missing["quarter"].min(), lang) if len(rep.missing) else ""
        out.append(_p(L("b_alloc_missing", amount=format_money(float(s["missing_mvnd"]), lang), first=first),
                      "ntm-msg-bad"))
    elif rep.fixed.has_schedule:
        out.append(_p(L("b_alloc_ok"), "ntm-msg-ok"))
    late = s.get("late_communes") or []
    if not rep.fixed.has_schedule:
        out.append(_p(L("b_infeasible" if str(s["status"]) == "INFEASIBLE" else "b_no_schedule"), "ntm-msg-bad"))
    else:
        out.append(_p(L("b_alloc_late", communes=_names(late, plan, lang)) if late else L("b_alloc_none_late"),
                      "ntm-msg-bad" if late else "ntm-msg-ok"))
        if late:  # issue 22: could money have made them on time?
            c = rep.communes.set_index("commune_code")
            items = [L("b_late_cause_item", commune=cn.get(str(x), str(x)),
                       cause=tables.late_cause_text(c.loc[x, "late_cause"], lang),
                       earliest=format_date(to_date(c.loc[x, "earliest_possible_date"])))
                     for x in late if x in c.index]
            out.append(_p(L("b_late_causes", items="; ".join(items)), "ntm-late-causes"))
    if s.get("unspent_mvnd"):
        out.append(_p(L("b_unspent", amount=format_money(float(s["unspent_mvnd"]), lang))))
    c = rep.communes
    if len(c) and rep.fixed.has_schedule:
        t = pd.DataFrame({L("commune"): [cn.get(str(x), str(x)) for x in c["commune_code"]],
                          L("target_date"): [format_date(to_date(x)) for x in c["target_date"]],
                          L("scheduled_date"): [format_date(to_date(x)) for x in c["scheduled_date"]],
                          L("b_late_days"): [max(int(x), 0) if pd.notna(x) else None for x in c["late_days"]],
                          L("earliest_possible_date"): [format_date(to_date(x)) for x in c["earliest_possible_date"]],
                          L("late_cause"): [tables.late_cause_text(x, lang) for x in c["late_cause"]],
                          L("b_slip"): [int(x) if pd.notna(x) else None for x in c["slip_vs_base_days"]]})
        out.append(view.table_html(t, lang, "ntm-budget-communes"))
    if len(rep.missing):
        m = rep.missing
        t = pd.DataFrame({L("commune"): [cn.get(str(x), str(x)) for x in m["commune_code"]],
                          L("b_quarter"): [quarter_text(q, lang) for q in m["quarter"]],
                          L("b_extra_needed"): m["extra_mvnd"].round().astype(int)})
        out.append(view.table_html(t, lang, "ntm-budget-missing"))
    u = rep.unspent
    if len(u) and u["unspent_mvnd"].notna().any():
        u = u[u["unspent_mvnd"] > 0.5]
        if len(u):
            t = pd.DataFrame({L("commune"): [cn.get(str(x), str(x)) if x else L("all_criteria")
                                             for x in u["commune_code"]],
                              L("source"): [sn.get(str(x), str(x)) for x in u["source_id"]],
                              L("b_allocated"): u["allocated_mvnd"].round().astype(int),
                              L("b_paid"): u["paid_mvnd"].round().astype(int),
                              L("b_unspent_col"): u["unspent_mvnd"].round().astype(int)})
            out.append(view.table_html(t, lang, "ntm-budget-unspent"))
    return "".join(out)


def minimum_html(mb: Any, plan: Any, lang: str = "vi") -> str:
    """The smallest budget: total vs the plan's, status, money by source and quarter, deadlines
    no money can meet."""
    L = lambda k, **kw: label(k, lang, **kw)  # noqa: E731
    cn, sn = commune_names(plan, lang), source_names(plan, lang)
    gap = getattr(mb.result, "gap", None) if mb.result is not None else None
    out = [invalid_banner([mb.summary.get("verifier_findings") or ""] if mb.summary.get("verified") is False else [],
                          lang), _p(status_words(mb.status, gap, lang))]
    if mb.total_mvnd is None:
        out.append(_p(L("b_min_none"), "ntm-msg-bad"))
    else:
        out.append(_p(L("b_min_total", total=format_money(mb.total_mvnd, lang),
                        plan_total=format_money(mb.plan_total_mvnd, lang)), "ntm-msg-ok"))
    if len(mb.by_source_quarter):
        p = mb.by_source_quarter.pivot_table(index="source_id", columns="quarter", values="amount_mvnd",
                                             aggfunc="sum", fill_value=0).round().astype(int)
        p.index = [sn.get(str(i), str(i)) for i in p.index]
        p.columns = [quarter_text(c, lang) for c in p.columns]
        p = p.reset_index().rename(columns={"index": L("source")})
        out.append(f"<h4>{view.esc(L('b_by_quarter'))}</h4>" + view.table_html(p, lang, "ntm-budget-quarters"))
    if len(mb.relaxed):
        r = mb.relaxed
        t = pd.DataFrame({L("commune"): [cn.get(str(x), str(x)) for x in r["commune_code"]],
                          L("milestone"): [_milestone_name(str(m), plan, lang) for m in r["milestone"]],
                          L("target_date"): [format_date(to_date(x)) for x in r["target_date"]],
                          L("b_earliest"): [format_date(to_date(x)) for x in r["earliest_date"]],
                          L("earliest_possible_date"): [format_date(to_date(x)) for x in r["earliest_possible_date"]],
                          L("late_cause"): [tables.late_cause_text(x, lang) for x in r["late_cause"]]})
        out.append(f"<h4>{view.esc(L('b_unreachable'))}</h4>" + view.table_html(t, lang, "ntm-budget-unreachable"))
    return "".join(out)


def scale_markdown(ans: Any, lang: str = "vi") -> str:
    """The smallest uniform scale of the plan's money, in words."""
    if ans.scale is None:
        return label("b_scale_none", lang)
    pct = lambda v: f"{100 * float(v):.0f} %"  # noqa: E731
    text = label("b_scale", lang, scale=pct(ans.scale), budget=format_money(float(ans.budget_mvnd or 0), lang),
                 lower=pct(ans.lower))
    if getattr(ans, "verified", None) is False:
        text = f"**⛔ {label('banner_invalid', lang)}: {ans.verifier_findings}**\n\n" + text
    return text


def cuts_html(df: pd.DataFrame, plan: Any, lang: str = "vi") -> str:
    """Budget cuts, per level: the communes that can still make it (by name, the set proven or not), those that
    cannot with their days late and first missed milestone, the district's date, money missing by month, the
    others' lateness proven or its gap, and the sets left unsettled."""
    L = lambda k, **kw: label(k, lang, **kw)  # noqa: E731
    if df is None or not len(df):
        return _p(L("no_rows"))
    cn = commune_names(plan, lang)

    def names(codes: Any) -> str:
        return ", ".join(cn.get(c, c) for c in str(codes).split(";") if c) if isinstance(codes, str) and codes else "-"

    def late(detail: Any) -> str:
        if not isinstance(detail, str) or not detail:
            return "-"
        out = []
        for item in detail.split(";"):
            code, days, milestone = item.split(":", 2)
            out.append(f"{cn.get(code, code)}: {days} ({milestone_label(milestone, lang)})")
        return "; ".join(out)

    def others(st: Any, gap: Any) -> str:
        if str(st) == "OPTIMAL":
            return L("b_others_proven")
        txt = status_label(str(st), lang)
        return txt + (", " + L("b_others_gap", gap=format_number(100 * float(gap), lang, 1)) if pd.notna(gap) else "")

    t = pd.DataFrame({
        L("b_level"): [f"{round(100 * float(v))} %" for v in df["level"]],
        L("b_can_make"): [names(v) for v in df["on_time_set"]],
        L("b_set_status"): [L("b_set_proven") if s == "proven" else L("b_set_unsettled") for s in df["set_status"]],
        L("b_cannot_make"): [late(v) for v in df["late_detail_codes"]],
        L("late_cause"): [_causes(v, plan, lang) for v in df.get("late_causes", [None] * len(df))],
        L("h_district_date"): [format_date(to_date(v)) or "-" for v in df["district_recognition_date"]],
        L("b_missing_by_month"): [str(v) if isinstance(v, str) and v else "-" for v in df["missing_by_month"]],
        L("b_others"): [others(s, g) for s, g in zip(df["status"], df["gap"])],
        L("h_verified"): verdict_cells(df, lang),
    })
    notes = []
    for r in df.itertuples():
        lvl = f"{round(100 * float(r.level))} %"
        if isinstance(r.other_largest, str) and r.other_largest:
            notes.append(_p(L("b_other_sets", level=lvl, size=r.set_size, sets=r.other_largest)))
        if isinstance(r.unsettled_sets, str) and r.unsettled_sets:
            notes.append(_p(L("b_unsettled_sets", level=lvl, sets=r.unsettled_sets), "ntm-msg-bad"))
    bad = [f"{round(100 * float(v))} %" for v in budget.invalid_rows(df, "level")]
    return (invalid_banner(bad, lang) + _p(L("b_cuts_answer")) + _p(L("b_cuts_method"), "ntm-note")
            + view.table_html(t, lang, "ntm-budget-cuts") + "".join(notes))


def marginal_html(df: pd.DataFrame, plan: Any, lang: str = "vi") -> str:
    """Days each commune's recognition comes forward with more money."""
    L = lambda k, **kw: label(k, lang, **kw)  # noqa: E731
    if df is None or not len(df):
        return _p(L("no_rows"))
    cn = commune_names(plan, lang)
    t = pd.DataFrame({
        L("commune"): [cn.get(str(c), str(c)) for c in df["commune_code"]],
        L("b_base_date"): [format_date(to_date(v)) or "-" for v in df["base_date"]],
        L("b_with_more"): [format_date(to_date(v)) or "-" for v in df["date_with_more"]],
        L("b_days_gained"): [int(v) if pd.notna(v) else None for v in df["days_gained"]],
        L("b_gain_at_most"): [int(v) if pd.notna(v) else None
                              for v in df.get("days_gained_at_most", pd.Series([None] * len(df)))],
        L("b_dates_proven"): [L("b_proven_yes") if a == b == "OPTIMAL" else L("b_proven_no")
                              for a, b in zip(df["status_base"], df["status_with_more"])]
        if "status_base" in df.columns else ["-"] * len(df),
        L("h_verified"): verdict_cells(df, lang),
    })
    bad = [cn.get(c, c) for c in budget.invalid_rows(df, "commune_code")]
    return (invalid_banner(bad, lang) + _p(L("b_marginal_answer"))
            + view.table_html(t, lang, "ntm-budget-marginal"))


def verdict_cells(df: pd.DataFrame, lang: str = "vi") -> list[str]:
    """The plan-level verifier's verdict of each row of a budget table, in words ('-' without a schedule)."""
    if "verified" not in df.columns:
        return ["-"] * len(df)
    words = {True: label("yes", lang), False: label("no", lang), None: "-"}
    return [words[budget.verdict_value(v)] for v in df["verified"]]


def invalid_banner(what: list[str], lang: str = "vi") -> str:
    """A loud line naming the answers the plan-level verifier rejected (empty when there are none)."""
    if not what:
        return ""
    return _p(f"⛔ {label('banner_invalid', lang)}: {', '.join(what)}", "ntm-msg-bad")


EXAMPLES_FOLDER = "budget_examples"


def allocation_examples_dir(plan: Any) -> Path | None:
    """Where the page finds allocation files for ``plan``: the plan folder's ``budget_examples/``; for the
    shipped default plan, which keeps them in ``data/budget_examples/``, that folder; otherwise ``None``
    (no examples: another plan's allocations would name communes and sources this plan does not have)."""
    folder = getattr(plan, "source_path", None)
    if folder is None:
        return None
    folder = Path(folder)
    if (folder / EXAMPLES_FOLDER).is_dir():
        return folder / EXAMPLES_FOLDER
    from ntm_sched.scenario import default_plan

    if folder.resolve() == default_plan().folder.resolve():
        return data_dir() / EXAMPLES_FOLDER
    return None


class BudgetPage:
    """The finance office's questions behind forms (each runs when its button is pressed).

    Attributes
    ----------
    widget
        The page (an ``ipywidgets.VBox``).
    """

    def __init__(self, plan: Any, lang: str = "vi", time_limit: float | None = None, workers: int | None = None,
                 seed: int | None = None, allocation_dir: str | Path | None = None) -> None:
        import ipywidgets as w

        self.plan, self.lang = plan, lang
        # None: the default of SolveOptions (the one home of solver defaults)
        self.options = SolveOptions().with_(time_limit=time_limit, workers=workers, seed=seed)
        self._base: Any = None
        L = lambda k, **kw: label(k, lang, **kw)  # noqa: E731
        adir = Path(allocation_dir) if allocation_dir is not None else allocation_examples_dir(plan)
        files = sorted(adir.glob("*.csv")) if adir is not None else []
        self.alloc_file = w.Dropdown(options=[(f.name, str(f)) for f in files], description=L("b_file"),
                                     style={"description_width": "initial"}, layout=w.Layout(width="520px"))
        # an allocation from the officer's own computer (CSV or Excel), checked as soon as it arrives
        self.upload = w.FileUpload(accept=".csv,.xlsx,.xls", multiple=False, description=L("b_upload"),
                                   layout=w.Layout(width="320px"))
        self.upload.add_class("ntm-budget-upload")
        self.upload_msg = w.HTML()
        self.upload_msg.add_class("ntm-upload-message")
        self.uploaded: Path | None = None
        self._upload_dir: Any = None
        self.upload.observe(lambda ch: self.receive_upload(), names="value")
        self.levels = w.Text(value="100, 90, 80, 70", description=L("b_levels"),
                             style={"description_width": "initial"}, layout=w.Layout(width="420px"))
        self.amount = w.BoundedFloatText(value=500, min=1, max=100000, step=100, description=L("b_amount"),
                                         style={"description_width": "initial"}, layout=w.Layout(width="420px"))
        self.answers: dict[str, Any] = {}
        self.downloads: dict[str, Any] = {}
        self.tables: dict[str, dict[str, pd.DataFrame]] = {}  # the last answer of each question, for its workbook
        # the cuts question runs for minutes: a progress bar, what it is doing, and a Cancel button
        self.cuts_bar = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width="420px", visibility="hidden"))
        self.cuts_bar.add_class("ntm-cuts-progress")
        self.cuts_status = w.HTML()
        self.cuts_status.add_class("ntm-cuts-status")
        # shown only while a run is in progress (nothing to cancel before the first run, nor after one)
        self.cuts_cancel = w.Button(description=L("b_cancel"), button_style="warning", disabled=True,
                                    layout=w.Layout(display="none"))
        self.cuts_cancel.add_class("ntm-cuts-cancel")
        self.cuts_cancel.on_click(lambda _: self._stop.set() if self._stop is not None else None)
        self._stop: StopFlag | None = None
        self.cuts_thread: threading.Thread | None = None
        sections = []
        for key, title, inputs, run in (
            ("evaluate", L("b_evaluate"), [self.alloc_file, w.HBox([self.upload]), self.upload_msg], self.evaluate),
            ("minimum", L("b_minimum"), [], self.minimum),
            ("cuts", L("b_cuts"), [self.levels], self.cuts),
            ("marginal", L("b_marginal"), [self.amount], self.marginal),
        ):
            b = w.Button(description=L(f"b_{key}_button"), button_style="primary")
            b.add_class(f"ntm-budget-{key}")
            ans = w.HTML()
            ans.add_class(f"ntm-answer-{key}")
            self.answers[key] = ans
            dl = w.HTML()
            dl.add_class(f"ntm-download-{key}")
            self.downloads[key] = dl
            extra: list[Any] = []
            if key == "cuts":
                b.on_click(self._cuts_runner(ans, b))
                extra = [w.HBox([self.cuts_bar, self.cuts_cancel]), self.cuts_status]
            else:
                b.on_click(self._runner(run, ans, b, key))
            sections.append(w.VBox([w.HTML(f'<div class="ntm-page"><h3>{view.esc(title)}</h3></div>'),
                                    *inputs, b, *extra, ans, dl]))
        self.widget = w.VBox([w.HTML(view.CSS + view.invented_html(plan, lang)
                                     + f'<p class="ntm-note">{view.esc(L("b_intro"))}</p>'), *sections],
                             layout=w.Layout(max_width="1200px"))

    def _runner(self, fn: Any, out: Any, button: Any, key: str) -> Any:
        def go(_: Any = None) -> None:
            button.disabled = True
            out.value = f'<p class="ntm-note">{view.esc(label("b_working", self.lang))}</p>'
            self.downloads[key].value = ""
            try:
                out.value = fn()
                self._offer(key)
            except Exception as exc:  # noqa: BLE001 - shown to the user, the page stays usable
                out.value = f'<p class="ntm-msg-bad">{view.esc(label("app_error", self.lang, error=exc))}</p>'
            finally:
                button.disabled = False
        return go

    def _cuts_runner(self, out: Any, button: Any) -> Any:
        """Run the cuts question in a thread (the page stays live: the Cancel button works), saying what it does."""
        def go(_: Any = None) -> None:
            if self.cuts_thread is not None and self.cuts_thread.is_alive():
                return
            try:
                levels = self.cut_levels()
            except ValueError as exc:
                out.value = f'<p class="ntm-msg-bad">{view.esc(label("app_error", self.lang, error=exc))}</p>'
                return
            button.disabled = True
            self._stop = StopFlag()
            self.cuts_cancel.disabled = False
            self.cuts_cancel.layout.display = None
            self.cuts_bar.max, self.cuts_bar.value = 2 * len(levels), 0
            self.cuts_bar.layout.visibility = "visible"
            out.value = f'<p class="ntm-note">{view.esc(label("b_working", self.lang))}</p>'

            self.downloads["cuts"].value = ""

            def work() -> None:
                try:
                    out.value = self.cuts(levels, self._stop)
                    self._offer("cuts")
                except Cancelled as exc:
                    out.value = f'<p class="ntm-msg-bad">{view.esc(label("b_cancelled", self.lang, what=exc))}</p>'
                except Exception as exc:  # noqa: BLE001 - shown to the user, the page stays usable
                    out.value = f'<p class="ntm-msg-bad">{view.esc(label("app_error", self.lang, error=exc))}</p>'
                finally:
                    button.disabled = False
                    self.cuts_cancel.disabled = True
                    self.cuts_cancel.layout.display = "none"
                    self.cuts_bar.layout.visibility = "hidden"

            self.cuts_thread = threading.Thread(target=work, name="ntm-budget-cuts", daemon=True)
            self.cuts_thread.start()
        return go

    def _offer(self, key: str) -> None:
        """The last answer of ``key`` as an XLSX download link under it."""
        if key in self.tables:
            self.downloads[key].value = view.download_link(self.tables[key], f"{key}.xlsx",
                                                           label("b_download", self.lang))

    def receive_upload(self) -> None:
        """Check the file the officer uploaded with the ``budget evaluate`` reader; errors are shown with their row
        and column, a valid file is used by the evaluation instead of the list."""
        files = self.upload.value
        if not files:
            return
        f = files[0]
        name = Path(str(f["name"])).name or "allocation.csv"
        if self._upload_dir is None:
            self._upload_dir = tempfile.TemporaryDirectory(prefix="ntm-upload-")
        target = Path(self._upload_dir.name) / name
        target.write_bytes(bytes(f["content"]))
        try:
            budget.read_allocation(target, self.plan)
        except AllocationError as exc:
            self.uploaded = None
            text = format_issues(exc.issues, self.lang).replace(str(target), name)
            self.upload_msg.value = f'<pre class="ntm-msg-bad">{view.esc(text)}</pre>'
            return
        self.uploaded = target
        self.upload_msg.value = _p(label("b_upload_ok", self.lang, name=name), "ntm-msg-ok")

    def show_progress(self, p: Any) -> None:
        """A :class:`~ntm_sched.studies.budget.cuts.CutsProgress` on the page: bar, level k of n, phase, time."""
        # every level's set search first, then every level's solve: n + n steps
        step = {"search": p.level_index - 1, "solve": p.levels + p.level_index - 1, "done": p.levels + p.level_index}
        self.cuts_bar.value = min(self.cuts_bar.max, step[p.phase])
        self.cuts_status.value = '<p class="ntm-note">' + view.esc(label(
            "b_cuts_progress", self.lang, k=p.level_index, n=p.levels, level=round(100 * p.level),
            phase=label(f"b_phase_{p.phase}", self.lang), questions=p.questions,
            elapsed=format_number(p.elapsed_s, self.lang, 0))) + "</p>"

    def base(self) -> Any:
        if self._base is None:
            self._base = budget.base_solve(self.plan, self.options)
        return self._base

    def evaluate(self) -> str:
        path = self.uploaded if self.uploaded is not None else self.alloc_file.value
        rep = budget.evaluate_allocation(self.plan, path, base=self.base(), options=self.options)
        self.tables["evaluate"] = rep.tables()
        return evaluation_html(rep, self.plan, self.lang)

    def minimum(self) -> str:
        mb = budget.minimum_budget(self.plan, self.options)
        self.tables["minimum"] = mb.tables()
        return minimum_html(mb, self.plan, self.lang)

    def cut_levels(self) -> list[float]:
        """The levels typed in the form ('100, 90, 80' percent), checked."""
        try:
            levels = [float(x.strip().rstrip("%")) / 100 for x in self.levels.value.replace(";", ",").split(",")
                      if x.strip()]
        except ValueError:
            raise ValueError(f"{label('b_levels', self.lang)}: {self.levels.value!r}") from None
        if not levels or any(not 0 < v <= 4 for v in levels):
            raise ValueError(f"{label('b_levels', self.lang)}: {self.levels.value!r}")
        return levels

    def cuts(self, levels: list[float] | None = None, stop: StopFlag | None = None) -> str:
        """The cut table as HTML (progress shown on the page; ``stop`` cancels between questions and solves)."""
        levels = self.cut_levels() if levels is None else levels
        df = budget.budget_cuts(self.plan, levels, self.options, progress=self.show_progress, stop=stop)
        self.tables["cuts"] = {"cuts": df}
        return cuts_html(df, self.plan, self.lang)

    def marginal(self) -> str:
        df = budget.marginal_value(self.plan, float(self.amount.value), self.options, base=self.base())
        self.tables["marginal"] = {"marginal": df}
        return marginal_html(df, self.plan, self.lang)
