"""The planner's page: controls with Vietnamese names, headline cards, what changed since the
previous solve, communes at risk, a Gantt filtered by commune, and saving the controls as a
scenario file. Built with ipywidgets; the same page runs in JupyterLab
(``notebooks/explore.ipynb``) and in the app (``ntm-sched app``, Voilà)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ntm_sched.app import changes, view
from ntm_sched.app.scenario_file import ScenarioExists, save_scenario
from ntm_sched.i18n import (
    agency_names,
    commune_names,
    in_lang,
    label,
    source_names,
    speaks_own_lang,
    status_label,
)
from ntm_sched.report import risk_tables
from ntm_sched.studies.explore import Controls, Explorer


class ExplorerPage:
    """The planner's page around an :class:`~ntm_sched.studies.explore.Explorer`.

    Parameters
    ----------
    explorer
        Holds the plan, the controls and the last solve (solved or not).
    lang
        ``"vi"`` (default) or ``"en"``.
    scenario
        The scenario the explorer started from (its description heads the page; its own
        overrides are kept when saving).
    scenario_dir
        Where "save as a scenario" writes (the folder the nightly batch runs); ``None`` hides
        the save form.

    Attributes
    ----------
    widget
        The page (an ``ipywidgets.VBox``) to display.
    """

    def __init__(self, explorer: Explorer, lang: str = "vi", scenario: Any = None,
                 scenario_dir: str | Path | None = None) -> None:
        import ipywidgets as w

        self.explorer = explorer
        self.lang = lang
        self.scenario = scenario
        self.scenario_dir = Path(scenario_dir) if scenario_dir is not None else None
        self.previous: Any = None
        plan = explorer.plan
        self.plan = plan
        c0 = explorer.controls
        L = lambda k, **kw: label(k, lang, **kw)  # noqa: E731
        snames, anames = source_names(plan, lang), agency_names(plan, lang)
        wide = w.Layout(width="560px")
        style = {"description_width": "0px"}

        def slider(cls: Any, name: str, key: str, **kw: Any) -> Any:
            s = cls(continuous_update=False, style=style, layout=w.Layout(width="340px"), **kw)
            s.add_class(f"ntm-slider-{key}")
            return s

        def row(text: str, widget: Any) -> Any:
            lab = w.HTML(f"<span title='{view.esc(text)}'>{view.esc(text)}</span>", layout=w.Layout(width="430px"))
            return w.HBox([lab, widget])

        # funding in percent of the plan's (100 = as planned): whole numbers read the same in both languages
        self.fund = {s: slider(w.IntSlider, snames.get(s, s), s, value=int(round(100 * v)), min=0, max=200, step=5)
                     for s, v in c0.funding_scale.items()}
        self.caps = {a: slider(w.FloatSlider, anames.get(a, a), a, value=v, min=0.0, max=max(20.0, 2 * v), step=1,
                               readout_format=".0f")
                     for a, v in c0.agency_capacity.items() if v < 100}  # 100 = not capacity-limited
        self.shift = w.IntSlider(value=c0.deadline_shift_days, min=-60, max=365, step=15, continuous_update=False,
                                 style=style, layout=w.Layout(width="340px"))
        self.hard = w.Checkbox(value=c0.hard_deadlines, description=L("app_hard"), indent=False, layout=wide)
        self.accel = w.Checkbox(value=c0.accelerated, description=L("app_accel"), indent=False, layout=wide)
        self.extra = w.Checkbox(value=c0.extra_funding, description=L("app_extra"), indent=False, layout=wide)
        self.time_limit = w.FloatSlider(value=c0.time_limit, min=1, max=120, step=1, continuous_update=False,
                                        style=style, readout_format=".0f", layout=w.Layout(width="340px"))
        funding_box = w.VBox([row(snames.get(s, s), x) for s, x in self.fund.items()])
        caps_box = w.VBox([row(anames.get(a, a), x) for a, x in self.caps.items()])
        opts_box = w.VBox([row(L("app_shift"), self.shift), self.hard, self.accel, self.extra,
                           row(L("app_time"), self.time_limit)])
        controls = w.Accordion(children=[funding_box, caps_box, opts_box])
        for i, k in enumerate(("app_funding", "app_capacity", "app_options")):
            controls.set_title(i, L(k))
        controls.selected_index = 0

        self.button = w.Button(description=L("app_solve"), button_style="primary", icon="play",
                               layout=w.Layout(width="220px", height="38px"))
        self.button.add_class("ntm-solve")
        self.message = w.HTML()
        self.message.add_class("ntm-message")
        self.cards = w.HTML()
        self.cards.add_class("ntm-headline")
        self.changes = w.HTML()
        self.changes.add_class("ntm-changes")
        self.risk = w.HTML()
        self.risk.add_class("ntm-risk")
        names = commune_names(plan, lang)
        codes = [c.code for c in plan.communes if c.status == "not_recognised"]
        self.gantt_filter = w.Dropdown(options=[(L("app_all_communes"), "")] +
                                       [(names.get(str(c), str(c)), str(c)) for c in codes] +
                                       [(names["DISTRICT"], "DISTRICT")], value="",
                                       description=L("app_gantt_filter"), layout=w.Layout(width="360px"))
        self.gantt = w.Output()
        self.gantt.add_class("ntm-gantt")
        self.gantt_filter.observe(lambda _: self.draw_gantt(), names="value")
        self.button.on_click(self.on_solve)

        title = scenario.description(lang) if scenario is not None else L("app_title")
        parts: list[Any] = [
            w.HTML(view.CSS + in_lang(lang, view.invented_html, plan)
                   + f'<div class="ntm-page"><h2>{view.esc(title)}</h2></div>'),
            controls, w.HBox([self.button, self.message]),
            w.HTML(f'<div class="ntm-page"><h3>{view.esc(L("app_cards"))}</h3></div>'), self.cards,
            w.HTML(f'<div class="ntm-page"><h3>{view.esc(L("app_changes"))}</h3></div>'), self.changes,
            w.HTML(f'<div class="ntm-page"><h3>{view.esc(L("app_at_risk"))}</h3></div>'), self.risk,
            w.HTML(f'<div class="ntm-page"><h3>{view.esc(L("app_gantt"))}</h3></div>'), self.gantt_filter,
            self.gantt,
        ]
        if self.scenario_dir is not None:
            parts += self._save_form()
        self.widget = w.VBox(parts, layout=w.Layout(max_width="1200px"))
        self.widget.add_class("ntm-explorer")
        self.render()

    # ------------------------------------------------------------------
    def controls_from_widgets(self) -> Controls:
        """The controls the widgets show (capacities not shown keep their values)."""
        c0 = self.explorer.controls
        caps = dict(c0.agency_capacity)
        caps.update({a: float(x.value) for a, x in self.caps.items()})
        insp = c0.inspection_agency
        return c0.replace(funding_scale={s: float(x.value) / 100 for s, x in self.fund.items()},
                          agency_capacity=caps, inspection_capacity=caps.get(insp, c0.inspection_capacity),
                          deadline_shift_days=int(self.shift.value), hard_deadlines=bool(self.hard.value),
                          accelerated=bool(self.accel.value), extra_funding=bool(self.extra.value),
                          time_limit=float(self.time_limit.value))

    def on_solve(self, _: Any = None) -> None:
        """Solve with the widgets' controls and redraw everything (the previous solve is kept
        for the "what changed" tables)."""
        L = lambda k, **kw: label(k, self.lang, **kw)  # noqa: E731
        self.button.disabled = True
        solving = L("app_solving", seconds=int(self.time_limit.value))
        self.message.value = f'<span class="ntm-note">{view.esc(solving)}</span>'
        try:
            prev = self.explorer.result
            self.explorer.solve(self.controls_from_widgets())
            self.previous = prev
            pr = self.explorer.result
            when = L("app_solved", time=dt.datetime.now().strftime("%H:%M:%S"))
            if pr is not None and not pr.has_schedule:
                self.message.value = (f'<span class="ntm-msg-bad">{view.esc(when)} '
                                      f'{view.esc(status_label(pr.status, self.lang))}</span>')
            else:
                self.message.value = f'<span class="ntm-msg-ok">{view.esc(when)}</span>'

        except Exception as exc:  # noqa: BLE001 - shown to the user, the page stays usable
            self.message.value = f'<span class="ntm-msg-bad">{view.esc(L("app_error", error=exc))}</span>'
        finally:
            self.button.disabled = False
        self.render()

    @speaks_own_lang
    def render(self) -> None:
        """Redraw cards, what changed, communes at risk and the Gantt from the last solve."""
        pr = self.explorer.result
        self.cards.value = view.cards_html(pr, self.plan)
        if pr is None:
            self.changes.value = self.risk.value = ""
        else:
            self.changes.value = self.changes_html()
            risk = risk_tables.at_risk(pr, self.plan)
            self.risk.value = view.table_html(risk, "ntm-risk-table")
            if (risk[label("late_cause", self.lang)] != "").any():  # issue 22: what the two kinds of late mean
                self.risk.value += f'<p class="ntm-note ntm-late-cause">{view.esc(label("lc_explain", self.lang))}</p>'
        self.draw_gantt()

    @speaks_own_lang
    def changes_html(self) -> str:
        """The "what changed" section: dates moved and money moved, against the previous solve."""
        L = lambda k, **kw: label(k, self.lang, **kw)  # noqa: E731
        if self.previous is None:
            return f'<p class="ntm-note">{view.esc(L("app_changes_first"))}</p>'
        cur = self.explorer.result
        if cur is None or not cur.has_schedule or not self.previous.has_schedule:
            return f'<p class="ntm-note ntm-no-change">{view.esc(L("no_schedule"))}</p>'
        d = changes.date_changes(self.previous, cur, self.plan)
        m = changes.money_changes(self.previous, cur, self.plan)
        if not len(d) and not len(m):
            return f'<p class="ntm-note ntm-no-change">{view.esc(L("app_changes_none"))}</p>'
        out = ""
        unproven = [x for x in (self.previous, cur) if str(x.summary.get("status")) != "OPTIMAL"]
        if unproven:
            out += f'<p class="ntm-note ntm-unproven">{view.esc(L("app_changes_unproven"))}</p>'
        if len(d):
            out += f"<h4>{view.esc(L('app_changes_dates'))}</h4>" + view.table_html(d, "ntm-changes-dates")
        if len(m):
            out += f"<h4>{view.esc(L('app_changes_money'))}</h4>" + view.table_html(m, "ntm-changes-money")
        return out

    @speaks_own_lang
    def draw_gantt(self) -> None:
        """The Gantt of the last solve, for every commune or the one chosen; sized to its rows."""
        import matplotlib.pyplot as plt
        from IPython.display import display

        from ntm_sched.report import plots

        pr = self.explorer.result
        self.gantt.clear_output(wait=True)
        if pr is None or not pr.has_schedule:
            return
        code = self.gantt_filter.value
        with self.gantt:
            ax = plots.gantt(pr.schedule, pr.milestones, names=commune_names(self.plan, self.lang),
                             communes=[code] if code else None)
            display(ax.figure)
            plt.close(ax.figure)

    # ------------------------------------------------------------------
    def _save_form(self) -> list[Any]:
        import ipywidgets as w

        L = lambda k, **kw: label(k, self.lang, **kw)  # noqa: E731
        self.save_name = w.Text(placeholder=L("app_save_name_hint"), description=L("app_save_name"),
                                layout=w.Layout(width="360px"))
        self.save_desc = w.Text(placeholder=L("app_save_desc_hint"), description=L("app_save_desc"),
                                layout=w.Layout(width="560px"))
        self.save_button = w.Button(description=L("app_save_button"), icon="save")
        self.save_button.add_class("ntm-save")
        self.save_message = w.HTML()
        self.save_message.add_class("ntm-save-message")
        self.confirm_yes = w.Button(description=L("app_overwrite"), button_style="danger")
        self.confirm_no = w.Button(description=L("app_cancel"))
        self.confirm = w.HBox([self.confirm_yes, self.confirm_no], layout=w.Layout(display="none"))
        self.save_button.on_click(lambda _: self.save(overwrite=False))
        self.confirm_yes.on_click(lambda _: self.save(overwrite=True))
        self.confirm_no.on_click(lambda _: self._cancel_save())
        return [w.HTML(f'<div class="ntm-page"><h3>{view.esc(L("app_save"))}</h3></div>'),
                self.save_name, self.save_desc, self.save_button, self.save_message, self.confirm]

    def _cancel_save(self) -> None:
        self.confirm.layout.display = "none"
        self.save_message.value = view.esc(label("app_cancelled", self.lang, name=self.save_name.value))

    def save(self, overwrite: bool = False) -> Path | None:
        """Save the widgets' controls as ``<scenario_dir>/<name>.yaml``; an existing file is only
        replaced after the planner confirms (``overwrite=True``)."""
        from ntm_sched.scenario import ScenarioError

        L = lambda k, **kw: label(k, self.lang, **kw)  # noqa: E731
        self.confirm.layout.display = "none"
        if self.scenario_dir is None:  # the page has no save form
            return None
        try:
            path = save_scenario(self.plan, self.controls_from_widgets(), self.save_name.value, self.save_desc.value,
                                 self.scenario_dir, overwrite=overwrite, start=self.scenario)
        except ScenarioExists:
            exists = L("app_exists", name=self.save_name.value)
            self.save_message.value = f'<span class="ntm-msg-bad">{view.esc(exists)}</span>'
            self.confirm.layout.display = "flex"
            return None
        except (ScenarioError, OSError) as exc:
            self.save_message.value = f'<span class="ntm-msg-bad">{view.esc(L("app_error", error=exc))}</span>'
            return None
        self.save_message.value = f'<span class="ntm-msg-ok">{view.esc(L("app_saved", path=path.name))}</span>'
        return path


def explorer_page(scenario: str = "base", lang: str = "vi", time_limit: float | None = None,
                  workers: int | None = None, seed: int | None = None, scenario_dir: str | Path | None = None,
                  solve_now: bool = True) -> ExplorerPage:
    """Load ``scenario``, solve it once (``solve_now``) and build the page; ``scenario_dir``
    (default: the folder of the scenario's file, i.e. its plan's ``scenarios/``, which the batch runs)
    is where the save form writes."""
    from ntm_sched.scenario import default_scenario_dir, load_scenario, load_scenario_plan

    sc = load_scenario(scenario)
    plan = load_scenario_plan(sc)
    ex = Explorer(plan, workers=workers, seed=seed, time_limit=float(time_limit if time_limit is not None
                                                                      else sc.time_limit))
    if solve_now:
        ex.solve()
    return ExplorerPage(ex, lang=lang, scenario=sc,
                        scenario_dir=scenario_dir if scenario_dir is not None else (
                            sc.path.parent if sc.path is not None else default_scenario_dir()))
