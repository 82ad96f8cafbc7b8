"""ntm-sched: scheduling the New Rural Development (NTM) plan of a Vietnamese district.

Layers (imports point down; ``tests/test_imports.py`` keeps it so)::

    cli -> app -> studies -> report -> domain, scenario -> engine | plan | i18n | units | io

* ``lazy_imports``: third-party imports made lazy when the package is imported (jsonschema's RFC 3987 parser,
  built on first use: every report, batch and app start is a second shorter).
* ``i18n``, ``units``, ``io``: every vi/en string; money/date scaling and formatting; atomic
  output (``write_tables``, the one writer of result tables) and where the project's files are
  (``project_root``: the checkout, or ``<prefix>/share/ntm-sched`` after a plain install).
* ``engine/``: generic scheduling, knows no commune: ``problem``, ``options`` (``SolveOptions``,
  the one home of solver defaults), ``result`` (+ check and explanation types), ``builder``,
  ``checker``, ``explain``, ``solve``, ``transforms``, ``status`` (re-plan from a status period),
  ``psplib``, ``bench``.
* ``plan/``: the plan as data: ``schema``, ``cells``, ``records``, ``validate``, ``model``
  (``Plan``), ``io``, ``settings`` (typed), ``edits`` (record-level, checked once).
* ``domain/``: the NTM bridge: ``model``, ``build``, ``tables``, ``explain``, ``run``, ``verify``.
* ``scenario/``: scenario files (``config``: pydantic schema, ``load``) and ``apply``.
* ``report/``: tables, plots, context, papermill runner, batch.
* ``studies/``: questions asked of the model: ``budget/`` (allocation, evaluate, minimum, cuts,
  marginal), ``explore``, ``progress/`` (progress files, history of baseline and snapshots,
  re-plan, giao ban report). A new study goes in ``studies/<study>/``.
* ``app/``: the planners' and finance office's web app (ipywidgets pages served by Voilà:
  ``explorer_page``, ``budget_page``, ``changes``, ``scenario_file``, ``view``, ``server``);
  it uses the studies and the report, and only the CLI uses it.
* ``cli/``: the only argparse: one module per verb, common options in parent parsers
  (``progress``, ``replan``, ``baseline``; ``giao_ban`` for ``report giao-ban``).

Old -> new module map (restructure of issue 8)::

    ntm_sched.ntm                 -> ntm_sched.domain (build, solve_plan, tabulate, PlanResult,
                                     NtmModel, explanation_table, ...); ntm.setting_values(plan)
                                     -> ntm_sched.plan.settings.read_settings(plan) (a typed
                                     PlanSettings: attributes, not dict keys)
    ntm_sched.budget              -> ntm_sched.studies.budget (same public names; the plan
                                     edits restrict_plan/scale_funding/set_settings also in
                                     ntm_sched.plan.edits; _solve_model -> domain.solve_model,
                                     _result_from -> domain.keep_if_valid, _recognition ->
                                     studies.budget.recognition_dates, _unlimited_sources/_scaled/
                                     _hard/with_tranches -> engine.transforms)
    ntm_sched.budget (argparse)   -> ntm_sched.cli.budget
    ntm_sched.explore             -> ntm_sched.studies.explore
    ntm_sched.scenario.solver_kwargs(...) -> Scenario.solver_options(...) (a SolveOptions)
    ntm_sched.report.labels       -> ntm_sched.i18n (+ MESSAGES: strings of every layer)
    ntm_sched.io_utils            -> ntm_sched.io (+ write_tables)
    ntm_sched.cli (one file)      -> ntm_sched.cli/ (validate, solve, report, batch, budget,
                                     scenario, bench; common.py holds the parent parsers)
    ntm_sched.plan.cli            -> ntm_sched.cli.validate
    report.runner/batch argparse  -> ntm_sched.cli.report, ntm_sched.cli.batch
    engine.bench argparse         -> ntm_sched.cli.bench
    engine.checker CheckReport, Violation, CheckError; engine.explain Explanation, ConflictItem
                                  -> ntm_sched.engine.result (still importable from checker/explain)
    plan.model records (Commune, ...) -> ntm_sched.plan.records (re-exported by ntm_sched.plan)
    plan.validate build_plan/plan_with_frame -> ntm_sched.plan.model
    solve(problem, time_limit=, workers=, seed=, ...) -> solve(problem, SolveOptions(...)) (the
                                     keywords still work and override single fields)
"""

from __future__ import annotations

from ntm_sched.lazy_imports import defer_rfc3987_syntax

__version__ = "0.1.0"

# jsonschema (under papermill, nbconvert, Voilà) would build an RFC 3987 parser that no process of ours uses:
# 1.1-1.3 s of every report, batch and app start (benchmarks/imports.py); built on first use instead
defer_rfc3987_syntax()
