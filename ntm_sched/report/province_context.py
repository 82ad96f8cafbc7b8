"""A solved province plan (or one district of it) and its report's tables: :func:`build_province_context`,
which the province report notebook calls (the tables themselves: :mod:`ntm_sched.report.province`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.domain import PlanResult, solve_plan
from ntm_sched.domain.explain import session_wait_table
from ntm_sched.engine import SolveOptions
from ntm_sched.i18n import check_lang, current_lang, label, speaks_own_lang, status_label, unit_title, using_lang
from ntm_sched.io import write_json, write_tables
from ntm_sched.plan import Plan, load_plan
from ntm_sched.report.province import (
    banner,
    commune_table,
    district_names,
    district_plan,
    district_table,
    is_synthetic,
    money_by_month,
    session_plan,
    tightest_sessions,
)


@dataclass
class ProvinceContext:
    """A solved province plan (or one district of it) and its report tables."""

    plan: Plan
    result: PlanResult
    lang: str
    output_dir: Path
    district: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    back: str = ""

    @property
    def summary(self) -> dict[str, Any]:
        return self.result.summary

    @speaks_own_lang
    def title(self) -> str:
        """The page's title (the province, or the district in its province), its status and the
        SYNTHETIC banner when the plan is synthetic."""
        lang = self.lang
        province = unit_title(self.plan.unit, lang)
        if self.district:
            head = (f"# {label('pv_district_title', lang, district=district_names(self.plan)[self.district])}\n\n"
                    f"*{label('pv_of', lang, province=province)}*"
                    + (f" · [{label('pv_back', lang)}]({self.back})" if self.back else "")
                    + f"\n\n> {label('pv_district_note', lang)}")
        else:
            head = f"# {label('pv_title', lang)}: {province}"
        s = self.summary
        head += f"\n\n**{label('h_status', lang)}: {status_label(str(s['status']), lang)}**"
        if not self.result.has_schedule:
            head += f" — {label('pv_no_schedule', lang)}"
        warn = banner(self.plan)
        return (f"> ⚠️ **{warn}**\n\n" if warn else "") + head

    def figure_path(self, name: str) -> Path:
        """``output_dir/figures/<name>.png`` (the folder made when missing)."""
        d = self.output_dir / "figures"
        d.mkdir(parents=True, exist_ok=True)
        return d / f"{name}.png"

    @speaks_own_lang
    def session_figure(self) -> Path:
        """Dossiers per session against capacity (bars; full sessions in red), saved as
        ``figures/sessions.png``."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.patches import Patch
        from matplotlib.ticker import MaxNLocator

        s = self.tables["sessions"]
        fig, ax = plt.subplots(figsize=(min(14.0, max(6.0, 0.45 * len(s) + 2)), 3.2))
        x = range(len(s))
        width = 0.8 if len(s) > 3 else 0.4  # a few sessions: narrow bars, not a wall
        ax.bar(x, s["capacity"], width=width, color="#e8e8e8", label=label("pv_capacity", self.lang))
        ax.bar(x, s["taken"], width=width, color=["#c0392b" if f else "#2e86c1" for f in s["full"]],
               label=label("pv_taken", self.lang))
        pad = max(0.0, (3 - len(s)) / 2)  # fewer than three sessions: room on both sides
        ax.set_xlim(-0.6 - pad, len(s) - 0.4 + pad)
        ax.set_xticks(list(x), list(s["date"]), rotation=60, ha="right", fontsize=8)
        ax.set_title(label("pv_session_load", self.lang))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # dossiers are counted
        keys = [("#e8e8e8", "pv_capacity"), ("#2e86c1", "pv_taken"), ("#c0392b", "pv_full")]
        ax.legend(handles=[Patch(color=c, label=label(k, self.lang)) for c, k in keys], fontsize=8,
                  loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)  # never over a bar
        fig.tight_layout()
        path = self.figure_path("sessions")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path

    def write_outputs(self) -> Path:
        """Write the tables (``tables/<name>.csv``) and ``summary.json`` (the solve's summary, the
        district and the links) into ``output_dir``."""
        write_tables(self.output_dir / "tables", self.tables, encoding="utf-8-sig", replace_folder=False)
        write_json(self.output_dir / "summary.json",
                   self.summary | {"district": self.district, "district_reports": self.links,
                                   "synthetic": is_synthetic(self.plan)})
        return self.output_dir


def province_tables(res: PlanResult, plan: Plan, links: Mapping[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the province report (module docstring), in the run's language; ``communes``
    (:func:`commune_table`) for a district's own report."""
    sessions = session_plan(res, plan)
    waits = (session_wait_table(res.model, res.result.solution) if res.result.solution is not None
             else pd.DataFrame(columns=["commune", f"what_{current_lang()}"]))
    return {"districts": district_table(res, plan, links), "sessions": sessions,
            "tightest": tightest_sessions(sessions),
            "waits": waits[["commune", f"what_{current_lang()}"]].rename(columns={f"what_{current_lang()}": "what"}),
            "communes": commune_table(res, plan),
            "money": money_by_month(res, plan), "money_district": money_by_month(res, plan, per_district=True)}


def build_province_context(plan: str | Path | Plan, district: str | None = None, lang: str | None = None,
                           time_limit: float | None = None, workers: int | None = None, seed: int | None = None,
                           output_dir: str | Path = "outputs/province/province",
                           links: Mapping[str, str] | None = None, back: str = "",
                           deterministic: bool = False) -> ProvinceContext:
    """Load a province plan (a folder, or a :class:`~ntm_sched.plan.Plan`), restrict it to
    ``district`` when given, solve it and compute the report's tables.

    Parameters
    ----------
    plan
        The province plan or its folder (read only).
    district
        A district's code: that district's own report; ``None`` or empty: the province's.
    lang
        ``vi`` or ``en`` (default: the run's language).
    time_limit, workers, seed
        Solver options (``None``: :class:`~ntm_sched.engine.SolveOptions`' defaults).
    output_dir
        Where :meth:`ProvinceContext.write_outputs` and the figures write.
    links
        District code -> relative link to its own report.
    back
        A district's report: the relative link back to the province report (empty: none).
    deterministic
        ``time_limit`` counts CP-SAT's deterministic time on one worker
        (:attr:`SolveOptions.deterministic <ntm_sched.engine.options.SolveOptions>`): the same answer whatever the
        machine's load or where the report ran (a batch on Dask).

    Returns
    -------
    ProvinceContext
        Never raises for a plan without a schedule: the status says so.
    """
    full = plan if isinstance(plan, Plan) else load_plan(plan)
    district = district or None
    solved = district_plan(full, district) if district else full
    lang = check_lang(lang or current_lang())
    opts = SolveOptions().with_(time_limit=time_limit, workers=workers, seed=seed)
    res = solve_plan(solved, opts.counting_work() if deterministic else opts)
    with using_lang(lang):
        tabs = province_tables(res, solved, links)
    return ProvinceContext(solved, res, lang, Path(output_dir), district, dict(links or {}), tabs, back)
