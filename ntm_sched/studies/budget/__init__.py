"""The finance office's budget lab: thin compositions of the domain layer and the engine.

Questions answered, one module each
-----------------------------------
``evaluate`` (:func:`evaluate_allocation`)
    "We allocate these amounts (commune x source x quarter): who slips, what stays
    unspent, where is money missing?" (the file is read and checked by ``allocation``).
``minimum`` (:func:`minimum_budget`, :func:`minimum_uniform_scale`)
    "What is the smallest budget that keeps the least lateness money can buy?" and "by how
    much may the current budget be scaled and keep the lateness it reaches when plentiful?"
``cuts`` (:func:`budget_cuts`)
    Per budget level, communes on time and the district's recognition date.
``marginal`` (:func:`marginal_value`)
    Per commune not yet recognised, the days gained from a further amount of
    earmarked money released at the start.

``verdict`` checks every schedule they return or rank from against the plan it answers for
(the plan-level verifier): a ``verified`` column or field, ``INVALID`` where it disagrees.
``common`` holds what they share (the lab's reading of the plan's own money, quarters,
recognition dates, the output writer). Every solve is checked by the engine's independent
checker; a level or a question whose solve found no schedule says so (``status``) instead of
inventing numbers.
"""

from ntm_sched.plan.edits import restrict_plan, scale_funding
from ntm_sched.studies.budget.allocation import (
    ALLOCATION_COLUMNS,
    AllocationError,
    allocation_funding,
    allocation_tranches,
    read_allocation,
)
from ntm_sched.studies.budget.common import (
    OK_STATUSES,
    OWN_MONEY_SETTING,
    base_solve,
    earliest_recognition_dates,
    own_money,
    quarter_of,
    quarter_start,
    recognition_dates,
    recognition_late_cause,
    set_settings,
    write_budget_tables,
)
from ntm_sched.studies.budget.cuts import CUTS_QUESTION, budget_cuts
from ntm_sched.studies.budget.cuts_plot import plot_cuts
from ntm_sched.studies.budget.cuts_table import cuts_are_monotone, others_proven
from ntm_sched.studies.budget.evaluate import AllocationReport, evaluate_allocation
from ntm_sched.studies.budget.marginal import MARGINAL_QUESTION, marginal_value
from ntm_sched.studies.budget.minimum import (
    MINIMUM_QUESTION,
    SCALE_QUESTION,
    Achievable,
    MinimumBudget,
    ScaleAnswer,
    achievable_deadlines,
    minimum_budget,
    minimum_uniform_scale,
    with_tranches,
)
from ntm_sched.studies.budget.verdict import (
    INVALID,
    VERDICT_COLUMNS,
    invalid_rows,
    verdict_of,
    verdict_value,
    verified_result,
    verified_solution,
)

__all__ = [
    "ALLOCATION_COLUMNS", "CUTS_QUESTION", "INVALID", "MARGINAL_QUESTION", "MINIMUM_QUESTION", "SCALE_QUESTION",
    "VERDICT_COLUMNS",
    "OK_STATUSES", "OWN_MONEY_SETTING", "Achievable", "AllocationError", "AllocationReport",
    "MinimumBudget", "ScaleAnswer", "achievable_deadlines", "allocation_funding", "allocation_tranches",
    "base_solve", "budget_cuts", "cuts_are_monotone", "earliest_recognition_dates", "evaluate_allocation",
    "marginal_value", "minimum_budget", "others_proven",
    "minimum_uniform_scale", "own_money", "plot_cuts", "quarter_of", "quarter_start", "read_allocation",
    "recognition_dates", "recognition_late_cause", "restrict_plan", "scale_funding", "set_settings",
    "with_tranches", "write_budget_tables",
    "invalid_rows", "verdict_of", "verdict_value", "verified_result", "verified_solution",
]
