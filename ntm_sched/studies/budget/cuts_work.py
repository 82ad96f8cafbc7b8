"""How much work step 2 of the cut table gets (:func:`~ntm_sched.studies.budget.cuts.budget_cuts`): the units of
CP-SAT's deterministic time of each of its searches, their seed, and its two methods (standard, thorough).

One home for these numbers, each with the measurement it rests on (``benchmarks/README.md``, issue 23); the cut
table, its benchmarks and its tests read them from here.
"""

from __future__ import annotations

from ntm_sched.engine.options import Slice

__all__ = ["CANONICAL_WALL", "GUIDED_TIME", "JOINT_BOUND_TIME", "LNS_MOVE_WORK", "LNS_PARALLEL", "LNS_WORK", "METHODS",
           "NO_WARM_SEARCH", "STEADY_WORK", "STEP2_SEED", "THOROUGH_BOUND_TIME", "THOROUGH_SIDE_BY_SIDE",
           "THOROUGH_TIMES_WORK"]

JOINT_BOUND_TIME = 9.0
"""CP-SAT's deterministic time (one worker; about seconds on an idle machine) on the relaxation that bounds the
others' lateness (:func:`~ntm_sched.engine.joint_bound.joint_lateness_bound`, its money cuts included): enough for
the rounds that gave 3,565,000 at 70 %, 4,802,000 at 60 % and 6,998,000 at 50 % on the shipped plan (before the long
calendar breaks entered the relaxation, :data:`~ntm_sched.engine.joint_bound.PAUSE_MIN`)."""

GUIDED_TIME = 8.0
"""Deterministic time of the schedule guided by that relaxation (:func:`~ntm_sched.engine.guided.guided_schedule`,
one worker), after the bound on the same thread; when the bound's rounds have not ended on times the money allows
(70-50 % on the shipped plan, where the guided schedule found nothing better than its start), the rounds go on for
these units instead (:func:`~ntm_sched.engine.lateness_search.lateness_search`): 3,597,000 at 70 %, 4,934,000 at
60 %, 7,128,000 at 50 % (3,580,000, 4,879,000 and 6,998,000 without the long breaks). The chain LNS beside them
gets as much work: at 80 % it reaches 2,504,000 in 17 units (9 + 8), 2,787,000 in 12 (9 + 3)."""

LNS_WORK = 4.0
"""Deterministic time (per worker) of the chain LNS (:func:`~ntm_sched.engine.chain_lns.chain_lns`) from the better
of the guided schedule and the LNS that ran beside the bound (for ``bound_time + guided_time`` units per worker from
the steady schedule), the communes' chains as its groups (:func:`~ntm_sched.engine.lateness_search.lateness_search`)."""

LNS_MOVE_WORK = 1.0
"""Deterministic time of one move of the chain LNS: at 70 % on the shipped plan 3,801,000 after 9 units with 1 per
move, 4,036,000 after 11.5 with 2 (the moves that find something mostly do so within a unit)."""

THOROUGH_BOUND_TIME = 1500.0
"""The bound's deterministic time in the thorough mode of step 2 (``budget_cuts(..., thorough=True)``, ``budget cuts
--thorough``, the finance tab's "thorough"): its rounds run until they end on times the money allows (their own stop,
so mostly fewer units: on the shipped plan 474 at 60 % and 893 at 50 %, 11 and 20 minutes of one core), then the
schedule generator in the order of those times, the deadlines held pinned, and the chain LNS from it
(:data:`THOROUGH_TIMES_WORK`) give phase 2 one more start (:func:`~ntm_sched.engine.lateness_search.lateness_search`):
every level from 100 % to 50 % within 1.6 % of its bound (at 60 % and 50 % 1.6 % and 0.9 %, where the standard
mode's 17 units stop at gaps of 23.5 % and 12.7 %), 25 minutes for the six levels (``benchmarks/README.md``, issue
23)."""

THOROUGH_TIMES_WORK = 21.0
"""Deterministic time (per worker) of the chain LNS from the schedule generated in the order of the converged
relaxation's times (thorough mode; ``times_work`` of :func:`~ntm_sched.engine.lateness_search.lateness_search`)."""

THOROUGH_SIDE_BY_SIDE = 2
"""Levels whose step 2 runs side by side in the thorough mode, the poorest first (their bounds take longest): the
bound's rounds run on one thread, so one level alone leaves a core idle for most of its minutes. Each level's answer
is a function of its problem alone (deterministic time, one worker per solve), so this changes the wall time only."""

METHODS = ("standard", "thorough")
"""Step 2's search: the 60-second table, or the bound's rounds to convergence (:data:`THOROUGH_BOUND_TIME`)."""

STEADY_WORK = 3.0
"""Deterministic time of CP-SAT for a schedule of the set that does not depend on the seed
(:meth:`~ntm_sched.engine.groups.GroupSearch.steady_schedule`): the guided schedule's second pattern and the chain
LNS start from it."""

LNS_PARALLEL = 2
"""Moves of the chain LNS solved side by side (one worker each; the answer does not depend on their timing, and
:data:`LNS_WORK` counts per worker), beside the bound too."""

STEP2_SEED = 0
"""CP-SAT's seed of step 2 (the bound, the guided schedule, the chain LNS and the lexicographic solve): it runs on one
worker on deterministic time, so its answer is a function of the level's problem and the set's schedule alone, the
same for every ``seed`` of :func:`budget_cuts`, at any load (``seed`` and ``workers`` are the set search's)."""

NO_WARM_SEARCH = Slice(0.0)
"""The share of the final solve's time given to its warm start's deadline-pattern search and deadline LNS
(:attr:`SolveOptions.pattern_search <ntm_sched.engine.options.SolveOptions>`, ``deadline_lns``): none. The solve is
hinted with step 2's checked schedule, which those searches (made for a solve without such a hint) did not improve
on the shipped plan; their units go to the solve's tiers (``benchmarks/README.md``)."""

CANONICAL_WALL = 15.0
"""Wall-clock cap (s) of the canonical search of each level's schedule: the level's time goal is 60 s; the
canonical search stops on its deterministic work limit well before on an idle machine, and a cut says so
(the summary's ``repeatable``)."""
