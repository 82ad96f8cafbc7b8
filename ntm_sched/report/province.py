"""The province report's tables and figures, computed once from a solved province plan.

A province plan (README, "A province") has districts, communes in them and a provincial appraisal
council sitting in sessions. :func:`build_province_context` loads one (restricted to one district
for a district's own report), solves it and computes:

- :func:`district_table`: per district, its communes on time and the late ones with their cause,
  and a relative link to the district's own report (made by the same batch run);
- :func:`session_plan`: the council's sessions that take a dossier (which communes; full ones flagged;
  how many communes were pushed past a session because it was full);
- :func:`tightest_sessions`: the three with the least spare capacity (then the most waiting);
- :func:`money_by_month`: money paid by source and month, province-wide or per district.

Text is in the run's language (:func:`ntm_sched.i18n.current_lang`), dates ``dd/mm/yyyy`` and money
through :func:`ntm_sched.units.format_money`. A synthetic plan (``plan synth``) says so on every page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.domain import PlanResult, solve_plan
from ntm_sched.domain.explain import session_wait_table
from ntm_sched.domain.tables import on_time_table
from ntm_sched.engine.families.sessions import session_of, session_waits
from ntm_sched.i18n import (
    check_lang,
    current_lang,
    invented_banner,
    label,
    source_names,
    speaks_own_lang,
    status_label,
    unit_title,
    using_lang,
)
from ntm_sched.io import write_json, write_tables
from ntm_sched.plan import Plan, load_plan
from ntm_sched.plan.edits import restrict_plan
from ntm_sched.report.tables import late_cause_text
from ntm_sched.units import format_date, format_money

SYNTHETIC_MARK = "SYNTHETIC"


def is_synthetic(plan: Plan) -> bool:
    """Whether ``plan`` was made by ``ntm-sched plan synth``: its unit (``unit.csv``) says SYNTHETIC."""
    unit = plan.unit
    if unit is None:
        return False
    text = " ".join(str(getattr(unit, f, "") or "") for f in ("title_vi", "title_en", "source"))
    return SYNTHETIC_MARK in text


def banner(plan: Plan) -> str | None:
    """The warning every page opens with: SYNTHETIC for a ``plan synth`` plan, the invented-plan
    warning for an invented example, else ``None``."""
    lang = current_lang()
    if is_synthetic(plan):
        return label("pv_synthetic", lang)
    return invented_banner(plan.unit, lang)


def district_of(plan: Plan) -> dict[str, str]:
    """Commune code -> its district's code (communes without one are left out)."""
    return {c.code: str(c.district_code) for c in plan.communes if getattr(c, "district_code", None)}


def district_names(plan: Plan) -> dict[str, str]:
    """District code -> name, in the plan's order."""
    return {d.code: d.name for d in getattr(plan, "districts", ()) or ()}


def district_plan(plan: Plan, district: str) -> Plan:
    """The province plan restricted to one district's communes (:func:`ntm_sched.plan.edits.restrict_plan`).

    Raises
    ------
    KeyError
        ``district`` is no district of the plan.
    """
    if district not in district_names(plan):
        raise KeyError(f"{district!r} is no district of the plan (districts.csv: "
                       f"{', '.join(district_names(plan)) or 'none'})")
    return restrict_plan(plan, [c for c, d in district_of(plan).items() if d == district])


def _placements(res: PlanResult) -> list[tuple[str, Any]]:
    """(commune code, session) of every appraisal the answer places at a council session."""
    sol = res.result.solution
    if sol is None:
        return []
    problem, info = res.model.problem, res.model.info
    out = []
    for t in problem.tasks:
        if t.id in sol.tasks and problem.sessions_for(t):
            s = session_of(problem, t, sol.tasks[t.id].start)
            if s is not None:
                out.append((info[t.id].commune_code if t.id in info else t.id, s))
    return out


SESSION_COLUMNS = ("session_id", "date", "capacity", "taken", "spare", "full", "waiting", "communes")


def session_plan(res: PlanResult, plan: Plan) -> pd.DataFrame:
    """The council's sessions that take at least one dossier, in date order.

    Parameters
    ----------
    res
        The solved plan.
    plan
        The plan (commune names).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SESSION_COLUMNS`: ``date`` as ``dd/mm/yyyy``, ``taken`` dossiers of its
        ``capacity``, ``spare`` seats, ``full`` (the word, or empty), ``waiting`` (communes whose
        dossier met this session's cut-off but that were pushed to a later one because it was
        full) and ``communes`` (their names, in code order). Empty without a schedule.
    """
    lang = current_lang()
    names = {c.code: c.name for c in plan.communes}
    taken: dict[str, list[str]] = defaultdict(list)
    by_name = {}
    for code, s in _placements(res):
        taken[s.name].append(code)
        by_name[s.name] = s
    waiting: dict[str, int] = defaultdict(int)
    if res.result.solution is not None:
        for w in session_waits(res.model.problem, res.result.solution):
            waiting[w.full.name] += 1
    rows = []
    for name, s in sorted(by_name.items(), key=lambda kv: kv[1].time):
        n = len(taken[name])
        rows.append({"session_id": name, "date": format_date(res.model.date(s.time)), "capacity": s.capacity,
                     "taken": n, "spare": s.capacity - n, "full": label("pv_full_yes", lang) if n >= s.capacity else "",
                     "waiting": waiting[name], "communes": ", ".join(names.get(c, c) for c in sorted(taken[name]))})
    return pd.DataFrame(rows, columns=list(SESSION_COLUMNS))


def tightest_sessions(sessions: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The ``n`` tightest sessions of :func:`session_plan`: least spare capacity, then most
    communes waiting, then the earliest (the table's order)."""
    if not len(sessions):
        return sessions.copy()
    d = sessions.assign(_o=range(len(sessions)))
    d = d.sort_values(["spare", "waiting", "_o"], ascending=[True, False, True], kind="stable")
    return d.drop(columns="_o").head(n).reset_index(drop=True)


DISTRICT_COLUMNS = ("district_code", "district", "communes", "on_time", "on_time_communes", "late_communes",
                    "report")


def district_table(res: PlanResult, plan: Plan, links: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per district: its communes on time and the late ones with their cause.

    Parameters
    ----------
    res
        The solved province (or district) plan.
    plan
        The plan solved.
    links
        District code -> the relative path of that district's own report (a batch run's); a
        district without one gets an empty ``report``.

    Returns
    -------
    pandas.DataFrame
        One row per district having communes in the plan (columns :data:`DISTRICT_COLUMNS`):
        ``communes`` counted, ``on_time`` as ``k/n``, the names on time, the late ones as
        ``name (cause)``, ``report`` the link. Every commune is counted as late when there is
        no schedule.
    """
    lang = current_lang()
    links = dict(links or {})
    names = {c.code: c.name for c in plan.communes}
    dist = district_of(plan)
    ot = on_time_table(res.milestones if res.has_schedule else None).set_index("commune_code")
    kept = [c.code for c in plan.communes if c.status == "not_recognised"]
    rows = []
    for code, dname in district_names(plan).items():
        mine = sorted(c for c in kept if dist.get(c) == code)
        if not mine:
            continue
        on, late = [], []
        for c in mine:
            if c in ot.index and bool(ot.loc[c, "on_time"]):
                on.append(names[c])
            else:
                cause = ot.loc[c, "late_cause"] if c in ot.index else None
                why = late_cause_text(cause) if isinstance(cause, str) else label("pv_no_schedule", lang)
                late.append(f"{names[c]} ({why})" if why else names[c])
        rows.append({"district_code": code, "district": dname, "communes": len(mine),
                     "on_time": f"{len(on)}/{len(mine)}", "on_time_communes": ", ".join(on) or "-",
                     "late_communes": "; ".join(late) or "-", "report": links.get(code, "")})
    return pd.DataFrame(rows, columns=list(DISTRICT_COLUMNS))


def money_by_month(res: PlanResult, plan: Plan, per_district: bool = False) -> pd.DataFrame:
    """Money paid by source and month (``mm/yyyy``), formatted by :func:`ntm_sched.units.format_money`.

    Parameters
    ----------
    res
        The solved plan.
    plan
        The plan (source and district names).
    per_district
        One block of months per district (a ``district`` column first) instead of the province's.

    Returns
    -------
    pandas.DataFrame
        One row per month (per district and month), one column per source in the plan's order
        that pays anything, and the month's total. Empty without money paid.
    """
    lang = current_lang()
    al = res.allocation
    if al is None or not len(al):
        return pd.DataFrame()
    srcs = source_names(plan, lang)
    d = al.assign(month=pd.to_datetime(al["period_start"]).dt.to_period("M"))
    keys = ["month"]
    if per_district:
        dist, dn = district_of(plan), district_names(plan)
        d = d.assign(district=d["commune_code"].astype(str).map(lambda c: dn.get(dist.get(c, ""), "-")))
        keys = ["district", "month"]
    piv = d.pivot_table(index=keys, columns="source", values="amount_mvnd", aggfunc="sum", fill_value=0)
    order = [s for s in srcs if s in piv.columns] + [s for s in piv.columns if s not in srcs]
    piv = piv[order]
    piv[label("pv_total", lang)] = piv.sum(axis=1)
    piv = piv.rename(columns={s: srcs.get(s, s) for s in order})
    piv.columns.name = None
    out = piv.reset_index()
    out["month"] = out["month"].map(lambda p: p.strftime("%m/%Y"))
    for c in piv.columns:
        out[c] = out[c].map(lambda v: format_money(float(v), lang) if v else "-")
    return out.rename(columns={"month": label("pv_month", lang), "district": label("pv_district", lang)})


HEADERS = {"session_id": "pv_session", "date": "pv_date", "capacity": "pv_capacity", "taken": "pv_taken",
           "spare": "pv_spare", "full": "pv_full", "waiting": "pv_waiting", "communes": "pv_communes",
           "district": "pv_district", "on_time": "pv_n_on_time", "on_time_communes": "pv_on_time",
           "late_communes": "pv_late", "report": "pv_report", "commune": "pv_commune", "what": "pv_what"}


def for_people(df: pd.DataFrame, links: bool = False) -> pd.DataFrame:
    """A table of this module with its headers in the run's language (``district_code`` dropped,
    ``communes`` of :func:`district_table` headed as a count); with ``links``, the ``report``
    column becomes an HTML link."""
    lang = current_lang()
    d = df.drop(columns=[c for c in ("district_code",) if c in df.columns])
    if links and "report" in d.columns:
        d = d.assign(report=d["report"].map(
            lambda p: f'<a href="{p}">{label("pv_link", lang)}</a>' if p else "-"))
    heads = {c: label(k, lang) for c, k in HEADERS.items() if c in d.columns}
    if "on_time" in d.columns and "communes" in d.columns:
        heads["communes"] = label("pv_n_communes", lang)
    return d.rename(columns=heads)


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
                    f"*{label('pv_of', lang, province=province)}*")
        else:
            head = f"# {label('pv_title', lang)}: {province}"
        s = self.summary
        head += f"\n\n**{label('h_status', lang)}: {status_label(str(s['status']), lang)}**"
        if not self.result.has_schedule:
            head += f" — {label('pv_no_schedule', lang)}"
        warn = banner(self.plan)
        return (f"> ⚠️ **{warn}**\n\n" if warn else "") + head

    def figure_path(self, name: str) -> Path:
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

        s = self.tables["sessions"]
        fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * len(s) + 2), 3.2))
        x = range(len(s))
        ax.bar(x, s["capacity"], color="#e8e8e8", label=label("pv_capacity", self.lang))
        ax.bar(x, s["taken"], color=["#c0392b" if f else "#2e86c1" for f in s["full"]],
               label=label("pv_taken", self.lang))
        ax.set_xticks(list(x), list(s["date"]), rotation=60, ha="right", fontsize=8)
        ax.set_title(label("pv_session_load", self.lang))
        ax.legend(fontsize=8)
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
    """Every table of the province report (module docstring), in the run's language."""
    sessions = session_plan(res, plan)
    waits = (session_wait_table(res.model, res.result.solution) if res.result.solution is not None
             else pd.DataFrame(columns=["commune", f"what_{current_lang()}"]))
    return {"districts": district_table(res, plan, links), "sessions": sessions,
            "tightest": tightest_sessions(sessions),
            "waits": waits[["commune", f"what_{current_lang()}"]].rename(columns={f"what_{current_lang()}": "what"}),
            "money": money_by_month(res, plan), "money_district": money_by_month(res, plan, per_district=True)}


def build_province_context(plan: str | Path | Plan, district: str | None = None, lang: str | None = None,
                           time_limit: float = 30.0, workers: int | None = None, seed: int | None = 0,
                           output_dir: str | Path = "outputs/province/province",
                           links: Mapping[str, str] | None = None) -> ProvinceContext:
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
        Solver options.
    output_dir
        Where :meth:`ProvinceContext.write_outputs` and the figures write.
    links
        District code -> relative link to its own report.

    Returns
    -------
    ProvinceContext
        Never raises for a plan without a schedule: the status says so.
    """
    full = plan if isinstance(plan, Plan) else load_plan(plan)
    district = district or None
    solved = district_plan(full, district) if district else full
    lang = check_lang(lang or current_lang())
    res = solve_plan(solved, time_limit=time_limit, workers=workers, seed=seed)
    with using_lang(lang):
        tabs = province_tables(res, solved, links)
    return ProvinceContext(solved, res, lang, Path(output_dir), district, dict(links or {}), tabs)
