"""``docscenter serve``: the live preview, sphinx-autobuild run as a child process.

The port is checked before anything is built, so a busy port is one line and exit 2 at once.
The child runs in its own process group (it starts Sphinx builds of its own); SIGINT, SIGTERM
and SIGHUP to ``docscenter serve`` end that whole group, so no server is left listening.

Exit status: 0 when stopped (Ctrl-C, SIGTERM, SIGHUP), 1 when the preview server failed by
itself (its own message precedes), 2 on bad usage (the port is taken, no center).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

from .core.center import Center
from .errors import UsageError

HOST = "127.0.0.1"
#: Seconds the preview gets to shut down after SIGTERM before it is killed.
GRACE = 10.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

#: Paths the live preview never rebuilds for: VCS metadata, virtualenvs, caches, the importer's
#: staging folders and editors' temporary files.
SERVE_IGNORED = (r"/(\.hg|\.git|\.venv|venv|\.tox|__pycache__|\.pytest_cache|\.hypothesis"
                 r"|\.ruff_cache|\.mypy_cache|\.docscenter|\.docscenter-import-[^/]*)(/|$)"
                 r"|(\.swp|\.swx|~|\.orig|\.rej|\.pyc)$|/\.#[^/]*$")


def claim_port(port: int, host: str = HOST) -> int:
    """``port`` if the preview can listen on it, or a free port when ``port`` is 0.

    Raises :class:`UsageError` naming the port when it is taken or not allowed.
    """
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: not a port number (0-65535; 0 picks a free one)")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # The server sets SO_REUSEADDR too: a port left in TIME_WAIT is free for it.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
            probe.listen(1)
        except OSError as exc:
            raise UsageError(f"port {port} on {host} is not available ({exc.strerror}); choose "
                             "another with --port, or --port 0 for a free one") from None
        return int(probe.getsockname()[1])


def serve_command(center: Center, port: int) -> list[str]:
    """The sphinx-autobuild command line of the preview of ``center`` on ``port``."""
    return [
        sys.executable, "-m", "sphinx_autobuild", str(center.root),
        str(center.build_dir / "serve"), "--host", HOST, "--port", str(port), "-n",
        "-d", str(center.build_dir / "doctrees-serve"),
        # sphinx-autobuild resolves --ignore globs against the working directory, so folder
        # names anywhere below the center are matched with a regular expression instead:
        # commits, status calls and caches must not trigger rebuilds.
        "--ignore", str(center.build_dir),
        "--re-ignore", SERVE_IGNORED,
    ]


def run_serve(center: Center, port: int, say: Callable[[str], None]) -> int:
    """Run the preview until it is stopped; the exit status (see the module docstring)."""
    port = claim_port(port)
    say(f"serving {center.root} on http://{HOST}:{port}/ (Ctrl-C stops)")
    child = subprocess.Popen(serve_command(center, port), start_new_session=True)
    stopped: list[int] = []
    with _forwarding(child, stopped):
        status = _wait(child, stopped)
    _signal_group(child.pid, signal.SIGKILL)  # builds the child started and left behind
    if stopped:
        return 0
    return 0 if status == 0 else 1


@contextlib.contextmanager
def _forwarding(child: subprocess.Popen[bytes], stopped: list[int]) -> Iterator[None]:
    """While inside, a stop signal ends the child's process group instead of this process."""

    def stop(signum: int, _frame: object) -> None:
        stopped.append(signum)
        _signal_group(child.pid, signal.SIGTERM)

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _wait(child: subprocess.Popen[bytes], stopped: list[int]) -> int:
    """The child's exit status; killed when it outlives a stop request by GRACE seconds."""
    deadline: float | None = None
    while True:
        try:
            return child.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            if stopped and deadline is None:
                deadline = time.monotonic() + GRACE
            if deadline is not None and time.monotonic() > deadline:
                _signal_group(child.pid, signal.SIGKILL)


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)
