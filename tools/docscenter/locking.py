"""The center lock: one import at a time, and no build while an import installs its files.

An import holds the lock exclusively; a build or a check holds it shared, so any number of
them run together but none while an import runs. The lock is an ``flock`` on
``.docscenter/lock``: the kernel releases it when its holder dies, however it dies, so the
lock of a killed import is taken over without anyone deleting anything. The exclusive holder
writes who it is into the file (process id, host, command, since when), readers into
``.docscenter/readers/``; whoever waits names them in one line.

A command started by the holder (the commit hook ``import-wiki --commit`` runs) finds the
center in ``DOCSCENTER_LOCK_HOLDER`` and goes on under its parent's lock instead of waiting
for it for ever.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import UsageError
from .state import ensure_state_dir, lock_path, state_dir

#: Names the center whose lock an ancestor process holds (see the module's docstring).
HOLDER_ENV = "DOCSCENTER_LOCK_HOLDER"
#: Seconds a command waits for the lock before it gives up (default :data:`DEFAULT_WAIT`).
WAIT_ENV = "DOCSCENTER_LOCK_TIMEOUT"
DEFAULT_WAIT = 600.0
POLL = 0.1

_HELD: set[int] = set()  # lock files open in this process; closed in forked children


def _close_in_child() -> None:
    # A forked worker must not keep the lock alive after its parent dies.
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_in_child)


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) the lock."""

    pid: int
    host: str
    command: str
    since: str  # ISO 8601, UTC

    def describe(self) -> str:
        return f"{self.command!r} (pid {self.pid} on {self.host}, since {self.since})"

    def alive(self) -> bool:
        """Whether the holder still runs (always assumed on another host)."""
        if self.host != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


class LockBusy(UsageError):
    """The lock stayed taken for as long as the command would wait."""


def current_holder(command: str) -> Holder:
    """This process as a holder of the lock."""
    return Holder(os.getpid(), socket.gethostname(), command,
                  datetime.now(UTC).isoformat(timespec="seconds"))


def _read_holder(path: Path) -> Holder | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "null")
        return Holder(int(data["pid"]), str(data["host"]), str(data["command"]),
                      str(data["since"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def holders(root: Path) -> list[Holder]:
    """Whoever says it holds the lock of the center at ``root``: the import, or the readers
    still running."""
    found = [h for h in [_read_holder(lock_path(root))] if h is not None]
    readers = state_dir(root) / "readers"
    if readers.is_dir():
        found += [h for p in sorted(readers.iterdir())
                  if (h := _read_holder(p)) is not None and h.alive()]
    return found


def wait_seconds() -> float:
    """How long to wait for the lock: ``$DOCSCENTER_LOCK_TIMEOUT`` or :data:`DEFAULT_WAIT`."""
    raw = os.environ.get(WAIT_ENV, "").strip()
    try:
        seconds = float(raw) if raw else DEFAULT_WAIT
    except ValueError:
        seconds = -1.0
    if seconds < 0:
        raise UsageError(f"{WAIT_ENV}={raw!r}: not a number of seconds")
    return seconds


def _busy_message(root: Path) -> str:
    found = holders(root)
    who = ", ".join(h.describe() for h in found) if found else "another docscenter command"
    return (f"{root}: the center is locked by {who}; wait for it to finish (or set "
            f"{WAIT_ENV} to wait longer)")


class CenterLock:
    """The lock of one center, held exclusively (an import) or shared (a build, a check)."""

    def __init__(self, root: Path, command: str, *, shared: bool = False) -> None:
        self.root = Path(root).resolve()
        self.command = command
        self.shared = shared
        self.fd: int | None = None
        self.inherited = False
        self.taken_over: Holder | None = None  # a dead exclusive holder found in the file
        self._reader_file: Path | None = None
        self._previous_env: str | None = None

    def acquire(self, wait: float | None = None,
                on_wait: Callable[[str], None] | None = None) -> CenterLock:
        """Take the lock, waiting up to ``wait`` seconds (default :func:`wait_seconds`);
        ``on_wait`` hears once, in one line, whom it waits for. Raises :class:`LockBusy`."""
        if os.environ.get(HOLDER_ENV) == str(self.root):
            self.inherited = True
            return self
        ensure_state_dir(self.root)
        fd = os.open(lock_path(self.root), os.O_RDWR | os.O_CREAT, 0o666)
        mode = fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX
        deadline = time.monotonic() + (wait_seconds() if wait is None else wait)
        told = False
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockBusy(_busy_message(self.root)) from None
                if on_wait is not None and not told:
                    on_wait(f"waiting for the lock of {self.root}, held by "
                            + (", ".join(h.describe() for h in holders(self.root))
                               or "another docscenter command"))
                    told = True
                time.sleep(POLL)
        self.fd = fd
        _HELD.add(fd)
        self._announce()
        return self

    def _announce(self) -> None:
        holder = current_holder(self.command)
        text = json.dumps(asdict(holder))
        assert self.fd is not None
        if self.shared:
            readers = state_dir(self.root) / "readers"
            readers.mkdir(exist_ok=True)
            for stale in readers.iterdir():  # readers that were killed say nothing more
                found = _read_holder(stale)
                if found is not None and not found.alive():
                    stale.unlink(missing_ok=True)
            self._reader_file = readers / f"{holder.host}-{holder.pid}.json"
            self._reader_file.write_text(text, encoding="utf-8")
        else:
            previous = _read_holder(lock_path(self.root))
            if previous is not None and previous.pid != os.getpid():
                self.taken_over = previous  # it died holding the lock (the kernel let go)
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, text.encode("utf-8"), 0)
        self._previous_env = os.environ.get(HOLDER_ENV)
        if not self.shared:
            os.environ[HOLDER_ENV] = str(self.root)

    def release(self) -> None:
        """Let go of the lock (nothing when it was inherited or never taken)."""
        if self.fd is None:
            return
        if self.shared:
            if self._reader_file is not None:
                self._reader_file.unlink(missing_ok=True)
        else:
            os.ftruncate(self.fd, 0)
            if self._previous_env is None:
                os.environ.pop(HOLDER_ENV, None)
            else:
                os.environ[HOLDER_ENV] = self._previous_env
        _HELD.discard(self.fd)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> CenterLock:
        if self.fd is None and not self.inherited:
            self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


@contextlib.contextmanager
def center_lock(root: Path, command: str, *, shared: bool = False, wait: float | None = None,
                on_wait: Callable[[str], None] | None = None) -> Iterator[CenterLock]:
    """Hold the center's lock for the ``with`` block (see :class:`CenterLock`)."""
    lock = CenterLock(root, command, shared=shared).acquire(wait, on_wait)
    try:
        yield lock
    finally:
        lock.release()


def command_line() -> str:
    """This process's command line, shortened, to name it as a holder."""
    name = Path(sys.argv[0]).name if sys.argv else "docscenter"
    if name in ("__main__.py", "-c", ""):  # python -m docscenter, or a script
        name = "docscenter"
    words = [name, *sys.argv[1:]]
    text = " ".join(words)
    return text if len(text) <= 200 else text[:199] + "…"
