"""Version control adapter: the only place docscenter talks to Mercurial or Git.

Both systems are driven through their command-line tools with machine-readable output
(``hg ... -Tjson`` under ``HGPLAIN=1``; ``git ... -z --format``), never through their Python
internals, so the adapter works with whatever ``hg``/``git`` the writer has installed. Every call
has a timeout and any failure surfaces as a :class:`VcsError` with a one-line message.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from typing import ClassVar

__all__ = [
    "Change",
    "GitRepo",
    "HgRepo",
    "Repo",
    "Runner",
    "VcsError",
    "bypass_hint",
    "detect",
    "git_command",
    "hg_command",
    "init_repo",
    "run_process",
    "split_user",
]

#: Marker line identifying hooks written by docscenter (so they may be replaced, others not).
HOOK_MARKER = "# docscenter hook"
#: Name of the Mercurial hook entry in ``[hooks]``: it runs once the changeset is made and
#: before it is final, so the hook sees exactly what is committed (and may refuse it).
HG_HOOK_NAME = "pretxncommit.docscenter"
#: Names earlier versions used; ``install_hook`` replaces them.
OLD_HG_HOOK_NAMES = ("precommit.docscenter",)

DEFAULT_TIMEOUT = 60.0
#: Commits run the pre-commit hook (a docscenter check), which may take longer than a query.
COMMIT_TIMEOUT = 600.0


class VcsError(Exception):
    """A version-control command failed; ``str()`` is one line naming the command and the error."""


@dataclass(frozen=True)
class Change:
    """One changeset as seen from a file: who changed it last, and when."""

    node: str  # short changeset id (12 hex digits for hg, 10 for git)
    author: str  # user name without e-mail
    email: str
    date: datetime  # timezone-aware, in the committer's own offset


#: Runs one command: (argv, cwd, env, timeout) -> completed process with bytes output.
Runner = Callable[
    [Sequence[str], Path, Mapping[str, str], float], subprocess.CompletedProcess[bytes]
]


def run_process(
    args: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess[bytes]:
    """Default :data:`Runner`: run ``args`` and capture its output (stdin closed).

    On timeout the whole process group is killed: a commit hook started by hg or git would
    otherwise outlive the command and keep its output pipes (and us) waiting.
    """
    posix = hasattr(os, "killpg")
    with subprocess.Popen(
        list(args),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=posix,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except BaseException:  # timeout or Ctrl-C: take the hooks down too
            if posix:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            proc.kill()
            proc.communicate()
            raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def hg_command() -> str | None:
    """Path of the ``hg`` executable: next to the running Python first, then on ``PATH``."""
    # The mercurial package installs hg into the same virtualenv as docscenter; prefer it over
    # a possibly older system hg.
    local = Path(sys.executable).parent / "hg"
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which("hg")


def git_command() -> str | None:
    """Path of the ``git`` executable on ``PATH``, or None."""
    return shutil.which("git")


def split_user(user: str) -> tuple[str, str]:
    """Split ``"Ada Lovelace <ada@example.org>"`` into name and e-mail (either may be empty).

    Follows Mercurial's ``person``/``email`` filters: a bare address yields its local part as
    the name, a bare name yields an empty e-mail.
    """
    match = re.match(r"\s*(.*?)\s*<([^>]*)>", user)
    if match:
        name, email = match.group(1).strip().strip('"').strip(), match.group(2).strip()
    elif "@" in user:
        name, email = "", user.strip()
    else:
        return user.strip(), ""
    return name or email.split("@", 1)[0], email


def _one_line(text: str, limit: int = 300) -> str:
    """Collapse a command's multi-line diagnostics into one short line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined = "; ".join(lines)
    return joined if len(joined) <= limit else joined[: limit - 1] + "…"


class Repo(ABC):
    """A working copy of a Mercurial or Git repository rooted at :attr:`root`.

    ``runner`` executes the commands (replaceable, e.g. to count or log calls);
    ``timeout`` bounds every query, ``commit_timeout`` every commit (which runs the hooks).
    """

    kind: ClassVar[str]

    def __init__(
        self,
        root: Path,
        runner: Runner = run_process,
        timeout: float = DEFAULT_TIMEOUT,
        commit_timeout: float = COMMIT_TIMEOUT,
    ) -> None:
        self.root = Path(root).resolve()
        self.runner = runner
        self.timeout = timeout
        self.commit_timeout = commit_timeout

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.root)!r})"

    # -- the interface -------------------------------------------------------------------------

    @abstractmethod
    def last_changes(self) -> dict[str, Change]:
        """Latest change per file (POSIX path relative to root), from one history command.

        History is that of the working copy's parent, newest first; files never committed are
        absent; a file removed in a commit maps to that removal.
        """

    @abstractmethod
    def modified(self, paths: Iterable[Path]) -> set[Path]:
        """Which of ``paths`` have uncommitted changes (modified, added, removed, missing or
        untracked), from one status command.

        Relative paths are taken relative to :attr:`root`; a directory counts when anything
        below it changed. The returned objects are the ones passed in.
        """

    @abstractmethod
    def add_and_commit(self, paths: Sequence[Path], message: str, user: str | None = None) -> str:
        """Commit exactly ``paths`` (adding untracked ones) and return the new short node.

        ``user`` is ``"Name <email>"``; None uses the repository's configured identity.
        Raises :class:`VcsError` when there is nothing to commit or a hook refuses.
        """

    @abstractmethod
    def install_hook(self, script: str) -> Path:
        """Run the one-line shell ``script`` on every commit, from the repository root, before
        the commit is final (a non-zero exit refuses it).

        Idempotent (an earlier docscenter hook is replaced); returns the file written.
        """

    @abstractmethod
    def file_versions(self, path: Path, depth: int) -> list[str]:
        """The texts of the last ``depth`` committed versions of ``path``, newest first
        (undecodable bytes replaced); empty when it was never committed."""

    @abstractmethod
    def export_snapshot(self, subdir: str, dest: Path) -> None:
        """Write the files under ``subdir`` (POSIX, relative to :attr:`root`; ``"."`` for all)
        of the commit being made into ``dest``, as they will be committed. Mercurial: the
        pending changeset of a ``pretxncommit`` hook (``$HG_NODE``), else the working copy's
        parent; Git: the index (the one ``$GIT_INDEX_FILE`` names during a hook)."""

    #: The subcommands printing the default remote's URL and the current branch.
    REMOTE_ARGS: tuple[str, ...] = ()
    BRANCH_ARGS: tuple[str, ...] = ()

    def default_remote(self) -> tuple[str, str]:
        """(URL of the default remote, current branch); "" for what is not known."""
        found = []
        for args in (self.REMOTE_ARGS, self.BRANCH_ARGS):
            try:
                found.append(self._run(args).strip())
            except VcsError:
                found.append("")
        return found[0], found[1]

    # -- helpers -------------------------------------------------------------------------------

    @abstractmethod
    def _argv(self, args: Sequence[str]) -> tuple[list[str], dict[str, str]]:
        """Full command line and environment for a subcommand."""

    def _run(
        self,
        args: Sequence[str],
        *,
        timeout: float | None = None,
        env: Mapping[str, str] | None = None,
    ) -> str:
        """Run a subcommand in :attr:`root`; return its stdout or raise :class:`VcsError`."""
        argv, full_env = self._argv(args)
        if env:
            full_env.update(env)
        name = f"{self.kind} {args[0]}"
        limit = self.timeout if timeout is None else timeout
        try:
            done = self.runner(argv, self.root, full_env, limit)
        except subprocess.TimeoutExpired:
            raise VcsError(f"{name}: timed out after {limit:g} s") from None
        except OSError as exc:  # missing executable, bad cwd, permissions
            raise VcsError(f"{name}: {exc.strerror or exc}") from None
        if done.returncode != 0:
            # git reports "nothing to commit" on stdout, so fall back to it.
            detail = _one_line(done.stderr.decode("utf-8", "replace")) or _one_line(
                done.stdout.decode("utf-8", "replace")
            )
            raise VcsError(f"{name} failed (exit {done.returncode}): {detail or 'no message'}")
        return done.stdout.decode("utf-8", "replace")

    def _relative(self, path: Path) -> str:
        """``path`` (absolute, or relative to root) as a root-relative POSIX string."""
        full = path if path.is_absolute() else self.root / path
        # Resolve the folder only: a symlinked page is still named by its link, and a deleted
        # file still has a name.
        full = full.parent.resolve() / full.name
        try:
            return full.relative_to(self.root).as_posix()
        except ValueError:
            raise VcsError(f"{path}: outside the repository {self.root}") from None

    def _select_changed(self, paths: Iterable[Path], changed: set[str]) -> set[Path]:
        """The members of ``paths`` that are, or contain, one of the ``changed`` names."""
        # Every changed file marks its folders too, so each lookup is a set membership test.
        hit = set(changed)
        for name in changed:
            hit.update(parent.as_posix() for parent in PurePosixPath(name).parents)
        return {path for path in paths if self._relative(path) in hit}


class HgRepo(Repo):
    """A Mercurial working copy, driven through ``hg`` with ``HGPLAIN=1`` and JSON templates."""

    kind = "hg"
    REMOTE_ARGS = ("paths", "default")
    BRANCH_ARGS = ("branch",)

    def _argv(self, args: Sequence[str]) -> tuple[list[str], dict[str, str]]:
        exe = hg_command()
        if exe is None:
            raise VcsError(f"hg {args[0]}: the hg command was not found (pip install mercurial)")
        env = dict(os.environ)
        # HGPLAIN disables aliases, defaults and localisation that would change the output.
        env.update(HGPLAIN="1", HGENCODING="utf-8")
        # The runner starts hg in the root; no --cwd, which hg would expand ($VAR, ~).
        return [exe, *args], env

    def last_changes(self) -> dict[str, Change]:
        out = self._run(["log", "-r", "reverse(::.)", "-Tjson(node,user,date,files)"])
        changes: dict[str, Change] = {}
        for entry in json.loads(out):
            name, email = split_user(entry["user"])
            seconds, offset = entry["date"]
            # Mercurial stores the offset in seconds *west* of UTC.
            zone = timezone(timedelta(seconds=-offset))
            change = Change(
                node=entry["node"][:12],
                author=name,
                email=email,
                date=datetime.fromtimestamp(seconds, zone),
            )
            for file in entry["files"]:
                changes.setdefault(file, change)
        return changes

    def modified(self, paths: Iterable[Path]) -> set[Path]:
        # Whole-repository status (one command, no argv limits), filtered here.
        entries = json.loads(self._run(["status", "-Tjson"]))
        return self._select_changed(paths, {entry["path"] for entry in entries})

    def add_and_commit(self, paths: Sequence[Path], message: str, user: str | None = None) -> str:
        if not paths:
            # hg commit without file arguments would commit everything.
            raise VcsError("hg commit: nothing to commit (no files given)")
        # "path:" patterns are literal and root-relative (no glob or regex surprises).
        files = [f"path:{self._relative(path)}" for path in paths]
        args = ["commit", "--addremove", "-m", message]
        if user:
            args += ["-u", user]
        self._run([*args, "--", *files], timeout=self.commit_timeout)
        return str(json.loads(self._run(["log", "-r", ".", "-Tjson(node)"]))[0]["node"])[:12]

    def file_versions(self, path: Path, depth: int) -> list[str]:
        name = f"path:{self._relative(path)}"
        nodes = self._run(["log", "-l", str(depth), "-T", "{node}\\n", "--", name]).split()
        return [self._run(["cat", "-r", node, "--", name]) for node in nodes]

    def export_snapshot(self, subdir: str, dest: Path) -> None:
        rev = os.environ.get("HG_NODE") or "."
        dest.mkdir(parents=True, exist_ok=True)
        pattern = "path:" + ("" if subdir == "." else subdir)
        # One command for every file; a folder without files is no error.
        try:
            self._run(["cat", "-r", rev, "-o", str(dest / "%p"), "--", pattern])
        except VcsError as exc:
            if "no such file" not in str(exc) and "exit 1" not in str(exc):
                raise

    def install_hook(self, script: str) -> Path:
        hgrc = self.root / ".hg" / "hgrc"
        line = f"{HG_HOOK_NAME} = {script}"
        if any(ord(char) < 0x20 or ord(char) == 0x7F for char in line):
            # A line break would end the entry and start another one: refuse, never write.
            raise VcsError(f"{hgrc}: the hook command {line!r} does not fit on one line")
        text = hgrc.read_text(encoding="utf-8") if hgrc.exists() else ""
        hgrc.write_text(_set_hg_hook(text, line), encoding="utf-8")
        return hgrc


def _set_hg_hook(text: str, line: str) -> str:
    """Put ``line`` into the first ``[hooks]`` section of hgrc ``text``, replacing any earlier
    docscenter entry and keeping everything else (comments, other hooks) as it was."""
    out: list[str] = []
    section = ""
    skipping = False  # inside the continuation lines of a removed entry
    inserted = False
    for raw in text.splitlines():
        stripped = raw.strip()
        if skipping and raw[:1] in (" ", "\t") and stripped:
            continue
        skipping = False
        header = re.fullmatch(r"\[([^\]]+)\]", stripped)
        if header:
            section = header.group(1).strip()
            out.append(raw)
            if section == "hooks" and not inserted:
                out.append(line)
                inserted = True
            continue
        names = "|".join(re.escape(name) for name in (HG_HOOK_NAME, *OLD_HG_HOOK_NAMES))
        if section == "hooks" and re.match(rf"(?:{names})\s*[=:]", stripped):
            skipping = True
            continue
        out.append(raw)
    if not inserted:
        if out and out[-1].strip():
            out.append("")
        out += ["[hooks]", line]
    return "\n".join(out) + "\n"


class GitRepo(Repo):
    """A Git working tree, driven through ``git`` with NUL-separated output."""

    kind = "git"
    REMOTE_ARGS = ("remote", "get-url", "origin")
    BRANCH_ARGS = ("symbolic-ref", "--short", "HEAD")

    _RECORD = "\x1e"  # starts each commit header in the log output
    _FIELD = "\x1f"

    def _argv(self, args: Sequence[str]) -> tuple[list[str], dict[str, str]]:
        exe = git_command()
        if exe is None:
            raise VcsError(f"git {args[0]}: the git command was not found")
        env = dict(os.environ)
        # File names are names, never pathspec magic or globs.
        env["GIT_LITERAL_PATHSPECS"] = "1"
        return [exe, "-C", str(self.root), *args], env

    def last_changes(self) -> dict[str, Change]:
        fmt = "%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f"
        args = ["log", "--no-renames", "--no-show-signature", "--name-only", "-z"]
        args.append(f"--format={fmt}")
        try:
            out = self._run(args)
        except VcsError:
            # A repository without commits has no HEAD to log; that is an empty history.
            if self._has_head():
                raise
            return {}
        changes: dict[str, Change] = {}
        change: Change | None = None
        first_file = False
        for token in out.split("\0"):
            if token.startswith(self._RECORD) and token.endswith(self._FIELD):
                node, name, email, date = token[1:-1].split(self._FIELD)
                change = Change(
                    node=node[:10], author=name, email=email, date=datetime.fromisoformat(date)
                )
                first_file = True
                continue
            if first_file:
                # git separates a header from its file list with a newline.
                token = token.removeprefix("\n")
                first_file = False
            if token and change is not None:
                changes.setdefault(token, change)
        return changes

    def _has_head(self) -> bool:
        try:
            self._run(["rev-parse", "--verify", "-q", "HEAD"])
        except VcsError:
            return False
        return True

    def modified(self, paths: Iterable[Path]) -> set[Path]:
        out = self._run(["status", "--porcelain=v1", "-z", "--untracked-files=all"])
        changed: set[str] = set()
        tokens = iter(out.split("\0"))
        for token in tokens:
            if len(token) < 4:
                continue
            changed.add(token[3:])
            if token[0] in "RC":
                # Renames and copies are followed by the original name as its own token.
                changed.add(next(tokens, ""))
        changed.discard("")
        return self._select_changed(paths, changed)

    def add_and_commit(self, paths: Sequence[Path], message: str, user: str | None = None) -> str:
        if not paths:
            raise VcsError("git commit: nothing to commit (no files given)")
        files = [self._relative(path) for path in paths]
        env: dict[str, str] = {}
        if user:
            name, email = split_user(user)
            env = {
                "GIT_AUTHOR_NAME": name,
                "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name,
                "GIT_COMMITTER_EMAIL": email,
            }
        self._run(["add", "--all", "--", *files])
        # With paths, git commit takes exactly those (--only), whatever else is staged.
        self._run(
            ["commit", "-q", "-m", message, "--", *files], timeout=self.commit_timeout, env=env
        )
        return self._run(["rev-parse", "HEAD"]).strip()[:10]

    def file_versions(self, path: Path, depth: int) -> list[str]:
        name = self._relative(path)
        try:
            nodes = self._run(["log", "-n", str(depth), "--format=%H", "--", name]).split()
        except VcsError:
            return []  # no commit yet
        return [self._run(["show", f"{node}:{name}"]) for node in nodes]

    def export_snapshot(self, subdir: str, dest: Path) -> None:
        dest.mkdir(parents=True, exist_ok=True)
        spec = [] if subdir == "." else ["--", subdir]
        names = [n for n in self._run(["ls-files", "-z", *spec]).split("\0") if n]
        prefix = str(dest) + os.sep
        for start in range(0, len(names), 500):  # argv stays short
            self._run(["checkout-index", f"--prefix={prefix}", "--",
                       *names[start:start + 500]])

    def install_hook(self, script: str) -> Path:
        # --git-path honours core.hooksPath, worktrees and submodules.
        hook = self.root / self._run(["rev-parse", "--git-path", "hooks/pre-commit"]).strip()
        if hook.exists() and HOOK_MARKER not in hook.read_text(encoding="utf-8", errors="replace"):
            raise VcsError(f"{hook}: a pre-commit hook not written by docscenter already exists")
        hook.parent.mkdir(parents=True, exist_ok=True)
        hook.write_text(f"#!/bin/sh\n{HOOK_MARKER}\n{script}\n", encoding="utf-8")
        hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return hook


_KINDS: dict[str, type[Repo]] = {"hg": HgRepo, "git": GitRepo}


def detect(path: Path) -> Repo | None:
    """The repository containing ``path`` (walking up), or None outside any repository.

    When a folder holds both ``.hg`` and ``.git`` the Mercurial one wins: writers work in Hg.
    """
    start = Path(path).resolve()
    if start.is_file():
        start = start.parent
    for folder in (start, *start.parents):
        if (folder / ".hg").is_dir():
            return HgRepo(folder)
        if (folder / ".git").exists():  # a file in worktrees and submodules
            return GitRepo(folder)
    return None


def init_repo(root: Path, kind: str = "hg") -> Repo:
    """Create an empty ``kind`` ("hg" or "git") repository at ``root`` and return it."""
    try:
        repo = _KINDS[kind](root)
    except KeyError:
        raise ValueError(f"unknown repository kind {kind!r} (expected 'hg' or 'git')") from None
    repo.root.mkdir(parents=True, exist_ok=True)
    repo._run(["init", "-q"] if kind == "git" else ["init", "."])
    return repo


def bypass_hint(kind: str) -> str:
    """The one-line instruction for committing once despite a refusing docscenter hook."""
    if kind == "git":
        return "to commit anyway once: git commit --no-verify ..."
    return f"to commit anyway once: hg commit --config hooks.{HG_HOOK_NAME}= ..."
