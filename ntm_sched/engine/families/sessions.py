"""Sessions: tasks handled in batches at the sittings of a body (an appraisal council).

Rule (:mod:`ntm_sched.engine.problem`, "Sessions"): a task whose :attr:`~ntm_sched.engine.problem.Task.kind`
has sessions (and no fixed start) starts at exactly one session of that kind; a session takes at
most its ``capacity`` tasks; every FS predecessor of the task (its dossier) ends by the session's
period minus its ``cutoff``. A problem without sessions gets nothing from this family (no variable,
no constraint: the model is the one it was before sessions existed).

Model
    For each such task, one literal per *eligible* session (its period inside the task's start
    window and outside the task's calendar breaks) with exactly one true;
    ``start = sum(time_k x_k)`` and each dossier end ``<= sum((time_k - cutoff_k) x_k)`` (linear,
    since exactly one literal holds), plus ``start == time_k`` enforced by ``x_k`` for propagation;
    per session, the sum of its literals is at most its capacity (:func:`add_to_model`). A task
    with no eligible session makes the model infeasible.
Check
    :func:`check` (kind ``session``): a start that is no session of the task's kind, a dossier in
    after the cut-off, a session over its capacity.
Explanation
    ``relax`` key ``("session", name)``: the explainer drops one session's capacity to see whether
    that alone removes a conflict. On a schedule, :func:`session_waits` says which task waits
    for a later session because an earlier one whose cut-off its dossier met was full (the domain
    layer words it: "Cao Xá waits for the 15/12 session: the 20/11 one is full").
Serial generator
    :func:`session_push`: the task is placed at the first session at or after its earliest start
    with room left whose cut-off its placed dossier meets; the warm start
    (:func:`ntm_sched.engine.heuristic.money_sgs`) counts the tasks each session has taken.
    The risk analysis' re-timing (:func:`ntm_sched.studies.risk.retime.retime`) places a sample's
    tasks with the same push; the tasks whose baseline session is the same take their seats in the
    order of :func:`seat_order` (earliest dossier first, then task id; earlier baseline sessions
    first, since the re-timing follows the baseline's order), and :func:`session_skipped` says why a
    task is not at an earlier session (it was full, or its dossier missed the cut-off).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ntm_sched.engine.families.base import Family, Relax, Valid
from ntm_sched.engine.problem import Problem, Session, Task
from ntm_sched.engine.result import Solution, Violation

if TYPE_CHECKING:  # pragma: no cover
    from ntm_sched.engine.families.context import ModelContext

Push = Callable[[int, int], "tuple[int, tuple] | None"]
"""The serial generator's test of ``[start, end)`` (the shape of :data:`ntm_sched.engine.sgs.Push`)."""


def dossier(problem: Problem) -> dict[str, list[str]]:
    """Task id -> its FS predecessors (its dossier), for the tasks under the session rule."""
    ruled = {t.id for t in problem.tasks if problem.sessions_for(t)}
    out: dict[str, list[str]] = defaultdict(list)
    for p in problem.precedences:
        if p.kind == "FS" and p.succ in ruled:
            out[p.succ].append(p.pred)
    return out


def add_to_model(ctx: ModelContext) -> None:
    """The session literals of every task under the rule, and each session's capacity (module docstring)."""
    problem = ctx.problem
    if not problem.sessions:
        return
    m, bm = ctx.model, ctx.bm
    dos = dossier(problem)
    takes: dict[str, list] = defaultdict(list)
    for t in problem.tasks:
        sess = problem.sessions_for(t)
        if not sess:
            continue
        tv = ctx.tv[t.id]
        ok = [s for s in sess if tv.lo_s <= s.time <= tv.hi_s and not any(b <= s.time < e for b, e in tv.breaks)]
        if not ok:
            m.add_bool_or([])  # no session can take the task
            continue
        lits = [m.new_bool_var(f"sess_{t.id}_{s.name}") for s in ok]
        m.add_exactly_one(lits)
        st = bm.start[t.id]
        m.add(st == sum(s.time * x for s, x in zip(ok, lits)))
        for s, x in zip(ok, lits):
            m.add(st == s.time).only_enforce_if(x)
            takes[s.name].append(x)
        due = sum(s.deadline * x for s, x in zip(ok, lits))
        for pred in dos.get(t.id, []):
            m.add(bm.end[pred] <= due)
    for s in problem.sessions:
        if ("session", s.name) in ctx.relax or len(takes.get(s.name, [])) <= s.capacity:
            continue
        m.add(sum(takes[s.name]) <= s.capacity)


def session_of(problem: Problem, task: Task, start: int) -> Session | None:
    """The session of ``task``'s kind sitting at ``start`` (``None`` when there is none)."""
    for s in problem.sessions_for(task):
        if s.time == start:
            return s
    return None


def check(problem: Problem, solution: Solution, valid: Valid) -> list[Violation]:
    """Every task under the rule starts at a session of its kind, its dossier is in by the cut-off,
    and no session takes more than its capacity."""
    out: list[Violation] = []
    if not problem.sessions:
        return out
    dos = dossier(problem)
    count: dict[str, int] = defaultdict(int)
    for t in problem.tasks:
        if t.id not in valid or not problem.sessions_for(t):
            continue
        start = valid[t.id][0]
        s = session_of(problem, t, start)
        if s is None:
            out.append(Violation("session", f"task {t.id!r} starts at {start}, which is no {t.kind!r} session",
                                 task=t.id, period=start))
            continue
        count[s.name] += 1
        for pred in dos.get(t.id, []):
            if pred in valid and valid[pred][1] > s.deadline:
                out.append(Violation("session", f"task {t.id!r} at session {s.name!r}: its predecessor {pred!r} "
                                     f"ends at {valid[pred][1]}, after the cut-off {s.deadline}",
                                     task=t.id, period=valid[pred][1]))
    for s in problem.sessions:
        if count[s.name] > s.capacity:
            out.append(Violation("session", f"session {s.name!r} at {s.time} takes {count[s.name]} tasks, "
                                 f"capacity {s.capacity}", period=s.time))
    return out


def session_push(problem: Problem, task: Task, dossier_end: int, taken: Mapping[str, int],
                 never: int | None = None) -> Push | None:
    """The serial generator's test for ``task`` (``None`` when it is outside the rule).

    ``dossier_end`` is the latest end of its placed FS predecessors; ``taken`` counts the tasks each
    session has taken so far. A start is accepted when it is the period of a session with room
    whose cut-off the dossier meets; otherwise the push names the next such session's period (or
    ``never``, by default one past the horizon, when there is none: a generator whose last start
    lies beyond the problem's horizon passes a start past its own).
    """
    every = problem.sessions_for(task)
    if not every:
        return None
    sess = [s for s in every if s.deadline >= dossier_end]
    beyond = problem.horizon + 1 if never is None else never

    def push(start: int, end: int) -> tuple[int, tuple] | None:
        for s in sess:
            if s.time >= start and taken.get(s.name, 0) < s.capacity:
                return None if s.time == start else (s.time, ("session", s.name))
        return beyond, ("session",)

    return push


FULL, CUTOFF = "full", "cutoff"
"""Why a task is not at an earlier session (:func:`session_skipped`)."""


def session_skipped(problem: Problem, task: Task, floor: int, dossier_end: int, before: int | None,
                    taken: Mapping[str, int]) -> tuple[Session, str] | None:
    """Why ``task`` is not at an earlier session than the one it takes.

    Parameters
    ----------
    problem, task
        The problem and a task under the rule.
    floor
        The earliest session date the task could have had (its release, or its planned date when
        the generator holds the plan).
    dossier_end
        The latest end of its dossier (its FS predecessors) as placed.
    before
        The period of the session it takes (``None``: it takes none, no session being left).
    taken
        The tasks each session had taken before this one was placed.

    Returns
    -------
    (Session, str) or None
        The latest session of its kind at or after ``floor`` and before ``before``, with
        :data:`CUTOFF` when the dossier missed its cut-off, :data:`FULL` when it had taken its
        capacity; ``None`` when there is no such session, or when it had room and the cut-off was
        met (the task was moved by something else: an agency, money, a calendar).
    """
    cand = [s for s in problem.sessions_for(task) if s.time >= floor and (before is None or s.time < before)]
    if not cand:
        return None
    s = cand[-1]
    if s.deadline < dossier_end:
        return s, CUTOFF
    if taken.get(s.name, 0) >= s.capacity:
        return s, FULL
    return None


def seat_order(ready: Sequence[int], ids: Sequence[str]) -> list[int]:
    """The order in which tasks with the same baseline session take the seats left (positions in
    ``ready``/``ids``): the earliest dossier (``ready``: its end) first, then the smallest task id.

    A fixed order, so that a re-timed sample never depends on anything but its draws.
    """
    return sorted(range(len(ids)), key=lambda k: (ready[k], ids[k]))


@dataclass(frozen=True)
class SessionWait:
    """A task that waits for a later session because an earlier one was full.

    Attributes
    ----------
    task
        The task.
    session
        The session that takes it.
    full
        The latest earlier session of its kind whose cut-off its dossier met and that was full.
    """

    task: str
    session: Session
    full: Session


def session_waits(problem: Problem, solution: Solution) -> list[SessionWait]:
    """The tasks of ``solution`` that wait for a later session because an earlier one was full.

    A task waits when a session earlier than its own, no earlier than its release, whose cut-off
    its dossier (as scheduled) met, took its full capacity. The latest such session is named.
    """
    if not problem.sessions:
        return []
    dos = dossier(problem)
    sched = solution.tasks
    count: dict[str, int] = defaultdict(int)
    chosen: dict[str, Session] = {}
    for t in problem.tasks:
        if t.id in sched and problem.sessions_for(t):
            s = session_of(problem, t, sched[t.id].start)
            if s is not None:
                count[s.name] += 1
                chosen[t.id] = s
    out = []
    for t in problem.tasks:
        s = chosen.get(t.id)
        if s is None:
            continue
        ready = max([t.release] + [sched[p].end for p in dos.get(t.id, []) if p in sched])
        full = [x for x in problem.sessions_for(t)
                if x.time < s.time and x.time >= t.release and x.deadline >= ready and count[x.name] >= x.capacity]
        if full:
            out.append(SessionWait(t.id, s, full[-1]))
    return out


FAMILY = Family(
    name="sessions",
    add_to_model=add_to_model,
    check=check,
    relax=Relax("session", lambda problem: [s.name for s in problem.sessions],
                lambda problem, name: "session capacity"),
    explain="relax ('session', name): drop one session's capacity; session_waits names the full earlier session "
            "a task waits behind",
    sgs="session_push: the first session at or after the earliest start with room whose cut-off the dossier meets",
)
