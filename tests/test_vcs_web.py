"""Edit and history links derived from the repository's default remote, on real Git and
Mercurial repositories and built pages."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from docscenter import vcs
from docscenter.vcs_web import web_base, web_templates
from helpers import add_service, sphinx_build


def run(root: Path, *argv: str) -> None:
    done = subprocess.run(argv, cwd=root, capture_output=True, text=True,
                          env={**os.environ, "HGPLAIN": "1"})
    assert done.returncode == 0, done.stderr


def git_repo(root: Path, branch: str, remote: str) -> None:
    """A Git repository with everything committed and ``remote`` as origin."""
    run(root, "git", "init", "-q", "-b", branch)
    run(root, "git", "remote", "add", "origin", remote)
    run(root, "git", "add", "-A")
    run(root, "git", "commit", "-q", "-m", "first")


@pytest.mark.parametrize(("remote", "kind", "history"), [
    ("git@github.com:acme/center.git", "git",
     "https://github.com/acme/center/commits/main/{path}"),
    ("https://ci:s3cret@github.com/acme/center", "git",
     "https://github.com/acme/center/commits/main/{path}"),
    ("ssh://git@gitlab.com/acme/docs/center.git", "git",
     "https://gitlab.com/acme/docs/center/-/commits/main/{path}"),
    ("ssh://hg@foss.heptapod.net/acme/center", "hg",
     "https://foss.heptapod.net/acme/center/-/commits/branch/main/{path}"),
    ("git@bitbucket.org:acme/center.git", "git",
     "https://bitbucket.org/acme/center/history-node/main/{path}"),
    ("https://hg.example.org/repos/center", "hg",
     "https://hg.example.org/repos/center/log/tip/{path}"),
])
def test_supported_hosts(remote: str, kind: str, history: str) -> None:
    web = web_templates(remote, kind, "main")
    assert web["history"] == history
    assert "s3cret" not in " ".join(web.values())
    assert all(value.startswith("https://") for value in web.values())


@pytest.mark.parametrize("remote", ["/srv/repos/center", "../center", "file:///srv/center",
                                    "https://git.example.org/center.git", ""])
def test_nothing_derived_for_local_or_unknown_git_remotes(remote: str) -> None:
    assert web_templates(remote, "git", "main") == {}


def test_hostile_remotes_give_no_link() -> None:
    assert web_base('https://exa"mple.org/x') is None
    for kind in ("git", "hg"):  # whatever the remote, links stay https:// addresses
        assert all(url.startswith("https://") for url in web_templates(
            "javascript:alert(1)", kind, "main").values())
    web = web_templates('https://hg.example.org/<script>"x', "hg", 'de"fault')
    assert web["history"] == "https://hg.example.org/%3Cscript%3E%22x/log/tip/{path}"
    assert '"' not in web_templates("git@github.com:a/b.git", "git", 'x"y')["edit"]


def test_git_remote_gives_edit_and_history_links(center: Path) -> None:
    add_service(center, "alpha")
    git_repo(center, "trunk", "git@github.com:acme/center.git")
    _, warnings = sphinx_build(center)
    assert warnings == ""
    html = (center / "build/html/services/alpha/history.html").read_text()
    assert ('href="https://github.com/acme/center/edit/trunk/services/alpha/history.rst"'
            in html)
    assert "https://github.com/acme/center/commits/trunk/services/alpha/history.rst" in html


def test_mercurial_default_path_gives_hgweb_links(center: Path) -> None:
    hg = vcs.hg_command() or "hg"
    run(center, hg, "init")
    (center / ".hg/hgrc").write_text("[paths]\ndefault = https://hg.example.org/center\n")
    run(center, hg, "commit", "-A", "-q", "-m", "first", "-u", "Ada <ada@example.org>")
    sphinx_build(center)
    html = (center / "build/html/source/glossary.html").read_text()
    assert "https://hg.example.org/center/log/tip/source/glossary.rst" in html
    assert "/edit/" not in html  # hgweb has no editor


def test_derivation_can_be_turned_off(center: Path) -> None:
    git_repo(center, "main", "https://github.com/acme/center")
    sphinx_build(center, confoverrides={"docscenter_vcs_web_auto": False})
    html = (center / "build/html/source/glossary.html").read_text()
    assert "github.com/acme" not in html
