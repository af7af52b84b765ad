"""Page history on built pages, from real Mercurial and Git repositories."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from docscenter import vcs
from helpers import add_service, run_cli, sphinx_build

ADA = "Ada Lovelace <ada@example.org>"
GRACE = "Grace Hopper <grace@example.org>"
WEB = {
    "history": "https://hg.example.org/center/log/tip/{path}",
    "source": "https://hg.example.org/center/file/tip/{path}",
    "changeset": "https://hg.example.org/center/rev/{node}",
}


def hg(root: Path, *args: str) -> str:
    done = subprocess.run([vcs.hg_command() or "hg", *args], cwd=root, capture_output=True,
                          text=True, env={**os.environ, "HGPLAIN": "1"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stderr
    return done.stdout


def commit(root: Path, kind: str, who: str, date: str, *files: str) -> str:
    """Commit ``files`` (all changes when none) as ``who`` on ``date``; return the short node."""
    if kind == "hg":
        hg(root, "commit", "-A", "-m", "edit", "-u", who, "-d", f"{date} 12:00 +0000", *files)
        return hg(root, "log", "-r", ".", "-T", "{node|short}")
    name, email = vcs.split_user(who)
    git(root, "add", "-A", *files)
    env = {}
    for role in ("AUTHOR", "COMMITTER"):
        env |= {f"GIT_{role}_NAME": name, f"GIT_{role}_EMAIL": email,
                f"GIT_{role}_DATE": f"{date}T12:00:00+00:00"}
    git(root, "commit", "-q", "-m", "edit", *(["--", *files] if files else []), env=env)
    return git(root, "rev-parse", "--short=10", "HEAD").strip()


def history_line(root: Path, page: str) -> str | None:
    """The text of the page-history paragraph of a built page, or None."""
    text = (root / "build" / "html" / f"{page}.html").read_text(encoding="utf-8")
    match = re.search(r'<p class="docscenter-page-history">(.*?)</p>', text, re.DOTALL)
    return match.group(1) if match else None


def plain(fragment: str | None) -> str | None:
    return None if fragment is None else re.sub(r"<[^>]+>", "", fragment)


@pytest.fixture(params=["hg", "git"])
def repo_center(request: pytest.FixtureRequest, center: Path) -> tuple[Path, str]:
    """A center with two services in a fresh Hg or Git repository (nothing committed yet)."""
    add_service(center, "alpha")
    add_service(center, "beta")
    vcs.init_repo(center, request.param)
    return center, request.param


def test_last_author_and_date_of_each_page_after_commits_by_two_writers(
    repo_center: tuple[Path, str],
) -> None:
    root, kind = repo_center
    commit(root, kind, ADA, "2026-01-02")
    (root / "services" / "beta" / "history.rst").write_text(
        "History\n=======\n\nFirst version.\n", encoding="utf-8")
    node = commit(root, kind, GRACE, "2026-01-05")
    (root / "services" / "alpha" / "notes.rst").write_text("Notes\n=====\n\nNot committed.\n",
                                                           encoding="utf-8")

    _read, warnings = sphinx_build(root, confoverrides={"docscenter_vcs_web": WEB})

    assert "docscenter" not in warnings
    alpha = plain(history_line(root, "services/alpha/index"))
    assert alpha is not None and alpha.startswith("Last changed 2026-01-02 by Ada Lovelace (")
    beta = history_line(root, "services/beta/history")
    assert plain(beta) == (f"Last changed 2026-01-05 by Grace Hopper ({node}) — "
                           "history · source")
    assert 'href="https://hg.example.org/center/log/tip/services/beta/history.rst"' in beta
    assert 'href="https://hg.example.org/center/file/tip/services/beta/history.rst"' in beta
    assert f'href="https://hg.example.org/center/rev/{node}"' in beta
    # Never committed: nothing rather than a wrong date.
    assert history_line(root, "services/alpha/notes") is None


def test_without_web_urls_the_line_has_no_links(repo_center: tuple[Path, str]) -> None:
    root, kind = repo_center
    node = commit(root, kind, ADA, "2026-02-03")
    sphinx_build(root)
    line = history_line(root, "source/glossary")
    assert line == f'Last changed <time datetime="2026-02-03T12:00:00+00:00">2026-02-03</time> ' \
                   f"by Ada Lovelace ({node})"


def test_a_commit_updates_the_page_on_an_incremental_build_without_rereading(
    repo_center: tuple[Path, str],
) -> None:
    root, kind = repo_center
    commit(root, kind, ADA, "2026-01-02")
    page = root / "services" / "beta" / "index.rst"
    page.write_text(page.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    sphinx_build(root)  # the edit is built before it is committed
    assert "Ada Lovelace" in history_line(root, "services/beta/index")

    commit(root, kind, GRACE, "2026-01-09")
    read, _warnings = sphinx_build(root)

    assert read == []  # nothing re-read, the page only rewritten
    assert "2026-01-09 by Grace Hopper" in plain(history_line(root, "services/beta/index"))
    assert "Ada Lovelace" in history_line(root, "services/alpha/index")


def without_status_page(root: Path) -> None:
    """Leave out the status dashboard, which summarises history by service on its own."""
    (root / "source" / "status.rst").unlink()
    index = root / "source" / "index.rst"
    text = index.read_text(encoding="utf-8")
    index.write_text(re.sub(r"(?m)^ +status\n", "", text), encoding="utf-8")


def test_one_history_command_per_build_whatever_the_number_of_pages(
    tmp_path: Path, center: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A git on PATH that logs each call, then runs the real one.
    real = vcs.git_command()
    calls = tmp_path / "calls"
    bindir = tmp_path / "bin"
    bindir.mkdir()
    wrapper = bindir / "git"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexec {real} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    for name in ("alpha", "beta", "gamma"):
        add_service(center, name, "--api-version", "1.0", "--api-version", "2.0")
    vcs.init_repo(center, "git")
    commit(center, "git", ADA, "2026-01-02")
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")

    without_status_page(center)
    sphinx_build(center)

    pages = len(list(center.glob("services/*/*.rst")))
    assert pages >= 12
    logs = [line for line in calls.read_text(encoding="utf-8").splitlines() if " log " in line]
    assert len(logs) == 1, logs


def test_hg_is_asked_once_per_build(center: Path) -> None:
    add_service(center, "alpha")
    repo = vcs.init_repo(center, "hg")
    commit(center, "hg", ADA, "2026-01-02")
    counter = center.parent / "hg-logs"
    # hg runs pre-<command> hooks for every command: count the log commands of a build.
    with (repo.root / ".hg" / "hgrc").open("a", encoding="utf-8") as hgrc:
        hgrc.write(f"[hooks]\npre-log.count = echo log >> {counter}\n")
    without_status_page(center)

    sphinx_build(center)

    assert counter.read_text(encoding="utf-8").splitlines() == ["log"]


def test_a_center_in_no_repository_builds_without_history(center: Path) -> None:
    add_service(center, "alpha")
    _read, warnings = sphinx_build(center)
    assert warnings == ""
    assert history_line(center, "services/alpha/index") is None


def test_a_shallow_git_clone_shows_no_history(tmp_path: Path, center: Path) -> None:
    vcs.init_repo(center, "git")
    commit(center, "git", ADA, "2026-01-02")
    (center / "source" / "glossary.rst").write_text(
        (center / "source" / "glossary.rst").read_text(encoding="utf-8") + "\n",
        encoding="utf-8")
    commit(center, "git", GRACE, "2026-01-03")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{center}", str(clone))

    _read, warnings = sphinx_build(clone)

    assert "shallow clone" in warnings
    assert history_line(clone, "source/index") is None


def test_bad_vcs_web_settings_are_named_in_warnings(repo_center: tuple[Path, str]) -> None:
    root, kind = repo_center
    commit(root, kind, ADA, "2026-01-02")
    web = {"history": "https://x.example.org/{file}", "blame": "https://x.example.org/{path}",
           "source": "https://x.example.org/src/{path}"}
    _read, warnings = sphinx_build(root, confoverrides={"docscenter_vcs_web": web})
    assert "docscenter_vcs_web['history']: bad URL template" in warnings
    assert "unknown key 'blame'" in warnings
    line = history_line(root, "source/index")
    assert 'href="https://x.example.org/src/source/index.rst"' in line
    assert "history</a>" not in line


def test_the_cli_build_is_strict_and_shows_history(repo_center: tuple[Path, str]) -> None:
    root, kind = repo_center
    commit(root, kind, GRACE, "2026-03-04")
    run_cli("-C", root, "build", "-j", "2")
    assert "2026-03-04 by Grace Hopper" in plain(history_line(root, "services/alpha/index"))
