"""The kernel manager used to execute notebooks.

Notebooks run over IPC (Unix sockets in the temporary folder) instead of TCP ports on
localhost: with TCP, the client picks free ports and the kernel binds them a moment later,
so two notebooks started at the same moment (a batch with ``--jobs 2``, or a test run beside
an interactive session) can race for a port and one of them waits forever for its kernel.
A socket path is unique per kernel, so that race cannot happen.

The client waits for the kernel's messages in slices of :data:`POLL_SLICE` seconds
(:class:`SlicedChannel`): pyzmq's asyncio poll can miss the wake-up of a message that has
arrived (its socket's edge-triggered descriptor), and then sees it only when its timeout ends
with a last check. A test run showed it: the explorer notebook's cell that builds the page took
300.006 s (papermill's cell timeout, 300 s) and then finished without an error, the answer
intact; the same cell takes 5 s. In slices, a missed wake-up costs a slice, not the cell's timeout.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import tempfile
import time
import uuid
import weakref
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type, default

_LIVE: weakref.WeakSet[IpcKernelManager] = weakref.WeakSet()

POLL_SLICE = 1.0
"""Seconds of one wait for a kernel message (:class:`SlicedChannel`): the longest a missed wake-up delays it."""


class SlicedChannel(AsyncZMQSocketChannel):
    """A kernel channel whose :meth:`get_msg` waits in slices of :data:`POLL_SLICE` seconds (module docstring).

    Each slice ends with pyzmq's own check of the socket, so a message whose wake-up was missed is read at the
    end of the slice; the timeout asked for is kept (``Empty`` when it ends without a message).
    """

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:  # type: ignore[override]
        """The next message; ``Empty`` when none came within ``timeout`` seconds (``None``: wait for one)."""
        assert self.socket is not None
        deadline = None if timeout is None else time.monotonic() + float(timeout)
        while True:
            left = POLL_SLICE if deadline is None else max(0.0, deadline - time.monotonic())
            wait_ms = math.ceil(min(POLL_SLICE, left) * 1000)  # whole milliseconds, up to the deadline
            if await self.socket.poll(wait_ms):
                return await self._recv()
            if deadline is not None and (wait_ms == 0 or time.monotonic() >= deadline):
                raise Empty


class IpcKernelClient(AsyncKernelClient):
    """The client of :class:`IpcKernelManager`: an :class:`~jupyter_client.asynchronous.AsyncKernelClient` whose
    channels wait in slices (:class:`SlicedChannel`)."""

    shell_channel_class = Type(SlicedChannel)
    iopub_channel_class = Type(SlicedChannel)
    stdin_channel_class = Type(SlicedChannel)
    control_channel_class = Type(SlicedChannel)


class IpcKernelManager(AsyncKernelManager):
    """An :class:`~jupyter_client.manager.AsyncKernelManager` that talks to its kernel over IPC.

    Every instance is remembered (weakly) so that :func:`kill_kernels` can stop the kernels of
    this process when a run is interrupted: a kernel runs in its own session and would outlive
    a report killed by SIGTERM.
    """

    client_factory = Type(klass=IpcKernelClient, default_value=IpcKernelClient)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _LIVE.add(self)

    @default("transport")
    def _transport_ipc_default(self) -> str:
        return "ipc" if sys.platform != "win32" else "tcp"

    async def _async_interrupt_kernel(self) -> None:
        """Interrupt the kernel, except while it is being shut down.

        jupyter_client's ``shutdown_kernel`` sends SIGINT before asking the kernel to stop, so
        that a busy kernel can answer. When a notebook has finished, that SIGINT may land while
        the kernel is still inside a message handler, and ipykernel then prints
        ``[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.`` on a successful run. A
        finished kernel needs no interrupt: it answers the shutdown request on its control
        channel, and one that does not is killed after ``shutdown_wait_time`` anyway. A cell
        that fails or times out is reported by nbclient before the shutdown, and an interrupted
        run stops its kernels with :func:`kill_kernels`; neither goes through here.
        """
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()

    def _ip_default(self) -> str:  # traitlets dynamic default of ``ip``
        if self.transport == "ipc":
            return os.path.join(tempfile.gettempdir(), f"ntm-kernel-{uuid.uuid4().hex[:12]}")
        return super()._ip_default()


def kill_kernels(timeout: float = 5.0) -> int:
    """Stop every kernel this process started that is still running (its process group is sent
    SIGTERM, then SIGKILL after ``timeout`` seconds) and remove its connection and socket files.
    Returns how many were stopped. For interrupted runs; never raises."""
    n = 0
    for km in list(_LIVE):
        proc = getattr(getattr(km, "provisioner", None), "process", None)
        if proc is None or proc.poll() is not None:
            continue
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except Exception:  # noqa: BLE001 - still alive: kill it
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                proc.wait(timeout=timeout)
        for clean in (km.cleanup_connection_file, km.cleanup_ipc_files):
            with contextlib.suppress(Exception):
                clean()
        n += 1
    return n


class OwnInterpreterKernelManager(IpcKernelManager):
    """Runs the notebook in a kernel of the interpreter running ntm-sched itself
    (``sys.executable -m ipykernel_launcher``), whatever ``kernel_name`` says: used when the
    ``ntm-sched`` kernel is not registered (a plain ``pip install``)."""

    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            self._kernel_spec = KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name=f"ntm-sched ({sys.executable})", language="python", metadata={})
        return self._kernel_spec


def kernel_registered(kernel_name: str) -> bool:
    """Whether a Jupyter kernel ``kernel_name`` is installed."""
    try:
        KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        return False
    return True


def kernel_manager_class(kernel_name: str = "ntm-sched") -> type[IpcKernelManager]:
    """:class:`IpcKernelManager` when ``kernel_name`` is registered, else
    :class:`OwnInterpreterKernelManager` (this interpreter's own kernel)."""
    return IpcKernelManager if kernel_registered(kernel_name) else OwnInterpreterKernelManager
