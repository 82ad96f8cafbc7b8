"""The finance office's page: its four questions as forms (the app's second tab), each answer
rendered by :mod:`.budget_answers`.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.app import view
from ntm_sched.app.budget_answers import cuts_html, evaluation_html, marginal_html, minimum_html, paragraph
from ntm_sched.engine import SolveOptions
from ntm_sched.engine.stop import StopFlag
from ntm_sched.errors import Cancelled
from ntm_sched.i18n import (
    in_lang,
    label,
    speaks_own_lang,
)
from ntm_sched.io import data_dir
from ntm_sched.plan.issues import format_issues
from ntm_sched.studies import budget
from ntm_sched.studies.budget import AllocationError
from ntm_sched.units import format_number

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
        # step 2 searched until its bound converges: proven or within a few per cent, minutes per level
        self.thorough = w.Checkbox(value=False, description=L("b_thorough"), indent=False,
                                   layout=w.Layout(width="720px"))
        self.thorough.add_class("ntm-cuts-thorough")
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
            ("cuts", L("b_cuts"), [self.levels, self.thorough], self.cuts),
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
        self.widget = w.VBox([w.HTML(view.CSS + in_lang(lang, view.invented_html, plan)
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
        self.upload_msg.value = paragraph(label("b_upload_ok", self.lang, name=name), "ntm-msg-ok")

    def show_progress(self, p: Any) -> None:
        """A :class:`~ntm_sched.studies.budget.cuts.CutsProgress` on the page: bar, level k of n, phase, time."""
        # every level's set search first, then every level's solve: n + n steps (the levels solved so far: in the
        # thorough mode two at a time, the poorest first)
        step = {"search": p.level_index - 1, "solve": p.levels + p.solved, "done": p.levels + p.solved}
        self.cuts_bar.value = min(self.cuts_bar.max, step[p.phase])
        self.cuts_status.value = '<p class="ntm-note">' + view.esc(label(
            "b_cuts_progress", self.lang, k=p.level_index, n=p.levels, level=round(100 * p.level),
            phase=label(f"b_phase_{p.phase}", self.lang), questions=p.questions,
            elapsed=format_number(p.elapsed_s, self.lang, 0))) + "</p>"

    def base(self) -> Any:
        if self._base is None:
            self._base = budget.base_solve(self.plan, self.options)
        return self._base

    @speaks_own_lang
    def evaluate(self) -> str:
        path = self.uploaded if self.uploaded is not None else self.alloc_file.value
        rep = budget.evaluate_allocation(self.plan, path, base=self.base(), options=self.options)
        self.tables["evaluate"] = rep.tables()
        return evaluation_html(rep, self.plan)

    @speaks_own_lang
    def minimum(self) -> str:
        mb = budget.minimum_budget(self.plan, self.options)
        self.tables["minimum"] = mb.tables()
        return minimum_html(mb, self.plan)

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

    @speaks_own_lang
    def cuts(self, levels: list[float] | None = None, stop: StopFlag | None = None) -> str:
        """The cut table as HTML (progress shown on the page; ``stop`` cancels between questions and solves)."""
        levels = self.cut_levels() if levels is None else levels
        df = budget.budget_cuts(self.plan, levels, self.options, progress=self.show_progress, stop=stop,
                                thorough=bool(self.thorough.value))
        self.tables["cuts"] = {"cuts": df}
        return cuts_html(df, self.plan)

    @speaks_own_lang
    def marginal(self) -> str:
        df = budget.marginal_value(self.plan, float(self.amount.value), self.options, base=self.base())
        self.tables["marginal"] = {"marginal": df}
        return marginal_html(df, self.plan)
