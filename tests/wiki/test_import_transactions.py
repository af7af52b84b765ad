"""Imports are transactions: one import at a time (real concurrent processes), a build waits
or names the holder, an edit saved during an import is never overwritten, and a real SIGKILL
anywhere in a corpus-sized import is finished or rolled back by the next command, leaving
every stub all old or all new and a center that builds clean."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from test_import import SLOW_WIKITEXT, make_center

from docscenter.testing.corpus import corpus_dir
from helpers import Page, run_cli, write_dump

FAST = {"DOCSCENTER_LOCK_TIMEOUT": "0"}


def start_import(root: Path, dump: Path, *args: str, env: dict[str, str] | None = None,
                 ) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "docscenter", "-C", str(root), "import-wiki", str(dump),
         "--service", "storage", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
        env={**os.environ, "DOCSCENTER_PAGE_TIMEOUT": "120", **(env or {})})


def wait_for(condition, process: subprocess.Popen[str], limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the import never got there"
        time.sleep(0.005)


def staged(root: Path) -> set[str]:
    """The pages staged so far: each has its stub (N.rst), or the stub as converted (N.wiki)
    when the file keeps its text, or both when they differ."""
    folder = root / ".docscenter/import/staging"
    try:
        return {Path(name).stem for name in os.listdir(folder)
                if name.endswith((".rst", ".wiki"))}
    except FileNotFoundError:
        return set()


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL the import, then whatever workers it left behind."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_a_second_import_and_a_build_name_the_holder_then_a_dead_holder_is_taken_over(
        tmp_path: Path) -> None:
    root = make_center(tmp_path / "center", "storage")
    dump = write_dump(tmp_path / "slow.xml", [Page("Slow", SLOW_WIKITEXT), Page("Quick", "Q.")])
    first = start_import(root, dump)
    try:
        wait_for(lambda: len(staged(root)) >= 1, first)
        second = run_cli("-C", root, "import-wiki", dump, "--service", "storage", check=2,
                         env=FAST)
        build = run_cli("-C", root, "build", "-j", "2", check=2, env=FAST)
        check = run_cli("-C", root, "check", check=2, env=FAST)
    finally:
        kill(first)
    for result in (second, build, check):
        assert result.stderr.count("\n") == 1, result.stderr
        assert f"pid {first.pid} on " in result.stderr and "import-wiki" in result.stderr
    # The kernel released the dead import's lock: the next import takes it over, removes the
    # staging folder it left and imports.
    after = run_cli("-C", root, "import-wiki", write_dump(tmp_path / "q.xml", [Page("Q", "Q.")]),
                    "--service", "storage", env=FAST)
    taken = next(line for line in after.stdout.splitlines() if line.startswith("took over"))
    assert "import-wiki" in taken and f"pid {first.pid} " in taken and "no longer running" in taken
    assert "removed the staging folder of an interrupted import" in after.stdout


def test_concurrent_imports_wait_for_each_other_and_lose_nothing(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center", "storage")
    pages = [Page(f"Page {n}", f"Text of page {n}.\n\n== Part ==\nMore.\n") for n in range(120)]
    # Three imports of overlapping sets of pages (the first ten pages are in all of them).
    dumps = [write_dump(tmp_path / f"d{i}.xml", pages[:10] + pages[10:][i::3])
             for i in range(3)]
    runs = [start_import(root, dump) for dump in dumps]
    outcomes = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outcomes
    stubs = sorted((root / "services/storage/wiki").glob("page-*.rst"))
    assert len(stubs) == 120
    entries = tomllib.loads((root / "services/storage/service.toml").read_text())["wiki_pages"]
    assert sorted(e["title"] for e in entries) == sorted(p.title for p in pages)
    run_cli("-C", root, "check")


def test_an_edit_saved_while_the_import_runs_is_not_overwritten(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center", "storage")
    text = "First.\n\nSecond.\n\nThird.\n"
    run_cli("-C", root, "import-wiki", write_dump(tmp_path / "a.xml", [Page("Quick", text)]),
            "--service", "storage")
    stub = root / "services/storage/wiki/quick.rst"
    dump = write_dump(tmp_path / "b.xml", [Page("Slow", SLOW_WIKITEXT),
                                          Page("Quick", text + "\nFourth.\n", revision=101)])
    process = start_import(root, dump, "--format", "json")
    # Quick is converted and staged (as "updated") while Slow still converts.
    wait_for(lambda: len(staged(root)) >= 1, process)
    stub.write_text(stub.read_text().replace("First.", "First, edited meanwhile."))
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    action = {p["title"]: p["action"] for p in json.loads(out)["pages"]}["Quick"]
    assert action == "merged"
    assert "First, edited meanwhile." in stub.read_text() and "Fourth." in stub.read_text()


# -- SIGKILL at random points of a corpus-sized import ----------------------------------------

KILLER = """
import os, signal, sys
from docscenter.cli import main
limit, calls, real = int(sys.argv[1]), [0], os.replace
def replace(src, dst, *args, **kwargs):
    # Only the import's installs count (not the merge bases workers save).
    calls[0] += "/.docscenter/import/staging/" in str(src)
    if calls[0] > limit:  # die as a crash would, with the journal and the staging left
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst, *args, **kwargs)
os.replace = replace
sys.argv = ["docscenter", *sys.argv[2:]]
main()
"""


def corpus_pages() -> list[Page]:
    """The WPD corpus (or pages of a similar number and size when it is absent)."""
    base = corpus_dir()
    if base is None:
        return [Page(f"WPD:Generated {n}", f"== Part {n} ==\n" + "Some text. " * 500,
                     namespace=3000) for n in range(372)]
    from docscenter.wiki.export import ExportReader

    return [Page(p.title, p.text, p.revision or 1, p.timestamp or "2015-01-01T00:00:00Z",
                 p.namespace) for p in ExportReader(base / "wpd" / "export.xml")]


def tree(root: Path) -> dict[str, bytes]:
    folder = root / "services"
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus_center(tmp_path_factory: pytest.TempPathFactory):
    """A center holding the corpus (old), the dump of its next revision (new), and the
    services folder in either state."""
    work = tmp_path_factory.mktemp("kill")
    root = make_center(work / "center", "storage")
    pages = corpus_pages()
    old = write_dump(work / "old.xml", pages)
    new = write_dump(work / "new.xml", [
        Page(p.title, p.text + "\n\nRevised on the wiki.\n", p.revision + 1, p.timestamp,
             p.namespace) for p in pages])
    run_cli("-C", root, "import-wiki", old, "--service", "storage")
    old_tree = tree(root)
    scratch = make_center(work / "scratch", "storage")
    run_cli("-C", scratch, "import-wiki", old, "--service", "storage")
    run_cli("-C", scratch, "import-wiki", new, "--service", "storage")
    return root, new, old_tree, tree(scratch), len(pages)


def _assert_all_old_or_all_new(root: Path, old: dict, new: dict) -> str:
    now = tree(root)
    assert now in (old, new), sorted(k for k in now if now[k] not in (old.get(k), new.get(k)))
    return "old" if now == old else "new"


def _recover_and_reset(root: Path, old: dict, new: dict) -> str:
    recovered = run_cli("-C", root, "check", check=None)
    assert recovered.returncode in (0, 1), recovered.stderr
    state = _assert_all_old_or_all_new(root, old, new)
    assert not (root / ".docscenter/import").exists()
    return state


@pytest.mark.parametrize("point", ["staged-50%", "install-1", "install-half"])
def test_sigkill_anywhere_is_recovered(corpus_center, point: str) -> None:
    root, new_dump, old, new, count = corpus_center
    command = ["-C", str(root), "import-wiki", str(new_dump), "--service", "storage"]
    if point.startswith("install"):
        limit = 1 if point == "install-1" else count // 2
        process = subprocess.Popen([sys.executable, "-c", KILLER, str(limit), *command],
                                   start_new_session=True, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        process.wait(timeout=600)
        assert process.returncode == -signal.SIGKILL
        assert (root / ".docscenter/import/journal").is_file()
    else:
        share = 0.5
        process = subprocess.Popen([sys.executable, "-m", "docscenter", *command],
                                   start_new_session=True, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        wait_for(lambda: len(staged(root)) >= share * count,
                 process, limit=600)
        kill(process)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    assert _recover_and_reset(root, old, new) == "old"  # rolled back: import again
    # The center builds clean after the recovery, and a plain re-import then completes.
    run_cli("-C", root, "build", "-j", "2")
    run_cli("-C", root, "import-wiki", str(new_dump), "--service", "storage")
    assert _assert_all_old_or_all_new(root, old, new) == "new"
    # Back to the old state for the next kill point.
    run_cli("-C", root, "import-wiki", str(new_dump).replace("new.xml", "old.xml"),
            "--service", "storage", "--force")
    assert tree(root) == old


def test_recover_command_says_what_it_did(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center", "storage")
    assert "nothing to do" in run_cli("-C", root, "recover").stdout
    (root / ".docscenter/import/staging").mkdir(parents=True)
    assert "removed the staging folder" in run_cli("-C", root, "recover").stdout


def test_a_build_started_during_an_import_waits_for_it(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center", "storage")
    dump = write_dump(tmp_path / "slow.xml", [Page("Slow", SLOW_WIKITEXT), Page("Quick", "Q.")])
    first = start_import(root, dump)
    try:
        wait_for(lambda: len(staged(root)) >= 1, first)
        build = subprocess.Popen([sys.executable, "-m", "docscenter", "-C", str(root), "build",
                                  "-j", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        _out, err = build.communicate(timeout=600)
        assert first.wait(timeout=1) == 0  # the import ended before the build did
    finally:
        if first.poll() is None:
            kill(first)
    assert build.returncode == 0, err
    assert f"waiting for the lock of {root.resolve()}, held by" in err and "import-wiki" in err
    # What the build read is what the import installed: the stubs, not the staging folder.
    assert (root / "build/html/services/storage/wiki/quick.html").is_file()
    assert not list((root / "build/html").glob(".docscenter*"))
