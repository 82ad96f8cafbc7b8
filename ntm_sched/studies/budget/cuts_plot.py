"""The cut table's figure (``cuts.png``): communes on time per budget level, what each bar stands for written on it."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

import pandas as pd

from ntm_sched.i18n import current_lang, label, status_label
from ntm_sched.studies.budget.cuts import PROVEN
from ntm_sched.studies.budget.cuts_table import others_proven

__all__ = ["plot_cuts"]


def plot_cuts(df: pd.DataFrame, ax: Any = None) -> Any:
    """Bar chart of communes on time per budget level (the largest set held), with whether that set is proven,
    the district's recognition date, the money still missing and the others' status and gap written on each bar
    (pale bars: not proven). Returns the axes."""
    lang = current_lang()
    if ax is None:
        import matplotlib.pyplot as plt  # here: importing the budget studies draws nothing (the command starts sooner)

        _, ax = plt.subplots(figsize=(7, 3.5))
    d = df.sort_values("level")
    x = [f"{lv:.0%}" for lv in d["level"]]
    y = [0 if v is None or pd.isna(v) else int(v) for v in d["communes_on_time"]]
    status = list(d["status"]) if "status" in d.columns else ["" for _ in y]
    gaps = list(d["gap"]) if "gap" in d.columns else [None for _ in y]
    sets = list(d["set_status"]) if "set_status" in d.columns else [None for _ in y]
    bars = ax.bar(x, y, color=["#4c78a8" if others_proven(st, gp) and ss in (PROVEN, None) else "#9ecae9"
                               for st, gp, ss in zip(status, gaps, sets)])
    for b, date, extra, st, gp, ss in zip(bars, d["district_recognition_date"], d["extra_needed_mvnd"], status,
                                          gaps, sets):
        txt = dt.date.fromisoformat(str(date)).strftime("%d/%m/%Y") if date and not pd.isna(date) else "-"
        if ss is not None:
            txt = label("cuts_set_proven" if ss == PROVEN else "cuts_set_unsettled", lang) + "\n" + txt
        if extra and not pd.isna(extra) and extra > 0:
            txt += "\n" + label("cuts_extra", lang, amount=int(extra))
        has_gap = gp is not None and not pd.isna(gp)
        if others_proven(st, gp):
            txt += "\n" + label("cuts_optimal", lang)
        elif st == "FEASIBLE" and has_gap:  # the pale bar says "not proven", the gap how far
            txt += "\n" + label("cuts_gap", lang, gap=float(gp))
        elif st:  # any other status (INVALID, UNKNOWN, ...) in the run's words, loud, wrapped to the bar
            txt += "\n" + "\n".join(textwrap.wrap(status_label(str(st), lang), 22))
        ax.annotate(txt, (b.get_x() + b.get_width() / 2, b.get_height()), ha="center", va="bottom", fontsize=7)
    ax.set_xlabel(label("cuts_xlabel", lang))
    ax.set_ylabel(label("cuts_ylabel", lang))
    ax.set_title(label("cuts_title", lang))
    ax.set_ylim(0, max(y + [1]) * 1.3)
    return ax
