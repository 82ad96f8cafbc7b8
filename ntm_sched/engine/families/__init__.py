"""The constraint families of the CP-SAT model, one module each, and their registry :data:`FAMILIES`.

Each family module holds one rule of :mod:`ntm_sched.engine.problem`: its part of the model
(``add_task`` per task, ``add_to_model`` over the problem, ``add_redundant`` for redundant
constraints), its check (``check_task``, ``check``), and says how the explanation relaxes or blames
it and how the serial schedule generator respects it (:class:`~ntm_sched.engine.families.base.Family`).
:func:`ntm_sched.engine.builder.build_model`, :func:`ntm_sched.engine.checker.check` and
:func:`ntm_sched.engine.explain.explain_infeasibility` loop over :data:`FAMILIES`, in its order
(which is the order of the model's variables and constraints: changing it changes the model).

Shared by every family: the task variables and bounds (:mod:`~ntm_sched.engine.families.tasks`)
and the build state (:mod:`~ntm_sched.engine.families.context`). The objective's own terms are in
:mod:`~ntm_sched.engine.families.objective`.

To add a rule (as council sessions were, :mod:`~ntm_sched.engine.families.sessions`): write its
module with a ``FAMILY`` and list it here; ``tests/engine/test_families.py`` fails until it has a
model part, a check, an explanation and a serial-generator treatment.
"""

from __future__ import annotations

from ntm_sched.engine.families import budget, calendar, capacity, deadlines, modes, money, precedence, sessions
from ntm_sched.engine.families.base import Family, Relax

FAMILIES: tuple[Family, ...] = (
    precedence.FAMILY,
    modes.FAMILY,
    calendar.FAMILY,
    capacity.FAMILY,
    budget.FAMILY,
    money.FAMILY,
    deadlines.FAMILY,
    sessions.FAMILY,
)
"""Every constraint family, in the order the builder and the checker visit them."""

__all__ = ["FAMILIES", "Family", "Relax"]
