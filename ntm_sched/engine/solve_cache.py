"""Proven answers kept on disk, so that a problem already solved is not solved again.

A solve whose every tier is proven optimal and whose schedule is the canonical one
(:class:`~ntm_sched.engine.result.Canonical` ``repeatable``) is a function of the problem: any
seed, worker count, time limit or machine gives the same schedule. Such an answer can be kept
and handed back for the same problem instead of searching again: the nightly batch that
rebuilds every report from mostly unchanged inputs, the app solving the same scenario twice,
the test suite solving the base plan in many places.

Answers of a search on deterministic time (``SolveOptions.deterministic``: one worker, every limit a
count of CP-SAT's work) are functions too, of the problem, *all* the options that steer the search
and the warm start: such an answer, proven or not, is kept under a key that holds them all (not
``log``, ``check`` and ``cache_dir``), unless a wall-clock safety limit cut a search
(:data:`~ntm_sched.engine.clock.WALL_CUT_NOTE`) or a stop flag was set (:mod:`~ntm_sched.engine.stop`):
then it is not the search's own answer. The province's district reports, solved on deterministic
time by the batch, its Dask run and the app alike, are the case.

Otherwise only proven, canonical answers are kept. The key is a SHA-256 of

* the problem, encoded canonically (dataclasses field by field, mappings and sets sorted: the
  same problem gives the same key in every process, whatever ``PYTHONHASHSEED``);
* the options that choose among proven answers (``lexicographic``, ``money_formulation``,
  ``canonical_work``);
* the engine's own source files and the OR-Tools version, so that a changed engine never reuses
  an answer of the old one.

An answer read back is checked again by the independent checker before it is returned (an entry
that fails is ignored and solved afresh), and says where it came from in its notes.

One search per problem at a time (:func:`turn`): a process (or thread) that finds no entry takes the
problem's lock file, ``<key>.lock`` beside the entries (``fcntl.flock``), for as long as it searches and
stores; another one asking for the same problem meanwhile waits for its turn, then reads the answer kept
in between instead of searching again (the batch's scenarios, the app and the nightly batch, the test
suite's processes, solving one problem at the same moment). It waits at most as long as a search with its
options may take (``time_limit`` seconds, or on deterministic time the wall-clock safety limit), and not
at all once a stop is asked; when the other search leaves nothing to reuse (not proven, cut), it searches
itself. The lock only saves work: at worst (a file system without locks, a wait that ran out) two
processes search the same problem, as they did without it. Not on Windows, which has no ``fcntl``. The folder is
the caller's: ``SolveOptions.cache_dir``, else the ``NTM_SCHED_SOLVE_CACHE`` environment
variable; neither set (the default), nothing is read or written. Entries are pickles written by
this engine: point the folder only at a place no one else writes to.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import json
import os
import pickle
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ntm_sched.engine.options import SolveOptions
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Result, Solution, Status

ENV = "NTM_SCHED_SOLVE_CACHE"
"""The environment variable naming the cache folder when ``SolveOptions.cache_dir`` is ``None``."""

FORMAT = 1
"""Bumped when the stored payload changes shape."""

_ANSWER_OPTIONS = ("lexicographic", "money_formulation", "canonical_work")
"""The options that choose among proven answers; the others (time, workers, seed, the steps' time
slices) only change how fast a proven answer is found."""

_NOT_SEARCH_OPTIONS = ("log", "check", "cache_dir")
"""The options that never change what a search on deterministic time returns."""


def cache_folder(options: SolveOptions) -> Path | None:
    """The folder of kept answers for ``options`` (``None``: no cache).

    ``options.cache_dir`` when set (``""`` turns the cache off whatever the environment says),
    else the ``NTM_SCHED_SOLVE_CACHE`` environment variable.
    """
    where = options.cache_dir if options.cache_dir is not None else os.environ.get(ENV, "")
    return Path(where) if where else None


def _canon(x: Any) -> Any:
    """``x`` as JSON-able data that does not depend on set or dict order."""
    if x is None or isinstance(x, (bool, int, str)):
        return x
    if isinstance(x, float):
        return repr(x)  # nan and inf included, and no float rounding in json
    if isinstance(x, enum.Enum):
        return [type(x).__name__, _canon(x.value)]
    if isinstance(x, (dt.date, dt.datetime)):
        return x.isoformat()
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return [type(x).__name__, {f.name: _canon(getattr(x, f.name)) for f in dataclasses.fields(x)}]
    if isinstance(x, Mapping):
        items = [[_canon(k), _canon(v)] for k, v in x.items()]
        return sorted(items, key=lambda kv: json.dumps(kv[0], sort_keys=True))
    if isinstance(x, (set, frozenset)):
        return sorted((_canon(v) for v in x), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(x, (list, tuple)):
        return [_canon(v) for v in x]
    if hasattr(x, "item"):  # a numpy scalar
        return _canon(x.item())
    raise TypeError(f"cannot key a solve on a {type(x).__name__}: {x!r}")


@functools.lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """SHA-256 of the engine's source files and the OR-Tools version (once per process)."""
    from importlib.metadata import version

    h = hashlib.sha256(f"format {FORMAT} ortools {version('ortools')}".encode())
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def cache_key(problem: Problem, options: SolveOptions) -> str:
    """The key of ``problem``'s proven answer with ``options`` (64 hex digits)."""
    return _cache_key(_canon(problem), options)


def search_key(problem: Problem, options: SolveOptions, hint: Solution | None) -> str:
    """The key of ``problem``'s answer on deterministic time with ``options`` from the warm start ``hint``."""
    return _search_key(_canon(problem), options, hint)


def _cache_key(canon: Any, options: SolveOptions) -> str:
    return _digest({"problem": canon, "options": {k: _canon(getattr(options, k)) for k in _ANSWER_OPTIONS},
                    "engine": engine_fingerprint()})


def _search_key(canon: Any, options: SolveOptions, hint: Solution | None) -> str:
    fields = {f.name: _canon(getattr(options, f.name)) for f in dataclasses.fields(options)
              if f.name not in _NOT_SEARCH_OPTIONS}
    return _digest({"problem": canon, "options": fields, "hint": _canon(hint), "engine": engine_fingerprint(),
                    "kind": "deterministic"})


_PROVEN = "proven and canonical"
_SEARCHED = "searched on deterministic time with the same options and start"


def _keys(problem: Problem, options: SolveOptions, hint: Solution | None) -> list[tuple[str, str]]:
    """The keys :func:`turn` reads, in order, each with the words its note says of an answer found there."""
    canon = _canon(problem)  # once: the problem's encoding is most of a key's cost
    keys = [(_cache_key(canon, options), _PROVEN)]
    if options.deterministic:
        keys.append((_search_key(canon, options, hint), _SEARCHED))
    return keys


def _digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def keepable(result: Result) -> bool:
    """Whether ``result`` is a function of its problem: every tier proven, the canonical schedule
    repeatable, and the checker's acceptance."""
    return (result.status == Status.OPTIMAL and result.solution is not None and result.canonical is not None
            and result.canonical.repeatable and result.check is not None and result.check.ok
            and all(tr.status == Status.OPTIMAL for tr in result.tiers))


def searched_keepable(result: Result, options: SolveOptions) -> bool:
    """Whether ``result`` is the answer of a search on deterministic time that any run with the same options and
    start repeats: a checked schedule, no wall-clock cut (of the solve's clock or of the canonical search's own safety
    limit, which the solve's clock does not see), no stop asked (module docstring)."""
    from ntm_sched.engine.clock import WALL_CUT_NOTE
    from ntm_sched.engine.stop import stopped_here

    return (options.deterministic and result.solution is not None and result.check is not None and result.check.ok
            and result.status in (Status.OPTIMAL, Status.FEASIBLE) and WALL_CUT_NOTE not in result.notes
            and (result.canonical is None or "wall_cut" not in result.canonical.reasons) and not stopped_here())


def _load_any(problem: Problem, folder: Path, keys: list[tuple[str, str]], waited: bool = False) -> Result | None:
    """The kept answer of ``problem`` under the first of ``keys`` that holds one (checked again), or ``None`` (no
    entry, or one that cannot be read or that the checker rejects)."""
    for key, why in keys:
        res = _load(problem, folder, key, why + (" (searched by another run while this one waited for its turn)"
                                                 if waited else ""))
        if res is not None:
            return res
    return None


@contextlib.contextmanager
def turn(problem: Problem, options: SolveOptions, hint: Solution | None = None) -> Iterator[Result | None]:
    """The kept answer of ``problem`` (checked again: its proven answer, else, on deterministic time, the answer of
    the same search from ``hint``), else this run's turn to search it (module docstring).

    Yields the kept answer, or ``None``: then the block searches and stores (:func:`store`) while it holds the
    problem's lock, and another run asking for the same problem waits for it (at most as long as a search with
    its options may take, and not once a stop is asked), then reads what it kept. No cache folder: ``None`` at once.
    """
    folder = cache_folder(options)
    if folder is None:
        yield None
        return
    keys = _keys(problem, options, hint)
    kept = _load_any(problem, folder, keys)
    if kept is not None:
        yield kept
        return
    patience = options.deterministic_safety.of(options.time_limit) if options.deterministic else options.time_limit
    path = folder / f"{keys[-1][0]}.lock"
    held = _take(path, patience)
    try:
        if held is not None:  # another search may have kept its answer since (while this one waited, or just before)
            kept = _load_any(problem, folder, keys, waited=held[1])
        yield kept
    finally:
        if held is not None:
            with contextlib.suppress(OSError):
                os.unlink(path)  # no lock files left behind; one who waits on the unlinked file only searches
            os.close(held[0])  # releases the lock


POLL = 0.05
"""Seconds between two tries of a lock another run holds."""


def _pause() -> None:
    """Wait :data:`POLL` seconds before trying the lock again."""
    time.sleep(POLL)


def _take(path: Path, patience: float) -> tuple[int, bool] | None:
    """``(descriptor, waited)`` with ``path`` locked, or ``None``: no locks here, ``patience`` seconds ran out, or
    a stop was asked (the search that follows stops at once)."""
    from ntm_sched.engine.stop import check_abandoned, stop_requested

    try:
        import fcntl
    except ImportError:  # not POSIX
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None
    end = time.monotonic() + patience
    waited = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd, waited
            except BlockingIOError:
                pass
            check_abandoned()  # this context's answer is no longer wanted: Abandoned, as a search would raise
            if stop_requested() or time.monotonic() >= end:
                break
            waited = True
            _pause()
    except OSError:  # a file system without locks
        pass
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)
    return None


def _load(problem: Problem, folder: Path, key: str, why: str) -> Result | None:
    from ntm_sched.engine.checker import check

    path = folder / f"{key}.pickle"
    try:
        stored = pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged entry is solved afresh (and replaced)
        return None
    if not isinstance(stored, dict) or stored.get("key") != key or not isinstance(stored.get("result"), Result):
        return None
    res: Result = stored["result"]
    assert res.solution is not None  # keepable() held when it was stored
    res.check = check(problem, res.solution)
    if not res.check.ok:
        return None
    res.notes = [*res.notes, f"answer reused from the solve cache ({folder}, entry {key[:12]}): {why}, so a new "
                             "search gives the same"]
    return res


def store(problem: Problem, options: SolveOptions, result: Result, hint: Solution | None = None) -> bool:
    """Keep ``result`` when :func:`keepable` (under the key of its problem), else when :func:`searched_keepable`
    (under the key of its options and ``hint`` too); returns whether it was written. Never raises for a folder that
    cannot be written (the answer is returned either way)."""
    folder = cache_folder(options)
    if folder is None:
        return False
    if keepable(result):
        key = cache_key(problem, options)
    elif searched_keepable(result, options):
        key = search_key(problem, options, hint)
    else:
        return False
    data = pickle.dumps({"key": key, "result": result}, protocol=pickle.HIGHEST_PROTOCOL)
    tmp: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:12]}.", dir=folder)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, folder / f"{key}.pickle")  # atomic: a reader sees the old entry or the new one
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
    return True
