"""Questions asked of the model, one package or module per study: ``budget/`` (the finance
office's lab), ``explore`` (the planner's controls), ``progress/`` (the weekly giao ban:
re-planning from a status date, baseline and snapshots, its report). A new study (say, a risk analysis) goes
in ``studies/<study>/`` and is a thin composition of the layers below it: it may import
``report``, ``domain``, ``scenario``, ``engine``, ``plan``, ``i18n``, ``units`` and ``io``
(never ``cli``), speaks :class:`~ntm_sched.domain.PlanResult` / :class:`~ntm_sched.domain.NtmModel`,
and leaves build -> solve -> check -> tabulate to :mod:`ntm_sched.domain.run`.
"""
