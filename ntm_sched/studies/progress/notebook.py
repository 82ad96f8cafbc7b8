"""The calls the giao ban notebook makes (the notebook holds no modelling code)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from ntm_sched.studies.progress import giao_ban as gbm
from ntm_sched.studies.progress.replan import replan


def prepare(scenario: str, progress: str | os.PathLike[str], as_of: dt.date,
            history_root: str | os.PathLike[str] | None, lang: str = "vi", time_limit: float | None = None,
            workers: int | None = None, seed: int | None = None) -> tuple[gbm.GiaoBan, list[Any]]:
    """Re-plan (or reuse the snapshot of the same progress file and date) and load the giao ban tables.

    Raises :class:`~ntm_sched.studies.progress.files.ProgressValidationError` listing every
    problem of the progress file (the report then fails with that list in ``error.txt``).
    """
    from ntm_sched.i18n import agency_names, check_lang, commune_names
    from ntm_sched.scenario import load_scenario_and_plan

    lang = check_lang(lang)
    sc, plan = load_scenario_and_plan(scenario)
    rp = replan(scenario, progress, as_of, history_root, time_limit, workers, seed, reuse=True)
    gb = gbm.load(sc.name, history_root, as_of, lang, commune_names(plan, lang), agency_names(plan, lang))
    return gb, rp.warnings
