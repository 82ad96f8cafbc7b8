"""The report's kernel falls back to the running interpreter when ``ntm-sched`` is not registered."""

from __future__ import annotations

import sys
from pathlib import Path

from ntm_sched.report.kernel import IpcKernelManager, OwnInterpreterKernelManager, kernel_manager_class


def test_kernel_fallback_is_this_interpreter():
    assert kernel_manager_class("no-such-kernel-4b1f") is OwnInterpreterKernelManager
    km = OwnInterpreterKernelManager(kernel_name="no-such-kernel-4b1f")
    assert km.kernel_spec.argv[0] == sys.executable and "ipykernel_launcher" in km.kernel_spec.argv
    assert issubclass(OwnInterpreterKernelManager, IpcKernelManager)
    assert Path(sys.executable).exists()


def test_the_registered_kernel_is_used_when_installed():
    assert kernel_manager_class("ntm-sched") is IpcKernelManager  # make setup registers it in .venv
