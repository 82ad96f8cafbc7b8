"""How a re-timed task pays (:func:`ntm_sched.studies.risk.retime.retime`): its instalments split
among sources as in the reference schedule, a source paying what it has released and not yet paid,
a shortfall drawn from extra funding when that may pay the task then, else the task waits.

Split from ``retime.py`` (one job per module, issue 20): the serial generator's money push.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from ntm_sched.engine.problem import advance_payment


class MoneyData(Protocol):
    """What the money push reads of a :class:`~ntm_sched.studies.risk.retime.RetimeModel` (named
    here, not imported, so the two modules do not import each other)."""

    available_from: list[int]
    extra_for: list[list[int]]
    split_advance: list[list[tuple[int, float]]]
    split_rest: list[list[tuple[int, float]]]
    split_total: list[list[tuple[int, float]]]


def split_amount(amount: int, weights: list[tuple[int, float]]) -> list[tuple[int, int]]:
    """``amount`` split by ``weights`` into integers (largest remainder; ties by source order)."""
    if amount <= 0 or not weights:
        return []
    if len(weights) == 1:
        return [(weights[0][0], amount)]
    raw = [(s, amount * w) for s, w in weights]
    base = [(s, int(np.floor(v))) for s, v in raw]
    left = amount - sum(v for _, v in base)
    rema = sorted(range(len(raw)), key=lambda k: (-(raw[k][1] - base[k][1]), k))
    out = [list(x) for x in base]
    for k in rema[:left]:
        out[k][1] += 1
    return [(s, v) for s, v in out if v > 0]


def pay_plan(model: MoneyData, i: int, s: int, e: int, c: int, share: float,
              avail: list[np.ndarray | None], extra_source) -> tuple[tuple | None, int | None, int | None]:
    """How task ``i`` at ``[s, e)`` pays: ``((payments, extras, draws), None, None)`` or, when it
    must wait, ``(None, next start to try or None for never, blocking source)``."""
    if c <= 0:
        return ([], [], []), None, None
    if s == e:
        parts = [(s, split_amount(c, model.split_total[i]))]
    else:
        adv = advance_payment(c, share)
        parts = [(s, split_amount(adv, model.split_advance[i] or model.split_total[i])),
                 (e, split_amount(c - adv, model.split_rest[i] or model.split_total[i]))]
    pays: list[tuple[int, int, int]] = []
    extras: list[tuple[int, int, int]] = []
    draws: list[tuple[int, int, int]] = []
    taken: dict[int, list[tuple[int, int]]] = {}  # source -> [(time, amount)] drawn by this task
    for t, split in parts:
        if not split:
            continue
        for k, amt in split:
            a = avail[k]
            if a is None:  # an unlimited source in the plan's split
                if model.available_from[k] > t:
                    return None, (model.available_from[k] if t == s else s + 1), k
                pays.append((k, t, amt))
                extras.append((t, k, amt))
                continue
            room = int(a[t:].min()) - sum(v for tt, v in taken.get(k, []) if tt <= t)
            x = max(0, min(amt, room))
            if x > 0:
                pays.append((k, t, x))
                draws.append((k, t, x))
                taken.setdefault(k, []).append((t, x))
            short = amt - x
            if short > 0:
                xs = extra_source(i, t)
                if xs is None:
                    later = [model.available_from[j] for j in model.extra_for[i] if model.available_from[j] > t]
                    if t == s:  # the advance waits until the source has it, or extra funding comes
                        suf = np.minimum.accumulate(a[::-1])[::-1]
                        ok = np.flatnonzero(suf[s:] >= amt)
                        cands = ([s + int(ok[0])] if ok.size else []) + later
                        return None, (min(cands) if cands else None), k
                    if not later and int(a[-1]) - sum(v for _, v in taken.get(k, [])) + x < amt:
                        return None, None, k  # neither the source nor extra funding will ever pay it
                    return None, s + 1, k
                pays.append((xs, t, short))
                extras.append((t, k, short))
    return (pays, extras, draws), None, None
