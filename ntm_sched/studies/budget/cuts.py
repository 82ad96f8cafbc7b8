"""Budget cuts: communes on time and the district's recognition date per budget level."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from ntm_sched.domain import PlanResult, build, solve_keeping
from ntm_sched.engine import SolveOptions
from ntm_sched.i18n import label
from ntm_sched.plan import Plan
from ntm_sched.studies.budget.common import options_of, own_money_edit

DEFAULT_LEVELS = (1.0, 0.9, 0.8, 0.7, 0.6)


def budget_cuts(plan: Plan, levels: Sequence[float] = DEFAULT_LEVELS, options: SolveOptions | None = None, *,
                time_limit: float | None = None, workers: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """Communes on time and the district's recognition date when every tranche is cut to a level.

    At each level every tranche is multiplied by the level (same dates). Money missing at a
    level can only come from the ``budget_lab_extra_funding_from`` date on (see
    :func:`own_money`), so a cut delays the works it can no longer pay for; a level whose
    money cannot pay every work still gets a schedule and says how much is missing
    (``extra_needed_mvnd``); deadlines are soft.

    Monotone by construction: levels are solved from the smallest to the largest, each one
    warm-started with the schedule of the level below; that schedule is also valid at the
    higher level (every tranche is at least as large), so it is checked there by the engine's
    checker and kept if it is better than the level's own solve, comparing (communes on time,
    then earlier district recognition, then less extra money). Hence more money never gives
    fewer communes on time, nor (at equal count) a later district date. Every row's schedule
    is a checked schedule of its own level.

    Returns
    -------
    pandas.DataFrame
        ``level, budget_mvnd, status, communes_on_time, communes_late, late_communes,
        district_recognition_date, extra_needed_mvnd, source`` (``source`` says whether the
        row's schedule is the level's own solve or the level below's), largest level first.
    """
    opts = options_of(options, time_limit, workers, seed)
    lv = sorted({float(x) for x in levels})
    rows: list[dict[str, Any]] = []
    prev: PlanResult | None = None
    for level in lv:
        p = (own_money_edit(plan).scale_funding(level).set_settings({"hard_deadlines": False}, "budget lab")
             .done())
        model = build(p)
        previous = prev.result.solution if prev is not None and prev.has_schedule else None
        chosen, kept = solve_keeping(model, previous, opts, better=lambda a, b: _key(a) > _key(b))
        origin = f"schedule of level {rows[-1]['level']}" if kept else "own solve"
        total = float(sum(s.total for s in model.problem.sources if not s.unlimited))
        s = chosen.summary
        rows.append({
            "level": level, "budget_mvnd": total, "status": chosen.status,
            "communes_on_time": s["communes_on_time"], "communes_late": s["communes_late"],
            "late_communes": ";".join(s["late_communes"] or []) if chosen.has_schedule else None,
            "district_recognition_date": s["district_recognition_date"],
            "extra_needed_mvnd": s["extra_funding_mvnd"], "source": origin,
        })
        prev = chosen if chosen.has_schedule else prev
    return pd.DataFrame(rows).sort_values("level", ascending=False).reset_index(drop=True)


def _key(pr: PlanResult) -> tuple[int, int, int]:
    s = pr.summary
    d = s["district_recognition_date"]
    dn = dt.date.fromisoformat(d).toordinal() if d else 10**9
    return (int(s["communes_on_time"] or 0), -dn, -int(s["extra_funding_mvnd"] or 0))


def cuts_are_monotone(df: pd.DataFrame) -> bool:
    """True when less money never gives more communes on time in a :func:`budget_cuts` table."""
    d = df.sort_values("level")
    v = [x for x in d["communes_on_time"] if x is not None and not pd.isna(x)]
    return all(a <= b for a, b in zip(v, v[1:]))


def plot_cuts(df: pd.DataFrame, ax: Any = None, lang: str = "en") -> Any:
    """Bar chart of communes on time per budget level, with the district's recognition date
    written on each bar. Returns the axes."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    d = df.sort_values("level")
    x = [f"{lv:.0%}" for lv in d["level"]]
    y = [0 if v is None or pd.isna(v) else int(v) for v in d["communes_on_time"]]
    bars = ax.bar(x, y, color="#4c78a8")
    for b, date, extra in zip(bars, d["district_recognition_date"], d["extra_needed_mvnd"]):
        txt = str(date) if date else "-"
        if extra and not pd.isna(extra) and extra > 0:
            txt += "\n" + label("cuts_extra", lang, amount=int(extra))
        ax.annotate(txt, (b.get_x() + b.get_width() / 2, b.get_height()), ha="center", va="bottom", fontsize=8)
    ax.set_xlabel(label("cuts_xlabel", lang))
    ax.set_ylabel(label("cuts_ylabel", lang))
    ax.set_title(label("cuts_title", lang))
    ax.set_ylim(0, max(y + [1]) * 1.3)
    return ax
