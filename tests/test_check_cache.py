"""The cache behind ``docscenter check``, ``status`` and the commit hook: only what changed is
scanned again; any change to a page, ``conf.py``, the templates folder or docscenter sets the
cached facts aside; a corrupt, foreign or unwritable cache changes nothing but the speed."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from docscenter import index_cache, indexing
from docscenter.core.center import Center
from docscenter.core.check import check
from docscenter.core.index import PageFacts
from helpers import add_service, run_cli

CACHE = index_cache.CACHE_FILE


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The pages the fast scan reads (the real scan, counted)."""
    seen: list[str] = []
    real = indexing.scan_text

    def counting(path: str, text: str) -> PageFacts:
        seen.append(path)
        return real(path, text)

    monkeypatch.setattr(indexing, "scan_text", counting)
    yield seen


@pytest.fixture
def two_services(center: Path) -> Path:
    add_service(center, "alpha", "--api-version", "1.0")
    add_service(center, "beta")
    return center


def cached_check(root: Path) -> list[tuple[str, str, int | None]]:
    """The findings of a cached scan, as (subtype, path, line)."""
    report = check(indexing.scan_center(Center.load(root), cached=True))
    return [(str(f.subtype), f.path, f.line) for f in report.findings]


def fresh_check(root: Path) -> list[tuple[str, str, int | None]]:
    report = check(indexing.scan_center(Center.load(root)))
    return [(str(f.subtype), f.path, f.line) for f in report.findings]


def pages(root: Path) -> int:
    return len(list(root.glob("source/*.rst"))) + len(list(root.glob("services/*/*.rst")))


def test_a_second_check_scans_only_what_changed(two_services: Path,
                                                scanned: list[str]) -> None:
    root = two_services
    assert cached_check(root) == []
    assert len(scanned) == pages(root) and (root / CACHE).is_file()
    scanned.clear()
    assert cached_check(root) == []
    assert scanned == []
    history = root / "services/alpha/history.rst"
    history.write_text(history.read_text() + "\nSee :term:`gizmo`.\n", encoding="utf-8")
    found = cached_check(root)
    assert scanned == ["services/alpha/history.rst"]
    assert found == fresh_check(root) and found[0][:2] == ("undefined_term",
                                                           "services/alpha/history.rst")


def test_an_edit_that_keeps_size_and_time_is_seen(two_services: Path) -> None:
    root = two_services
    cached_check(root)
    page = root / "services/beta/index.rst"
    before = page.stat()
    text = page.read_text()
    edited = text.replace("Goal of the Service\n", "Goal of the Servic3\n")
    assert edited != text and len(edited) == len(text)
    page.write_text(edited, encoding="utf-8")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    found = cached_check(root)
    assert ("template", "services/beta/index.rst") in [f[:2] for f in found]
    assert found == fresh_check(root)


def test_removed_and_added_pages(two_services: Path) -> None:
    root = two_services
    cached_check(root)
    (root / "services/alpha/apis-1.0.rst").unlink()
    found = cached_check(root)
    assert sorted(f[:2] for f in found) == [("template", "services/alpha/apis-1.0.rst"),
                                             ("toctree", "services/alpha/index.rst")]
    add_service(root, "gamma")
    assert cached_check(root) == fresh_check(root) == found


@pytest.mark.parametrize("change", ["conf", "templates", "version", "package"])
def test_what_the_whole_cache_depends_on(two_services: Path, scanned: list[str],
                                         monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    root = two_services
    cached_check(root)
    scanned.clear()
    if change == "conf":
        (root / "conf.py").write_text((root / "conf.py").read_text() + "\n# edited\n")
    elif change == "templates":
        (root / "tools/templates/service").mkdir(parents=True)
        (root / "tools/templates/service/history.rst.j2").write_text("History\n=======\n")
    elif change == "version":
        monkeypatch.setattr(index_cache, "__version__", "99.0")
    else:  # a file of docscenter itself (an edited installation)
        monkeypatch.setattr(index_cache, "PACKAGE", root / "tools")
    cached_check(root)
    assert len(scanned) == pages(root)


def test_a_new_template_changes_which_pages_are_stubs(two_services: Path) -> None:
    root = two_services
    before = json.loads(run_cli("-C", root, "status", "--format", "json").stdout)
    override = root / "tools/templates/service/history.rst.j2"
    override.parent.mkdir(parents=True)
    override.write_text("History\n=======\n\nNothing yet.\n")
    after = json.loads(run_cli("-C", root, "status", "--format", "json").stdout)
    stubs = {row["name"]: row["stubs"] for row in before["services"]}
    assert {row["name"]: row["stubs"] for row in after["services"]} == {
        name: count - 1 for name, count in stubs.items()}


CORRUPT = {
    "garbage": b"\x00\xffnot json",
    "truncated": b'{"format": 1, "key": "',
    "not an object": b"[1, 2, 3]",
}


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_a_corrupt_cache_is_ignored_and_replaced(two_services: Path, kind: str) -> None:
    root = two_services
    (root / "services/alpha/history.rst").write_text("History\n=======\n\nTODO\n")
    cached_check(root)
    (root / CACHE).write_bytes(CORRUPT[kind])
    assert cached_check(root) == fresh_check(root)
    assert json.loads((root / CACHE).read_text())["format"] == index_cache.FORMAT


def _tamper(root: Path, edit: object) -> None:
    """Rewrite the cache's entries with ``edit`` and put the result back in a new file."""
    path = root / CACHE
    data = json.loads(path.read_text())
    assert callable(edit)
    edit(data)
    replacement = path.with_name("planted.json")
    replacement.write_text(json.dumps(data))
    os.replace(replacement, path)


def test_a_cache_of_the_wrong_shape_is_ignored(two_services: Path) -> None:
    root = two_services
    cached_check(root)
    path = root / CACHE
    data = json.loads(path.read_text())
    entry = data["pages"]["services/alpha/index.rst"]
    entry[1]["sections"] = "Goal of the Service"
    path.write_text(json.dumps(data))  # same file: trusted if it were well formed
    assert cached_check(root) == fresh_check(root) == []


def test_a_cache_from_elsewhere_is_not_trusted(two_services: Path) -> None:
    """Facts planted for a page (committed, copied or unpacked) never hide its findings."""
    root = two_services
    cached_check(root)
    clean = json.loads((root / CACHE).read_text())["pages"]["services/beta/history.rst"][1]
    page = root / "services/beta/history.rst"
    page.write_text(page.read_text() + "\nSee :term:`gizmo`.\n", encoding="utf-8")
    assert cached_check(root)  # the finding, and the page's new digest in the cache

    def plant(data: dict) -> None:
        data["pages"]["services/beta/history.rst"][1] = clean

    _tamper(root, plant)
    assert [f[:2] for f in cached_check(root)] == [("undefined_term",
                                                     "services/beta/history.rst")]
    copy = root.parent / "copy"
    shutil.copytree(root, copy)
    assert fresh_check(copy) == cached_check(copy)


def test_a_cache_that_cannot_be_written_changes_nothing(two_services: Path) -> None:
    root = two_services
    (root / ".docscenter").mkdir()
    (root / ".docscenter/cache").write_text("a file where the folder would go\n")
    result = run_cli("-C", root, "check")
    assert "no findings" in result.stdout and result.stderr == ""


def test_check_status_and_hook_agree_with_and_without_the_cache(two_services: Path) -> None:
    root = two_services
    (root / "services/beta/history.rst").write_text("History\n=======\n\nXXX and TODO\n")
    run_cli("-C", root, "check")
    cold = json.loads(run_cli("-C", root, "status", "--format", "json").stdout)
    warm = json.loads(run_cli("-C", root, "status", "--format", "json").stdout)
    assert cold == warm
    (root / "services/beta/history.rst").write_text("History\n=======\n\n:term:`gizmo`\n")
    result = run_cli("-C", root, "check", "--format", "json", check=1)
    assert [f["subtype"] for f in json.loads(result.stdout)["findings"]] == ["undefined_term"]


def test_a_page_that_is_not_utf8_is_still_an_error(two_services: Path) -> None:
    root = two_services
    run_cli("-C", root, "check")
    (root / "services/alpha/history.rst").write_bytes(b"History\n=======\n\n\xff\xfe\n")
    result = run_cli("-C", root, "check", check=2)
    assert "history.rst: not UTF-8 text" in result.stderr


def test_the_state_folder_stays_out_of_version_control(tmp_path: Path) -> None:
    root = tmp_path / "center"
    run_cli("init", root, "--title", "Kept")  # with hg and its commit hook
    add_service(root, "alpha")
    run_cli("-C", root, "check")  # writes the cache (the hook checks a copy of the commit)
    assert (root / CACHE).is_file()
    hg = [str(Path(sys.executable).with_name("hg")), "--cwd", str(root)]
    subprocess.run([*hg, "commit", "-A", "-m", "alpha"], check=True, capture_output=True)
    assert subprocess.run([*hg, "status"], capture_output=True, text=True,
                          check=True).stdout == ""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain"],
                            capture_output=True, text=True, check=True).stdout
    assert status and ".docscenter" not in status


def test_every_fact_of_a_page_survives_the_cache() -> None:
    """The cache (and a shard's manifest, which stores facts the same way) keeps every field
    of PageFacts: a field added later and forgotten here fails this test."""
    from docscenter.core.vocabulary import Markup

    facts = PageFacts(
        "services/a/page.rst", sections=[("Title", 3)], toctree=[("other", 9)],
        terms=[("Term", 12)], refs=[("Term", None)], placeholders=[4, 8], imported_stub=True,
        foreign_markup=[Markup("directive", "include", 7)], wiki_title="Services/A",
        wiki_title_exact=True, conflicts=[20], fingerprint="abc",
        wiki_source="https://wiki.example.org/wiki/A", links=["https://example.org/"])
    defaults = PageFacts("services/a/page.rst")
    changed = {f.name for f in dataclasses.fields(PageFacts)
               if getattr(facts, f.name) != getattr(defaults, f.name)}
    assert changed == {f.name for f in dataclasses.fields(PageFacts)} - {"path"}
    stored = json.loads(json.dumps(index_cache.facts_to_json(facts)))
    assert index_cache.facts_from_json(facts.path, stored) == facts
