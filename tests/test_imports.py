"""The import graph of the package: arrows point down the layers, no loops, argparse only in the CLI.

Layer order (imports point down)::

    cli -> app -> studies -> report -> domain, scenario -> engine | plan | i18n | units | io

``engine`` never imports ``plan`` or ``domain``; ``plan`` never imports ``engine``; nothing
below the CLI uses argparse. Every import counts, including those inside functions.
"""

from __future__ import annotations

import ast
import functools
import graphlib
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "ntm_sched"

# layer of each top-level part of the package; a module may import its own layer's part
# and the parts listed as allowed for it
ALLOWED: dict[str, set[str]] = {
    "errors": set(),  # the kinds of failure (InputError, RunFailed, Interrupted): imports nothing
    "lazy_imports": set(),  # third-party imports made lazy, by the package's __init__: imports nothing of ours
    "i18n": set(),
    "units": {"i18n"},
    "io": {"errors"},
    "engine": set(),
    "plan": {"i18n", "units", "io", "errors"},
    "domain": {"engine", "plan", "i18n", "units", "io", "errors"},
    "scenario": {"engine", "plan", "i18n", "units", "io", "errors"},
    "report": {"domain", "scenario", "engine", "plan", "i18n", "units", "io", "errors"},
    "studies": {"report", "domain", "scenario", "engine", "plan", "i18n", "units", "io", "errors"},
    "app": {"studies", "report", "domain", "scenario", "engine", "plan", "i18n", "units", "io", "errors"},
    "cli": {"app", "studies", "report", "domain", "scenario", "engine", "plan", "i18n", "units", "io", "errors"},
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def _imports(path: Path, me: str | None = None) -> tuple[tuple[str, int], ...]:
    """Every module ``path`` (module ``me``) imports (absolute names), with the line, wherever
    the import is (each module read once per test process: several tests ask)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = me or _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((mod, node.lineno))
            # "from ntm_sched.engine import solve" may name a submodule: count it too
            out += [(f"{mod}.{a.name}", node.lineno) for a in node.names]
    return tuple(out)


MODULES = {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _part(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else ""


def _internal(module: str) -> str | None:
    """The package module an imported name resolves to (longest known prefix), or None."""
    while module:
        if module in MODULES:
            return module
        module = module.rpartition(".")[0]
    return None


def test_every_part_has_a_layer():
    parts = {_part(m) for m in MODULES if m != "ntm_sched"}
    assert parts <= set(ALLOWED), sorted(parts - set(ALLOWED))


def _wrong_arrows(module: str, path: Path) -> list[str]:
    mine = _part(module)
    bad = []
    seen = set()
    for name, line in _imports(path, module):
        target = _internal(name)
        if target is None or target == "ntm_sched" or (line, target) in seen:
            continue
        seen.add((line, target))
        theirs = _part(target)
        if theirs != mine and mine and theirs not in ALLOWED[mine]:
            bad.append(f"{path.name}:{line} imports {name} ({mine} -> {theirs})")
    return bad


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_layers(module):
    bad = _wrong_arrows(module, MODULES[module])
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_the_cli_parses_arguments(module):
    if _part(module) == "cli":
        return
    used = [line for name, line in _imports(MODULES[module]) if name == "argparse"]
    assert not used, f"{module} imports argparse (lines {used}); only ntm_sched.cli may"


def test_no_import_loops():
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for m, path in MODULES.items():
        for name, _ in _imports(path):
            target = _internal(name)
            # a package's __init__ re-exporting its own modules is not a loop of the modules
            if target and target != m and not (path.name == "__init__.py" and target.startswith(m + ".")):
                if not (MODULES[target].name == "__init__.py" and m.startswith(target + ".")):
                    graph[m].add(target)
    try:
        list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        pytest.fail(f"import loop: {' -> '.join(exc.args[1])}")


# inside the engine: the constraint families sit below the builder, the checker and the explainer
# that loop over them, and use only the problem data, the result types, the model handle and the
# cash-flow formulation
FAMILIES_MAY_IMPORT = {"ntm_sched.engine.problem", "ntm_sched.engine.result", "ntm_sched.engine.model",
                       "ntm_sched.engine.cashflow"}


def _family_wrong_arrows(module: str, path: Path) -> list[str]:
    bad = []
    seen = set()
    for name, line in _imports(path, module):
        target = _internal(name)
        if target is None or target.startswith("ntm_sched.engine.families") or target in FAMILIES_MAY_IMPORT:
            continue
        if (line, target) in seen:
            continue
        seen.add((line, target))
        bad.append(f"{path.name}:{line} imports {target}")
    return bad


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("ntm_sched.engine.families")))
def test_the_constraint_families_sit_below_the_engine_that_uses_them(module):
    bad = _family_wrong_arrows(module, MODULES[module])
    assert not bad, "\n".join(bad)


def test_a_family_importing_the_builder_is_reported(tmp_path):
    fake = tmp_path / "budget.py"
    fake.write_text((PKG / "engine" / "families" / "budget.py").read_text(encoding="utf-8")
                    + "\n\ndef _f():\n    from ntm_sched.engine.builder import build_model\n    return build_model\n",
                    encoding="utf-8")
    bad = _family_wrong_arrows("ntm_sched.engine.families.budget", fake)
    assert len(bad) == 1 and "ntm_sched.engine.builder" in bad[0]


def test_the_checker_finds_a_wrong_arrow(tmp_path):
    """The test itself can fail: an engine module importing the plan, even inside a function, is reported."""
    fake = tmp_path / "problem.py"
    fake.write_text((PKG / "engine" / "problem.py").read_text(encoding="utf-8")
                    + "\n\ndef _f():\n    from ntm_sched.plan import load_plan\n    return load_plan\n",
                    encoding="utf-8")
    bad = _wrong_arrows("ntm_sched.engine.problem", fake)
    assert len(bad) == 1 and "engine -> plan" in bad[0]


def test_the_verifier_stays_independent_of_the_engine_and_the_build():
    """The plan-level verifier re-derives every rule from the plan's records on purpose (a mistake
    in an engine family or in the build must not be copied into its check): its modules import
    neither the engine nor the domain build. Its rules are second writings by design, not copies
    to fold into the families' one home."""
    verifier = sorted(m for m in MODULES if m.startswith("ntm_sched.domain.verify"))
    assert len(verifier) >= 4
    bad = [f"{m}:{line} imports {target}" for m in verifier for target, line in _imports(MODULES[m], m)
           if target.startswith(("ntm_sched.engine", "ntm_sched.domain.build"))]
    assert bad == []
