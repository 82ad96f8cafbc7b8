"""No verb destroys a user's file: an output target is replaced only when it is missing, empty
or a previous ntm-sched output (marked); anything else is refused with exit 2, nothing touched.

Black-box through the command line, for every verb that takes an output folder or file.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from ntm_sched.cli import main
from ntm_sched.io import MARKER, OutputTargetError, atomic_dir, check_output_target, replace_dir

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "tan_yen_2019"
ALLOCATION = ROOT / "data" / "budget_examples"


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file and folder under ``root`` (names, bytes) and the folder itself."""
    out = {".": b"dir" if root.is_dir() else root.read_bytes()}
    if root.is_dir():
        for p in sorted(root.rglob("*")):
            out[str(p.relative_to(root))] = p.read_bytes() if p.is_file() else b"dir"
    return out


def _allocation_file() -> str:
    files = sorted(ALLOCATION.glob("*.csv"))
    assert files, "data/budget_examples holds an allocation example"
    return str(files[0])


# every verb that writes a folder or file, as argv with {out} for the target
VERBS = {
    "solve": ["solve", "base", "--out", "{out}", "--time-limit", "2", "--workers", "1"],
    "budget evaluate": ["budget", "evaluate", "{alloc}", "--out", "{out}", "--time-limit", "2", "--workers", "1"],
    "budget minimum": ["budget", "minimum", "--out", "{out}", "--time-limit", "2", "--workers", "1"],
    "budget cuts": ["budget", "cuts", "--levels", "1", "--out", "{out}", "--time-limit", "2", "--workers", "1"],
    "budget marginal": ["budget", "marginal", "--out", "{out}", "--time-limit", "2", "--workers", "1"],
}


def _argv(verb: str, out: Path) -> list[str]:
    return [a.format(out=out, alloc=_allocation_file()) for a in VERBS[verb]]


@pytest.fixture()
def users_folder(tmp_path: Path) -> Path:
    """A folder of the user's files: a copy of the plan."""
    d = tmp_path / "my_plan"
    shutil.copytree(DATA, d)
    return d


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_a_users_folder_as_out_is_refused_and_untouched(verb, users_folder, tmp_path, capsys) -> None:
    before = _snapshot(tmp_path)
    assert main(_argv(verb, users_folder)) == 2
    err = capsys.readouterr().err
    assert str(users_folder) in err and "refusing" in err and "not an ntm-sched output" in err
    assert _snapshot(tmp_path) == before  # nothing written beside it either


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_a_file_as_out_is_refused_and_untouched(verb, tmp_path, capsys) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("mine\n", encoding="utf-8")
    before = _snapshot(tmp_path)
    assert main(_argv(verb, f)) == 2
    err = capsys.readouterr().err
    assert str(f) in err and "is a file" in err
    assert _snapshot(tmp_path) == before


def test_solve_replaces_an_empty_folder_and_its_own_output_only(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    argv = _argv("solve", out)
    assert main(argv) in (0, 1)
    assert (out / MARKER).is_file() and (out / "schedule.csv").is_file()
    (out / "stale.csv").write_text("old output of ours\n", encoding="utf-8")
    assert main(argv) in (0, 1)  # a previous output of ours is replaced whole
    assert not (out / "stale.csv").exists() and (out / "summary.json").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary folder left beside it
    # the marker is what makes it ours: without it the same folder is refused
    (out / MARKER).unlink()
    assert main(argv) == 2
    assert "refusing" in capsys.readouterr().err and (out / "schedule.csv").exists()


def test_report_refuses_a_users_folder_in_its_place(users_folder, tmp_path, capsys) -> None:
    outputs = tmp_path / "outputs"
    (outputs / "r").mkdir(parents=True)
    target = outputs / "r" / "base"
    shutil.copytree(users_folder, target)
    failed = outputs / "r" / "programme_cut_20.failed"
    shutil.copytree(users_folder, failed)
    before = _snapshot(tmp_path)
    assert main(["report", "base", "--run", "r", "--outputs", str(outputs)]) == 2
    assert main(["report", "programme_cut_20", "--run", "r", "--outputs", str(outputs)]) == 2
    err = capsys.readouterr().err
    assert str(target) in err and str(failed) in err and "refusing" in err
    assert _snapshot(tmp_path) == before


def test_batch_refuses_a_run_folder_of_user_files(users_folder, tmp_path, capsys) -> None:
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    shutil.copytree(users_folder, outputs / "nightly")
    before = _snapshot(tmp_path)
    assert main(["batch", "base", "--run", "nightly", "--outputs", str(outputs), "--jobs", "1"]) == 2
    assert "not ntm-sched outputs" in capsys.readouterr().err
    assert _snapshot(tmp_path) == before


def test_bench_out_csv_refuses_a_users_file(tmp_path, capsys) -> None:
    f = tmp_path / "results.csv"
    f.write_text("my,own\n1,2\n", encoding="utf-8")
    for target in (f, tmp_path):
        before = _snapshot(tmp_path)
        assert main(["bench", "psplib", str(ROOT / "tests" / "data" / "psplib"), "--out", str(target),
                     "--time-limit", "1", "--no-progress"]) == 2
        assert "refusing" in capsys.readouterr().err
        assert _snapshot(tmp_path) == before


def test_bench_out_csv_replaces_its_own_earlier_table(tmp_path, capsys) -> None:
    out = tmp_path / "bench.csv"
    d = tmp_path / "inst"
    d.mkdir()
    src = sorted((ROOT / "tests" / "data" / "psplib").glob("*.sm"))[0]
    shutil.copy(src, d)
    argv = ["bench", "psplib", str(d), "--out", str(out), "--time-limit", "2", "--no-progress"]
    assert main(argv) == 0
    first = out.read_text(encoding="utf-8")
    assert first.startswith("instance,makespan")
    assert main(argv) == 0 and out.read_text(encoding="utf-8").splitlines()[0] == first.splitlines()[0]


# the one publishing helper, directly ---------------------------------------------------------
def test_atomic_dir_refuses_before_writing_and_marks_what_it_publishes(tmp_path) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "a.txt").write_text("x")
    with pytest.raises(OutputTargetError, match="refusing"):
        with atomic_dir(user) as tmp:  # pragma: no cover - never entered
            (tmp / "b.txt").write_text("y")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["user"]
    out = tmp_path / "out"
    with atomic_dir(out, kind="solve") as tmp:
        (tmp / "b.txt").write_text("y")
    assert json.loads((out / MARKER).read_text())["kind"] == "solve"
    check_output_target(out)  # ours: replaceable


def test_replace_dir_never_moves_a_users_folder(tmp_path) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "a.txt").write_text("x")
    new = tmp_path / "new"
    new.mkdir()
    with pytest.raises(OutputTargetError):
        replace_dir(new, user)
    assert (user / "a.txt").read_text() == "x" and new.is_dir()


def _tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_the_plan_folder_as_out_is_refused(capsys) -> None:
    before = _tree_hash(DATA)
    assert main(["solve", "base", "--out", str(DATA), "--time-limit", "1", "--workers", "1"]) == 2
    assert "refusing" in capsys.readouterr().err
    assert _tree_hash(DATA) == before



def test_scenario_schema_out_refuses_a_users_file(tmp_path, capsys) -> None:
    f = tmp_path / "notes.json"
    f.write_text('{"mine": true}', encoding="utf-8")
    before = _snapshot(tmp_path)
    assert main(["scenario", "schema", "--out", str(f)]) == 2
    assert "refusing" in capsys.readouterr().err
    assert _snapshot(tmp_path) == before
    out = tmp_path / "schema.json"
    assert main(["scenario", "schema", "--out", str(out)]) == 0
    assert main(["scenario", "schema", "--out", str(out)]) == 0  # its own earlier schema is replaced


def test_outputs_of_earlier_versions_without_the_marker_are_still_recognised(tmp_path) -> None:
    """After an upgrade, `make report` and a nightly batch replace their own old folders."""
    from ntm_sched.io import is_our_output

    report = tmp_path / "base"
    report.mkdir()
    (report / "run.json").write_text(json.dumps({"scenario": "base", "run": "base", "parameters": {}}))
    (report / "summary.json").write_text("{}")
    failed = tmp_path / "x.failed"
    failed.mkdir()
    (failed / "error.txt").write_text("error: ...")
    batch = tmp_path / "nightly"
    batch.mkdir()
    (batch / "summary.csv").write_text("scenario,ok,status,communes_on_time\n")
    (batch / "batch.log").write_text("")
    (batch / "index.html").write_text("")
    for p in (report, failed, batch):
        assert is_our_output(p), p
        check_output_target(p)
    # the same names with anything else in them are not taken for ours
    (failed / "notes.txt").write_text("mine")
    (report / "run.json").write_text("{}")
    for p in (report, failed):
        assert not is_our_output(p)
        with pytest.raises(OutputTargetError):
            check_output_target(p)


# names are names: nothing is written outside the outputs folder -----------------------------
@pytest.mark.parametrize("argv", [
    ["report", "../../somewhere"],
    ["report", "/tmp/somewhere"],
    ["report", "base", "--run", "../escape"],
    ["report", "base", "--run", "/tmp/ntm-abs-run"],
    ["report", "base", "--run", "a/b"],
    ["report", "no_such_scenario/../../../up", "--run", "r"],
    ["batch", "../../somewhere", "--jobs", "1"],
    ["batch", "base", "--run", "../escape", "--jobs", "1"],
    ["batch", "base", "--run", "..", "--jobs", "1"],
    ["solve", "../../data/tan_yen_2019/scenarios/base"],
    ["budget", "cuts", "--scenario", "../scenarios/base"],
])
def test_names_that_climb_or_are_paths_are_refused(argv, tmp_path, capsys) -> None:
    outputs = tmp_path / "work" / "outputs"
    outputs.mkdir(parents=True)
    before = _snapshot(tmp_path)
    extra = ["--outputs", str(outputs)] if argv[0] in ("report", "batch") else ["--out", str(outputs / "o")]
    assert main(argv + extra) == 2
    err = capsys.readouterr().err
    assert "plain name" in err or "expected a scenario" in err, err
    assert _snapshot(tmp_path) == before
    assert not Path("/tmp/ntm-abs-run").exists()


def test_a_run_folder_that_links_outside_is_refused(tmp_path, capsys) -> None:
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (outputs / "r").symlink_to(elsewhere)
    assert main(["report", "base", "--run", "r", "--outputs", str(outputs)]) == 2
    assert "outside" in capsys.readouterr().err
    assert not any(elsewhere.iterdir())


def test_a_scenario_file_with_a_yaml_path_is_accepted(tmp_path) -> None:
    from ntm_sched.scenario import ScenarioError, load_scenario

    sc = load_scenario(ROOT / "data" / "tan_yen_2019" / "scenarios" / "programme_cut_20.yaml")
    assert sc.name == "programme_cut_20"
    assert load_scenario("programme_cut_20").path == sc.path
    with pytest.raises(ScenarioError, match="plain name"):
        load_scenario("../scenarios/programme_cut_20")
