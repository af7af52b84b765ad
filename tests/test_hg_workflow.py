"""The writers' workflow in real Mercurial (and Git) repositories: init, the commit hook,
install-hook, import-wiki --commit, and a clean ``hg status`` after builds and test runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from docscenter import vcs
from helpers import Page, add_service, run_cli, write_dump

WRITER = "Test Writer <writer@example.org>"


def hg(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The real hg, in plain mode, in ``root``."""
    done = subprocess.run([vcs.hg_command() or "hg", *args], cwd=root, capture_output=True,
                          text=True, env={**os.environ, "HGPLAIN": "1"}, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def revisions(root: Path) -> list[str]:
    return hg(root, "log", "-T", "{desc|firstline}\n").stdout.splitlines()


@pytest.fixture
def hg_center(tmp_path: Path) -> Path:
    """A center made by ``docscenter init`` with hg, plus one committed service."""
    root = tmp_path / "center"
    run_cli("init", root, "--title", "Hg Center")
    add_service(root, "storage")
    hg(root, "commit", "-A", "-m", "Add the storage service")
    return root


def test_init_creates_the_repository_the_first_commit_and_the_hook(tmp_path: Path) -> None:
    root = tmp_path / "center"
    out = run_cli("init", root).stdout
    assert "created Mercurial repository" in out
    assert revisions(root) == ["Scaffold the documentation center"]
    committed = set(hg(root, "files").stdout.splitlines())
    assert {".hgignore", "conf.py", "Makefile", "source/index.rst", "source/glossary.rst"} \
        <= committed
    assert hg(root, "status").stdout == ""
    hook = hg(root, "config", "hooks.pretxncommit.docscenter").stdout.strip()
    assert "check --hook" in hook
    assert str(root) not in hook and sys.executable not in hook  # nothing absolute


def test_a_good_commit_is_accepted(hg_center: Path) -> None:
    page = hg_center / "services" / "storage" / "index.rst"
    page.write_text(page.read_text(encoding="utf-8") + "\nMore words.\n", encoding="utf-8")
    done = hg(hg_center, "commit", "-m", "More words")
    assert done.stderr == ""
    assert revisions(hg_center)[0] == "More words"


def test_a_commit_removing_a_required_section_is_refused(hg_center: Path) -> None:
    page = hg_center / "services" / "storage" / "index.rst"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("Goal of the Service\n-------------------\n", ""),
                    encoding="utf-8")

    done = hg(hg_center, "commit", "-m", "Drop the goal", check=False)

    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "services/storage/index.rst" in output
    assert "Goal of the Service" in output
    assert "hg commit --config hooks.pretxncommit.docscenter= " in output
    assert revisions(hg_center)[0] == "Add the storage service"
    # The printed way round the hook works, once.
    hg(hg_center, "commit", "-m", "Drop the goal", "--config", "hooks.pretxncommit.docscenter=")
    assert revisions(hg_center)[0] == "Drop the goal"


def test_a_commit_adding_an_undefined_glossary_term_is_refused(hg_center: Path) -> None:
    page = hg_center / "services" / "storage" / "history.rst"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee :term:`Quux Frobnicator`.\n",
                    encoding="utf-8")
    done = hg(hg_center, "commit", "-m", "Use a term", check=False)
    assert done.returncode != 0
    assert "Quux Frobnicator" in done.stdout + done.stderr
    assert revisions(hg_center)[0] == "Add the storage service"


def test_install_hook_in_a_clone(hg_center: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    hg(tmp_path, "clone", "-q", str(hg_center), str(clone))
    assert hg(clone, "config", "hooks.pretxncommit.docscenter", check=False).returncode != 0

    out = run_cli("-C", clone, "install-hook").stdout
    run_cli("-C", clone, "install-hook")  # idempotent

    assert str(clone / ".hg" / "hgrc") in out
    hgrc = (clone / ".hg" / "hgrc").read_text(encoding="utf-8")
    assert hgrc.count("pretxncommit.docscenter") == 1
    page = clone / "services" / "storage" / "index.rst"
    page.write_text(page.read_text(encoding="utf-8").replace("Goal of the Service", "Goals"),
                    encoding="utf-8")
    assert hg(clone, "commit", "-m", "Rename", check=False).returncode != 0


def test_install_hook_in_git_refuses_a_broken_commit(center: Path) -> None:
    add_service(center, "storage")
    git(center, "init", "-q")
    git(center, "add", "-A")
    git(center, "commit", "-q", "-m", "Start")
    run_cli("-C", center, "install-hook")
    page = center / "services" / "storage" / "index.rst"
    page.write_text(page.read_text(encoding="utf-8") + "\nA :term:`Nonexistent` term.\n",
                    encoding="utf-8")

    done = git(center, "commit", "-q", "-am", "Broken", check=False)

    assert done.returncode != 0
    assert "Nonexistent" in done.stderr
    assert "git commit --no-verify" in done.stderr
    assert git(center, "log", "--format=%s").stdout.splitlines() == ["Start"]


def test_install_hook_outside_a_repository_is_a_usage_error(center: Path) -> None:
    result = run_cli("-C", center, "install-hook", check=2)
    assert "not in a Mercurial or Git repository" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_hg_status_is_clean_after_a_build_an_import_a_preview_and_a_test_run(
    hg_center: Path,
) -> None:
    run_cli("-C", hg_center, "build", "-j", "1")
    dump = hg_center.parent / "dump.xml"
    write_dump(dump, [Page("Storage Overview", "Stores '''files'''.", 42)])
    run_cli("-C", hg_center, "import-wiki", dump, "--service", "storage", "--commit")
    # What a preview, a test run and an interrupted import leave behind.
    for leftover in ("build/serve/index.html", "build/doctrees-serve/x.pickle",
                     ".pytest_cache/v/cache/lastfailed", "tools/__pycache__/x.cpython-311.pyc",
                     ".hypothesis/examples/x", ".docscenter-import-abc123/0.rst",
                     ".venv/bin/python", "source/index.rst.orig"):
        path = hg_center / leftover
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    assert (hg_center / "build" / "html" / "index.html").exists()
    assert hg(hg_center, "status").stdout == ""


def test_a_service_named_build_is_not_ignored(hg_center: Path) -> None:
    add_service(hg_center, "build")
    assert "? services/build/index.rst" in hg(hg_center, "status").stdout


# -- import-wiki --commit ------------------------------------------------------------------

PAGES = [Page("Storage Overview", "== Intro ==\nThe service keeps '''files'''.", 42),
         Page("Storage Quotas", "Quotas are per user. See [[Storage Overview]].", 77)]


def test_import_commit_holds_exactly_the_written_files(hg_center: Path) -> None:
    dump = hg_center.parent / "dump.xml"
    write_dump(dump, PAGES)
    (hg_center / "notes.txt").write_text("unrelated, uncommitted\n", encoding="utf-8")
    before = revisions(hg_center)

    out = run_cli("-C", hg_center, "import-wiki", dump, "--service", "storage", "--commit").stdout

    assert revisions(hg_center)[1:] == before
    node = hg(hg_center, "log", "-r", ".", "-T", "{node|short}").stdout
    assert f"committed as {node}" in out
    files = set(hg(hg_center, "log", "-r", ".", "-T", "{join(files, '\\n')}").stdout.split())
    assert files == {"services/storage/wiki/storage-overview.rst",
                     "services/storage/wiki/storage-quotas.rst",
                     "services/storage/wiki/index.rst",
                     "services/storage/index.rst",
                     "services/storage/service.toml"}
    message = hg(hg_center, "log", "-r", ".", "-T", "{desc}").stdout
    assert "Storage Overview (revision 42)" in message
    assert "Storage Quotas (revision 77)" in message
    # Only the unrelated file is left uncommitted.
    assert hg(hg_center, "status").stdout == "? notes.txt\n"


def test_import_commit_refuses_local_edits_to_a_stub(hg_center: Path) -> None:
    dump = hg_center.parent / "dump.xml"
    write_dump(dump, PAGES)
    run_cli("-C", hg_center, "import-wiki", dump, "--service", "storage", "--commit")
    stub = hg_center / "services" / "storage" / "wiki" / "storage-quotas.rst"
    stub.write_text(stub.read_text(encoding="utf-8") + "\nA writer's note.\n", encoding="utf-8")
    write_dump(dump, [PAGES[0], Page("Storage Quotas", "Quotas changed.", 78)])
    before = revisions(hg_center)

    result = run_cli("-C", hg_center, "import-wiki", dump, "--service", "storage", "--commit",
                     check=2)

    assert "storage-quotas.rst" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert revisions(hg_center) == before
    assert hg(hg_center, "status").stdout == "M services/storage/wiki/storage-quotas.rst\n"


def test_import_commit_refuses_local_edits_to_service_toml(hg_center: Path) -> None:
    toml = hg_center / "services" / "storage" / "service.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "# a writer's note\n", encoding="utf-8")
    dump = hg_center.parent / "dump.xml"
    write_dump(dump, PAGES)
    before = revisions(hg_center)

    result = run_cli("-C", hg_center, "import-wiki", dump, "--service", "storage", "--commit",
                     check=2)

    assert "service.toml" in result.stderr
    assert revisions(hg_center) == before
    assert hg(hg_center, "status").stdout == "M services/storage/service.toml\n"


def test_import_commit_in_git(center: Path) -> None:
    add_service(center, "storage")
    git(center, "init", "-q")
    git(center, "add", "-A")
    git(center, "commit", "-q", "-m", "Start")
    dump = center.parent / "dump.xml"
    write_dump(dump, PAGES)

    run_cli("-C", center, "import-wiki", dump, "--service", "storage", "--commit")

    message = git(center, "log", "-1", "--format=%B").stdout
    assert "Storage Quotas (revision 77)" in message
    assert git(center, "status", "--porcelain").stdout == ""
