"""import-wiki --glossary: wiki glossaries join the shared glossary, sorted, never twice, and
the imported page refers to the shared terms."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Page, add_service, run_cli, write_dump

WIKITEXT = """\
How the auth service works.

== Terminology ==
; Bearer token : A token that grants access to whoever holds it.
; service : Anything we run, according to this old page.
; Audience : The service a token is meant for.
"""


def terms_of(glossary: Path) -> list[str]:
    lines = glossary.read_text().splitlines()
    start = lines.index(".. glossary::")
    return [line.strip() for line in lines[start + 1:]
            if line.startswith("   ") and not line.startswith("      ")
            and line.strip() and not line.strip().startswith(":")]


def test_glossary_terms_are_merged_sorted_and_referenced(center: Path, tmp_path: Path) -> None:
    add_service(center, "auth")
    dump = write_dump(tmp_path / "dump.xml", [Page("Auth notes", WIKITEXT, 3)])
    before = terms_of(center / "source/glossary.rst")
    result = run_cli("-C", center, "import-wiki", dump, "--service", "auth", "--glossary",
                     "--format", "json")
    report = json.loads(result.stdout)
    assert sorted(report["glossary"]["added"]) == ["Audience", "Bearer token"]
    assert [d["term"] for d in report["glossary"]["differing"]] == ["service"]
    after = terms_of(center / "source/glossary.rst")
    assert after == sorted(before + ["Audience", "Bearer token"], key=str.lower)

    stub = (center / "services/auth/wiki/auth-notes.rst").read_text()
    assert ":term:`Bearer token`" in stub and ":term:`service`" in stub

    # Again: nothing added twice.
    again = json.loads(run_cli("-C", center, "import-wiki", dump, "--service", "auth",
                               "--glossary", "--format", "json").stdout)
    assert again["glossary"]["added"] == []
    assert terms_of(center / "source/glossary.rst") == after

    # The new terms are used (by the imported page), so the strict build and check pass.
    run_cli("-C", center, "build")
    glossary_html = (center / "build/html/source/glossary.html").read_text()
    assert "Used by" in glossary_html
    run_cli("-C", center, "check")


def test_without_the_flag_the_glossary_is_left_alone(center: Path, tmp_path: Path) -> None:
    add_service(center, "auth")
    dump = write_dump(tmp_path / "dump.xml", [Page("Auth notes", WIKITEXT, 3)])
    before = (center / "source/glossary.rst").read_text()
    result = run_cli("-C", center, "import-wiki", dump, "--service", "auth")
    # "service" is in the glossary already: only the two terms it lacks are offered.
    assert "glossary terms found in wiki glossaries: 2" in result.stdout
    assert (center / "source/glossary.rst").read_text() == before
    assert ":term:" not in (center / "services/auth/wiki/auth-notes.rst").read_text()
