"""The NTM layer: a plan becomes an engine problem, and the answer comes back as the plan's tables.

The tables are checked here on their own terms (dates, weekly loads, money by date), independently
of the engine's checker, which every solve also runs.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from ntm_sched import domain as ntm
from ntm_sched.domain.verify import answer_from_result, verify
from ntm_sched.engine import SolveOptions
from ntm_sched.scenario import apply, load_scenario

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "tan_yen_2019"
NOT_RECOGNISED = ["07303", "07309", "07321", "07330", "07336", "07345", "07357", "07360"]
CHAIN = ["works_done", "dossier", "public_posting", "survey", "inspection", "submission", "appraisal", "decision"]




def test_base_plan_solves_and_both_checks_pass(base, plan) -> None:
    """The engine's checker (on the engine problem) and the plan-level verifier (on the plan's own
    records) both accept the answer, and the summary is what the verifier recomputes."""
    assert base.status in ("OPTIMAL", "FEASIBLE"), base.summary
    assert base.result.check is not None and base.result.check.ok
    assert base.summary["checker_ok"] is True
    assert base.summary["verified"] is True, base.summary["verifier_findings"]
    rep = verify(plan, answer_from_result(plan, base))
    assert rep.ok, str(rep)
    for key in ("communes_on_time", "communes_late", "late_communes", "first_missed", "district_recognition_date",
                "district_target_date", "total_cost_mvnd", "extra_funding_mvnd"):
        assert base.summary[key] == rep.expected[key], key
    assert set(base.summary) >= {"status", "objective", "best_bound", "gap", "runtime_s", "communes_on_time",
                                 "communes_late", "district_recognition_date", "total_cost_mvnd",
                                 "extra_funding_mvnd", "verified", "verifier_findings"}


def test_base_plan_answers_are_the_reviewed_ones(base) -> None:
    """The base plan's key answers equal the values reviewed by hand in tests/data/reviewed_answers.yaml
    (see that file for how to update them on purpose)."""
    want = yaml.safe_load((ROOT / "tests" / "data" / "reviewed_answers.yaml").read_text(encoding="utf-8"))["base"]
    s = base.summary
    assert base.status == "OPTIMAL", "the reviewed answers are those of a proven optimal solve"
    got = {
        "communes_on_time": s["communes_on_time"],
        "on_time_communes": sorted(set(NOT_RECOGNISED) - set(s["late_communes"])),
        "late_communes": s["late_communes"],
        "first_missed": s["first_missed"],
        "district_recognition_date": s["district_recognition_date"],
        "extra_funding_mvnd": s["extra_funding_mvnd"],
    }
    assert got == {k: want[k] for k in got}, f"answers changed; new values (review before updating): {got}"


def test_base_plan_is_proven_optimal(base) -> None:
    """Lexicographic objective: every tier proven (one worker, seed 0: repeatable)."""
    assert base.status == "OPTIMAL", [t for t in base.result.tiers]
    assert base.summary["gap"] == 0
    assert all(t.status.value == "OPTIMAL" for t in base.result.tiers)
    # the fewest late milestones are the ones no money can save: Tân Trung's works cannot end by
    # 15/11/2019 (site clearance, then the waste area) nor leave the 34 days of procedure before
    # 30/11/2019; Ngọc Thiện cannot be inspected by 31/08/2019 (what is left of its dossier, 5 days
    # by step_progress.csv, the 21-day survey and the 3-day inspection, across the 31/08-02/09 holiday)
    ms = base.milestones
    late = ms[(ms["slack_days"] < 0) & ~ms["milestone"].str.startswith("task:")]
    assert set(zip(late["commune_code"], late["milestone"])) == {
        ("07309", "works_done"), ("07309", "inspection"), ("07309", "submission"), ("07360", "inspection")}
    assert not (ms.loc[ms["milestone"].str.startswith("task:"), "slack_days"] < 0).any()


def test_a_deep_budget_cut_asks_for_extra_funding_never_overspends(plan, tmp_path) -> None:
    sc = load_scenario("base")
    sc = dataclasses.replace(sc, config={**sc.config, "funding": {"scale": {s: 0.5 for s in
                                                                            ("NTM_TW_TINH", "HUYEN", "XA", "DAN",
                                                                             "LONG_GHEP", "HUYEN_LC")}}})
    cut = apply(plan, sc)
    # any schedule must ask for what the tranches cannot carry: half a unit of deterministic work gives one
    # (FEASIBLE, about 2 s) at any load; a 10 s wall-clock limit took 14 s for the same verdict
    res = ntm.solve_plan(cut, SolveOptions(time_limit=0.5, workers=1, seed=0, deterministic=True))
    assert res.status in ("OPTIMAL", "FEASIBLE")
    total_cost = res.summary["total_cost_mvnd"]
    available = float(cut.table("funding")["amount_mvnd"].sum())
    # what the tranches cannot carry must come from extra funding, and it is reported
    assert res.summary["extra_funding_mvnd"] >= total_cost - available - 1
    assert res.result.check.ok


def test_keep_if_valid_accepts_a_valid_schedule_and_refuses_a_broken_one(plan, base) -> None:
    model = ntm.build(plan)
    kept = ntm.keep_if_valid(model, base.result.solution)
    assert kept is not None and kept.status == "FEASIBLE" and kept.summary["checker_ok"] is True
    sol = base.result.solution
    first = next(iter(sol.tasks))
    broken = dataclasses.replace(sol, tasks={**sol.tasks, first: dataclasses.replace(sol.tasks[first], start=-5)})
    assert ntm.keep_if_valid(model, broken) is None


def test_solve_keeping_returns_the_previous_schedule_when_asked_to_prefer_it(plan, base) -> None:
    model = ntm.build(plan)
    pr, kept = ntm.solve_keeping(model, base.result.solution, SolveOptions(time_limit=5, workers=1),
                                 better=lambda kept, own: True)
    assert kept and pr.result.solution == base.result.solution
    # a limit the base plan is proven within even on a loaded machine (5 s found nothing at load 10)
    pr, kept = ntm.solve_keeping(model, None, SolveOptions(time_limit=60, workers=1))
    assert not kept and pr.has_schedule


def test_solve_plan_forwards_the_solver_options_and_verifies(plan, monkeypatch) -> None:
    """solve_plan builds, hands the options to the engine unchanged, tabulates and verifies."""
    import ntm_sched.domain.run as run
    from ntm_sched.plan.edits import restrict_plan
    from tests.solved_plans import solved

    small = restrict_plan(plan, ["07309", "07360"])
    res = solved(small, ("late", "07309", "07360"))
    calls = []

    def fake_solve(problem, options, hint=None):
        calls.append((problem, options, hint))
        return res.result

    monkeypatch.setattr(run, "solve", fake_solve)
    out = ntm.solve_plan(small)
    problem, opts, hint = calls[-1]
    assert opts == SolveOptions() and hint is None
    assert {t.id for t in problem.tasks} == {t.id for t in res.model.problem.tasks}
    assert out.summary["verified"] is True and out.verification.ok
    assert out.summary["late_communes"] == ["07309", "07360"]
    given = res.result.solution
    ntm.solve_plan(small, time_limit=3.5, workers=2, seed=7, hint=given, log=True)
    _, opts, hint = calls[-1]
    assert (opts.time_limit, opts.workers, opts.seed, opts.log, hint) == (3.5, 2, 7, True, given)
