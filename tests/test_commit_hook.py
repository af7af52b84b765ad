"""The commit hook judges what a commit holds (Mercurial's pending changeset, Git's index),
not the working copy, and finds the center at run time: it survives ``cp -a``, ``mv`` and
fresh clones. Real hg and git."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from docscenter import vcs
from helpers import add_service, run_cli

BROKEN = "\nA :term:`Nonexistent` term.\n"


def run(kind: str, root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    command = [vcs.hg_command() or "hg"] if kind == "hg" else ["git"]
    done = subprocess.run([*command, *args], cwd=root, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "HGPLAIN": "1"})
    if check:
        assert done.returncode == 0, done.stderr
    return done


def commit(kind: str, root: Path, message: str, *files: str) -> subprocess.CompletedProcess:
    if kind == "git":
        return run(kind, root, "commit", "-q", "-m", message, "--", *files, check=False)
    return run(kind, root, "commit", "-m", message, *files, check=False)


@pytest.fixture(params=["hg", "git"])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    """A center in a subfolder of a repository, with two services, committed, hook on."""
    kind = request.param
    top = tmp_path / "repo"
    root = top / "docs"
    run_cli("init", root, "--title", "Hooked", "--no-hg")
    add_service(root, "storage")
    add_service(root, "tokens")
    run(kind, tmp_path, "init", "-q", str(top)) if kind == "git" else \
        run(kind, tmp_path, "init", str(top))
    run(kind, top, "add", ".")
    run(kind, top, "commit", "-q" if kind == "git" else "-A", "-m", "Start")
    run_cli("-C", root, "install-hook")
    return kind, top


def test_a_partial_commit_is_judged_on_what_it_holds(repo: tuple[str, Path]) -> None:
    kind, top = repo
    storage = top / "docs/services/storage/index.rst"
    tokens = top / "docs/services/tokens/index.rst"
    tokens.write_text(tokens.read_text() + BROKEN)  # broken, but not part of the commit
    storage.write_text(storage.read_text() + "\nA fine sentence.\n")
    if kind == "git":
        run(kind, top, "add", "docs/services/storage/index.rst")
    done = commit(kind, top, "Storage only", "docs/services/storage/index.rst")
    assert done.returncode == 0, done.stderr


def test_a_bad_commit_is_refused_even_when_the_working_copy_is_fine(
        repo: tuple[str, Path]) -> None:
    kind, top = repo
    tokens = top / "docs/services/tokens/index.rst"
    good = tokens.read_text()
    if kind == "git":
        tokens.write_text(good + BROKEN)
        run(kind, top, "add", "docs/services/tokens/index.rst")
        tokens.write_text(good)  # the working copy is restored; the index is not
        done = run(kind, top, "commit", "-q", "-m", "Bad", check=False)
    else:
        tokens.write_text(good + BROKEN)
        done = commit(kind, top, "Bad", "docs/services/tokens/index.rst")
    assert done.returncode != 0 and "Nonexistent" in done.stderr, done.stderr


@pytest.mark.parametrize("how", ["copy", "move", "clone"])
def test_the_hook_follows_the_clone(repo: tuple[str, Path], tmp_path: Path, how: str) -> None:
    kind, top = repo
    other = tmp_path / "elsewhere"
    if how == "copy":
        shutil.copytree(top, other, symlinks=True)
    elif how == "move":
        top.rename(other)
    else:
        run(kind, tmp_path, "clone", "-q", str(top), str(other))
        run_cli("-C", other / "docs", "install-hook", "--quiet")
        run_cli("-C", other / "docs", "install-hook", "--quiet")  # idempotent
    page = other / "docs/services/storage/index.rst"
    page.write_text(page.read_text() + BROKEN)
    if kind == "git":
        run(kind, other, "add", ".")
    done = commit(kind, other, "Broken", "docs/services/storage/index.rst")
    assert done.returncode != 0 and "Nonexistent" in done.stderr, done.stderr
    assert "no such directory" not in done.stderr
    if how == "copy":  # the original is untouched and its hook judges its own commits
        original = top / "docs/services/storage/index.rst"
        original.write_text(original.read_text() + "\nFine.\n")
        if kind == "git":
            run(kind, top, "add", ".")
        assert commit(kind, top, "Fine", "docs/services/storage/index.rst").returncode == 0


def test_install_hook_migrates_the_old_hook(tmp_path: Path) -> None:
    root = tmp_path / "center"
    run_cli("init", root, "--title", "Old")
    hgrc = root / ".hg/hgrc"
    text = hgrc.read_text().replace("pretxncommit.docscenter", "precommit.docscenter")
    hgrc.write_text(text.replace("check --hook", "check --hook # /old/absolute/path"))
    run_cli("-C", root, "install-hook")
    text = hgrc.read_text()
    assert "precommit.docscenter" not in text.replace("pretxncommit", "")
    assert text.count("docscenter =") == 1 and "/old/absolute/path" not in text
