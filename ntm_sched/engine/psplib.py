"""Readers for PSPLIB instance files (``.sm`` single-mode, ``.mm`` multi-mode).

Jobs become tasks named by their job number (``"1"`` .. ``"32"``), renewable
resources ``R1``, ``R2``, ... and nonrenewable resources budgets ``N1``, ``N2``, ...
All precedences are finish-to-start with lag 0. The objective is the makespan.
"""

from __future__ import annotations

import re
from pathlib import Path

from ntm_sched.engine.problem import Budget, Mode, Objective, Precedence, Problem, Resource, Task


class PsplibFormatError(ValueError):
    """Malformed PSPLIB file; the message names the file and the line."""


def _ints(path: Path, lineno: int, line: str) -> list[int]:
    try:
        return [int(x) for x in line.split()]
    except ValueError:
        raise PsplibFormatError(f"{path}:{lineno}: expected integers, got {line.strip()!r}") from None


def read_psplib(path: str | Path) -> Problem:
    """Read a PSPLIB ``.sm`` or ``.mm`` file into a :class:`Problem`.

    Parameters
    ----------
    path
        The instance file.

    Returns
    -------
    Problem
        Tasks ``"1"``..``"n"`` (dummy source and sink included), renewable
        resources ``R1``.., budgets ``N1``.., horizon from the file and an
        objective that minimises the makespan.

    Raises
    ------
    PsplibFormatError
        On malformed input, with ``file:line`` in the message.
    """
    path = Path(path)
    lines = path.read_text().splitlines()
    n_jobs = horizon = n_r = n_n = None
    i = 0

    def err(lineno: int, msg: str) -> PsplibFormatError:
        return PsplibFormatError(f"{path}:{lineno}: {msg}")

    def header_int(line: str, lineno: int) -> int:
        m = re.search(r":\s*(-?\d+)", line)
        if not m:
            raise err(lineno, f"expected ': <integer>' in {line.strip()!r}")
        return int(m.group(1))

    # header
    while i < len(lines):
        s = lines[i]
        low = s.strip().lower()
        if low.startswith("jobs"):
            n_jobs = header_int(s, i + 1)
        elif low.startswith("horizon"):
            horizon = header_int(s, i + 1)
        elif low.startswith("- renewable"):
            n_r = header_int(s, i + 1)
        elif low.startswith("- nonrenewable"):
            n_n = header_int(s, i + 1)
        elif low.startswith("precedence relations"):
            break
        i += 1
    for name, val in (("jobs", n_jobs), ("horizon", horizon), ("renewable", n_r), ("nonrenewable", n_n)):
        if val is None:
            raise err(min(i + 1, len(lines)), f"header field {name!r} not found before PRECEDENCE RELATIONS")
    assert n_jobs is not None and horizon is not None and n_r is not None and n_n is not None
    if i >= len(lines):
        raise err(len(lines), "section PRECEDENCE RELATIONS not found")
    i += 2  # section title + column header
    succs: dict[int, list[int]] = {}
    n_modes: dict[int, int] = {}
    for _ in range(n_jobs):
        if i >= len(lines) or lines[i].startswith("*"):
            raise err(i + 1, f"expected {n_jobs} precedence lines, found {len(succs)}")
        v = _ints(path, i + 1, lines[i])
        if len(v) < 3 or len(v) != 3 + v[2]:
            raise err(i + 1, "precedence line needs job, #modes, #successors and that many successors: "
                             f"{lines[i].strip()!r}")
        succs[v[0]] = v[3:]
        n_modes[v[0]] = v[1]
        i += 1
    # requests/durations
    while i < len(lines) and not lines[i].strip().upper().startswith("REQUESTS/DURATIONS"):
        i += 1
    if i >= len(lines):
        raise err(len(lines), "section REQUESTS/DURATIONS not found")
    i += 3  # title, column header, dashes
    n_res = n_r + n_n
    modes: dict[int, list[Mode]] = {}
    job = None
    while i < len(lines) and not lines[i].startswith("*"):
        if not lines[i].strip():
            i += 1
            continue
        v = _ints(path, i + 1, lines[i])
        if len(v) == 3 + n_res:
            job = v[0]
            v = v[1:]
        elif len(v) == 2 + n_res:
            if job is None:
                raise err(i + 1, "mode line before any job line")
        else:
            raise err(i + 1, f"expected {3 + n_res} (or {2 + n_res} for a further mode) integers, got {len(v)}")
        mode_no, dur, dem = v[0], v[1], v[2:]
        if dur < 0 or any(d < 0 for d in dem):
            raise err(i + 1, "negative duration or demand")
        lst = modes.setdefault(job, [])
        if mode_no != len(lst) + 1:
            raise err(i + 1, f"job {job}: expected mode {len(lst) + 1}, got {mode_no}")
        lst.append(
            Mode(
                duration=dur,
                demands={f"R{k + 1}": d for k, d in enumerate(dem[:n_r]) if d},
                nonrenewable={f"N{k + 1}": d for k, d in enumerate(dem[n_r:]) if d},
                name=str(mode_no),
            )
        )
        i += 1
    for j in succs:
        if len(modes.get(j, [])) != n_modes[j]:
            raise err(i + 1, f"job {j}: {n_modes[j]} modes declared, {len(modes.get(j, []))} found")
    while i < len(lines) and not lines[i].strip().upper().startswith("RESOURCEAVAILABILITIES"):
        i += 1
    if i + 2 >= len(lines):
        raise err(len(lines), "section RESOURCEAVAILABILITIES not found or incomplete")
    caps = _ints(path, i + 3, lines[i + 2])
    if len(caps) != n_res:
        raise err(i + 3, f"expected {n_res} availabilities, got {len(caps)}")
    tasks = tuple(Task(id=str(j), modes=tuple(modes[j])) for j in sorted(succs))
    prec = tuple(Precedence(str(j), str(s)) for j in sorted(succs) for s in succs[j])
    for j in sorted(succs):
        for succ in succs[j]:
            if succ not in succs:
                raise err(0, f"job {j}: unknown successor {succ}")
    return Problem(
        tasks=tasks,
        precedences=prec,
        resources=tuple(Resource(f"R{k + 1}", caps[k]) for k in range(n_r)),
        budgets=tuple(Budget(f"N{k + 1}", caps[n_r + k]) for k in range(n_n)),
        horizon=horizon,
        objective=Objective(tardiness=0, late_count=0, cost=0, extra_funding=0, makespan=1),
    )
