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


def test_voila_runs_the_cells_through_the_sliced_kernel_client(tmp_path):
    # the option Voilà is given sets the client of every kernel manager its server makes (traitlets config of their
    # base class): a client whose channels wait in slices, so a missed wake-up costs a second, not the page
    from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
    from traitlets.config import Config

    from ntm_sched.report.kernel import IpcKernelClient, SlicedChannel

    option = [a for a in voila_command(tmp_path / "app.ipynb", 9999) if "client_factory" in a]
    assert len(option) == 1
    section, value = option[0].removeprefix("--").split("=")
    cls, trait = section.rsplit(".", 1)
    config = Config()
    config[cls][trait] = value
    km = ServerKernelManager(config=config)  # the kernel manager class of Voilà's server (jupyter_server's default)
    assert km.client_factory is IpcKernelClient
    assert IpcKernelClient().shell_channel_class is SlicedChannel
