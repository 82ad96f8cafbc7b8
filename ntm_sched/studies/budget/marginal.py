"""Marginal value of money: days each commune's recognition comes forward with more earmarked money.

Each commune's plan is one record-level edit (one added tranche) of the lab's plan, checked
once; the base schedule warm-starts every solve and is kept when still better.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ntm_sched.domain import PlanResult, build, solve_keeping
from ntm_sched.engine import SolveOptions
from ntm_sched.plan import Plan, Tranche
from ntm_sched.studies.budget.common import (
    base_solve,
    commune_names,
    not_recognised,
    options_of,
    own_money_edit,
    recognition_dates,
)

DEFAULT_AMOUNT = 500.0
"""Million VND added per commune when not said otherwise."""


def marginal_value(plan: Plan, amount_mvnd: float = DEFAULT_AMOUNT, options: SolveOptions | None = None, *,
                   source_id: str | None = None, communes: Sequence[str] | None = None,
                   base: PlanResult | None = None, time_limit: float | None = None, workers: int | None = None,
                   seed: int | None = None) -> pd.DataFrame:
    """Days each commune's recognition comes forward with ``amount_mvnd`` more earmarked money.

    For each commune not yet recognised, one tranche of ``amount_mvnd`` from ``source_id``
    (default: the first source that pays for every work type), earmarked to the commune, is
    released at the plan's start; the plan is re-solved warm-started from the base schedule
    (valid there too) and the commune's recognition date compared with the base solve. Extra
    funding comes only from the ``budget_lab_extra_funding_from`` date in both solves (as in
    :func:`budget_cuts`), so the answer measures the plan's own money. With a time limit the solver may
    not find the best schedule: a negative gain means noise, not harm; the base schedule itself is always kept if better
    (by the commune's own date) so ``days_gained >= 0``.

    Returns
    -------
    pandas.DataFrame
        ``commune_code, name, base_date, date_with_more, days_gained, district_date_base,
        district_date_with_more, status``.
    """
    opts = options_of(options, time_limit, workers, seed)
    if source_id is None:
        star = [s.source_id for s in plan.sources if "*" in s.pays_for]
        source_id = star[0] if star else plan.sources[0].source_id
    if base is None:
        base = base_solve(plan, opts)
    rec0 = recognition_dates(base)
    names = commune_names(plan)
    start = plan.setting_date("plan_start")
    hint = base.result.solution if base.has_schedule else None
    rows = []
    for code in (communes or not_recognised(plan)):
        more = Tranche(tranche_id=f"MARGINAL-{code}", source_id=source_id, date_available=start,
                       amount_mvnd=float(amount_mvnd), commune_code=code,
                       source=f"budget lab: +{amount_mvnd} for {code}")
        model = build(own_money_edit(plan).add_tranches([more]).done())

        def later(kept: PlanResult, own: PlanResult, code: str = code) -> bool:
            d_own = recognition_dates(own).get(code)
            return d_own is None or d_own > rec0.get(code, d_own)

        pr, kept = solve_keeping(model, hint, opts, better=later)
        status = "base schedule kept" if kept else pr.status
        rec1 = recognition_dates(pr)
        b, n = rec0.get(code), rec1.get(code)
        rows.append({"commune_code": code, "name": names.get(code, code), "base_date": b, "date_with_more": n,
                     "days_gained": (b - n).days if b and n else None,
                     "district_date_base": base.summary["district_recognition_date"],
                     "district_date_with_more": pr.summary["district_recognition_date"],
                     "status": status})
    return pd.DataFrame(rows)
