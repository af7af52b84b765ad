"""The shared glossary: merging wiki terms into it, and its cross-references in the HTML
("Used by" per term, "Glossary terms used" per service) across incremental rebuilds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docscenter.core.rst_scan import scan_text
from docscenter.errors import UsageError
from docscenter.glossary_merge import merge_terms
from helpers import add_service, run_cli, sphinx_build


def glossary_terms(path: Path) -> list[str]:
    return [term for term, _line in scan_text("glossary.rst", path.read_text()).terms]


def test_merge_adds_sorted_never_duplicates_and_reports_differences(center: Path) -> None:
    glossary = center / "source/glossary.rst"
    glossary.chmod(0o644)
    report = merge_terms(glossary, [
        ("Token", "A short-lived credential."),
        ("Service", "Something else entirely."),
        ("lifecycle", "Where a service stands: production, beta, development, deprecated or\n"
                      "retired."),
        ("bucket", "A place for **things**.\n\nSecond paragraph."),
        ("token", "Offered twice in one import."),
    ])
    assert report.added == ["Token", "bucket"]
    assert report.unchanged == ["lifecycle"]
    assert [(term, offered) for term, _old, offered in report.differing] == [
        ("service", "Something else entirely."), ("Token", "Offered twice in one import.")]
    assert glossary_terms(glossary) == ["API version", "bucket", "lifecycle", "service",
                                        "Token"]
    text = glossary.read_text()
    assert "   bucket\n      A place for **things**.\n\n      Second paragraph.\n" in text
    assert text.count(":sorted:") == 1 and ".. glossary::\n   :sorted:\n\n   API" in text
    assert [p.name for p in glossary.parent.iterdir() if p.name.startswith(".")] == []
    assert glossary.stat().st_mode & 0o777 == 0o644  # the rewrite keeps the file's mode
    # Merging again changes nothing and writes nothing.
    before = glossary.stat().st_mtime_ns
    again = merge_terms(glossary, [("bucket", "A place for **things**. Second paragraph.")])
    assert again.added == [] and again.unchanged == ["bucket"]
    assert glossary.stat().st_mtime_ns == before
    # The merged glossary still builds; the new terms are unused until a page says them.
    data = run_cli("-C", center, "check", "--format", "json", check=1).stdout
    assert "'bucket' is not referenced" in data and "'Token' is not referenced" in data
    assert "duplicate" not in data


def test_merge_needs_a_glossary(tmp_path: Path) -> None:
    page = tmp_path / "glossary.rst"
    page.write_text("Glossary\n========\n\nNo directive.\n")
    with pytest.raises(UsageError, match="no '.. glossary::'"):
        merge_terms(page, [("x", "y")])
    with pytest.raises(UsageError, match="cannot read"):
        merge_terms(tmp_path / "missing.rst", [("x", "y")])


def used_by(html: str, term_id: str) -> list[str]:
    """Service titles listed under a term of the built glossary."""
    match = re.search(rf'id="{term_id}".*?</dd>', html, re.DOTALL)
    assert match, term_id
    used = re.search(r"Used by</strong>: (.*?)</p>", match[0], re.DOTALL)
    return re.findall(r">([^<>]+)</a>", used[1]) if used else []


def terms_used(html: str) -> list[str]:
    match = re.search(r'docscenter-terms-used">(.*?)</p>', html, re.DOTALL)
    return re.findall(r">([^<>]+)</a>", match[1]) if match else []


def test_backlinks_follow_incremental_rebuilds(center: Path) -> None:
    add_service(center, "alpha", "--title", "Alpha Service")
    add_service(center, "beta", "--title", "Beta Service")
    merge_terms(center / "source/glossary.rst", [("widget", "A small part.")])
    alpha = center / "services/alpha/history.rst"
    beta = center / "services/beta/history.rst"
    alpha.write_text(alpha.read_text() + "\nA :term:`widget` was added.\n")
    _, warnings = sphinx_build(center)
    assert warnings == ""
    html = center / "build/html"
    assert used_by((html / "source/glossary.html").read_text(), "term-widget") == [
        "Alpha Service"]
    assert used_by((html / "source/glossary.html").read_text(), "term-service") == []
    assert terms_used((html / "services/alpha/index.html").read_text()) == [
        "lifecycle", "widget"]
    assert 'href="../../source/glossary.html#term-widget"' in (
        html / "services/alpha/index.html").read_text()

    # Beta gains the reference, alpha loses it: only those two pages are read again.
    beta.write_text(beta.read_text() + "\nBeta has :term:`widgets <widget>` too.\n")
    alpha.write_text(alpha.read_text().replace(":term:`widget`", "widget"))
    read, warnings = sphinx_build(center)
    assert read == ["services/alpha/history", "services/beta/history"]
    assert warnings == ""
    assert used_by((html / "source/glossary.html").read_text(), "term-widget") == [
        "Beta Service"]
    assert terms_used((html / "services/alpha/index.html").read_text()) == ["lifecycle"]
    assert terms_used((html / "services/beta/index.html").read_text()) == [
        "lifecycle", "widget"]

    # Nothing changed: nothing read, nothing rewritten needlessly.
    read, _ = sphinx_build(center)
    assert read == []


def test_backlinks_in_a_parallel_build(center: Path) -> None:
    add_service(center, "alpha")
    add_service(center, "beta")
    build = run_cli("-C", center, "build", "-j", "2")
    assert build.returncode == 0
    html = (center / "build/html/source/glossary.html").read_text()
    assert used_by(html, "term-lifecycle") == ["Alpha", "Beta"]
