"""Large-neighbourhood search around late deadlines, on the full CP-SAT model.

CP-SAT's own neighbourhoods (random variables, constraints, intervals) rarely free the
right set when money binds: a late deadline is usually late because *its* predecessors
wait for money that other works took. Here a neighbourhood is the set of tasks that
precede one late deadline (picked with probability proportional to its penalty), that
deadline itself, the predecessors of a second deadline drawn at random and a few other
tasks that cost money (the works that may give the money back); every other task keeps
its start, end and mode (its variables' domains are fixed in a copy of the model); all
payments stay free. The copy is solved for a short time with the current objective value
as an upper bound and the current solution as a hint; an improving solution replaces the
current one. The returned values are a complete CP-SAT assignment of the model (so they
can be hinted), never an unchecked schedule: the caller reads and checks the final
solution as usual.
"""

from __future__ import annotations

import random
from collections import defaultdict

from ortools.sat.python import cp_model

from ntm_sched.engine.cashflow import longest_tails
from ntm_sched.engine.clock import now, set_limit
from ntm_sched.engine.options import SolveOptions
from ntm_sched.engine.stop import attach


def deadline_lns(bm, values: list[int], expr, time_budget: float, options: SolveOptions,
                 extra_free: int = 2, stall: int = 25) -> tuple[list[int], int]:
    """Improve ``values`` (a complete assignment of ``bm.model``) on ``expr`` by deadline neighbourhoods.

    Stops after ``time_budget`` seconds, when no deadline is late, or after ``stall`` moves in a
    row without improvement (then the caller's full solve takes over, e.g. to prove the bound).
    Each move is a CP-SAT solve of at most ``options.lns_solve_time`` seconds on
    ``options.workers`` workers; ``options.seed`` seeds the choice of neighbourhoods and CP-SAT.
    ``extra_free`` other costly tasks are freed with each neighbourhood. Returns the best values
    found and the number of improving moves.
    """
    workers, seed, sub_time = options.workers, options.seed, options.lns_solve_time
    problem = bm.problem
    t0 = now()
    rnd = random.Random(seed)
    tails = longest_tails(problem)
    ancestors: dict[str, set[str]] = defaultdict(set)
    for a, ds in tails.items():
        for d in ds:
            ancestors[d].add(a)
    costly = [t.id for t in problem.tasks if max(md.cost for md in t.modes) > 0]
    with_anc = [t.id for t in problem.tasks if t.due is not None and ancestors.get(t.id)]
    base = bm.model.clone()
    base.minimize(expr)
    coeffs, const = _linear(base)

    def value_of(vals) -> int:
        return const + sum(c * vals[i] for i, c in coeffs)

    cur = list(values)
    cur_v = value_of(cur)
    improved = 0
    since = 0
    while now() - t0 + 0.1 < time_budget and since < stall:
        since += 1
        late = []
        for t in problem.tasks:
            if t.due is None or t.due_hard or t.id not in ancestors:
                continue
            end = cur[bm.end[t.id].index]
            w = t.late_weight + t.tardiness_weight * (end - t.due)
            if end > t.due and w > 0:
                late.append((t.id, w))
        if not late:
            break
        d = rnd.choices([x for x, _ in late], weights=[w for _, w in late])[0]
        free = set(ancestors[d]) | {d}
        # a second deadline's predecessors: the works that may give the money back
        d2 = rnd.choice(with_anc)
        free |= set(ancestors[d2]) | {d2}
        free |= set(rnd.sample(costly, min(len(costly), extra_free)))
        m2 = base.clone()
        for t in problem.tasks:
            if t.id in free:
                continue
            for var in [bm.start[t.id], bm.end[t.id], *bm.mode_lits.get(t.id, [])]:
                v = cur[var.index]
                pv = m2.proto.variables[var.index]
                pv.domain.clear()
                pv.domain.extend([v, v])
        m2.add(expr <= cur_v - 1)
        m2.clear_hints()
        for k, v in enumerate(cur):
            m2.add_hint(m2.get_int_var_from_proto_index(k), v)
        solver = attach(set_limit(cp_model.CpSolver(), max(0.05, min(sub_time, time_budget - (now() - t0)))))
        p = solver.parameters
        p.num_workers = int(workers)
        p.random_seed = int(seed)
        st = solver.solve(m2)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            new = [int(solver.value(m2.get_int_var_from_proto_index(k))) for k in range(len(cur))]
            v = value_of(new)
            if v < cur_v:
                cur, cur_v = new, v
                improved += 1
                since = 0
    return cur, improved


def _linear(model: cp_model.CpModel) -> tuple[list[tuple[int, int]], int]:
    """The objective of ``model`` as (variable index, coefficient) pairs and a constant."""
    coeffs: dict[int, int] = defaultdict(int)
    const = 0
    obj = model.proto.objective
    for v, c in zip(obj.vars, obj.coeffs):
        if v >= 0:
            coeffs[v] += int(c)
        else:  # negated reference
            coeffs[-v - 1] -= int(c)
            const += int(c)
    const += int(obj.offset)
    return list(coeffs.items()), const
