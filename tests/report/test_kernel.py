"""The report's kernel falls back to the running interpreter when ``ntm-sched`` is not registered."""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from queue import Empty
from typing import Any

import pytest

from ntm_sched.report import kernel
from ntm_sched.report.kernel import (
    IpcKernelClient,
    IpcKernelManager,
    OwnInterpreterKernelManager,
    SlicedChannel,
    kernel_manager_class,
)


def test_kernel_fallback_is_this_interpreter():
    assert kernel_manager_class("no-such-kernel-4b1f") is OwnInterpreterKernelManager
    km = OwnInterpreterKernelManager(kernel_name="no-such-kernel-4b1f")
    assert km.kernel_spec.argv[0] == sys.executable and "ipykernel_launcher" in km.kernel_spec.argv
    assert issubclass(OwnInterpreterKernelManager, IpcKernelManager)
    assert Path(sys.executable).exists()


def test_the_registered_kernel_is_used_when_installed():
    assert kernel_manager_class("ntm-sched") is IpcKernelManager  # make setup registers it in .venv


def test_a_finished_kernel_is_shut_down_without_an_interrupt(capfd):
    """jupyter_client interrupts (SIGINT) a kernel before shutting it down; landing inside a
    message handler, that printed ``[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.``
    after a successful report. The kernel is busy in a handler (a completion) when it is shut
    down: no signal is sent, nothing alarming is printed, the kernel stops; an interrupt asked
    for outside a shutdown still reaches the kernel."""
    import asyncio

    async def run() -> list[int]:
        km = kernel_manager_class("ntm-sched")(kernel_name="ntm-sched")
        # a kernel that has not answered the shutdown request after shutdown_wait_time (5 s by default)
        # is sent SIGTERM: that is jupyter_client's fallback, not the interrupt this test is about, and a
        # completion of pandas on a loaded machine (CI's two test workers) can take longer than 5 s
        km.shutdown_wait_time = 120.0
        await km.start_kernel()
        sent: list[int] = []
        provisioner = km.provisioner
        assert provisioner is not None
        send = provisioner.send_signal

        async def record(signum: int) -> None:
            sent.append(signum)
            await send(signum)

        provisioner.send_signal = record  # type: ignore[method-assign]
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            await km._async_interrupt_kernel()  # outside a shutdown: sent (an idle kernel ignores it)
            assert sent == [2]
            await kc.execute_interactive("import pandas", timeout=60)
            kc.complete("pandas.DataFrame().")  # the kernel is inside a shell handler for a while
            await asyncio.sleep(0.3)
            await km.shutdown_kernel(now=False)
            assert not await km.is_alive()
        finally:
            kc.stop_channels()
        return sent

    # in a thread of its own: another test module in this process may have left an event loop running
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        signals = pool.submit(asyncio.run, run()).result()
    assert signals == [2]  # nothing more at the shutdown
    out, err = capfd.readouterr()
    # the interrupt is what printed the alarming line; a kernel stopped in the middle of a handler (this
    # test's own doing: a report's kernel is idle at shutdown) may still log its closed reply socket
    assert "KeyboardInterrupt" not in out + err, out + err


class _MissedWakeup:
    """A socket whose message arrives after ``after`` slices of waiting but whose wake-up is missed, as pyzmq's
    asyncio poll can miss it: each wait runs to its end, and only the check at its end sees the message."""

    def __init__(self, after: int | None) -> None:
        self.after = after
        self.waits: list[int] = []

    async def poll(self, timeout_ms: int) -> int:
        self.waits.append(timeout_ms)
        await asyncio.sleep(timeout_ms / 1000)
        return int(self.after is not None and len(self.waits) > self.after)


def _run(coro: Any) -> Any:
    """``coro`` run to its end on a loop of its own (a thread: an earlier test of the process may leave a loop
    running in this one, e.g. nbclient's)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _channel(socket: _MissedWakeup) -> SlicedChannel:
    ch = SlicedChannel.__new__(SlicedChannel)  # no ZMQ socket: the waiting is what is tested
    ch.socket = socket  # type: ignore[assignment]

    async def recv() -> dict:
        return {"msg_type": "execute_reply"}

    ch._recv = recv  # type: ignore[method-assign]
    return ch


def test_a_missed_wake_up_costs_one_slice_not_the_timeout(monkeypatch):
    """The explorer's cell once took 300.006 s, papermill's timeout, and then finished: the reply had come, its
    wake-up was missed. The kernel's channels wait in slices, so the reply is read at the end of the first slice."""
    monkeypatch.setattr(kernel, "POLL_SLICE", 0.01)
    socket = _MissedWakeup(after=0)
    assert _run(_channel(socket).get_msg(timeout=300)) == {"msg_type": "execute_reply"}
    assert socket.waits == [10]  # one slice of 10 ms, not one wait of 300 s


def test_the_sliced_wait_keeps_the_timeout_asked_for(monkeypatch):
    monkeypatch.setattr(kernel, "POLL_SLICE", 0.01)
    late = _MissedWakeup(after=3)
    assert _run(_channel(late).get_msg()) == {"msg_type": "execute_reply"}  # no timeout: waits for it
    assert late.waits == [10] * 4
    never = _MissedWakeup(after=None)
    with pytest.raises(Empty):
        _run(_channel(never).get_msg(timeout=0.035))
    assert 3 <= len(never.waits) <= 5 and all(w <= 10 for w in never.waits)


def test_the_notebooks_kernels_wait_in_slices():
    for manager in (IpcKernelManager, OwnInterpreterKernelManager):
        client = manager(kernel_name="ntm-sched").client()
        assert isinstance(client, IpcKernelClient)
        assert {client.shell_channel_class, client.iopub_channel_class, client.stdin_channel_class,
                client.control_channel_class} == {SlicedChannel}
