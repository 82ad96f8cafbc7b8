"""SolveOptions: the one home of solver defaults; overrides and checks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ntm_sched.engine import SolveOptions, solve
from ntm_sched.engine.options import resolve_options
from tests.engine.engine_helpers import small_problem


def test_defaults_and_overrides():
    o = SolveOptions()
    assert (o.time_limit, o.workers, o.seed, o.check, o.explain) == (10.0, 1, 0, True, True)
    assert o.with_(workers=None, seed=3) == SolveOptions(seed=3)
    assert resolve_options(None, time_limit=2) == SolveOptions(time_limit=2.0)
    assert resolve_options(SolveOptions(workers=2), seed=None).workers == 2


@pytest.mark.parametrize("bad", [{"time_limit": 0}, {"workers": 0}])
def test_bad_options_are_refused(bad):
    with pytest.raises(ValueError):
        SolveOptions(**bad)


def test_solve_takes_options_and_keyword_overrides():
    p = small_problem()
    a = solve(p, SolveOptions(time_limit=5, workers=1, seed=0))
    b = solve(p, time_limit=5, workers=1, seed=0)
    assert a.status == b.status and a.objective == b.objective
    assert solve(p, SolveOptions(check=False), time_limit=5).check is None


# --------------------------------------------------------------------------- one home of the defaults
_PKG = Path(__file__).resolve().parents[2] / "ntm_sched"
_OPTION_NAMES = {"time_limit", "workers", "seed", "log"}


def _literal(node: ast.AST | None) -> bool:
    """A number or boolean written in the code (``None`` means "the default", so it is allowed)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and node.value is not None and not isinstance(node.value, str)


def redeclared_defaults(root: Path = _PKG) -> list[str]:
    """Every place outside ``engine/options.py`` that writes a solver option's value as a literal:
    a parameter ``time_limit``/``workers``/``seed``/``log`` with a literal default, a call passing
    one as a literal keyword (``SolveOptions(seed=0)``, ``solve(p, time_limit=5)``), a class field
    with a literal default, or a module constant of a time slice in the engine (``..._SHARE``)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).as_posix()
        if rel == "ntm_sched/engine/options.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{rel}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                a = node.args
                pos = [*a.posonlyargs, *a.args]
                pairs = [*zip(pos[len(pos) - len(a.defaults):], a.defaults), *zip(a.kwonlyargs, a.kw_defaults)]
                found += [f"{where}: parameter {arg.arg}={ast.unparse(d)}" for arg, d in pairs
                          if arg.arg in _OPTION_NAMES and _literal(d)]
            elif isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                found += [f"{where}: {name}({k.arg}={ast.unparse(k.value)})" for k in node.keywords
                          if k.arg in _OPTION_NAMES and _literal(k.value)]
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
                            and item.target.id in _OPTION_NAMES and _literal(item.value)):
                        found.append(f"{rel}:{item.lineno}: field {item.target.id} = {ast.unparse(item.value)}")
            elif isinstance(node, ast.Assign) and rel.startswith("ntm_sched/engine/"):
                found += [f"{where}: time slice {t.id}" for t in node.targets
                          if isinstance(t, ast.Name) and t.id.upper().endswith("_SHARE")]
    return found


def test_no_solver_default_is_declared_outside_options_py() -> None:
    """``options.py`` says no other module declares a default time limit, worker count or seed;
    about twelve did (engine searches, the app's pages, the PSPLIB bench), with the time slices of
    a solve as unnamed numbers in solve.py. Give ``None`` (then :class:`SolveOptions` decides) or
    pass the options whole."""
    assert redeclared_defaults() == []


def test_the_scan_finds_a_redeclared_default(tmp_path) -> None:
    """The scan above is not vacuous: each kind of re-declaration it looks for is found."""
    pkg = tmp_path / "ntm_sched"
    (pkg / "engine").mkdir(parents=True)
    (pkg / "engine" / "search.py").write_text(
        "_TIER_SHARE = {0: 1.0}\n"
        "def search(problem, time_limit=10.0, *, workers=1, seed=None):\n"
        "    return SolveOptions(seed=0).with_(workers=None, log=True)\n"
        "class Page:\n"
        "    seed: int = 0\n", encoding="utf-8")
    (pkg / "engine" / "options.py").write_text("def f(time_limit=10.0):\n    pass\n", encoding="utf-8")
    found = redeclared_defaults(pkg)
    assert sorted(f.split(": ", 1)[1] for f in found) == sorted(
        ["time slice _TIER_SHARE", "parameter time_limit=10.0", "parameter workers=1", "SolveOptions(seed=0)",
         "with_(log=True)", "field seed = 0"])
    assert all(f.startswith("ntm_sched/engine/search.py:") for f in found)  # options.py itself may


def test_the_time_slices_are_named_fields_with_the_measured_defaults() -> None:
    """The slices moved from solve.py, explain.py and earliest.py keep their values."""
    o = SolveOptions()
    left = 40.0
    assert o.payment_free.of(left) == min(5.0, 0.15 * left) and o.payment_free.of(10.0) == 0.15 * 10.0
    assert o.warm_start_sgs.of(left) == max(0.2, 0.05 * left) and o.warm_start_sgs.of(1.0) == 0.2
    assert o.complete_money.of(left) == 3.0 and o.complete_money.of(2.0) == 1.0 and o.complete_money.of(10.0) == 2.0
    assert o.complete_light.of(left) == 2.0 and o.complete_light.of(0.1) == 0.1
    assert o.pattern_search.of(left) == 0.45 * left and o.deadline_lns.of(left) == 0.25 * left
    assert o.complete_values_time == 5.0 and o.held_tier_start.of(left) == 3.0 and o.held_tier_start.of(5) == 1.5
    assert [o.tier_share(k) for k in range(5)] == [1.0, 0.85, 0.7, 0.7, 0.7]
    assert o.explain_min_time == 1.0 and o.explain_probe.of(10.0) == 2.5 and o.explain_probe.of(1.0) == 0.5
    assert o.explain_probe.of(100.0) == 5.0 and o.explain_total.of(1.0) == 10.0 and o.explain_total.of(10.0) == 30
    assert o.earliest_free.of(left) == 3.0 and o.earliest_first.of(left) == 0.4 * left
    assert o.pattern_solve_time == 4.0 and o.lns_solve_time == 1.0
