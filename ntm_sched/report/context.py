"""Everything one scenario report shows, computed once: :func:`build_report_context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.domain import PlanResult, solve_plan
from ntm_sched.i18n import (
    agency_names,
    check_lang,
    commune_names,
    current_lang,
    invented_banner,
    label,
    localized,
    repeatability_note,
    source_names,
    speaks_own_lang,
    status_label,
    unit_title,
    using_lang,
)
from ntm_sched.io import write_tables
from ntm_sched.plan import Plan
from ntm_sched.plan.settings import read_settings
from ntm_sched.report import assumption_tables, plots, risk_tables, tables
from ntm_sched.scenario import Scenario, load_scenario, load_scenario_plan
from ntm_sched.units import format_date, format_number

ENGINE_FILES = ("schedule", "milestones", "allocation", "agency_load")
GOOD_STATUSES = ("OPTIMAL", "FEASIBLE")


@dataclass
class ReportContext:
    """A solved scenario and its report tables (localized) and figure makers."""

    scenario: Scenario
    plan: Plan
    result: PlanResult
    lang: str
    output_dir: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, Any]:
        return self.result.summary

    @property
    def ok(self) -> bool:
        """A schedule exists (optimal or feasible)."""
        return bool(self.result.has_schedule)

    def title(self) -> str:
        """The scenario's description (in the report's language) as the title, its file name below."""
        sub = label("subtitle", self.lang, name=self.scenario.name,
                    start=format_date(read_settings(self.plan).plan_start))
        unit = self.plan.unit  # whose plan it is (unit.csv): never a name written in code
        owner = unit_title(unit, self.lang) if unit is None else label(
            "unit_period", self.lang, unit=unit_title(unit, self.lang), period=unit.period)
        banner = invented_banner(unit, self.lang)  # an invented example plan says so on every report page
        return (f"# {self.scenario.description(self.lang)}\n\n*{label('title', self.lang)} · {owner} · {sub}*"
                + (f"\n\n> ⚠️ **{banner}**" if banner else ""))

    @speaks_own_lang
    def decisions(self) -> str:
        """The first section: what the committee must decide (at most a screen), and what on time means."""
        return (f"## {label('decisions', self.lang)}\n\n"
                f"{risk_tables.decisions_markdown(self.result, self.plan)}\n\n"
                f"> {label('on_time_def', self.lang)}")

    def on_time_definition(self) -> str:
        """The one definition of on time, and what the earliest possible date and the two kinds of
        lateness mean (issue 22), as a Markdown note."""
        return f"> {label('on_time_def', self.lang)}\n>\n> {label('lc_explain', self.lang)}"

    def status_markdown(self) -> str:
        """Loud banner when there is no schedule or it is not optimal."""
        s = self.summary
        st = status_label(str(s["status"]), self.lang)
        if s.get("verified") is False:  # the plan-level verifier disagrees: the answer must not be used
            found = "\n".join(f"> - {x}" for x in s.get("verifier_findings") or [])
            return (f"## ⛔ {label('banner_invalid', self.lang)}\n\n**{label('h_status', self.lang)}: {st}**\n\n"
                    f"{found}")
        if not self.ok:
            expl = localized(s, "explanation", self.lang) or ""
            return (f"## ⚠️ {label('banner_bad', self.lang)}\n\n**{label('h_status', self.lang)}: {st}**\n\n"
                    f"> {expl}\n\n{label('no_schedule', self.lang)}")
        rule = f"\n\n> {repeatability_note(s, self.lang)}"
        if str(s["status"]) != "OPTIMAL":
            gap = s.get("gap")
            gap_txt = (f" ({label('h_gap', self.lang)}: {format_number(100 * float(gap), self.lang, 1)} %)"
                       if gap is not None else "")
            return (f"**{label('h_status', self.lang)}: {st}**{gap_txt} — {label('banner_timeout', self.lang)}"
                    + rule)
        return f"**{label('h_status', self.lang)}: {st}**" + rule

    def figure_path(self, name: str) -> Path:
        d = self.output_dir / "figures"
        d.mkdir(parents=True, exist_ok=True)
        return d / f"{name}.png"

    # figures ----------------------------------------------------------------
    @speaks_own_lang
    def figure(self, name: str) -> Any:
        """Draw figure ``name`` (gantt, cash_flow, allocation, agency_load), save it as PNG, return the Figure."""
        import matplotlib.pyplot as plt

        names = commune_names(self.plan, self.lang)
        r = self.result
        if name == "gantt":
            fig = plots.gantt(r.schedule, r.milestones, names=names).figure
        elif name == "cash_flow":
            fig = plots.cash_flow_grid(r, names=source_names(self.plan, self.lang))
        elif name == "allocation":
            fig = plots.allocation_bars(r.allocation, names=names,
                                        source_names=source_names(self.plan, self.lang)).figure
        elif name == "agency_load":
            fig = plots.agency_heatmap(r.agency_load,
                                       names=agency_names(self.plan, self.lang)).figure
        else:
            raise KeyError(f"unknown figure {name!r}")
        plots.save(fig, self.figure_path(name))
        plt.close(fig)
        return fig

    def show_figure(self, name: str, width: int = 700) -> Any:
        """Draw and save figure ``name``; return an IPython Image of the PNG shown small."""
        from IPython.display import Image

        self.figure(name)
        return Image(filename=str(self.figure_path(name)), width=width)

    # outputs ----------------------------------------------------------------
    def write_outputs(self) -> Path:
        """Write the engine files, the report tables (CSV) and one XLSX workbook into ``output_dir``.

        ``output_dir`` is shared with the notebook and its figures (the runner publishes the
        whole folder atomically), so each file is written atomically into it
        (:func:`ntm_sched.io.write_tables` with ``replace_folder=False``)."""
        out = self.output_dir
        workbook = {**self.tables, **{f"engine_{name}": df for name, df in self.result.tables().items()}}
        write_tables(out / "tables", self.tables, encoding="utf-8-sig", replace_folder=False)
        write_tables(out, self.result.tables(), self.summary, workbook="report.xlsx", workbook_tables=workbook,
                     replace_folder=False)
        return out


def build_report_context(scenario: str = "base", lang: str | None = None, time_limit: float | None = None,
                         workers: int | None = None, seed: int | None = None,
                         output_dir: str | Path = "outputs/base/base",
                         scenario_dir: str | Path | None = None) -> ReportContext:
    """Load and solve ``scenario`` and compute every report table.

    ``None`` arguments take the scenario's own settings. Never raises for an
    infeasible or timed-out solve: the context says so (:meth:`ReportContext.status_markdown`).
    """
    sc = load_scenario(scenario, scenario_dir)
    lang = check_lang(lang or sc.lang)
    plan = load_scenario_plan(sc)
    res = solve_plan(plan, sc.solver_options(time_limit, workers, seed))
    with using_lang(lang):
        return ReportContext(sc, plan, res, lang, Path(output_dir), report_tables(res, plan, sc))


def report_tables(res: PlanResult, plan: Plan, scenario: Scenario) -> dict[str, pd.DataFrame]:
    """The report's tables (``tables/<name>.csv`` and the workbook's sheets) of a solved plan."""
    return {
        "headline": tables.headline(res, plan),
        "milestones": tables.milestone_table(res, plan),
        "at_risk": risk_tables.at_risk(res, plan),
        "bottlenecks": risk_tables.bottlenecks(res, plan),
        "allocation": tables.allocation_matrix(res, plan),
        "extra_by_month": tables.extra_by_month(res),
        "cash_flow": tables.cash_flow_table(res, plan),
        "schedule": tables.schedule_table(res, plan),
        "assumptions": assumption_tables.assumptions(plan),
        "overrides": assumption_tables.overrides(scenario, plan),
    }


def _number_format() -> Any:
    lang = current_lang()
    def fmt(v: Any) -> str:
        if isinstance(v, (int, float)) and not isinstance(v, bool) and not pd.isna(v):
            return format_number(float(v), lang, 0 if float(v).is_integer() or abs(v) >= 100 else 2)
        return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
    return fmt


def show_table(df: pd.DataFrame, max_rows: int = 200) -> Any:
    """A table for people: no index, text left-aligned, numbers right-aligned with thousands
    separators (as in the reports); a '(no data)' note when it is empty."""
    lang = current_lang()
    from IPython.display import Markdown

    if df is None or not len(df):
        return Markdown(f"*{label('no_rows', lang)}*")
    d = df.head(max_rows)
    num = [c for c in d.columns if pd.api.types.is_numeric_dtype(d[c]) and not pd.api.types.is_bool_dtype(d[c])]
    sty = (d.style.set_uuid(tables.table_uuid(d)).hide(axis="index").format(_number_format())
           .set_properties(**{"text-align": "left", "vertical-align": "top"})
           .set_table_styles([{"selector": "th", "props": "text-align: left; vertical-align: bottom;"},
                              {"selector": "td", "props": "padding: 2px 8px;"}]))
    if num:
        sty = sty.set_properties(subset=num, **{"text-align": "right"})
    short = [c for c in d.columns if c not in num and d[c].astype(str).str.len().max() <= 24]
    if short:  # short texts (names, dates, statuses) on one line; long reasons wrap
        sty = sty.set_properties(subset=short, **{"white-space": "nowrap"})
    wrapping = [c for c in d.columns if c not in num and c not in short]
    if wrapping:  # ... in a column wide enough to read (a reason of a few words was one word a line)
        sty = sty.set_properties(subset=wrapping, **{"min-width": "12em"})
    return sty
