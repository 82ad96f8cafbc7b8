"""Which groups of deadlines can be met together: the largest sets, searched exactly, across a chain of problems.

A *group* is a named set of tasks with due dates (the caller's meaning: e.g. the dated
milestones of one owner). A set ``S`` of groups is *feasible* in a problem when some schedule
ends every task of every group of ``S`` by its due date (the other deadlines free: their due
dates are dropped). :class:`GroupSearch` answers "which sets of groups of the largest size are
feasible?" for each problem of a *chain*: problems that differ only in their money, each
releasing at most what the one before it releases, at every date, from every source (so every
schedule of ``problems[k + 1]`` is a schedule of ``problems[k]``; :func:`check_nested` verifies
this before anything is asked).

Each set is a **feasibility question**, settled in one of three ways and never guessed:

* **feasible**: a schedule meeting every deadline of the set, checked by the engine's
  independent checker (:func:`ntm_sched.engine.checker.check`) against the problem asked;
* **infeasible**: proven by a relaxation (:mod:`ntm_sched.engine.relaxation`: a task of the set's
  chains cannot end in time from its earliest dates whatever the money, which then holds in every
  problem of the chain; or the money the deadlines force cannot have been released in time, a
  maximum flow) or by CP-SAT, on the model with the set's deadlines hard (``INFEASIBLE``);
* **unsettled**: neither within the question's time (or the search's budget, or a stop request),
  and reported as such.

How a question is answered (:meth:`GroupSearch.ask`): first from what is known (monotonicity,
below); then the two relaxations (milliseconds; on the shipped plan they refute every infeasible
set but a few); then a money-aware schedule generation scheme (:mod:`ntm_sched.engine.heuristic`) with
only the set's deadlines (a schedule that meets them is checked and settles the question in a
fraction of a second); then a CP-SAT search (one worker, in a thread) on the set's deadlines as
hard constraints without objective races further randomised schedule generation (presolve and
propagation prove most infeasible sets in 0.3-2 s, as the deadline patterns of
:mod:`ntm_sched.engine.patterns` do).

**Monotone pruning** (the chain's order is the caller's "more money first"):

* a set infeasible in ``problems[k]`` makes every superset infeasible in ``problems[k]`` and in
  every later problem (less money);
* a schedule of ``problems[k]`` is re-checked (checker) in every earlier problem (more money), where
  it meets the same deadlines: every set of groups it meets is feasible there, and their subsets.

Schedules are never carried unchecked; infeasibility is carried by the chain's nesting, which
:func:`check_nested` proves from the data.

The search of the largest sets at one problem (:meth:`GroupSearch.largest`), for at most
:data:`TOP_DOWN_GROUPS` groups: every set the relaxations do not refute (enumerated from the empty
set, a set examined only when its subsets survived; :meth:`GroupSearch.candidates`), then the sizes
from the largest such set downwards, every candidate of a size asked. The first size with a feasible
set is the answer; every candidate of that size is settled (or reported unsettled), so *every* largest
set is listed, and a larger unsettled set is reported as such (the answer is then not proven). Sets
below the answer are never asked. With more groups, level-wise from the empty set (a set asked only
when none of its subsets is infeasible). The number of candidates grows as ``C(n, size)``: the search
is meant for a few groups.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

from ntm_sched.engine.checker import check
from ntm_sched.engine.group_questions import (  # noqa: F401 - the answers and records, re-exported
    FEASIBLE,
    INFEASIBLE,
    UNSETTLED,
    LevelAnswer,
    Question,
    QuestionAsker,
)
from ntm_sched.engine.heuristic import money_sgs
from ntm_sched.engine.options import SolveOptions
from ntm_sched.engine.problem import Problem, ProblemError
from ntm_sched.engine.relaxation import Relaxation
from ntm_sched.engine.result import Solution
from ntm_sched.engine.stop import stop_requested

TOP_DOWN_GROUPS = 12
"""Up to this many groups the largest sets are searched from the top (every set the relaxations do not refute,
largest first); above it, level-wise from the empty set."""


def check_nested(problems: Sequence[Problem]) -> None:
    """Raise :class:`ProblemError` unless every schedule of ``problems[k + 1]`` is one of ``problems[k]``.

    Sufficient condition checked: the same tasks, precedences, resources, budgets, calendars,
    horizon and advance share, the same sources (names, unlimited ones identical) and, for every
    limited source, at every release date of either problem, the money released so far by
    ``problems[k + 1]`` at most that of ``problems[k]``.
    """
    for k in range(len(problems) - 1):
        a, b = problems[k], problems[k + 1]
        for name in ("tasks", "precedences", "resources", "budgets", "calendars", "horizon", "advance_share"):
            if getattr(a, name) != getattr(b, name):
                raise ProblemError(f"group search: problems {k} and {k + 1} differ in {name}, not only in money")
        if [s.name for s in a.sources] != [s.name for s in b.sources]:
            raise ProblemError(f"group search: problems {k} and {k + 1} have different sources")
        for sa, sb in zip(a.sources, b.sources):
            if sa.unlimited or sb.unlimited:
                if sa != sb:
                    raise ProblemError(f"group search: source {sa.name!r} differs between problems {k} and {k + 1}")
                continue
            for t in sorted({tr.time for tr in sa.tranches} | {tr.time for tr in sb.tranches}):
                ra = sum(tr.amount for tr in sa.tranches if tr.time <= t)
                rb = sum(tr.amount for tr in sb.tranches if tr.time <= t)
                if rb > ra:
                    raise ProblemError(f"group search: source {sa.name!r} releases more by period {t} in problem "
                                       f"{k + 1} ({rb}) than in problem {k} ({ra}): the chain is not nested")


class GroupSearch(QuestionAsker):
    """Feasibility of sets of deadline groups across a nested chain of problems, with caching.

    Parameters
    ----------
    problems
        The chain, richest first (:func:`check_nested` is run on it).
    groups
        Group name -> the ids of its tasks (each with a due date).
    question_time
        Seconds of one feasibility question's CP-SAT race.
    workers
        CP-SAT workers a question uses (``None``: :class:`SolveOptions`' default; 2: the hard and the
        lateness searches race in two threads; 1: the hard search, then the lateness search, each half
        the time).
    seed
        CP-SAT's random seed (and the heuristic's).
    stop
        Called between steps; ``True`` stops the search (the questions left are unsettled). The
        engine's current :class:`~ntm_sched.engine.stop.StopFlag` is polled as well.
    progress
        Called with each :class:`Question` once answered.
    """

    def __init__(self, problems: Sequence[Problem], groups: Mapping[str, Sequence[str]], *,
                 question_time: float = 6.0, workers: int | None = None, seed: int | None = None,
                 stop: Callable[[], bool] | None = None, progress: Callable[[Question], None] | None = None) -> None:
        if not problems:
            raise ProblemError("group search: no problem")
        check_nested(problems)
        self.problems = list(problems)
        due = {t.id: t.due for t in problems[0].tasks}
        for g, ids in groups.items():
            for tid in ids:
                if tid not in due:
                    raise ProblemError(f"group search: group {g!r} names unknown task {tid!r}")
                if due[tid] is None:
                    raise ProblemError(f"group search: task {tid!r} of group {g!r} has no due date")
        self.groups = {g: tuple(ids) for g, ids in groups.items()}
        self.names = sorted(self.groups)
        self._due = {tid: int(d) for tid, d in due.items() if d is not None}
        self.question_time = float(question_time)
        opts = SolveOptions().with_(workers=workers, seed=seed)  # the one home of the defaults
        self.workers = opts.workers
        self.seed = opts.seed
        self._stop = stop
        self._progress = progress
        self._infeasible: list[tuple[int, frozenset[str]]] = []  # (level, set): infeasible there and below
        self._schedules: list[tuple[int, Solution]] = []  # (level where checked, schedule)
        self._valid: dict[tuple[int, int], frozenset[str] | None] = {}  # (schedule, level) -> groups met / None
        self._unsettled: dict[tuple[int, frozenset[str]], float] = {}  # (level, set) -> seconds tried
        self._relaxations: dict[int, Relaxation] = {}
        self._candidates: dict[int, list[frozenset[str]]] = {}
        self.questions: list[Question] = []

    # ------------------------------------------------------------------ what is known
    def stopped(self) -> bool:
        """A stop was requested (the caller's callback or the engine's current stop flag)."""
        return bool(stop_requested() or (self._stop is not None and self._stop()))

    def met(self, solution: Solution) -> frozenset[str]:
        """The groups every deadline of which ``solution`` meets."""
        return frozenset(g for g, ids in self.groups.items()
                         if all(solution.tasks[t].end <= self._due[t] for t in ids))

    def _met_at(self, i: int, level: int) -> frozenset[str] | None:
        """Groups met by schedule ``i`` if it is a checked schedule of ``problems[level]``, else ``None``."""
        key = (i, level)
        if key not in self._valid:
            k, sol = self._schedules[i]
            ok = k == level or (k > level and check(self.problems[level], sol).ok)
            self._valid[key] = self.met(sol) if ok else None
        return self._valid[key]

    def known(self, level: int, s: frozenset[str]) -> tuple[str, Solution | None] | None:
        """``(FEASIBLE, schedule)`` or ``(INFEASIBLE, None)`` when known without a question, else ``None``."""
        if any(k <= level and bad <= s for k, bad in self._infeasible):
            return INFEASIBLE, None
        for i in range(len(self._schedules)):
            if self._schedules[i][0] >= level:
                m = self._met_at(i, level)
                if m is not None and s <= m:
                    return FEASIBLE, self._schedules[i][1]
        return None

    def record_schedule(self, level: int, solution: Solution) -> bool:
        """Add a schedule of ``problems[level]`` found elsewhere (e.g. a solve); kept when the checker accepts it."""
        if not check(self.problems[level], solution).ok:
            return False
        self._schedules.append((level, solution))
        return True

    # ------------------------------------------------------------------ one question
    def ask(self, level: int, s: frozenset[str] | set[str],
            time_limit: float | None = None) -> tuple[str, Solution | None]:
        """Is the set ``s`` of groups feasible in ``problems[level]``? ``(answer, schedule or None)``."""
        s = frozenset(s)
        t0 = time.perf_counter()
        got = self.known(level, s)
        if got is not None:
            how = "known" if got[0] == FEASIBLE else "carried"
            self._log(Question(level, s, got[0], how, time.perf_counter() - t0))
            return got
        if self.stopped():
            self._log(Question(level, s, UNSETTLED, "not asked", 0.0))
            return UNSETTLED, None
        refuted = self.refute(level, s)
        if refuted is not None:
            # the times alone hold in every problem of the chain (same tasks, precedences, calendars, horizon)
            self._infeasible.append((0 if refuted[0] == "earliest dates" else level, s))
            self._log(Question(level, s, INFEASIBLE, refuted[0], time.perf_counter() - t0))
            return INFEASIBLE, None
        limit = self.question_time if time_limit is None else float(time_limit)
        answer, sol, how = self._decide(level, s, limit)
        if answer == FEASIBLE:
            assert sol is not None
            self._schedules.append((level, sol))
        elif answer == INFEASIBLE:
            self._infeasible.append((level, s))
        else:
            self._unsettled[(level, s)] = self._unsettled.get((level, s), 0.0) + limit
        self._log(Question(level, s, answer, how, time.perf_counter() - t0))
        return answer, sol

    def relaxation(self, level: int) -> Relaxation:
        """The time and money relaxations of ``problems[level]`` (:mod:`ntm_sched.engine.relaxation`)."""
        if level not in self._relaxations:
            self._relaxations[level] = Relaxation(self.problems[level])
        return self._relaxations[level]

    def deadlines(self, s: frozenset[str] | set[str]) -> dict[str, int]:
        """Task id -> due date of every task of the groups of ``s``."""
        return {t: self._due[t] for g in s for t in self.groups[g]}

    def refute(self, level: int, s: frozenset[str]) -> tuple[str, str] | None:
        """A proof that ``s`` is infeasible in ``problems[level]`` from the relaxations: ``("earliest dates",
        why)`` (the times alone: infeasible in every problem of the chain), ``("money relaxation", why)``, or
        ``None`` when neither refutes it."""
        rel = self.relaxation(level)
        d = self.deadlines(s)
        late = rel.out_of_reach(d)
        if late:
            return "earliest dates", f"{late[0]} cannot end in time whatever the money ({len(late)} tasks)"
        short = rel.shortfall(d)
        if short > 0:
            return "money relaxation", f"{short} money units cannot be released in time"
        return None

    def _log(self, q: Question) -> None:
        self.questions.append(q)
        if self._progress is not None:
            self._progress(q)

    # ------------------------------------------------------------------ the largest sets
    def largest(self, level: int, time_budget: float | None = None) -> LevelAnswer:
        """Every feasible set of groups of the largest size in ``problems[level]`` (module docstring).

        Parameters
        ----------
        level
            Index of the problem in the chain.
        time_budget
            Seconds for this level's questions; a candidate not settled within it is reported unsettled.
        """
        t0 = time.perf_counter()
        first_q = len(self.questions)

        def left() -> float:
            return float("inf") if time_budget is None else time_budget - (time.perf_counter() - t0)

        self._seed(level, min(3.0, 0.1 * left()))
        limit = self.question_time
        while True:
            if len(self.names) <= TOP_DOWN_GROUPS:
                size, found, unsettled = self._top_down(level, limit, left)
            else:
                size, found, unsettled = self._levelwise(level, limit, left)
            # time left: the unsettled questions once more with twice the time (what is settled stays)
            if not unsettled or self.stopped() or left() < 2 * limit or limit >= 4 * self.question_time:
                break
            limit *= 2
        return LevelAnswer(level, size, sorted(found, key=sorted) if size is not None else [],
                           {c: found[c] for c in found}, sorted(unsettled, key=lambda c: (-len(c), sorted(c))),
                           self.questions[first_q:], time.perf_counter() - t0)

    def _seed(self, level: int, seconds: float) -> None:
        """Schedules meeting many groups at once, so that their subsets need no question: the schedule generation
        scheme with every group's deadlines (each variant checked and kept)."""
        t0 = time.perf_counter()
        every = self._variant(level, frozenset(self.names), False)
        k = 0
        while k < 3 or (time.perf_counter() - t0 < seconds and k < 12):
            if self.stopped():
                return
            sol = money_sgs(every, seed=self.seed * 1000 + 500 + k, noise=0 if k < 3 else 30,
                            accelerate=(1.0, 0.0, 0.5)[k % 3])
            k += 1
            if sol is not None and check(self.problems[level], sol).ok:
                self._schedules.append((level, sol))

    def candidates(self, level: int) -> list[frozenset[str]]:
        """Every set of groups neither refuted by the relaxations of ``problems[level]`` nor known infeasible there,
        largest first, then in the groups' order.

        Enumerated from the empty set with the relaxations' monotonicity (a set is examined only when every
        subset one smaller survived: more deadlines only tighten the latest dates, and the money relaxation of
        a poorer problem refutes whatever a richer one does), starting at a poorer problem from the richer
        problem's survivors (cached)."""
        if level in self._candidates:
            return self._candidates[level]
        richer = next((self._candidates[k] for k in range(level - 1, -1, -1) if k in self._candidates), None)
        allowed = None if richer is None else set(richer)
        pos = {g: k for k, g in enumerate(self.groups)}
        alive: list[frozenset[str]] = []
        layer = [frozenset[str]()]
        while layer:
            ok = []
            for c in layer:
                if allowed is not None and c not in allowed:
                    continue
                if any(k <= level and bad <= c for k, bad in self._infeasible) or self.refute(level, c) is not None:
                    continue
                ok.append(c)
            alive.extend(ok)
            okset = set(ok)
            layer = sorted({c | {g} for c in ok for g in self.names if g not in c
                            and all((c | {g}) - {x} in okset for x in c | {g})}, key=sorted)
        alive.sort(key=lambda c: (-len(c), sorted(pos[g] for g in c)))
        self._candidates[level] = alive
        return alive

    def _top_down(self, level: int, limit: float, left: Callable[[], float]
                  ) -> tuple[int | None, dict[frozenset[str], Solution], list[frozenset[str]]]:
        """The sizes from the largest set the relaxations leave possible downwards: every surviving set of a size is
        asked (a schedule meeting a larger set answers its subsets); the first size with a feasible set is the
        answer, and the sets of that size or larger left unsettled are returned with it (the answer is then not
        proven). Returns the size, the feasible sets of that size with schedules, and the sets left unsettled."""
        cands = self.candidates(level)
        unsettled: list[frozenset[str]] = []
        for size in sorted({len(c) for c in cands}, reverse=True):
            found: dict[frozenset[str], Solution] = {}
            for c in (c for c in cands if len(c) == size):
                answer, sol = self._settle(level, c, limit, left)
                if answer == FEASIBLE:
                    assert sol is not None
                    found[c] = sol
                elif answer == UNSETTLED:
                    unsettled.append(c)
            if found:
                return size, found, unsettled
        return None, {}, unsettled

    def _settle(self, level: int, s: frozenset[str], limit: float, left: Callable[[], float]
                ) -> tuple[str, Solution | None]:
        """Answer ``s`` from what is known, else ask it within ``limit`` and the time ``left``."""
        got = self.known(level, s)
        if got is not None:
            return got
        if (level, s) in self._unsettled and self._unsettled[(level, s)] >= limit:
            return UNSETTLED, None  # already tried this long in this search
        if left() <= 0.2 or self.stopped():
            self._log(Question(level, s, UNSETTLED, "not asked", 0.0))
            return UNSETTLED, None
        return self.ask(level, s, min(limit, max(0.2, left())))

    def _levelwise(self, level: int, limit: float, left: Callable[[], float]
                   ) -> tuple[int | None, dict[frozenset[str], Solution], list[frozenset[str]]]:
        """One pass of the level-wise search: sets of size ``k + 1`` are asked only when none of their subsets of
        size ``k`` is infeasible. Returns the largest size with a feasible set, those sets with schedules, and the
        sets of that size or larger left unsettled."""
        def settle(s: frozenset[str]) -> tuple[str, Solution | None]:
            return self._settle(level, s, limit, left)

        answer, sol = settle(frozenset())
        if answer != FEASIBLE:
            return None, {}, [frozenset()] if answer == UNSETTLED else []
        assert sol is not None
        best: dict[frozenset[str], Solution] = {frozenset(): sol}
        size = 0
        unsettled: list[tuple[int, frozenset[str]]] = []
        layer: list[frozenset[str]] = [frozenset()]  # the sets of the current size not known infeasible
        while layer:
            alive = set(layer)
            k = len(next(iter(layer)))
            cands = sorted({s | {g} for s in layer for g in self.names if g not in s}, key=sorted)
            # every subset one smaller must still be possible (not infeasible)
            cands = [c for c in cands if all(c - {g} in alive for g in c)]
            next_layer: list[frozenset[str]] = []
            found: dict[frozenset[str], Solution] = {}
            for c in cands:
                answer, sol = settle(c)
                if answer == FEASIBLE:
                    assert sol is not None
                    found[c] = sol
                    next_layer.append(c)
                elif answer == UNSETTLED:
                    unsettled.append((k + 1, c))
                    next_layer.append(c)  # may be feasible: its supersets are asked too
            if found:
                size, best = k + 1, found
            layer = next_layer
        return size, best, [c for n, c in unsettled if n >= size]
