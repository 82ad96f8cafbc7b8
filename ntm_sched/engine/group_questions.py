"""One feasibility question of :class:`~ntm_sched.engine.groups.GroupSearch`, and what it records.

A set of deadline groups is asked of one problem of the chain: the money-aware schedule generation
scheme first, then CP-SAT on the tasks the set concerns (:meth:`QuestionAsker.reduced`, a
relaxation), racing in a thread; a schedule found on those tasks is completed and checked on the
whole problem (:meth:`QuestionAsker.complete`), and when it cannot be completed the whole problem is
asked with the time left. The search over sets, its caching and monotone pruning are in
:mod:`ntm_sched.engine.groups`; this module is the question itself (split from it by job).
"""

from __future__ import annotations

import dataclasses
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ntm_sched.engine.builder import build_model
from ntm_sched.engine.checker import check
from ntm_sched.engine.cpsat import make_solver
from ntm_sched.engine.heuristic import money_sgs
from ntm_sched.engine.problem import Objective, Problem
from ntm_sched.engine.relaxation import Relaxation
from ntm_sched.engine.result import Solution

FEASIBLE, INFEASIBLE, UNSETTLED = "feasible", "infeasible", "unsettled"
"""The three answers of a feasibility question."""

STEADY_SEED = 0
"""The one seed of :meth:`GroupSearch.steady_schedule` (never the run's: its schedule must not depend on it)."""


@dataclass
class Question:
    """One feasibility question and its answer (for logs, tables and benchmarks)."""

    level: int
    groups: frozenset[str]
    answer: str
    how: str
    """``asked`` (CP-SAT), ``heuristic`` (a checked schedule generation scheme), ``known`` (a checked
    schedule of this or a poorer problem meets it), ``carried`` (a subset infeasible here or in a
    richer problem), ``earliest dates`` / ``money relaxation`` (refuted by
    :mod:`ntm_sched.engine.relaxation` in milliseconds), ``not asked`` (budget spent or stopped)."""
    seconds: float = 0.0


@dataclass
class LevelAnswer:
    """The largest feasible sets of groups of one problem of the chain.

    Attributes
    ----------
    level
        Index of the problem in the chain.
    size
        The largest number of groups met together by a schedule found (``None``: not even the
        empty set was shown feasible).
    largest
        Every feasible set of that size found, sorted.
    solutions
        A checked schedule of the problem per set of :attr:`largest`.
    unsettled
        Sets of that size or larger left unsettled (a larger set may be feasible; another set of
        that size may be feasible too).
    questions
        Every question asked or answered from what was known, in order.
    seconds
        Wall time of the search at this level.
    """

    level: int
    size: int | None
    largest: list[frozenset[str]]
    solutions: dict[frozenset[str], Solution]
    unsettled: list[frozenset[str]]
    questions: list[Question] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def proven(self) -> bool:
        """Every set of the size found and larger is settled: the size and the list are exact."""
        return self.size is not None and not self.unsettled


class QuestionAsker:
    """How one question is answered; :class:`~ntm_sched.engine.groups.GroupSearch` holds the state it reads."""

    problems: list[Problem]
    groups: dict[str, tuple[str, ...]]
    workers: int
    seed: int
    _due: dict[str, int]

    def stopped(self) -> bool:  # pragma: no cover - GroupSearch's
        raise NotImplementedError

    def relaxation(self, level: int) -> Relaxation:  # pragma: no cover - GroupSearch's
        raise NotImplementedError

    def deadlines(self, s: frozenset[str] | set[str]) -> dict[str, int]:  # pragma: no cover - GroupSearch's
        raise NotImplementedError

    def _variant(self, level: int, s: frozenset[str], hard: bool) -> Problem:
        """The level's problem with only the deadlines of ``s`` (hard, or soft with weight 1), others dropped."""
        held = {t for g in s for t in self.groups[g]}
        tasks = []
        for t in self.problems[level].tasks:
            if t.id in held:
                tasks.append(dataclasses.replace(t, due_hard=hard, late_weight=0 if hard else 1,
                                                 tardiness_weight=0 if hard else 1))
            elif t.due is not None:
                tasks.append(dataclasses.replace(t, due=None, due_hard=False, late_weight=0, tardiness_weight=0))
            else:
                tasks.append(t)
        obj = Objective(tardiness=0 if hard else 1, late_count=0 if hard else 1, cost=0, extra_funding=0, makespan=0)
        return dataclasses.replace(self.problems[level], tasks=tuple(tasks), objective=obj)

    def _decide(self, level: int, s: frozenset[str], limit: float) -> tuple[str, Solution | None, str]:
        """Race a CP-SAT search on the hard deadlines of ``s`` (one worker, in a thread) against randomised
        money-aware schedule generation (this thread) until one settles the question or ``limit`` is spent."""
        problem = self.problems[level]
        soft = self._variant(level, s, False)
        t0 = time.perf_counter()

        def heuristic(k: int) -> Solution | None:
            """The ``k``-th variant of the schedule generation scheme: plain orders first, then perturbed ones;
            faster modes first (they often meet a deadline the normal modes miss by days)."""
            noise = 0 if k < 3 else 30
            accelerate = (1.0, 0.0, 0.5)[k % 3]
            sol = money_sgs(soft, seed=self.seed * 1000 + k, noise=noise, accelerate=accelerate)
            if sol is not None and self._lateness(s, sol) == 0 and check(problem, sol).ok:
                return sol
            return None

        first = heuristic(0)  # settles most feasible questions in a fraction of a second, before any model is built
        if first is not None:
            return FEASIBLE, first, "heuristic (1 try)"
        reduced = self.reduced(level, s)
        bm = build_model(reduced)
        bm.model.clear_objective()
        solver = make_solver(max(1e-4, limit - (time.perf_counter() - t0)), 1, self.seed, False)

        def run_hard() -> tuple[str, Solution | None]:
            st = solver.solve(bm.model)
            if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return FEASIBLE, self.complete(level, s, bm.solution_from(solver))
            return (INFEASIBLE if st == cp_model.INFEASIBLE else UNSETTLED), None

        if self.workers < 2:  # one thread: the heuristic's first tries, then CP-SAT
            for k in range(1, 3):
                sol = heuristic(k)
                if sol is not None:
                    return FEASIBLE, sol, "heuristic"
            solver.parameters.max_time_in_seconds = max(1e-4, limit - (time.perf_counter() - t0))
            answer, sol = run_hard()
            if answer == FEASIBLE and sol is None:
                return self._whole(level, s, limit - (time.perf_counter() - t0))
            return self._checked(problem, s, answer, sol, "asked (hard)")
        with ThreadPoolExecutor(1) as pool:
            fut = pool.submit(run_hard)
            k = 1
            found: Solution | None = None
            while not fut.done() and time.perf_counter() - t0 < limit and not self.stopped():
                found = heuristic(k)
                k += 1
                if found is not None:
                    break
            while not fut.done():
                solver.stop_search()  # again on every pass: a stop asked before the solve began is lost
                time.sleep(0.02)
            answer, sol = fut.result()
        if found is not None:
            return FEASIBLE, found, f"heuristic ({k} tries)"
        if answer == FEASIBLE and sol is None:
            return self._whole(level, s, limit - (time.perf_counter() - t0))
        return self._checked(problem, s, answer, sol, "asked (hard)")

    def _whole(self, level: int, s: frozenset[str], seconds: float) -> tuple[str, Solution | None, str]:
        """The question on the whole problem (CP-SAT, one worker) when a schedule of the concerned tasks could not be
        completed (the other tasks did not fit after it): what is left of the question's time."""
        if seconds <= 0.2 or self.stopped():
            return UNSETTLED, None, "asked (hard): the concerned tasks' schedule could not be completed"
        bm = build_model(self._variant(level, s, True))
        bm.model.clear_objective()
        solver = make_solver(seconds, 1, self.seed, False)
        st = solver.solve(bm.model)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return self._checked(self.problems[level], s, FEASIBLE, bm.solution_from(solver), "asked (whole)")
        return (INFEASIBLE if st == cp_model.INFEASIBLE else UNSETTLED), None, "asked (whole)"

    def reduced(self, level: int, s: frozenset[str]) -> Problem:
        """The question about ``s`` on the tasks it concerns: the held tasks and every task preceding them, their
        deadlines hard, the horizon the latest end any of them can have (:meth:`Relaxation.latest`).

        A relaxation of the question: every schedule of ``problems[level]`` meeting the deadlines of ``s``,
        restricted to these tasks (their resources, budgets and payments), is a schedule of this problem (the
        tasks dropped only used resources and money, and no precedence leads from them to a task kept). So
        ``INFEASIBLE`` here is a proof for the whole problem; a schedule found here is completed by
        :meth:`complete` and checked on the whole problem before it answers anything. CP-SAT answers the
        smaller model several times faster (on the shipped plan about a third of the tasks for four communes,
        a horizon of months instead of years)."""
        hard = self._variant(level, s, True)
        d = self.deadlines(s)
        keep = hard.ancestors(d)
        _, le = self.relaxation(level).latest(d)
        horizon = max(0, max(le[t] for t in keep)) if keep else 0
        return dataclasses.replace(
            hard, tasks=tuple(t for t in hard.tasks if t.id in keep),
            precedences=tuple(p for p in hard.precedences if p.pred in keep and p.succ in keep),
            horizon=min(hard.horizon, horizon),
            reference_starts={k: v for k, v in hard.reference_starts.items() if k in keep})

    def complete(self, level: int, s: frozenset[str], part: Solution) -> Solution | None:
        """A schedule of ``problems[level]`` that keeps ``part`` (a schedule of :meth:`reduced`) as it is and places
        every other task after it by the money-aware schedule generation scheme; ``None`` when that fails (the
        caller then asks the whole problem). Checked by the caller."""
        return money_sgs(self._variant(level, s, False), seed=self.seed,
                         pinned={tid: (ts.start, ts.mode) for tid, ts in part.tasks.items()})

    def steady_schedule(self, level: int, s: frozenset[str], work: float) -> Solution | None:
        """A schedule of ``problems[level]`` meeting every deadline of ``s``, found the same way whatever the seed and
        the load: the generation scheme's plain orders (no noise, fastest or first modes), else CP-SAT on the
        concerned tasks (:meth:`reduced`; one worker, seed 0, stopped by ``work`` units of deterministic time, a
        wall-clock safety limit beside) completed by the generation scheme. Checked; ``None`` when none was found."""
        from ntm_sched.engine.options import SolveOptions

        problem = self.problems[level]
        soft = self._variant(level, s, False)
        for accelerate in (1.0, 0.0):
            sol = money_sgs(soft, seed=STEADY_SEED, accelerate=accelerate)
            if sol is not None and self._lateness(s, sol) == 0 and check(problem, sol).ok:
                return sol
        bm = build_model(self.reduced(level, s))
        bm.model.clear_objective()
        solver = make_solver(work, 1, STEADY_SEED, False, safety=SolveOptions().deterministic_safety.of(work))
        if solver.solve(bm.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        part = bm.solution_from(solver)
        sol = money_sgs(soft, seed=STEADY_SEED, pinned={tid: (ts.start, ts.mode) for tid, ts in part.tasks.items()})
        return sol if sol is not None and self._lateness(s, sol) == 0 and check(problem, sol).ok else None

    def _checked(self, problem: Problem, s: frozenset[str], answer: str, sol: Solution | None,
                 how: str) -> tuple[str, Solution | None, str]:
        """A CP-SAT answer, its schedule checked (a schedule the checker rejects, or none completed, settles
        nothing)."""
        if answer == FEASIBLE:
            if sol is None:
                return UNSETTLED, None, f"{how}: the schedule of the concerned tasks could not be completed"
            if not check(problem, sol).ok or self._lateness(s, sol) != 0:
                return UNSETTLED, None, f"{how}: schedule rejected by the checker"
        return answer, sol, how

    def _lateness(self, s: frozenset[str], sol: Solution) -> int:
        """Periods late summed over the deadlines of ``s`` in ``sol``."""
        return sum(max(0, sol.tasks[t].end - self._due[t]) for g in s for t in self.groups[g])
