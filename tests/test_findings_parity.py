"""``docscenter check`` (a text scan of the files) and the Sphinx build (the doctrees it read)
feed the same rules: on one center with many kinds of problem, they report the same findings,
each with the same subtype, file, line and message."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import add_service, run_cli, sphinx_build

WARNING = re.compile(r"^(?P<where>.+?): WARNING: (?P<message>.*) \[docscenter\.(?P<subtype>\w+)\]$")
COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def break_center(root: Path) -> None:
    """Two services and the center-wide pages with one or more findings of every kind the
    build reports itself."""
    add_service(root, "alpha", "--api-version", "1.0")
    add_service(root, "beta")
    glossary = root / "source/glossary.rst"
    append(glossary, "\n   Service\n      Said twice.\n\n   widget\n      Nobody says it.\n")
    append(root / "services/alpha/history.rst",
           "\nA paragraph over two lines: every :term:`Lifecycle`\nmatters, and a "
           ":term:`gizmo <no such term>` does not exist.\n\n"
           "Terms\n-----\n\n.. glossary::\n\n   gadget\n      Local.\n\nA :term:`gadget`.\n")
    edit(root / "services/alpha/index.rst", "Resources\n---------", "Links\n-----")
    (root / "services/beta/history.rst").unlink()
    edit(root / "services/beta/index.rst", "   history\n", "")
    edit(root / "services/beta/service.toml", 'lifecycle = "development"',
         'lifecycle = "someday"')
    (root / "tools/wiki.toml").write_text('[[pages]]\ntitle = "Gone"\nservice = "gone"\n')


def check_findings(root: Path) -> set[tuple[str, str, int | None, str]]:
    data = json.loads(run_cli("-C", root, "check", "--format", "json", check=1).stdout)
    return {(f["subtype"], f["path"], f["line"], f["message"]) for f in data["findings"]}


def build_findings(root: Path) -> set[tuple[str, str, int | None, str]]:
    _, warnings = sphinx_build(root)
    found = set()
    for line in COLOUR.sub("", warnings).splitlines():
        match = WARNING.match(line)
        assert match, f"not a docscenter finding: {line}"
        path, _, number = match["where"].removeprefix(f"{root}/").partition(":")
        found.add((match["subtype"], path, int(number) if number else None, match["message"]))
    return found


def test_check_and_build_report_identical_findings(center: Path) -> None:
    break_center(center)
    checked = check_findings(center)
    assert {subtype for subtype, *_ in checked} == {
        "duplicate_term", "unused_term", "term_case", "undefined_term", "glossary_location",
        "template", "service_toml", "manifest"}
    assert len(checked) == 9
    assert build_findings(center) == checked


STUB = """.. docscenter-import
   title: {title}
   revision: 7
   sha256: 0

Notes
=====

{body}
"""


def test_re_import_findings_are_the_same_in_check_and_build(center: Path) -> None:
    add_service(center, "alpha")
    folder = center / "services/alpha"
    (folder / "notes.rst").write_text(STUB.format(title="Ops:runbook", body=(
        "Intro.\n\n<<<<<<< yours (the page as edited)\nMine.\n\n=======\n\nTheirs.\n"
        ">>>>>>> wiki (revision 8)\n")), encoding="utf-8")
    (folder / "copy.rst").write_text(STUB.format(title="ops:Runbook", body="Same page."),
                                     encoding="utf-8")
    edit(folder / "index.rst", "   history\n", "   history\n   notes\n   copy\n")
    checked = check_findings(center)
    assert {(subtype, path, line) for subtype, path, line, _ in checked} == {
        ("conflict", "services/alpha/notes.rst", 11),
        ("duplicate_wiki_title", "services/alpha/notes.rst", 2)}
    _, warnings = sphinx_build(center)
    built = set()
    for line in COLOUR.sub("", warnings).splitlines():
        match = WARNING.match(line)
        if match:  # Sphinx has its own words about the markers; those are not findings
            path, _, number = match["where"].removeprefix(f"{center}/").partition(":")
            built.add((match["subtype"], path, int(number) if number else None,
                       match["message"]))
    assert built == checked
