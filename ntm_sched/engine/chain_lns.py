"""Large-neighbourhood search over chains of late deadlines, money included, on a deterministic work limit.

Where money binds, a schedule's lateness is mostly made of a few *chains* left late (the works that lead to
one group of soft deadlines) because other chains took the money first. :func:`chain_lns` starts from a
checked schedule and re-solves, one neighbourhood at a time, the whole CP-SAT model (money, agencies,
calendars) with every task outside the neighbourhood held at its start, end and mode; **every payment stays
free**, so the money of the tasks held can move to the tasks freed as long as the held ones are still paid in
time. A neighbourhood is built from the caller's *groups* (named lists of tasks with soft or hard due dates,
e.g. the dated milestones of one commune's chain):

* a group's **chain** is its tasks and every task preceding them (precedences of any kind); its *own* chain
  leaves out the chains of the groups whose chain lies strictly inside it (a district's chain contains every
  commune's: its own is what is left, the district's works);
* the group's **lateness** is the lateness tier's terms of the soft due dates in its own chain.

The moves come in this fixed order (the groups in the caller's order within each kind):

1. ``chain``: each late group's own chain alone, the latest group first;
2. ``loose``: the same, every other task keeping its mode and moving by at most a 24th of the span of the late
   groups' chains (:data:`SLACKS`): the others' money follows them;
3. ``pair``: each late group's own chain with each other group's own chain (on time or late, its deadlines kept
   as they are: hard ones stay hard): the money of one can go to the other;
4. ``loose`` again with an 8th of the span;
5. ``late``: every late group's own chain together (with more than two late groups);
6. ``window``: every task running in ``[a, a + window)`` (``window`` a sixth, then a third, of that span,
   :data:`WINDOWS`; ``a`` in steps of half a window), where money released in that window can change hands
   between any chains.

Each move is a CP-SAT solve on **one worker** with ``seed``, stopped by proof or by ``move_work`` units of
deterministic time (``max_deterministic_time``, a count of work, not of seconds), the lateness held strictly
below the current value and the current assignment hinted in full. A move's schedule is read from the model,
checked by the independent checker (:func:`~ntm_sched.engine.checker.check`), and kept when its lateness is
lower (of moves solved side by side, the lowest: :func:`best_move`); the list is then made again from the
improved schedule and the search goes on with the move after it (every neighbourhood gets its turn). The search
ends when every move of the list has failed in a row from the same schedule (a local optimum: the same moves
from it would give the same answers), when the schedule's lateness reaches ``floor`` (a lower bound the caller
knows: no move can then go below it, so stopping changes nothing but the time spent), when the moves'
deterministic time reaches ``work``, or on the wall-clock safety limit ``wall`` (the answer may then depend on the
machine's load; :attr:`ChainLog.wall_cut` says so). Given the same problem, start, groups, seed and limits, and no
wall cut, the schedule returned is the same on any machine at any load.

Nothing is trusted: the schedule returned is ``start`` or one the checker accepted, never worse than ``start``.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

from ortools.sat.python import cp_model

from ntm_sched.engine.builder import build_model
from ntm_sched.engine.checker import check
from ntm_sched.engine.cpsat import make_solver
from ntm_sched.engine.heuristic import lateness_value
from ntm_sched.engine.model import BuiltModel
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Solution

__all__ = ["ChainLog", "Floor", "best_move", "chain_lns", "own_chains"]

WINDOWS = (6, 3)
"""The time windows' neighbourhoods: a window is the span of the late chains divided by these (module docstring)."""

SLACKS = (24, 8)
"""The loose neighbourhoods: the tasks held may move by the span of the late chains divided by these."""

MOVE_WORK = 2.0
"""Deterministic time of one move by default (a caller with measured needs passes its own, as the cut table does)."""


class Floor:
    """A lower bound of the lateness that another thread may raise while a search runs (it only goes up).

    :func:`chain_lns` reads it between moves and ends when its schedule reaches it. A move must go strictly below the
    current lateness, so once the schedule is at a lower bound every later move fails: whenever the bound becomes
    known, the schedule returned is the same (only the time spent differs).

    Parameters
    ----------
    value
        The bound known at the start.
    """

    def __init__(self, value: int = 0) -> None:
        self._value = int(value)
        self._lock = threading.Lock()

    @property
    def value(self) -> int:
        """The largest bound given so far."""
        with self._lock:
            return self._value

    def raise_to(self, value: int) -> None:
        """Take ``value`` if it is larger (a bound proven since, valid for every schedule of the problem)."""
        with self._lock:
            self._value = max(self._value, int(value))


@dataclasses.dataclass
class ChainLog:
    """What :func:`chain_lns` did.

    Attributes
    ----------
    tried, kept
        Moves solved, moves that improved the schedule.
    before, after
        The lateness tier's value of the start and of the schedule returned.
    work
        Deterministic time used by the moves (CP-SAT's units).
    seconds
        Wall seconds in all (the model's build included).
    local_optimum
        A whole pass of neighbourhoods improved nothing, or the lateness reached the caller's ``floor`` (the search
        did not stop on a limit).
    at_floor
        The lateness reached the caller's ``floor``: the schedule is of least lateness.
    wall_cut
        The wall-clock safety limit stopped the search or a move: the answer may depend on the load.
    kinds
        Moves kept per kind of neighbourhood (``"chain"``, ``"loose"``, ``"pair"``, ``"late"``, ``"window"``).
    """

    tried: int = 0
    kept: int = 0
    before: int = 0
    after: int = 0
    work: float = 0.0
    seconds: float = 0.0
    local_optimum: bool = False
    at_floor: bool = False
    wall_cut: bool = False
    kinds: dict[str, int] = dataclasses.field(default_factory=dict)


def own_chains(problem: Problem, groups: Mapping[str, Sequence[str]]) -> dict[str, frozenset[str]]:
    """Group name -> its own chain: its tasks and their predecessors, without the chains strictly inside it."""
    chain = {name: problem.ancestors(tasks) for name, tasks in groups.items()}
    out = {}
    for name, c in chain.items():
        inner = [d for other, d in chain.items() if other != name and d < c]
        out[name] = c.difference(*inner) if inner else c
    return out


def _lateness_by_task(problem: Problem, sol: Solution) -> dict[str, int]:
    """Task id -> its term of the lateness tier (soft due dates missed only)."""
    o = problem.objective
    out = {}
    for t in problem.tasks:
        if t.due is None or t.due_hard:
            continue
        e = sol.tasks[t.id].end
        if e > t.due:
            out[t.id] = o.tardiness * t.tardiness_weight * (e - t.due) + o.late_count * t.late_weight
    return out


class _Mover:
    """The model, the current assignment and the moves' accounting of one :func:`chain_lns`."""

    def __init__(self, problem: Problem, bm: BuiltModel, seed: int, move_work: float, work: float, wall: float,
                 log: ChainLog) -> None:
        self.problem, self.bm, self.seed, self.move_work = problem, bm, seed, move_work
        self.work, self.wall, self.log = work, wall, log
        self.t0 = time.perf_counter()
        self.expr = bm.tier_expr("lateness")
        self.base = bm.model.clone()
        self.base.clear_hints()
        self.base.minimize(self.expr)
        self.values: list[int] = []
        self.value = 0
        self.solution: Solution | None = None

    def out_of_time(self) -> bool:
        if time.perf_counter() - self.t0 >= self.wall:
            self.log.wall_cut = True
            return True
        return self.log.work >= self.work

    def _solve(self, free: frozenset[str] | None, below: int | None, work: float, slack: int = 0
               ) -> tuple[tuple[Solution, list[int]] | None, float, bool]:
        """Solve the model with every task outside ``free`` held (``None``: every task held), lateness < ``below``;
        with ``slack``, a task held keeps its mode and starts and ends within ``slack`` periods of where it is.
        Returns the schedule and values found (or ``None``), the deterministic time used and whether the wall-clock
        limit cut the search. Changes nothing here (moves may run in parallel)."""
        m = self.base.clone()
        bm = self.bm
        for t in self.problem.tasks:
            if free is not None and t.id in free:
                continue
            if free is None:
                ts = self.solution.tasks[t.id] if self.solution is not None else None
                assert ts is not None
                fixed = [(bm.start[t.id], ts.start), (bm.end[t.id], ts.end)]
                fixed += [(lit, int(k == ts.mode)) for k, lit in enumerate(bm.mode_lits.get(t.id, []))]
            elif slack:
                fixed = [(v, self.values[v.index]) for v in bm.mode_lits.get(t.id, [])]
                for var in (bm.start[t.id], bm.end[t.id]):
                    at = self.values[var.index]
                    var = m.get_int_var_from_proto_index(var.index)
                    m.add(var >= at - slack)
                    m.add(var <= at + slack)
            else:
                fixed = [(v, self.values[v.index]) for v in (bm.start[t.id], bm.end[t.id],
                                                              *bm.mode_lits.get(t.id, []))]
            for var, v in fixed:
                dom = m.proto.variables[var.index].domain
                dom.clear()
                dom.extend([v, v])
        if below is not None:
            m.add(self.expr <= below - 1)
        if self.values:
            for k, v in enumerate(self.values):
                m.add_hint(m.get_int_var_from_proto_index(k), v)
        solver = make_solver(max(0.01, min(work, self.work - self.log.work)), 1, self.seed, False,
                             safety=max(0.05, self.wall - (time.perf_counter() - self.t0)))
        p = solver.parameters
        st = solver.solve(m)
        resp = solver.response_proto
        cut = resp.deterministic_time < p.max_deterministic_time and resp.wall_time >= p.max_time_in_seconds * 0.99
        if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, float(resp.deterministic_time), cut
        sol = bm.solution_from(solver)
        values = [int(solver.value(m.get_int_var_from_proto_index(k))) for k in range(len(m.proto.variables))]
        return (sol, values), float(resp.deterministic_time), cut

    def start(self, start: Solution) -> bool:
        """Complete ``start`` (times and modes held) into an assignment of the model."""
        self.solution = start
        self.value = lateness_value(self.problem, start)
        got, used, cut = self._solve(None, None, max(self.move_work, 1.0))
        self.log.work += used
        self.log.wall_cut |= cut
        if got is None:
            return False
        self.values = got[1]
        return True

    def moves(self, batch: Sequence[tuple[str, frozenset[str], int]], pool: ThreadPoolExecutor | None) -> int | None:
        """Solve the moves of ``batch`` from the current schedule (in parallel with ``pool``); keep the one of lowest
        lateness (the first in the batch's order among equals, :func:`best_move`) that passes the checker. Returns its
        position, or ``None``. The work counted is the largest of the batch's (they run side by side), so the
        accounting does not depend on timing."""
        def one(move: tuple[str, frozenset[str], int]) -> tuple[tuple[Solution, list[int]] | None, float, bool]:
            return self._solve(move[1], self.value, self.move_work, move[2])

        if pool is None:
            results = [one(mv) for mv in batch]
        else:  # in the caller's context (its stop flag)
            results = [f.result() for f in [pool.submit(contextvars.copy_context().run, one, mv) for mv in batch]]
        self.log.tried += len(batch)
        self.log.work += max(used for _, used, _ in results)
        self.log.wall_cut |= any(cut for _, _, cut in results)
        found = [None if got is None else lateness_value(self.problem, got[0]) for got, _, _ in results]
        while (pos := best_move(found, self.value)) is not None:
            got = results[pos][0]
            assert got is not None
            if not check(self.problem, got[0]).ok:
                found[pos] = None  # rejected by the checker: the next best
                continue
            self.solution, self.values = got
            self.value = lateness_value(self.problem, got[0])
            kind = batch[pos][0]
            self.log.kept += 1
            self.log.kinds[kind] = self.log.kinds.get(kind, 0) + 1
            return pos
        return None


def best_move(values: Sequence[int | None], current: int) -> int | None:
    """Position of the move to keep among a batch's lateness values (``None``: no schedule): the lowest below
    ``current``, the first in the batch's order among equals; ``None`` when none is below ``current``."""
    better = [(v, pos) for pos, v in enumerate(values) if v is not None and v < current]
    return min(better)[1] if better else None


def _neighbourhoods(problem: Problem, sol: Solution, own: Mapping[str, frozenset[str]]
                    ) -> list[tuple[str, frozenset[str], int]]:
    """The moves from ``sol`` (module docstring), in their fixed order: ``(kind, tasks freed, slack of the others)``."""
    late_by_task = _lateness_by_task(problem, sol)
    names = list(own)
    lateness = {g: sum(late_by_task.get(t, 0) for t in own[g]) for g in names}
    late = sorted((g for g in names if lateness[g] > 0), key=lambda g: (-lateness[g], names.index(g)))
    spans = [(sol.tasks[t].start, sol.tasks[t].end) for g in late for t in own[g]]
    lo, hi = (min(s for s, _ in spans), max(e for _, e in spans)) if spans else (0, 0)
    loose = [[("loose", own[g], max(1, (hi - lo) // n)) for g in late] for n in SLACKS]
    out: list[tuple[str, frozenset[str], int]] = [("chain", own[g], 0) for g in late]
    out += loose[0]
    for g in late:
        out += [("pair", own[g] | own[h], 0) for h in names if h != g]
    for more in loose[1:]:
        out += more
    if len(late) > 2:
        out.append(("late", frozenset().union(*(own[g] for g in late)), 0))
    for n in WINDOWS:
        width = max(1, (hi - lo) // n)
        a = lo
        while a < hi:
            inside = frozenset(t.id for t in problem.tasks
                               if sol.tasks[t.id].start < a + width and sol.tasks[t.id].end > a)
            out.append(("window", inside, 0))
            a += max(1, width // 2)
    seen: set[tuple[frozenset[str], int]] = set()
    unique = []
    for kind, free, slack in out:
        if free and (free, slack) not in seen:
            seen.add((free, slack))
            unique.append((kind, free, slack))
    return unique


def chain_lns(problem: Problem, start: Solution, groups: Mapping[str, Sequence[str]], work: float, *,
              move_work: float = MOVE_WORK, wall: float | None = None, seed: int,
              parallel: int = 1, floor: int | Floor = 0, on_improve: Callable[[Solution], None] | None = None
              ) -> tuple[Solution, ChainLog]:
    """Lower the lateness of ``start`` by re-solving chains of late deadlines (module docstring).

    Parameters
    ----------
    problem
        The problem (its hard deadlines stay hard).
    start
        A schedule of ``problem`` that the checker accepts.
    groups
        Group name -> task ids (each group's dated tasks); the order is the order of the moves.
    work
        Deterministic time (CP-SAT's units, about seconds on an idle machine) of all the moves together.
    move_work
        Deterministic time of one move.
    wall
        Wall-clock safety limit in seconds (default: a solve's on deterministic time,
        :attr:`SolveOptions.deterministic_safety <ntm_sched.engine.options.SolveOptions>` of ``work``); a search it
        stops says so (:class:`ChainLog`).
    seed
        CP-SAT's seed of every move.
    parallel
        Moves solved side by side (each on one worker): the next ``parallel`` moves of the list from the same
        schedule, the one of them with the lowest lateness kept (the first in the list's order among equals,
        :func:`best_move`). Their work counts once (the largest),
        so ``work`` is per worker; the answer depends on ``parallel`` but not on the threads' timing.
    floor
        A lower bound of the lateness of every schedule of ``problem`` (default 0): the search ends when it is
        reached. Every later move would have failed (a move must go below the current lateness), so the schedule
        returned is the one the search would have returned without it, only sooner. A :class:`Floor` is read between
        moves: a bound proven by another thread while the search runs ends it as soon as it is known, and the
        schedule is still the same, whenever that is.
    on_improve
        Called (in the caller's thread) with the new schedule each time a move is kept: the last one it is given is
        the schedule returned (the same object).

    Returns
    -------
    (Solution, ChainLog)
        The best schedule found (``start`` when nothing improved or it could not be completed), and the log.
    """
    t0 = time.perf_counter()
    log = ChainLog(before=lateness_value(problem, start))
    log.after = log.before
    low = floor if isinstance(floor, Floor) else Floor(floor)
    if log.before <= low.value or work <= 0:
        log.local_optimum = log.at_floor = log.before <= low.value
        return start, log
    bm = build_model(problem)
    from ntm_sched.engine.options import SolveOptions

    safety = SolveOptions().deterministic_safety.of(work) if wall is None else wall
    mover = _Mover(problem, bm, seed, move_work, work, safety, log)
    if isinstance(mover.expr, (int, float)) or not mover.start(start):
        log.seconds = time.perf_counter() - t0
        return start, log
    own = own_chains(problem, groups)
    assert mover.solution is not None
    moves = _neighbourhoods(problem, mover.solution, own)
    k = failed = 0
    with ThreadPoolExecutor(parallel) if parallel > 1 else contextlib.nullcontext() as pool:
        while moves and failed < len(moves) and mover.value > low.value and not mover.out_of_time():
            batch = [moves[(k + i) % len(moves)] for i in range(min(parallel, len(moves) - failed))]
            kept = mover.moves(batch, pool)
            if kept is not None:
                if on_improve is not None:
                    assert mover.solution is not None
                    on_improve(mover.solution)
                # the next move is the one after it in the new schedule's list: every neighbourhood gets its turn
                moves = _neighbourhoods(problem, mover.solution, own)
                failed = 0
                k += kept + 1
            else:
                failed += len(batch)
                k += len(batch)
    log.at_floor = mover.value <= low.value
    log.local_optimum = not moves or failed >= len(moves) or log.at_floor
    best = mover.solution if mover.solution is not None and mover.value < log.before else start
    log.after = lateness_value(problem, best)
    log.seconds = time.perf_counter() - t0
    return best, log
