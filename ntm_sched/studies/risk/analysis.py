"""From samples to answers: probabilities, P-dates, cash need, criticality, tornado.

Every function takes the :class:`~ntm_sched.studies.risk.sampling.RiskSetup` and the list of
:class:`~ntm_sched.studies.risk.sampling.Outcome` sorted by sample index, and returns a
DataFrame (or a dict) that does not depend on how the samples were distributed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ntm_sched.studies.risk.sampling import DISTRICT, Outcome, RiskSetup

COMMUNE_RISK_COLUMNS = ["commune_code", "milestone", "target_date", "p_on_time", "p50_date", "p80_date", "p90_date"]
ALL_MILESTONES = "all"
"""``commune_risk.csv`` row of an owner's on-time probability (every dated milestone met);
its dates are those of the owner's recognition."""

QUANTILES = (0.5, 0.8, 0.9)


def _never(setup: RiskSetup) -> int:
    return setup.rt.horizon + 1


def completion_days(setup: RiskSetup, outcomes: list[Outcome]) -> np.ndarray:
    """(samples, tracked milestones): completion day (``end - 1``, at least 0); a milestone never
    reached within the extended horizon gets ``horizon + 1``."""
    ends = np.vstack([o.ends for o in outcomes]) if outcomes else np.zeros((0, len(setup.tracked)), dtype=np.int64)
    days = np.maximum(ends - 1, 0)
    return np.where(ends < 0, _never(setup), days)


def _q(days: np.ndarray, q: float) -> int:
    """The q-quantile as a sampled day (the smallest day with at least q of the samples at or before it)."""
    s = np.sort(days)
    k = int(np.ceil(q * len(s))) - 1
    return int(s[max(0, min(k, len(s) - 1))])


def owner_on_time(setup: RiskSetup, days: np.ndarray) -> dict[str, np.ndarray]:
    """Per owner, per sample: on time (every milestone with a target met)."""
    out = {}
    for owner in setup.owners:
        ok = np.ones(days.shape[0], dtype=bool)
        for row in setup.owner_rows[owner]:
            tr = setup.tracked[row]
            if tr.target_day is not None:
                ok &= days[:, row] <= tr.target_day
        out[owner] = ok
    return out


def _date(setup: RiskSetup, day: int) -> dt.date | None:
    return None if day >= _never(setup) else setup.origin + dt.timedelta(days=int(day))


def commune_risk(setup: RiskSetup, outcomes: list[Outcome]) -> pd.DataFrame:
    """``commune_risk.csv``: per owner and milestone the probability of meeting its target and the
    P50/P80/P90 dates; plus a row ``all`` per owner (on time under the one definition). Dates are
    empty where the quantile falls in samples that never reach the milestone."""
    days = completion_days(setup, outcomes)
    on = owner_on_time(setup, days)
    rows = []
    for owner in setup.owners:
        rec_row = None
        last_target = None
        for row in setup.owner_rows[owner]:
            tr = setup.tracked[row]
            d = days[:, row]
            p = float(np.mean(d <= tr.target_day)) if tr.target_day is not None else None
            rows.append({"commune_code": owner, "milestone": tr.milestone, "target_date": tr.target_date,
                         "p_on_time": p, **{f"p{int(q * 100)}_date": _date(setup, _q(d, q)) for q in QUANTILES}})
            if tr.milestone == "recognition":
                rec_row = row
            if tr.target_date is not None:
                last_target = tr.target_date
        d = days[:, rec_row if rec_row is not None else setup.owner_rows[owner][-1]]
        rows.append({"commune_code": owner, "milestone": ALL_MILESTONES, "target_date": last_target,
                     "p_on_time": float(np.mean(on[owner])),
                     **{f"p{int(q * 100)}_date": _date(setup, _q(d, q)) for q in QUANTILES}})
    return pd.DataFrame(rows, columns=COMMUNE_RISK_COLUMNS)


def district_days(setup: RiskSetup, outcomes: list[Outcome]) -> np.ndarray:
    """Per sample, the district's recognition day (``horizon + 1`` when never reached)."""
    days = completion_days(setup, outcomes)
    rows = setup.owner_rows.get(DISTRICT, [])
    rec = [r for r in rows if setup.tracked[r].milestone == "recognition"]
    if rec:
        return days[:, rec[0]]
    if rows:
        return days[:, rows[-1]]
    return np.zeros(len(outcomes), dtype=np.int64)


def samples_table(setup: RiskSetup, outcomes: list[Outcome]) -> pd.DataFrame:
    """``samples.csv``: one row per sample: district date, on time, communes on time, extra money."""
    days = completion_days(setup, outcomes)
    on = owner_on_time(setup, days)
    dd = district_days(setup, outcomes)
    communes = [o for o in setup.owners if o != DISTRICT]
    return pd.DataFrame({
        "sample": [o.index for o in outcomes],
        "district_recognition_date": [_date(setup, int(d)) for d in dd],
        "district_on_time": on.get(DISTRICT, np.ones(len(outcomes), dtype=bool)),
        "communes_on_time": np.sum([on[c] for c in communes], axis=0) if communes else 0,
        "extra_mvnd": [int(o.extra.sum()) for o in outcomes],
        "status": [o.status for o in outcomes],
        "unplaced_tasks": [o.unplaced for o in outcomes],
    })


def recognition_samples(setup: RiskSetup, outcomes: list[Outcome]) -> pd.DataFrame:
    """``recognition_samples.csv``: per sample, every owner's recognition date (empty: never reached),
    one column per commune code and ``DISTRICT`` (the data of the S-curves)."""
    days = completion_days(setup, outcomes)
    cols: dict[str, Any] = {"sample": [o.index for o in outcomes]}
    for owner in setup.owners:
        rows = setup.owner_rows[owner]
        rec = [r for r in rows if setup.tracked[r].milestone == "recognition"] or rows[-1:]
        cols[owner] = [_date(setup, int(d)) for d in days[:, rec[0]]]
    return pd.DataFrame(cols)


def district_distribution(setup: RiskSetup, outcomes: list[Outcome]) -> pd.DataFrame:
    """``district_distribution.csv``: the district's recognition date, how many samples end on it and
    the cumulative probability (the S-curve)."""
    dd = district_days(setup, outcomes)
    vals, counts = np.unique(dd, return_counts=True)
    cum = np.cumsum(counts) / max(1, len(dd))
    return pd.DataFrame({"date": [_date(setup, int(v)) for v in vals], "samples": counts.astype(int),
                         "cumulative_probability": cum})


def extra_money(setup: RiskSetup, outcomes: list[Outcome], plan_extra: np.ndarray) -> pd.DataFrame:
    """``extra_money.csv``: money beyond the tranches (million VND) by month and by the source that
    could not pay (``EXTRA``: the plan's own extra funding), P50/P80 and mean over samples, with the
    deterministic plan's figure; rows ``ALL`` sum the sources, with cumulative P50/P80."""
    if not outcomes:
        return pd.DataFrame(columns=["month", "source", "plan_mvnd", "mean_mvnd", "p50_mvnd", "p80_mvnd",
                                     "p_needed", "p50_cumulative_mvnd", "p80_cumulative_mvnd"])
    cube = np.stack([o.extra for o in outcomes])  # samples, months, causes
    used_months = np.flatnonzero(cube.sum(axis=(0, 2)) + plan_extra.sum(axis=1))
    rows: list[dict[str, Any]] = []
    if used_months.size == 0:
        return pd.DataFrame(rows, columns=["month", "source", "plan_mvnd", "mean_mvnd", "p50_mvnd", "p80_mvnd",
                                           "p_needed", "p50_cumulative_mvnd", "p80_cumulative_mvnd"])
    lo, hi = int(used_months[0]), int(used_months[-1])
    tot = cube.sum(axis=2)
    cum = np.cumsum(tot, axis=1)
    plan_tot = plan_extra.sum(axis=1)
    for mi in range(lo, hi + 1):
        for ci, cause in enumerate(setup.causes):
            v = cube[:, mi, ci]
            if not v.any() and not plan_extra[mi, ci]:
                continue
            rows.append({"month": setup.month_starts[mi], "source": cause, "plan_mvnd": int(plan_extra[mi, ci]),
                         "mean_mvnd": float(v.mean()), "p50_mvnd": _q(v, 0.5), "p80_mvnd": _q(v, 0.8),
                         "p_needed": float(np.mean(v > 0)), "p50_cumulative_mvnd": None,
                         "p80_cumulative_mvnd": None})
        v = tot[:, mi]
        rows.append({"month": setup.month_starts[mi], "source": "ALL", "plan_mvnd": int(plan_tot[mi]),
                     "mean_mvnd": float(v.mean()), "p50_mvnd": _q(v, 0.5), "p80_mvnd": _q(v, 0.8),
                     "p_needed": float(np.mean(v > 0)), "p50_cumulative_mvnd": _q(cum[:, mi], 0.5),
                     "p80_cumulative_mvnd": _q(cum[:, mi], 0.8)})
    return pd.DataFrame(rows)


def criticality(setup: RiskSetup, outcomes: list[Outcome]) -> pd.DataFrame:
    """``criticality.csv``: how often each task, agency, money source and risk event drives a late
    recognition (``p_drives_late``: share of samples where it lies on the driving path of a late
    commune or district; ``p_drives_district_late``: of the district), and for tasks the criticality
    index (share of samples on the district's driving path)."""
    cols = ["kind", "id", "commune_code", "name_vi", "name_en", "p_drives_late", "p_drives_district_late",
            "criticality_index"]
    if not outcomes:
        return pd.DataFrame(columns=cols)
    N = len(outcomes)
    lt = np.mean([o.late_tasks for o in outcomes], axis=0)
    dl = np.mean([o.dist_late_tasks for o in outcomes], axis=0)
    ci = np.mean([o.dist_path for o in outcomes], axis=0)
    rows = []
    rt = setup.rt
    for k in range(rt.n):
        if rt.base_duration[k] == 0:  # a milestone lies on every path through it but drives nothing itself
            continue
        if lt[k] or ci[k]:
            rows.append({"kind": "task", "id": rt.ids[k], "commune_code": setup.task_owner[k],
                         "name_vi": setup.task_name_vi[k], "name_en": setup.task_name_en[k],
                         "p_drives_late": float(lt[k]), "p_drives_district_late": float(dl[k]),
                         "criticality_index": float(ci[k])})
    ag = np.mean([o.late_agencies for o in outcomes], axis=0)
    for k, a in enumerate(setup.agencies):
        if ag[k]:
            rows.append({"kind": "agency", "id": a, "commune_code": "", "name_vi": a, "name_en": a,
                         "p_drives_late": float(ag[k]), "p_drives_district_late": None, "criticality_index": None})
    ca = np.mean([o.late_causes for o in outcomes], axis=0)
    for k, c in enumerate(setup.causes):
        if ca[k]:
            rows.append({"kind": "source", "id": c, "commune_code": "", "name_vi": c, "name_en": c,
                         "p_drives_late": float(ca[k]), "p_drives_district_late": None, "criticality_index": None})
    rows += _session_rows(setup, outcomes)
    ev = np.mean([o.late_events for o in outcomes], axis=0) if setup.events else []
    for k, ep in enumerate(setup.events):
        if ev[k]:
            rows.append({"kind": "event", "id": ep.event.event_id, "commune_code": "",
                         "name_vi": ep.event.name_vi, "name_en": ep.event.name_en, "p_drives_late": float(ev[k]),
                         "p_drives_district_late": None, "criticality_index": None})
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values(["p_drives_late", "criticality_index"], ascending=False, na_position="last",
                          kind="stable").reset_index(drop=True) if N else df


def session_cause(setup: RiskSetup, taken: str, skipped: str, why: str) -> tuple[str, str]:
    """A council-session cause in words, ``(Vietnamese, English)``: "waits for the 15/12 session: the
    20/11 one is full" (or its cut-off was missed), or that no session was left within the horizon."""
    from ntm_sched.i18n import label

    problem = setup.rt.problem
    when = {s.name: (setup.origin + dt.timedelta(days=s.time)).strftime("%d/%m") for s in
            (problem.sessions if problem is not None else ())}
    key = f"risk_session_{why}" if taken else ("risk_session_none" + (f"_{why}" if why else ""))
    vi, en = (label(key, lang, session=when.get(taken, taken), skipped=when.get(skipped, skipped))
              for lang in ("vi", "en"))
    return vi, en


def _session_rows(setup: RiskSetup, outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """``criticality.csv`` rows of kind ``session``: per commune task and session cause, the share
    of samples where it drives a late recognition."""
    counts: dict[tuple[int, str, str, str], int] = {}
    for o in outcomes:
        for key in o.late_sessions:
            counts[key] = counts.get(key, 0) + 1
    rows = []
    for (k, taken, skipped, why), c in sorted(counts.items()):
        vi, en = session_cause(setup, taken, skipped, why)
        rows.append({"kind": "session", "id": f"{setup.rt.ids[k]}@{taken or '-'}<{skipped or '-'}:{why or '-'}",
                     "commune_code": setup.task_owner[k], "name_vi": vi, "name_en": en,
                     "p_drives_late": c / len(outcomes), "p_drives_district_late": None, "criticality_index": None})
    return rows


def _ranks(a: np.ndarray) -> np.ndarray:
    return pd.DataFrame(a).rank(method="average").to_numpy()


def tornado(setup: RiskSetup, outcomes: list[Outcome]) -> pd.DataFrame:
    """``tornado.csv``: every input that varies, by the rank correlation (Spearman) of its value with
    the district's recognition day, strongest first; ``swing_days`` is the mean district day of the
    samples where the input is high minus where it is low (top vs bottom 10 %; for events: happened
    vs not)."""
    cols = ["input", "kind", "id", "commune_code", "name_vi", "name_en", "spearman", "swing_days"]
    if len(outcomes) < 3 or not setup.inputs:
        return pd.DataFrame(columns=cols)
    X = np.vstack([o.inputs for o in outcomes])
    y = district_days(setup, outcomes).astype(float)
    var = X.std(axis=0) > 0
    rows = []
    if y.std() == 0:
        return pd.DataFrame(columns=cols)
    ry = _ranks(y[:, None])[:, 0]
    RX = _ranks(X[:, var])
    rxc = RX - RX.mean(axis=0)
    ryc = ry - ry.mean()
    rho = (rxc * ryc[:, None]).sum(axis=0) / np.sqrt((rxc ** 2).sum(axis=0) * (ryc ** 2).sum())
    for j, col in enumerate(np.flatnonzero(var)):
        d = setup.inputs[col]
        x = X[:, col]
        if d.kind == "event":
            hi, lo = x > 0, x == 0
        else:
            q10, q90 = np.quantile(x, [0.1, 0.9])
            hi, lo = x >= q90, x <= q10
        swing = float(y[hi].mean() - y[lo].mean()) if hi.any() and lo.any() else 0.0
        rows.append({"input": f"{d.kind}:{d.key}", "kind": d.kind, "id": d.key, "commune_code": d.commune_code,
                     "name_vi": d.name_vi, "name_en": d.name_en, "spearman": float(rho[j]), "swing_days": swing})
    df = pd.DataFrame(rows, columns=cols)
    return df.reindex(df["spearman"].abs().sort_values(ascending=False, kind="stable").index).reset_index(drop=True)


def summary(setup: RiskSetup, outcomes: list[Outcome], plan_summary: dict[str, Any],
            plan_extra: np.ndarray) -> dict[str, Any]:
    """``summary.json`` figures of the analysis."""
    days = completion_days(setup, outcomes)
    on = owner_on_time(setup, days)
    dd = district_days(setup, outcomes)
    communes = [o for o in setup.owners if o != DISTRICT]
    extra_tot = np.array([int(o.extra.sum()) for o in outcomes]) if outcomes else np.zeros(1, dtype=int)
    checked = [o for o in outcomes if o.checked]
    failures = [o for o in checked if o.check_ok is False]
    plan_ex = int(plan_extra.sum())
    n_on = np.sum([on[c] for c in communes], axis=0) if communes else np.zeros(len(outcomes))
    return {
        "samples": len(outcomes),
        "policy": setup.policy,
        "seed": setup.seed,
        "spread_scale": setup.spread_scale,
        "district_p_on_time": float(np.mean(on[DISTRICT])) if DISTRICT in on else None,
        "district_p50_date": _iso(_date(setup, _q(dd, 0.5))) if len(dd) else None,
        "district_p80_date": _iso(_date(setup, _q(dd, 0.8))) if len(dd) else None,
        "district_p90_date": _iso(_date(setup, _q(dd, 0.9))) if len(dd) else None,
        "district_plan_date": plan_summary.get("district_recognition_date"),
        "district_target_date": plan_summary.get("district_target_date"),
        "p_all_communes_on_time": float(np.mean(np.all([on[c] for c in communes], axis=0))) if communes else None,
        "expected_communes_on_time": float(np.mean(n_on)) if len(outcomes) else None,
        "communes": len(communes),
        "plan_extra_mvnd": plan_ex,
        "extra_mvnd_p50": _q(extra_tot, 0.5),
        "extra_mvnd_p80": _q(extra_tot, 0.8),
        "more_than_plan_mvnd_p50": _q(extra_tot, 0.5) - plan_ex,
        "more_than_plan_mvnd_p80": _q(extra_tot, 0.8) - plan_ex,
        "samples_checked": len(checked),
        "checker_failures": len(failures),
        "checker_failure_samples": [o.index for o in failures][:20],
        "samples_not_finished": int(sum(1 for o in outcomes if o.unplaced)),
        "replan_fallbacks": int(sum(1 for o in outcomes if o.fallback)),
        "replan_statuses": dict(pd.Series([o.status for o in outcomes]).value_counts().astype(int))
        if setup.policy == "replan" else None,
        "plan_status": plan_summary.get("status"),
        "notes": list(setup.notes),
    }


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None
