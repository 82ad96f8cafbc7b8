"""The project's own files install what it needs, and they agree with each other."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_lists_the_same_runtime_dependencies_as_pyproject() -> None:
    py = _pyproject()["project"]
    runtime = {_name(r) for r in py["dependencies"]}
    test = {_name(r) for r in py["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda == runtime | test, (
        f"only in environment.yml: {sorted(conda - runtime - test)}; "
        f"only in pyproject.toml: {sorted((runtime | test) - conda)}"
    )


def test_version_bounds_agree() -> None:
    py = _pyproject()["project"]
    # extras ("dask[distributed]") are pip's; conda names the full package ("dask")
    pins = {_name(r): re.sub(r"^\[[^\]]*\]", "", r.strip()[len(_name(r)):]) for r in py["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    for d in env["dependencies"]:
        if isinstance(d, str) and _name(d) in pins:
            assert d.strip()[len(_name(d)):] == pins[_name(d)], d


def test_console_script_and_kernel_setup_are_declared() -> None:
    py = _pyproject()["project"]
    assert py["scripts"]["ntm-sched"] == "ntm_sched.cli:main"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "ipykernel install" in makefile and "--name $(KERNEL)" in makefile


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    lines = [ln.strip() for ln in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()]
    commands = [ln for ln in lines if ln.startswith("make ")]
    assert commands[:2] == ["make report", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    # the plain-install check, the long tests (not in make test), then the suite
    assert "make test" in ci and "make test-install" in ci and "make test-long" in ci
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert '$(PYTEST) -m "not install and not long"' in makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "$(PYTEST) -m long" in makefile.split("\ntest-long:", 1)[1].split("\n\n", 1)[0]


def test_nothing_reads_the_shared_folder_at_run_or_test_time() -> None:
    offenders = []
    for folder in ("ntm_sched", "tests", "notebooks", "data"):
        for p in (ROOT / folder).rglob("*"):
            if p.is_file() and p.suffix in (".py", ".ipynb", ".yaml", ".csv") and p.name != "test_packaging.py":
                if "shared/" in p.read_text(encoding="utf-8", errors="ignore"):
                    offenders.append(str(p.relative_to(ROOT)))
    assert not offenders, offenders


def test_every_data_file_travels_with_a_plain_install_to_the_same_place() -> None:
    """Each file under ``data/`` (every shipped plan with its scenarios, risk data and budget examples,
    ``plans.csv``) matches a ``data-files`` pattern whose target folder mirrors its own, so a plain
    install finds it where the checkout has it (a new plan folder cannot be forgotten)."""
    from pathlib import PurePosixPath

    data_files = _pyproject()["tool"]["setuptools"]["data-files"]
    missing = []
    for p in sorted((ROOT / "data").rglob("*")):
        if not p.is_file() or any(part.startswith(".") for part in p.relative_to(ROOT).parts) or p.suffix == ".py":
            continue  # a script that made an example (data/examples/progress/generate.py) is not data
        rel = PurePosixPath(p.relative_to(ROOT).as_posix())
        if not any(rel.match(pat) and len(PurePosixPath(pat).parts) == len(rel.parts)
                   and target == f"share/ntm-sched/{rel.parent}"
                   for target, pats in data_files.items() for pat in pats):
            missing.append(str(rel))
    assert not missing, missing
    assert "share/ntm-sched/data/example_2021_2025/scenarios" in data_files


def test_a_test_process_that_dies_fails_make_test_at_once(tmp_path) -> None:
    """A worker killed by a native abort (OR-Tools did it once: benchmarks/stop_abort.py) must fail the suite with
    its name, not hang it: with pytest-xdist's default (restart the worker), ``--dist loadfile`` waited for ever."""
    import re
    import shlex
    import subprocess
    import sys

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(ln for ln in makefile.splitlines() if ln.startswith("PYTEST :=") and "-m pytest" in ln)
    args = shlex.split(line.split("-m pytest", 1)[1].replace("$(TEST_PROCESSES)", "2"))
    for k in range(4):
        (tmp_path / f"test_fine_{k}.py").write_text("import time\n\ndef test_a():\n    time.sleep(0.3)\n")
    (tmp_path / "test_dies.py").write_text("import os\n\ndef test_dies():\n    os.abort()\n")
    out = subprocess.run([sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider", "-p", "no:faulthandler",
                          str(tmp_path)], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 1, out.stdout[-2000:]
    assert re.search(r"crashed while running '[^']*test_dies\.py::test_dies'", out.stdout), out.stdout[-2000:]
