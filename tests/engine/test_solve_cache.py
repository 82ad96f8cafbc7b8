"""The solve cache: proven, canonical answers reused for the same problem, checked again, keyed
the same in every process; everything else solved afresh."""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
import threading
from pathlib import Path

from ntm_sched.engine import SolveOptions, Status, solve
from ntm_sched.engine.solve_cache import ENV, cache_key, keepable, search_key
from tests.engine.test_canonical import tied_problem

ROOT = Path(__file__).resolve().parents[2]


def _opts(folder: Path, **kw) -> SolveOptions:
    return SolveOptions(**({"time_limit": 20, "workers": 1, "seed": 0, "cache_dir": str(folder)} | kw))


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle"))


def test_a_proven_answer_is_kept_and_reused_checked_and_named(tmp_path) -> None:
    first = solve(tied_problem(), _opts(tmp_path))
    assert first.status == Status.OPTIMAL and keepable(first)
    assert len(_entries(tmp_path)) == 1
    again = solve(tied_problem(), _opts(tmp_path, seed=5, workers=2, time_limit=3))
    assert again.solution == first.solution and again.tiers == first.tiers
    assert again.check is not None and again.check.ok  # the checker ran on the kept schedule
    assert "solve cache" in again.notes[-1] and "solve cache" not in " ".join(first.notes)
    assert len(_entries(tmp_path)) == 1


def test_another_problem_or_answer_option_is_another_entry(tmp_path) -> None:
    solve(tied_problem(), _opts(tmp_path))
    other = dataclasses.replace(tied_problem(), horizon=41)
    assert cache_key(other, _opts(tmp_path)) != cache_key(tied_problem(), _opts(tmp_path))
    assert cache_key(tied_problem(), _opts(tmp_path, canonical_work=3.0)) != cache_key(tied_problem(), _opts(tmp_path))
    # time, workers and seed only change how fast the proven answer is found: the same entry
    assert cache_key(tied_problem(), _opts(tmp_path, time_limit=1, workers=2, seed=9)) == cache_key(
        tied_problem(), _opts(tmp_path))
    res = solve(other, _opts(tmp_path))
    assert "solve cache" not in " ".join(res.notes) and len(_entries(tmp_path)) == 2


def test_the_key_is_the_same_in_another_process_with_another_hash_seed(tmp_path) -> None:
    code = ("from ntm_sched.engine import SolveOptions; from ntm_sched.engine.solve_cache import cache_key; "
            "from tests.engine.test_canonical import tied_problem; "
            "print(cache_key(tied_problem(), SolveOptions(cache_dir='x')))")
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                           env={"PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}).stdout.strip()
            for seed in ("1", "2")}
    assert keys == {cache_key(tied_problem(), SolveOptions(cache_dir="x"))}


def test_an_answer_not_proven_is_not_kept(tmp_path) -> None:
    res = solve(tied_problem(), _opts(tmp_path, canonical=False))  # no canonical schedule: not a function
    assert res.status == Status.OPTIMAL and not keepable(res) and _entries(tmp_path) == []


def test_a_damaged_or_wrong_entry_is_solved_afresh_and_replaced(tmp_path) -> None:
    first = solve(tied_problem(), _opts(tmp_path))
    (entry,) = _entries(tmp_path)
    entry.write_bytes(b"not a pickle")
    res = solve(tied_problem(), _opts(tmp_path))
    assert "solve cache" not in " ".join(res.notes) and res.solution == first.solution
    # an entry whose schedule the checker rejects (a task moved before its predecessor) is not used
    stored = pickle.loads(entry.read_bytes())
    bad = stored["result"]
    sol = bad.solution
    d = sol.tasks["D"]
    sol.tasks["D"] = dataclasses.replace(d, start=0, end=d.end - d.start)
    entry.write_bytes(pickle.dumps(stored))
    res = solve(tied_problem(), _opts(tmp_path))
    assert "solve cache" not in " ".join(res.notes) and res.check.ok and res.solution == first.solution


def test_empty_folder_name_turns_the_cache_off_whatever_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(ENV, str(tmp_path / "env"))
    solve(tied_problem(), SolveOptions(time_limit=20, workers=1, cache_dir=""))
    assert not (tmp_path / "env").exists()
    solve(tied_problem(), SolveOptions(time_limit=20, workers=1))  # None: the environment's folder
    assert len(_entries(tmp_path / "env")) == 1


def test_an_answer_on_deterministic_time_is_kept_for_the_same_options_and_start(tmp_path) -> None:
    """Not proven (a work limit too short for the canonical search), but a function of the problem, every search
    option and the warm start: reused for exactly those, searched afresh for another limit, seed or start, never kept
    from a wall-clock search or one that a stop flag cut."""
    from ntm_sched.engine.heuristic import money_sgs
    from ntm_sched.engine.problem import Objective
    from ntm_sched.engine.stop import StopFlag, stopping
    from tests.engine.test_stop import hard_rcpsp

    p = dataclasses.replace(hard_rcpsp(), objective=Objective(makespan=1))  # 245 against a bound of 244 after 0.3 units
    det = _opts(tmp_path, time_limit=0.3, canonical_work=0.05).counting_work()
    first = solve(p, det)
    assert first.status == Status.FEASIBLE and not keepable(first) and len(_entries(tmp_path)) == 1
    again = solve(p, det)
    assert "solve cache" in again.notes[-1] and "deterministic" in again.notes[-1]
    assert again.solution == first.solution and again.check.ok
    start = money_sgs(p, seed=0)
    assert search_key(p, det, None) != search_key(p, det, start) != cache_key(p, det)
    for other in (det.with_(time_limit=0.35), det.with_(seed=1)):
        assert "solve cache" not in " ".join(solve(p, other).notes)
    assert "solve cache" not in " ".join(solve(p, det, hint=start).notes)
    assert len(_entries(tmp_path)) == 4
    # the same search on the wall clock, or cut by a stop: not kept
    solve(p, det.with_(deterministic=False, time_limit=0.5))
    flag = StopFlag()
    with stopping(flag):
        flag.set()
        solve(p, det.with_(time_limit=0.45))
    assert len(_entries(tmp_path)) == 4
    # nor one whose canonical search was cut by its own wall-clock safety limit (not the solve's clock)
    from ntm_sched.engine.solve_cache import searched_keepable

    cut = dataclasses.replace(first, notes=[], canonical=dataclasses.replace(first.canonical, reasons=("wall_cut",)))
    assert searched_keepable(dataclasses.replace(first, notes=[]), det) and not searched_keepable(cut, det)


# ---------------------------------------------------------------------------
# one search per problem at a time (solve_cache.turn)
# ---------------------------------------------------------------------------
class _Held:
    """The engine's first search held until ``go_on`` is set, every search counted, a wait for a turn seen."""

    def __init__(self, monkeypatch) -> None:
        import importlib

        import ntm_sched.engine.solve_cache as cache

        engine_solve = importlib.import_module("ntm_sched.engine.solve")  # the package's name "solve" is the function

        self.searches = 0
        self.inside, self.go_on, self.waiting = threading.Event(), threading.Event(), threading.Event()
        real_search, real_pause = engine_solve._solve, cache._pause

        def search(*args):
            self.searches += 1
            if self.searches == 1:  # the first search only
                self.inside.set()
                assert self.go_on.wait(60)
            return real_search(*args)

        def pause():
            self.waiting.set()
            real_pause()

        monkeypatch.setattr(engine_solve, "_solve", search)
        monkeypatch.setattr(cache, "_pause", pause)
        self.results: dict[str, object] = {}

    def start(self, name: str, **kw) -> threading.Thread:
        t = threading.Thread(target=lambda: self.results.__setitem__(name, kw.pop("run", solve)(
            tied_problem(), _opts(kw.pop("folder"), **kw))))
        t.start()
        return t


def test_a_run_asking_for_a_problem_being_searched_waits_and_reuses_its_answer(tmp_path, monkeypatch) -> None:
    held = _Held(monkeypatch)
    first = held.start("first", folder=tmp_path)
    assert held.inside.wait(60)  # the first run searches, holding the problem's turn
    second = held.start("second", folder=tmp_path, seed=3, workers=2)
    assert held.waiting.wait(60)  # the second waits for its turn instead of searching too
    assert held.searches == 1
    held.go_on.set()
    first.join(60), second.join(60)
    a, b = held.results["first"], held.results["second"]
    assert held.searches == 1 and a.status == Status.OPTIMAL and b.solution == a.solution and b.tiers == a.tiers
    assert "solve cache" in b.notes[-1] and "waited for its turn" in b.notes[-1]
    assert b.check is not None and b.check.ok
    assert not list(tmp_path.glob("*.lock")) and len(_entries(tmp_path)) == 1  # no lock file left behind


def test_a_run_that_waited_as_long_as_its_search_may_take_searches_itself(tmp_path, monkeypatch) -> None:
    held = _Held(monkeypatch)
    first = held.start("first", folder=tmp_path)
    assert held.inside.wait(60)
    second = held.start("second", folder=tmp_path, time_limit=0.3)  # waits 0.3 s at most
    second.join(60)  # returns while the first is still held
    assert not second.is_alive() and held.searches == 2 and not held.go_on.is_set()
    assert "solve cache" not in " ".join(held.results["second"].notes)
    held.go_on.set()
    first.join(60)
    assert held.results["first"].status == Status.OPTIMAL


def test_a_stop_ends_the_wait_for_a_turn(tmp_path, monkeypatch) -> None:
    from ntm_sched.engine.stop import StopFlag, stopping

    held = _Held(monkeypatch)
    first = held.start("first", folder=tmp_path)
    assert held.inside.wait(60)
    flag = StopFlag()

    def stopped_run(problem, opts):
        with stopping(flag):
            return solve(problem, opts)

    second = held.start("second", folder=tmp_path, run=stopped_run)
    assert held.waiting.wait(60)
    flag.set()
    second.join(60)  # the wait ends with the stop, although the first still searches
    assert not second.is_alive() and not held.go_on.is_set()
    assert held.results["second"].status != Status.OPTIMAL
    held.go_on.set()
    first.join(60)
