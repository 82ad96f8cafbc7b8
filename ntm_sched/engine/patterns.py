"""Search over *which* deadlines are late: the primal heuristic used when money binds.

When money binds, the lateness tier is hard for CP-SAT from scratch (benchmarks/README.md,
"Own money"): its first schedules leave many deadlines late, its neighbourhoods rarely
move money from one group of works to another, and its bound only closes once a good
schedule is known. The structure of good schedules is simple, though: most deadlines are
held exactly as in the schedule *without* money (the payment-free optimum, proven in a
second or two), and a few chains of deadlines are given up to make the money fit.

This module searches that structure directly. A *pattern* is a set of soft deadlines that
may be late; every other soft deadline ``d`` is held to its *target*: its due date, or the
end it has in the payment-free schedule when even that schedule misses it
(``target(d) = max(due(d), end_free(d))``). For a pattern the full model (money included)
is solved with ``end(d) <= target(d)`` posted as hard constraints on every deadline held:
the presolve and the propagation then cut the search down to the deadlines given up, and
such a solve either proves the pattern infeasible in a fraction of a second or finds the
best schedule of the pattern in a few seconds (1 worker). Which patterns are tried:

* none given up (when that is feasible, money costs no lateness beyond the payment-free
  optimum, which the caller's bound then proves);
* every *root* of the incumbent's late deadlines (a late deadline none of whose
  predecessors is late), each with every deadline that follows it (giving up a deadline
  gives up the chain after it), the most late first;
* all the roots at once, hinted with the incumbent (which meets that pattern, so the solve
  starts from a schedule and only improves it): where money is cut deeply and many chains
  must go, no single root is feasible; after an improvement that still leaves three roots or
  more, all of them again and all of them but one (greedy steps down). These patterns are
  dropped unsolved once a better schedule than the one they were built around is known;
* a pattern whose solve stopped without a schedule once more with twice the time;
* when no single root gives a better schedule, the pairs of the six most late roots;
* from each improved schedule, its own roots again, until nothing improves or the time is
  spent;
* when the best pattern's solve stopped on its time limit, that pattern again, hinted with
  its schedule, until proven optimal within the pattern, no longer improving, or out of time.

Solves run ``workers`` at a time (a new one starts as soon as one ends), each on 1 CP-SAT
worker. Nothing here is trusted: every
schedule found is a complete assignment of the caller's model, which the caller hints to
its final solve, reads and checks as usual; a pattern's optimum is only a candidate (the
final solve, not this search, gives the bound).
"""

from __future__ import annotations

import contextvars
import itertools
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ntm_sched.engine.clock import now, set_limit
from ntm_sched.engine.options import SolveOptions
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Solution
from ntm_sched.engine.stop import attach


def soft_deadlines(problem: Problem) -> list[str]:
    """Tasks with a soft due date that carries a weight, in the problem's order."""
    return [t.id for t in problem.tasks
            if t.due is not None and not t.due_hard and (t.late_weight > 0 or t.tardiness_weight > 0)]


def deadline_targets(problem: Problem, free: Solution) -> dict[str, int]:
    """``max(due, end in free)`` per soft deadline: what a deadline held in a pattern must meet.

    ``free`` is a schedule of the problem without money (it meets every other rule), so the
    targets are met together by some schedule when money is ignored.
    """
    due = {t.id: t.due for t in problem.tasks}
    out: dict[str, int] = {}
    for d in soft_deadlines(problem):
        dd = due[d]
        assert dd is not None
        out[d] = max(dd, free.tasks[d].end)
    return out


def followers(problem: Problem) -> dict[str, frozenset[str]]:
    """Per soft deadline, itself and every soft deadline reachable from it by precedences."""
    soft = set(soft_deadlines(problem))
    succ: dict[str, set[str]] = defaultdict(set)
    for p in problem.precedences:
        succ[p.pred].add(p.succ)
    out: dict[str, frozenset[str]] = {}
    for d in soft:
        seen = {d}
        stack = [d]
        while stack:
            x = stack.pop()
            for y in succ[x]:
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        out[d] = frozenset(seen & soft)
    return out


def late_roots(ends: dict[str, int], targets: dict[str, int], follow: dict[str, frozenset[str]]) -> list[str]:
    """The deadlines past their targets that follow no other such deadline, most late first."""
    late = {d for d, T in targets.items() if ends[d] > T}
    roots = [d for d in late if not any(d in follow[a] for a in late if a != d)]
    return sorted(roots, key=lambda d: (-(ends[d] - targets[d]), d))


@dataclass
class PatternLog:
    """What the pattern search did (for the result's notes and the benchmarks)."""

    tried: int = 0
    infeasible: int = 0
    improved: int = 0
    best_pattern: tuple[str, ...] = ()
    """The deadlines past their targets in the best schedule (those given up that it needed)."""
    seconds: float = 0.0
    lines: list[str] = field(default_factory=list)

    def note(self) -> str:
        """One line for :attr:`Result.notes <ntm_sched.engine.result.Result.notes>`."""
        pat = ", ".join(self.best_pattern) if self.best_pattern else "none"
        return (f"deadline-pattern search: {self.tried} patterns tried ({self.infeasible} infeasible), "
                f"{self.improved} improvements in {self.seconds:.1f} s; deadlines given up in the best: {pat}")


def pattern_search(bm, values: list[int], expr, targets: dict[str, int], time_budget: float,
                   options: SolveOptions) -> tuple[list[int], int, PatternLog]:
    """Improve ``values`` (a complete assignment of ``bm.model``) on ``expr`` by deadline patterns.

    Parameters
    ----------
    bm
        The built model (:class:`~ntm_sched.engine.builder.BuiltModel`) of the problem.
    values
        A complete assignment of ``bm.model`` (the incumbent).
    expr
        The linear expression to minimise (the lateness tier).
    targets
        :func:`deadline_targets` of the problem.
    time_budget
        Seconds for the whole search.
    options
        ``workers``: pattern solves run at the same time (each on one CP-SAT worker); ``seed``:
        CP-SAT's random seed; ``pattern_solve_time``: time limit of one pattern solve (twice that
        when continuing the best pattern).

    Returns
    -------
    tuple
        The best assignment, its value of ``expr`` and a :class:`PatternLog`.
    """
    t0 = now()
    workers, seed, sub_time = options.workers, options.seed, options.pattern_solve_time
    problem = bm.problem
    follow = followers(problem)
    log = PatternLog()
    base = bm.model.clone()
    base.minimize(expr)
    base.clear_hints()
    n = len(base.proto.variables)
    ends_of = {d: bm.end[d].index for d in targets}

    def value_of(solver: cp_model.CpSolver) -> tuple[list[int], int]:
        return [int(solver.value(base.get_int_var_from_proto_index(k))) for k in range(n)], int(solver.objective_value)

    def solve_pattern(given_up: frozenset[str], limit: float,
                      hint: list[int] | None = None) -> tuple[str, list[int] | None, int | None]:
        m2 = base.clone()
        for d, T in targets.items():
            if d not in given_up:
                m2.add(m2.get_int_var_from_proto_index(ends_of[d]) <= T)
        if hint is not None:
            for k, val in enumerate(hint):
                m2.add_hint(m2.get_int_var_from_proto_index(k), val)
        solver = attach(set_limit(cp_model.CpSolver(), max(0.05, limit)))
        p = solver.parameters
        p.num_workers = 1
        p.random_seed = int(seed)
        st = solver.solve(m2)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            vals, v = value_of(solver)
            return solver.status_name(st), vals, v
        return solver.status_name(st), None, None

    def closure(pattern: tuple[str, ...]) -> frozenset[str]:
        return frozenset().union(*(follow[d] for d in pattern))

    cur, cur_v = list(values), int(round(_value(base, values)))
    seen: set[frozenset[str]] = set()

    # a pattern (the roots given up), its time limit, a hint (a schedule meeting the pattern, or None) and,
    # for the patterns built around one incumbent, its value (they are dropped once a better one is known)
    Item = tuple[tuple[str, ...], float, "list[int] | None", "int | None"]

    def fresh_patterns(vals: list[int], pairs: bool = False, first: bool = False) -> list[Item]:
        """Patterns around the schedule ``vals``: each of its late roots alone (or pairs of roots); then, at
        the start (``first``) or when three roots or more are still late, all of them at once, hinted with
        ``vals`` (which meets that pattern: a solve that starts from a schedule and only improves it); then,
        when three or more are late after an improvement, all of them but one (greedy steps down). The last
        two are dropped unsolved once a better schedule than ``vals`` is known."""
        roots = late_roots({d: vals[i] for d, i in ends_of.items()}, targets, follow)
        v = int(round(_value(base, vals)))
        pats: list[tuple[tuple[str, ...], list[int] | None, int | None]] = []
        if pairs:
            pats += [(pat, None, None) for pat in itertools.combinations(roots[:6], 2)]
        else:
            pats += [((r,), None, None) for r in roots]
            if len(roots) >= (2 if first else 3):
                pats.append((tuple(roots), vals, v))
            if len(roots) >= 3 and not first:
                pats += [(tuple(x for x in roots if x != r), None, v) for r in roots]
        out: list[Item] = []
        for pat, hint, made_at in pats:
            key = closure(pat)
            if key not in seen:
                seen.add(key)
                out.append((pat, sub_time, hint, made_at))
        return out

    best_status = ""

    def run(items: list[Item], pool: ThreadPoolExecutor) -> list[Item]:
        """Solve ``items`` (pattern, time limit) ``workers`` at a time, in order, keeping the best; patterns of
        improved schedules are appended as they come. Returns the patterns stopped without a schedule."""
        nonlocal cur, cur_v, best_status
        timed_out: list[Item] = []
        pending: dict = {}
        k = 0
        while k < len(items) or pending:
            while k < len(items) and len(pending) < max(1, int(workers)):
                left = time_budget - (now() - t0)
                if left < 0.2:
                    k = len(items)
                    break
                pat, limit, hint, made_at = items[k]
                k += 1
                if made_at is not None and cur_v < made_at:  # built around a schedule no longer the best
                    continue
                # in the caller's context: the solve's clock (:mod:`.clock`) is a context variable
                pending[pool.submit(contextvars.copy_context().run, solve_pattern, closure(pat), min(limit, left),
                                    hint)] = items[k - 1]
            if not pending:
                break
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                pat, limit, hint, made_at = pending.pop(fut)
                status, vals, v = fut.result()
                log.tried += 1
                log.lines.append(f"{now() - t0:5.1f} s {'+'.join(pat) or '(none)'}: {status} "
                                 f"{v if v is not None else '-'}")
                if status == "INFEASIBLE":
                    log.infeasible += 1
                elif vals is None:
                    timed_out.append((pat, limit, hint, made_at))
                better = vals is not None and v is not None and v < cur_v
                # as good, and proven best within a pattern: the best needs no more search of its own
                proven_tie = vals is not None and v == cur_v and status == "OPTIMAL" and best_status == "FEASIBLE"
                if better or proven_tie:
                    assert vals is not None and v is not None
                    cur, cur_v = vals, v
                    # the deadlines the schedule actually misses (a pattern may give up more than it needs)
                    log.best_pattern = tuple(sorted(d for d, i in ends_of.items() if vals[i] > targets[d]))
                    best_status = status
                if better:
                    log.improved += 1
                    items.extend(fresh_patterns(cur))
        return timed_out

    seen.add(frozenset())
    with ThreadPoolExecutor(max(1, int(workers))) as pool:
        # every deadline held (feasible only if money costs no lateness), then each late root
        again = run([((), sub_time, None, None), *fresh_patterns(cur, first=True)], pool)
        run([(pat, 2 * limit, h, m) for pat, limit, h, m in again], pool)  # stopped without a schedule: once more
        if log.improved == 0:  # no single chain given up helps: two at once
            again = run(fresh_patterns(cur, pairs=True), pool)
            run([(pat, 2 * limit, h, m) for pat, limit, h, m in again], pool)
    # the best pattern's solve stopped on its time limit: go on with it from its schedule
    while best_status == "FEASIBLE" and time_budget - (now() - t0) > 0.5:
        left = time_budget - (now() - t0)
        status, vals, v = solve_pattern(frozenset(log.best_pattern), min(2 * sub_time, left), cur)
        log.tried += 1
        log.lines.append(f"{now() - t0:5.1f} s {'+'.join(log.best_pattern)} (continued): "
                         f"{status} {v if v is not None else '-'}")
        improved = vals is not None and v is not None and v < cur_v
        if improved:
            assert vals is not None and v is not None
            cur, cur_v = vals, v
        if status == "OPTIMAL" or not improved:
            best_status = status if status == "OPTIMAL" else "STALLED"
    log.seconds = now() - t0
    return cur, cur_v, log


def _value(model: cp_model.CpModel, values: list[int]) -> float:
    """The objective of ``model`` at ``values``."""
    obj = model.proto.objective
    total = 0.0
    for v, c in zip(obj.vars, obj.coeffs):
        total += c * (values[v] if v >= 0 else 1 - values[-v - 1])
    return (total + obj.offset) * (obj.scaling_factor or 1.0)
