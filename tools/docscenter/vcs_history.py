"""Commits of a file's history: one commit per version, each with its own author, date and
message, through the ``hg`` and ``git`` command lines (see :mod:`docscenter.vcs`).

Mercurial runs as a command server (``hg serve --cmdserver pipe``, the protocol Mercurial
documents for tools): one process makes every commit, where a new ``hg`` per commit would
spend half a second starting. Git's commands start fast and run once per commit. These
commits skip docscenter's own commit hook, which checks the whole center: the import's own
commit, made afterwards, runs it. Authors and messages come from outside: the caller cleans
them (one line, no ``<>``), and they travel as separate arguments, never through a shell.
"""

from __future__ import annotations

import contextlib
import os
import select
import struct
import subprocess
import tempfile
from abc import ABC, abstractmethod
from datetime import datetime
from pathlib import Path
from types import TracebackType

from .vcs import (
    COMMIT_TIMEOUT,
    HG_HOOK_NAME,
    GitRepo,
    HgRepo,
    Repo,
    VcsError,
    git_command,
    hg_command,
    run_process,
    split_user,
)


class HistoryWriter(ABC):
    """Commits one file at a time with a given author, date and message."""

    def __init__(self, repo: Repo) -> None:
        self.root = repo.root

    def relative(self, path: Path) -> str:
        full = path.parent.resolve() / path.name
        try:
            return full.relative_to(self.root).as_posix()
        except ValueError:
            raise VcsError(f"{path}: outside the repository {self.root}") from None

    @abstractmethod
    def commit(self, path: Path, user: str, when: datetime, message: str) -> None:
        """Commit the file at ``path`` as it is now (adding it when new)."""

    def close(self) -> None:  # noqa: B027 - nothing to release by default
        """Release what the writer holds."""

    def __enter__(self) -> HistoryWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _seconds(when: datetime) -> int:
    return int(when.timestamp())


class HgHistory(HistoryWriter):
    """Commits through one ``hg serve --cmdserver pipe``."""

    def __init__(self, repo: Repo, timeout: float = COMMIT_TIMEOUT) -> None:
        super().__init__(repo)
        exe = hg_command()
        if exe is None:
            raise VcsError("hg serve: the hg command was not found (pip install mercurial)")
        self.timeout = timeout
        self._errors = tempfile.TemporaryFile()
        env = {**os.environ, "HGPLAIN": "1", "HGENCODING": "utf-8"}
        self._server = subprocess.Popen(
            [exe, "serve", "--cmdserver", "pipe", "--config", "ui.interactive=false"],
            cwd=self.root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._errors)
        channel, hello = self._message()
        if channel != b"o" or b"runcommand" not in hello:
            self.close()
            raise VcsError("hg serve: not a command server answer")

    def commit(self, path: Path, user: str, when: datetime, message: str) -> None:
        self._run(["commit", "--addremove", "-u", user, "-d", f"{_seconds(when)} 0",
                   "-m", message, "--config", f"hooks.{HG_HOOK_NAME}=", "--",
                   f"path:{self.relative(path)}"])

    def _run(self, args: list[str]) -> None:
        data = b"\0".join(arg.encode("utf-8") for arg in args)
        self._write(b"runcommand\n" + struct.pack(">I", len(data)) + data)
        errors: list[bytes] = []
        while True:
            channel, payload = self._message()
            if channel == b"e":
                errors.append(payload)
            elif channel in (b"I", b"L"):  # asked for input: there is none
                self._write(struct.pack(">I", 0))
            elif channel == b"r":
                code = struct.unpack(">i", payload)[0]
                if code:
                    detail = " ".join(b"".join(errors).decode("utf-8", "replace").split())
                    raise VcsError(f"hg {args[0]} failed (exit {code}): {detail[:300]}")
                return

    def _write(self, data: bytes) -> None:
        assert self._server.stdin is not None
        try:
            self._server.stdin.write(data)
            self._server.stdin.flush()
        except OSError as exc:
            raise VcsError(f"hg serve: the command server went away ({exc})") from None

    def _message(self) -> tuple[bytes, bytes]:
        """One message: (channel, payload); for I and L the payload is the size asked."""
        head = self._read(5)
        channel, size = head[:1], struct.unpack(">I", head[1:])[0]
        if channel in (b"I", b"L"):
            return channel, b""
        return channel, self._read(size)

    def _read(self, size: int) -> bytes:
        assert self._server.stdout is not None
        fd = self._server.stdout.fileno()
        chunks: list[bytes] = []
        while size:
            ready, _, _ = select.select([fd], [], [], self.timeout)
            if not ready:
                raise VcsError(f"hg serve: no answer within {self.timeout:g} s")
            chunk = os.read(fd, size)
            if not chunk:
                raise VcsError("hg serve: the command server stopped")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if self._server.stdin is not None:
                self._server.stdin.close()
        try:
            self._server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._server.kill()
            self._server.wait()
        if self._server.stdout is not None:
            self._server.stdout.close()
        self._errors.close()


class GitHistory(HistoryWriter):
    """Commits with ``git add`` and ``git commit --no-verify``, the dates and identities in
    git's environment variables."""

    def commit(self, path: Path, user: str, when: datetime, message: str) -> None:
        exe = git_command()
        if exe is None:
            raise VcsError("git commit: the git command was not found")
        name, email = split_user(user)
        date = f"{_seconds(when)} +0000"
        env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1",
               "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": date,
               "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
               "GIT_COMMITTER_DATE": date}
        relative = self.relative(path)
        for args in (["add", "--", relative],
                     ["commit", "-q", "--no-verify", "-m", message, "--", relative]):
            try:
                done = run_process([exe, "-C", str(self.root), *args], self.root, env,
                                   COMMIT_TIMEOUT)
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise VcsError(f"git {args[0]}: {exc}") from None
            if done.returncode:
                detail = " ".join(done.stderr.decode("utf-8", "replace").split())
                raise VcsError(f"git {args[0]} failed (exit {done.returncode}): "
                               f"{detail[:300]}")


def history_writer(repo: Repo) -> HistoryWriter:
    """The writer for ``repo``'s kind."""
    if isinstance(repo, HgRepo):
        return HgHistory(repo)
    if isinstance(repo, GitRepo):
        return GitHistory(repo)
    raise VcsError(f"{repo.root}: no history writer for this kind of repository")
