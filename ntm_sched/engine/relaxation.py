"""Cheap infeasibility proofs for a set of hard deadlines: earliest dates and a money relaxation.

The question answered here is "can *no* schedule of this problem end these tasks by these
dates?", by two relaxations that drop renewable resources and budgets (so every schedule of the
problem is a schedule of the relaxation, and a relaxation without a solution proves the problem
has none):

**Time** (:meth:`Relaxation.latest`, :meth:`Relaxation.out_of_reach`). The earliest start and end
of every task (:func:`ntm_sched.engine.bounds.earliest_times`: releases, precedences, durations,
calendars) against its *latest* start and end: a backward pass from the deadlines over the
precedences (``FS``: ``end(pred) <= start(succ) - lag``; ``SS``: ``start(pred) <= start(succ) - lag``),
every task ending by the horizon, a task's latest start being the latest period outside a break from
which its shortest mode ends by its latest end (``elapsed_end`` does not decrease when the start grows,
so no later start can), its fixed start when it has one. A task whose earliest time is after its
latest is an impossibility on its own, whatever the money.

**Money** (:meth:`Relaxation.shortfall`). In every schedule meeting the deadlines, each task's
advance (``floor(advance_share * cost)``) is paid at its start, hence by its latest start, and the
rest at its end, hence by its latest end; a mode's two instalments do not decrease when its cost
grows, so the instalments of the cheapest mode that can end by the task's latest end from its
earliest start (``elapsed_end`` of the earliest start, a lower bound of the mode's end) are lower
bounds. Each instalment is split among the
sources that may pay the task, and for every source the money paid by every date is at most what it
has released by then. Paying an instalment at its latest date instead of its actual one only
loosens this, and dropping the instalments of tasks no deadline constrains only loosens it too. What
remains is a transportation problem: each (source, tranche) gives its amount to instalments due at or
after the tranche's date that the source may pay (for one source, "paid by every date at most released
by then" is exactly such an assignment of tranches to payments in time order); an unlimited source
gives any amount from its ``available_from`` (an instalment it may pay by then is dropped: it is
always paid). A maximum flow (:class:`ortools.graph.python.max_flow.SimpleMaxFlow`, integers) below
the money due proves that no schedule exists: the money cannot be there in time, whatever the order
of the works, the agencies and the modes. The flow is exact for the relaxation, so its shortfall is
the money missing in the best case.

Both are necessary conditions only: a set they do not refute may still be infeasible (resources,
the real payment dates, the modes' costs and durations together), and the callers then ask the
engine (:mod:`ntm_sched.engine.groups`). Tested against CP-SAT on small problems
(``tests/engine/test_relaxation.py``): never infeasible where CP-SAT finds a schedule.
"""

from __future__ import annotations

from collections.abc import Mapping

from ortools.graph.python import max_flow

from ntm_sched.engine.bounds import earliest_times
from ntm_sched.engine.problem import Calendar, Problem, Task, pause_end

__all__ = ["Relaxation"]

NEVER = 10**9
"""A period after every horizon (no latest date)."""


class Relaxation:
    """Time and money relaxations of one problem for sets of hard deadlines (module docstring).

    Parameters
    ----------
    problem
        The engine problem; its own due dates are ignored (the deadlines are the caller's).
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.es, self.ee, cyclic = earliest_times(problem)
        self.cyclic = cyclic
        self._ids = [t.id for t in problem.tasks]
        self._dmin = {t.id: min(md.duration for md in t.modes) for t in problem.tasks}
        self._cal: dict[str, Calendar | None] = {t.id: problem.calendar(t.calendar) for t in problem.tasks}
        self._fixed = {t.id: t.fixed_start for t in problem.tasks if t.fixed_start is not None}
        self._modes = {t.id: [(md.duration, md.cost) for md in t.modes] for t in problem.tasks}
        self._money: dict[str, tuple[Task, tuple[str, ...]]] = {
            t.id: (t, problem.sources_for(t)) for t in problem.tasks
            if problem.sources and max(md.cost for md in t.modes) > 0}
        self._preds: dict[str, list[tuple[str, str, int]]] = {tid: [] for tid in self._ids}
        for p in problem.precedences:
            self._preds[p.succ].append((p.pred, p.kind, p.lag))
        self._order = _reverse_topological(self._ids, problem)
        self._unlimited = {s.name: s.available_from for s in problem.sources if s.unlimited}
        self._tranches = [(s.name, tr.time, tr.amount) for s in problem.sources if not s.unlimited
                          for tr in s.tranches if tr.amount > 0]

    # ------------------------------------------------------------------ time
    def _latest_start(self, tid: str, le: int) -> int:
        """The latest start outside a break from which the task's shortest mode ends by ``le``."""
        d = self._dmin[tid]
        c = self._cal[tid]
        s = le - d
        if c is None or not c.breaks:
            return s
        while s > -NEVER:
            inside = next(((b, e) for b, e in c.breaks if b <= s < e), None)
            if inside is not None:
                s = inside[0] - 1
                continue
            if pause_end(s, d, c.breaks) <= le:
                return s
            s -= 1
        return s

    def latest(self, deadlines: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]]:
        """Latest start and end of every task when the tasks of ``deadlines`` end by their dates.

        Parameters
        ----------
        deadlines
            Task id -> the period by which it must end.

        Returns
        -------
        tuple
            ``(ls, le)`` by task id: no schedule meeting the deadlines starts or ends a task later.
        """
        le = {tid: min(self.problem.horizon, deadlines.get(tid, NEVER)) for tid in self._ids}
        ls_direct = {tid: self._fixed.get(tid, NEVER) for tid in self._ids}
        ls: dict[str, int] = {}
        rounds = 1 if self._order is not None else len(self._ids) + 1
        order = self._order if self._order is not None else self._ids
        for _ in range(rounds):
            changed = False
            for tid in order:
                s = min(self._latest_start(tid, le[tid]), ls_direct[tid])
                if ls.get(tid) != s:
                    ls[tid] = s
                    changed = True
                for pred, kind, lag in self._preds[tid]:
                    if kind == "FS":
                        if s - lag < le[pred]:
                            le[pred] = s - lag
                            changed = True
                    elif s - lag < ls_direct[pred]:
                        ls_direct[pred] = s - lag
                        changed = True
            if not changed:
                break
        return ls, le

    def out_of_reach(self, deadlines: Mapping[str, int]) -> list[str]:
        """Tasks whose earliest start or end is after their latest one: the deadlines are impossible whatever
        the money, the agencies and the budgets (empty when the times alone allow them)."""
        if self.cyclic:
            return []  # the earliest times mean nothing (the problem has no schedule; nothing claimed here)
        ls, le = self.latest(deadlines)
        return [tid for tid in self._ids if self.es[tid] > ls[tid] or self.ee[tid] > le[tid]]

    # ------------------------------------------------------------------ money
    def _least_cost(self, tid: str, le: int) -> int:
        """The cheapest cost of the task's modes that can end by ``le`` from its earliest start (the cheapest
        of all when none can: the times then refute the deadlines on their own)."""
        c = self._cal[tid]
        es = self.es[tid]
        fit = [cost for d, cost in self._modes[tid] if pause_end(es, d, c.breaks if c else None) <= le]
        return min(fit) if fit else min(cost for _, cost in self._modes[tid])

    def shortfall(self, deadlines: Mapping[str, int]) -> int:
        """Money that cannot have been released in time for the instalments the deadlines force (module
        docstring); 0 when the money relaxation has a solution. Positive: no schedule meets the deadlines."""
        if not self._money:
            return 0
        ls, le = self.latest(deadlines)
        due: dict[tuple[int, tuple[str, ...]], int] = {}
        for tid, (task, srcs) in self._money.items():
            cost = self._least_cost(tid, le[tid])
            adv = self.problem.advance_of(task, cost)
            for amount, by in ((adv, ls[tid]), (cost - adv, le[tid])):
                if amount <= 0:
                    continue
                if any(self._unlimited[x] <= by for x in srcs if x in self._unlimited):
                    continue  # an unlimited source pays it in time
                due[(by, srcs)] = due.get((by, srcs), 0) + amount
        if not due:
            return 0
        total = sum(due.values())
        if any(by < 0 for by, _ in due):
            return total  # an instalment due before period 0 (the times already refute the deadlines)
        f = max_flow.SimpleMaxFlow()
        source, sink = 0, 1
        need = list(due.items())
        for k, (_, amount) in enumerate(need):
            f.add_arc_with_capacity(2 + k, sink, amount)
        node = 2 + len(need)
        for name, time, amount in self._tranches:
            arcs = [2 + k for k, ((by, srcs), _) in enumerate(need) if time <= by and name in srcs]
            if not arcs:
                continue
            f.add_arc_with_capacity(source, node, amount)
            for a in arcs:
                f.add_arc_with_capacity(node, a, amount)
            node += 1
        if f.solve(source, sink) != f.OPTIMAL:  # pragma: no cover - integer capacities: always optimal
            return 0
        return total - int(f.optimal_flow())

    def refute(self, deadlines: Mapping[str, int]) -> str | None:
        """Why no schedule meets ``deadlines`` (times, then money), or ``None`` when neither relaxation refutes
        them (they may still be impossible)."""
        late = self.out_of_reach(deadlines)
        if late:
            return f"earliest dates: {late[0]} cannot be done in time ({len(late)} tasks)"
        short = self.shortfall(deadlines)
        if short > 0:
            return f"money relaxation: {short} units cannot be released in time"
        return None

    def least_delay(self, deadlines: Mapping[str, int], task_id: str, due: int) -> int:
        """The least ``delta >= 0`` such that the relaxations allow ``deadlines`` with ``task_id`` ending by
        ``due + delta``: a lower bound of the task's lateness in every schedule meeting ``deadlines``
        (``NEVER`` when not even the horizon allows it).

        Feasibility of the relaxation does not decrease when a deadline moves later (every latest date
        moves later or stays), so a binary search over ``delta`` is exact for the relaxation.
        """
        def ok(delta: int) -> bool:
            d = dict(deadlines)
            d[task_id] = min(d.get(task_id, NEVER), due + delta)
            return self.refute(d) is None

        if ok(0):
            return 0
        hi = max(1, self.problem.horizon - due)
        if not ok(hi):
            return NEVER
        lo = 0  # not ok
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if ok(mid):
                hi = mid
            else:
                lo = mid
        return hi


    def lateness_bound(self, deadlines: Mapping[str, int]) -> int:
        """A lower bound of the lateness tier (:func:`ntm_sched.engine.heuristic.lateness_value`) of every
        schedule of the problem meeting ``deadlines`` hard.

        Each soft due date of a task not in ``deadlines`` is taken on its own: its lateness is at least
        :meth:`least_delay` with the held deadlines, in every such schedule, so the weighted sum of these
        delays (plus the late weight of each task whose delay is positive) is at most the tier's value of
        every such schedule. Summing per-task bounds loses the competition between the late tasks for
        the same money; it keeps each task's own chain of works and the money they need in time.
        """
        o = self.problem.objective
        total = 0
        for t in self.problem.tasks:
            if t.due is None or t.due_hard or t.id in deadlines:
                continue
            if not (t.tardiness_weight or t.late_weight):
                continue
            delta = self.least_delay(deadlines, t.id, int(t.due))
            if delta >= NEVER:
                continue  # not even the horizon: the held deadlines are refuted already; claim nothing more
            if delta > 0:
                total += o.tardiness * t.tardiness_weight * delta + o.late_count * t.late_weight
        return total


def _reverse_topological(ids: list[str], problem: Problem) -> list[str] | None:
    """Task ids, successors before predecessors, or ``None`` when the precedences have a cycle."""
    succs: dict[str, list[str]] = {tid: [] for tid in ids}
    indeg = {tid: 0 for tid in ids}
    for p in problem.precedences:
        succs[p.pred].append(p.succ)
        indeg[p.succ] += 1
    order: list[str] = []
    stack = [tid for tid in ids if indeg[tid] == 0]
    while stack:
        tid = stack.pop()
        order.append(tid)
        for s in succs[tid]:
            indeg[s] -= 1
            if indeg[s] == 0:
                stack.append(s)
    if len(order) != len(ids):
        return None
    return order[::-1]

