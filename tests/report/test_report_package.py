"""``ntm_sched.report`` imports its report context on first use: the processes that only run reports (the
command, a batch and its workers, the app's server) start without matplotlib and the solver stack."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

# the modules of processes that run notebooks but draw and solve nothing themselves
RUNNERS = ("ntm_sched.cli", "ntm_sched.report.runner", "ntm_sched.report.jobs", "ntm_sched.report.batch",
           "ntm_sched.app.server", "ntm_sched.studies.budget")


def _in_a_fresh_process(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", RUNNERS)
def test_a_process_that_runs_reports_starts_without_matplotlib_and_the_report_context(module):
    got = _in_a_fresh_process(f"""
        import json, sys
        import {module}
        print(json.dumps({{m: m in sys.modules for m in ("matplotlib", "ntm_sched.report.context")}}))
    """)
    assert got == {"matplotlib": False, "ntm_sched.report.context": False}


def test_the_report_context_is_there_on_first_use():
    got = _in_a_fresh_process("""
        import json, sys
        import ntm_sched.report as report
        before = "ntm_sched.report.context" in sys.modules
        from ntm_sched.report import context
        print(json.dumps({"before": before, "same": report.build_report_context is context.build_report_context
                                                    and report.ReportContext is context.ReportContext}))
    """)
    assert got == {"before": False, "same": True}


def test_an_unknown_name_is_an_attribute_error():
    import ntm_sched.report as report

    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        report.nothing_here  # noqa: B018 - the attribute access is the test
    assert report.heading("gantt", "en").startswith("## ")
