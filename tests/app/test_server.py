"""``ntm-sched app`` prepares its notebook like papermill does (the verb itself: tests/cli/test_app.py)."""

from __future__ import annotations

import nbformat

from ntm_sched.app.server import prepare_notebook, voila_command


def test_prepared_notebook_has_the_parameters_and_a_kernel(tmp_path):
    nb_path = prepare_notebook(tmp_path, "programme_cut_20", lang="en", time_limit=7, scenario_dir=str(tmp_path))
    nb = nbformat.read(str(nb_path), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    src = injected[0].source
    assert 'scenario = "programme_cut_20"' in src and 'lang = "en"' in src and "time_limit = 7.0" in src
    assert nb.metadata["kernelspec"]["name"] in ("ntm-sched", "python3")
    cmd = voila_command(nb_path, 9999)
    assert "--strip_sources=True" in cmd and "--port=9999" in cmd and "--Voila.ip=127.0.0.1" in cmd
    assert cmd[1:3] == ["-m", "ntm_sched.app.voila_main"]  # Voilà after ntm_sched: its lazy imports
