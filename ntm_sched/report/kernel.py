"""The kernel manager used to execute notebooks.

Notebooks run over IPC (Unix sockets in the temporary folder) instead of TCP ports on
localhost: with TCP, the client picks free ports and the kernel binds them a moment later,
so two notebooks started at the same moment (a batch with ``--jobs 2``, or a test run beside
an interactive session) can race for a port and one of them waits forever for its kernel.
A socket path is unique per kernel, so that race cannot happen.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid

from jupyter_client.manager import AsyncKernelManager
from traitlets import default


class IpcKernelManager(AsyncKernelManager):
    """An :class:`~jupyter_client.manager.AsyncKernelManager` that talks to its kernel over IPC."""

    @default("transport")
    def _transport_ipc_default(self) -> str:
        return "ipc" if sys.platform != "win32" else "tcp"

    def _ip_default(self) -> str:  # traitlets dynamic default of ``ip``
        if self.transport == "ipc":
            return os.path.join(tempfile.gettempdir(), f"ntm-kernel-{uuid.uuid4().hex[:12]}")
        return super()._ip_default()
