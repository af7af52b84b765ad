"""Version control for a center: the repository ``init`` creates and the commit hook.

The hook runs the fast ``docscenter check`` on the files a commit holds (not the working
copy) and refuses a commit that would leave the center with findings (a missing required
section, an undefined glossary term...), printing the findings and how to bypass the hook
once. All VCS work goes through :mod:`docscenter.vcs`.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from . import vcs
from .core.center import Center
from .errors import UsageError
from .values import one_line

#: Message of the first changeset ``init`` makes.
SCAFFOLD_MESSAGE = "Scaffold the documentation center"


def hook_script(center: str) -> str:
    """The commit hook: one line of shell run from the repository root, naming the center by
    its folder relative to that root (``center``, POSIX; ``"."`` for the root itself).

    It runs the center's own ``.venv/bin/docscenter`` when there is one (``make tooling``
    makes it), else ``docscenter`` from ``PATH``: nothing absolute is written, so the hook
    keeps working when the clone is copied or moved. A folder name that cannot be written on
    one line is refused with a :class:`UsageError`.
    """
    try:
        one_line(center, "path")
    except UsageError as exc:
        raise UsageError(f"{center!r}: the commit hook cannot name this folder "
                         f"({str(exc).rpartition(': ')[2]}); rename it") from None
    folder = shlex.quote(center)
    return (f"c={folder}; d=\"$c/.venv/bin/docscenter\"; [ -x \"$d\" ] || d=docscenter; "
            "command -v \"$d\" >/dev/null 2>&1 || { echo \"docscenter: the commit hook needs "
            "docscenter: run make tooling in the center, or put docscenter on PATH\" >&2; "
            "exit 1; }; exec \"$d\" -C \"$c\" check --hook")


def check_repository_path(root: Path) -> None:
    """Refuse, before anything is written, a center path ``init`` cannot make an Hg
    repository with a commit hook in: one the hook cannot name, or one holding ``$``
    (Mercurial expands variables in repository paths and would look elsewhere)."""
    try:
        one_line(str(Path(root).resolve()), "path")
    except UsageError as exc:
        raise UsageError(f"{str(Path(root).resolve())!r}: cannot hold a Mercurial repository "
                         f"({str(exc).rpartition(': ')[2]}); rename it or use --no-hg") from None
    if "$" in str(Path(root).resolve()):
        raise UsageError(f"{str(Path(root).resolve())!r}: Mercurial cannot work in a folder "
                         "whose path holds '$' (it expands variables there); rename it or "
                         "use --no-hg")


def setup_repository(root: Path) -> str:
    """``hg init`` in ``root``, a first commit of the scaffold, then the commit hook.

    Returns a message for the user. Without an ``hg`` command nothing is created (the message
    says so); the center itself is complete either way.
    """
    if vcs.hg_command() is None:
        return ("hg not found: no repository created (pip install mercurial, then hg init and "
                "docscenter install-hook)")
    try:
        repo = vcs.init_repo(root, "hg")
        # .hgignore is in place already, so --addremove picks up the scaffold and nothing else.
        scaffold = sorted(p for p in repo.root.iterdir() if p.name != ".hg")
        node = repo.add_and_commit(scaffold, SCAFFOLD_MESSAGE)
        # The hook comes after the first commit: the scaffold is known to be clean, and init
        # stays fast.
        hgrc = repo.install_hook(hook_script("."))
    except vcs.VcsError as exc:
        raise UsageError(f"{root}: setting up the Mercurial repository failed: {exc}") from None
    return (f"created Mercurial repository in {repo.root} (first commit {node}); commit hook "
            f"in {hgrc}")


def install_hook(center: Center) -> str:
    """Add the commit hook to the Hg or Git repository holding ``center`` (replacing an
    earlier docscenter hook, whatever its form); a message for the user.

    Raises :class:`UsageError` when the center is in no repository or the hook cannot be written.
    """
    repo = vcs.detect(center.root)
    if repo is None:
        raise UsageError(f"{center.root}: not in a Mercurial or Git repository (hg init first)")
    relative = center.root.resolve().relative_to(repo.root).as_posix()
    try:
        path = repo.install_hook(hook_script(relative))
    except vcs.VcsError as exc:
        raise UsageError(str(exc)) from None
    return (f"installed the commit hook in {path}: every commit runs docscenter check on "
            "what it commits")


def refusal(center: Center, findings: str, kind: str | None = None) -> str:
    """What the commit hook prints when it refuses a commit: the findings, that the commit is
    refused, and how to bypass the hook once.

    ``kind`` ("hg" or "git") picks the bypass hint; by default, that of the repository holding
    the center.
    """
    if kind is None:
        # hg tells its hooks which hook runs them; otherwise ask which repository this is.
        repo = None if "HG_HOOKTYPE" in os.environ else vcs.detect(center.root)
        kind = repo.kind if repo is not None else "hg"
    return (findings.rstrip("\n") + "\n"
            "docscenter: commit refused: fix the findings above and commit again\n"
            f"docscenter: {vcs.bypass_hint(kind)}\n")
