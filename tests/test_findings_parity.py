"""``docscenter check`` (a text scan of the files) and the Sphinx build (the doctrees it read)
feed the same rules: on one center with many kinds of problem, they report the same findings,
each with the same subtype, file, line and message; and the commit hook, run by a real
``hg commit`` and ``git commit``, prints them with the very same locations."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from docscenter import vcs
from docscenter.wiki.stubs import Provenance, render_stub
from helpers import add_service, append, edit, run_cli, sphinx_build, uncoloured

WARNING = re.compile(r"^(?P<where>.+?): WARNING: (?P<message>.*) \[docscenter\.(?P<subtype>\w+)\]$")
REPORTED = re.compile(r"^  (?P<where>\S+?): \[(?P<subtype>\w+)\] (?P<message>.*)$")
Printed = set[tuple[str, str, str]]  # (location as printed, subtype, message)


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
    # An imported page still as imported, holding what the importer never writes.
    body = (".. _wiki-alpha-crafted:\n\nCrafted\n=======\n\nA paragraph over two lines\n"
            "with a :download:`file <../../conf.py>` in it.\n\n.. include:: ../../conf.py\n")
    (root / "services/alpha/crafted.rst").write_text(render_stub(Provenance("Crafted"), body))
    edit(root / "services/alpha/index.rst", "   history\n", "   history\n   crafted\n")


def check_findings(root: Path) -> set[tuple[str, str, int | None, str]]:
    data = json.loads(run_cli("-C", root, "check", "--format", "json", check=1).stdout)
    return {(f["subtype"], f["path"], f["line"], f["message"]) for f in data["findings"]}


def as_printed(findings: set[tuple[str, str, int | None, str]]) -> Printed:
    """The findings of check's JSON as every report prints them: ``path:line``, the path
    relative to the center root, ``:line`` only when there is one."""
    return {(f"{path}:{line}" if line else path, subtype, message)
            for subtype, path, line, message in findings}


def reported(text: str) -> Printed:
    """The findings in check's text report (the commit hook prints the same)."""
    return {(m["where"], m["subtype"], m["message"])
            for line in text.splitlines() if (m := REPORTED.match(line))}


def build_findings(root: Path) -> Printed:
    _, warnings = sphinx_build(root)
    found = set()
    for line in uncoloured(warnings).splitlines():
        match = WARNING.match(line)
        assert match, f"not a docscenter finding: {line}"
        found.add((match["where"], match["subtype"], match["message"]))
    return found


def commit(root: Path, kind: str) -> subprocess.CompletedProcess[str]:
    """Try to commit everything in ``root`` with the real ``hg`` or ``git``: the hook runs."""
    command = [vcs.hg_command() or "hg", "commit", "-A", "-m", "Break it"] if kind == "hg" \
        else ["git", "commit", "-q", "-m", "Break it"]
    if kind == "git":
        subprocess.run(["git", "add", "-A"], cwd=root, check=True, timeout=120)
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HGPLAIN": "1"})


def hook_findings(root: Path, kind: str) -> Printed:
    """What the commit hook prints when ``hg commit``/``git commit`` runs it (the commit is
    refused)."""
    done = commit(root, kind)
    assert done.returncode != 0 and "commit refused" in done.stderr, done.stderr
    return reported(done.stderr)


def test_check_build_and_hook_report_identical_findings(tmp_path: Path) -> None:
    center = tmp_path / "center"
    run_cli("init", center, "--title", "Test Center")  # with hg, first commit and the hook
    break_center(center)
    checked = check_findings(center)
    assert {subtype for subtype, *_ in checked} == {
        "duplicate_term", "unused_term", "term_case", "undefined_term", "glossary_location",
        "template", "service_toml", "manifest", "stub_markup"}
    assert len(checked) == 11
    printed = as_printed(checked)
    assert {where for where, *_ in printed} >= {
        "source/glossary.rst:23", "services/beta/history.rst", "tools/wiki.toml"}
    assert reported(run_cli("-C", center, "check", check=1).stdout) == printed
    assert hook_findings(center, "hg") == printed
    other = tmp_path / "git-center"
    shutil.copytree(center, other, ignore=shutil.ignore_patterns(".hg"))
    subprocess.run(["git", "init", "-q"], cwd=other, check=True, timeout=120)
    run_cli("-C", other, "install-hook")
    assert hook_findings(other, "git") == printed
    assert build_findings(center) == printed


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
    built = {(match["where"], match["subtype"], match["message"])
             for line in uncoloured(warnings).splitlines()
             # Sphinx has its own words about the markers; those are not findings
             if (match := WARNING.match(line))}
    assert built == as_printed(checked)
