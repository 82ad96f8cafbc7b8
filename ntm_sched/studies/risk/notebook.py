"""The report of a finished risk run, as the notebook shows it (:class:`RiskReport`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ntm_sched.i18n import speaks_own_lang
from ntm_sched.studies.risk.figures import (
    _plt,
    assumptions_table,
    cash_table,
    criticality_table,
    figure,
    headline,
    label,
    probability_table,
)
from ntm_sched.studies.risk.outputs import TABLES, read_tables


class RiskReport:
    """A finished risk run read back from its folder, with localized tables and figures."""

    def __init__(self, tables: dict[str, pd.DataFrame], summary: dict[str, Any], lang: str = "vi",
                 names: dict[str, str] | None = None, source_names: dict[str, str] | None = None) -> None:
        self.tables, self.summary, self.lang = tables, summary, lang
        self.names, self.source_names = names or {}, source_names or {}

    error: str = ""
    unit: Any = None  # the plan's unit (unit.csv) when the plan was loaded: its own titles

    @classmethod
    def failed(cls, message: str, lang: str = "vi") -> RiskReport:
        """A report that says loudly why there is no analysis (e.g. the plan has no schedule)."""
        rep = cls({name: pd.DataFrame() for name in TABLES}, {}, lang)
        rep.error = message
        return rep

    @classmethod
    def from_parameters(cls, risk_dir: str, scenario: str, lang: str, output_dir: str,
                        **run_kwargs: Any) -> RiskReport:
        """The notebook's entry: read ``risk_dir``, or (when empty) run the analysis into ``output_dir``
        first. When the analysis cannot run, a :meth:`failed` report says why."""
        if not risk_dir:
            from ntm_sched.studies.risk.run import RiskError, run_risk

            try:
                res = run_risk(scenario, **run_kwargs)
            except RiskError as exc:
                return cls.failed(str(exc), lang)
            risk_dir = str(res.write(output_dir, lang=lang))
        return cls.load(risk_dir, lang=lang, scenario=scenario)

    @classmethod
    def load(cls, folder: str | Any, lang: str = "vi", scenario: str | None = None) -> RiskReport:
        """Read ``folder`` (written by ``ntm-sched risk``); names come from the scenario's plan."""
        tables, summary = read_tables(folder)
        names: dict[str, str] = {}
        srcs: dict[str, str] = {}
        sc_name = scenario or summary.get("scenario")
        if sc_name:
            from ntm_sched.i18n import agency_names, commune_names, source_names
            from ntm_sched.scenario import load_scenario_and_plan

            _, plan = load_scenario_and_plan(sc_name)
            names, srcs = commune_names(plan, lang), {**agency_names(plan, lang), **source_names(plan, lang)}
            rep = cls(tables, summary, lang, names, srcs)
            rep.unit = plan.unit
            return rep
        return cls(tables, summary, lang, names, srcs)

    def heading(self, key: str) -> str:
        return f"## {label(key, self.lang)}"

    def title(self) -> str:
        """The report's title: the scenario, whose plan it is (the summary's ``unit``) and, for an invented
        example plan, the warning that it is one."""
        from ntm_sched.i18n import invented_banner, unit_title

        head = f"# {label('title', self.lang)}: {self.summary.get('scenario', '')}"
        unit = self.unit if self.unit is not None else self.summary.get("unit")
        if not unit:
            return head
        code, period = (unit.get("code"), unit.get("period")) if isinstance(unit, dict) else (unit.code, unit.period)
        head += f"\n\n*{unit_title(unit, self.lang)} ({code}), {period}*"
        banner = invented_banner(unit, self.lang)
        return head + (f"\n\n> ⚠️ **{banner}**" if banner else "")

    @speaks_own_lang
    def headline(self) -> str:
        if self.error:
            return f"## ⚠️ {label('no_analysis', self.lang)}\n\n> {self.error}"
        return headline(self.summary)

    @speaks_own_lang
    def probability_table(self) -> pd.DataFrame:
        if self.error:
            return pd.DataFrame()
        return probability_table(self.tables["commune_risk"], self.names)

    @speaks_own_lang
    def cash_table(self) -> pd.DataFrame:
        if self.error:
            return pd.DataFrame()
        return cash_table(self.tables["extra_money"], self.source_names)

    @speaks_own_lang
    def criticality_table(self, top: int = 15) -> pd.DataFrame:
        if self.error:
            return pd.DataFrame()
        return criticality_table(self.tables["criticality"], top, self.names, self.source_names)

    @speaks_own_lang
    def assumptions_table(self) -> pd.DataFrame:
        if self.error:
            return pd.DataFrame()
        return assumptions_table(self.tables["assumptions"])

    @speaks_own_lang
    def figure(self, name: str) -> Any:
        if self.error:
            plt = _plt()
            fig, ax = plt.subplots(figsize=(6, 1.5))
            ax.text(0.5, 0.5, label("no_rows", self.lang), ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        return figure(name, self.tables, self.summary, self.names, self.source_names)

    def notes(self) -> str:
        if self.error:
            return f"- {self.error}"
        s = self.summary
        lines = [label("note_plan", self.lang, status=s.get("plan_status"), seconds=s.get("plan_solve_s")),
                 label("note_rate", self.lang, rate=s.get("samples_per_s"), workers=s.get("workers"),
                       scheduler=s.get("scheduler")),
                 label("note_unfinished", self.lang, n=s.get("samples_not_finished"))]
        if s.get("policy") == "replan":
            lines.append(f"- replan: {s.get('replan_statuses')}; fallbacks {s.get('replan_fallbacks')}")
        lines += [f"- {n}" for n in s.get("notes") or []]
        return "\n".join(lines)
