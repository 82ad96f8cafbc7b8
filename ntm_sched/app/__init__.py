"""The planners' and the finance office's web app (``ntm-sched app``).

Pages built with ipywidgets and served by Voilà without any code visible:
:mod:`~ntm_sched.app.explorer_page` (controls, headline cards, what changed, Gantt,
saving a scenario) and :mod:`~ntm_sched.app.budget_page` (the finance office's
questions as forms). The logic they show lives below (``studies.explore``,
``studies.budget``, ``report``); :mod:`~ntm_sched.app.changes` and :mod:`~ntm_sched.app.scenario_file`
are plain functions tested without a browser; :mod:`~ntm_sched.app.server` starts Voilà.
"""
