"""Writers' day two: re-importing over edited stubs merges three-way, conflicts are refused
until resolved, what an import was run with is repeated, one stub per wiki page, ``--force``
names its pages and keeps a backup. Real files, the real command line, real hg."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from docscenter import vcs
from docscenter.wiki.bases import BaseStore
from helpers import Page, add_service, run_cli, snapshot, write_dump

TEXT = "First line.\n\nSecond paragraph.\n\nThird paragraph.\n"


def center_with(tmp_path: Path, *pages: Page, hg: bool = False) -> tuple[Path, Path]:
    root = tmp_path / "center"
    run_cli("init", root, "--title", "Day Two", *([] if hg else ["--no-hg"]))
    add_service(root, "storage")
    dump = write_dump(tmp_path / "dump.xml", pages)
    run_cli("-C", root, "import-wiki", dump, "--service", "storage")
    return root, dump


def reimport(root: Path, dump: Path, *pages: Page, args: tuple[str, ...] = (),
             check: int | None = 0) -> dict:
    write_dump(dump, pages)
    result = run_cli("-C", root, "import-wiki", dump, "--service", "storage", *args,
                     "--format", "json", check=check)
    return json.loads(result.stdout)


def actions(report: dict) -> dict[str, str]:
    return {page["title"]: page["action"] for page in report["pages"]}


def entry(root: Path, title: str) -> dict:
    toml = tomllib.loads((root / "services/storage/service.toml").read_text(encoding="utf-8"))
    return {e["title"]: e for e in toml["wiki_pages"]}[title]


def test_a_conflict_is_marked_and_refused_until_resolved(tmp_path: Path) -> None:
    root, dump = center_with(tmp_path, Page("Notes", TEXT))
    stub = root / "services/storage/wiki/notes.rst"
    stub.write_text(stub.read_text().replace("First line.", "First line, by the writer."))
    report = reimport(root, dump, Page("Notes", TEXT.replace("First line.", "First, wiki."),
                                       revision=101))
    assert actions(report) == {"Notes": "conflict"}
    text = stub.read_text()
    assert "<<<<<<< yours" in text and "=======" in text and ">>>>>>> wiki (revision 101)" in text
    assert "First line, by the writer." in text and "First, wiki." in text
    assert "revision: 101" in text and entry(root, "Notes")["revision"] == 101
    # Only the base the stub records is kept (the next merge starts from it).
    recorded = next(line.split(": ")[1] for line in text.split("\n") if "sha256:" in line)
    assert BaseStore(root).stored() == {recorded}

    found = run_cli("-C", root, "check", "--format", "json", check=1).stdout
    assert [(f["path"], f["subtype"]) for f in json.loads(found)["findings"]] == [
        ("services/storage/wiki/notes.rst", "conflict")]
    build = run_cli("-C", root, "build", "-j", "2", check=1)
    assert "docscenter.conflict" in build.stderr or "merge conflict" in build.stderr

    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("<<<<<<<"))
    end = next(i for i, line in enumerate(lines) if line.startswith(">>>>>>>"))
    stub.write_text("\n".join([*lines[:start], "First, by both.", *lines[end + 1:]]))
    run_cli("-C", root, "check")
    # Nothing new from the wiki since: the resolved page is kept as the writer left it.
    assert actions(reimport(root, dump, Page("Notes", TEXT.replace("First line.",
                                                                   "First, wiki."),
                                             revision=101))) == {"Notes": "kept-edited"}
    assert "First, by both." in stub.read_text()


def test_without_its_base_an_edit_is_kept_and_status_says_the_wiki_moved_past(
        tmp_path: Path) -> None:
    root, dump = center_with(tmp_path, Page("Notes", TEXT))
    stub = root / "services/storage/wiki/notes.rst"
    edited = stub.read_text() + "\nA writer's note.\n"
    stub.write_text(edited)
    shutil.rmtree(root / ".docscenter/bases")  # no base, no repository: nothing to merge
    report = reimport(root, dump, Page("Notes", TEXT + "\nNew.\n", revision=101))
    assert actions(report) == {"Notes": "kept-edited"}
    assert report["pages"][0]["wiki_moved_past"] is True
    assert stub.read_text() == edited
    assert (entry(root, "Notes")["revision"], entry(root, "Notes")["wiki_revision"]) == (100, 101)

    status = run_cli("-C", root, "status").stdout
    assert "the wiki moved past" in status and "revision 100, the wiki has 101" in status
    rows = json.loads(run_cli("-C", root, "status", "--format", "json").stdout)["services"]
    assert rows[0]["wiki_behind"] == [{"title": "Notes", "page": "wiki/notes",
                                       "revision": 100, "wiki_revision": 101}]
    checked = json.loads(run_cli("-C", root, "check", "--format", "json").stdout)
    assert checked["services"]["storage"]["wiki_behind"][0]["wiki_revision"] == 101

    # Forcing the page brings the wiki's revision in; service.toml agrees again.
    reimport(root, dump, Page("Notes", TEXT + "\nNew.\n", revision=101), args=("--force",))
    assert "wiki_revision" not in entry(root, "Notes") and "New." in stub.read_text()


def test_the_base_is_found_in_the_mercurial_history(tmp_path: Path) -> None:
    root, dump = center_with(tmp_path, Page("Notes", TEXT), hg=True)
    hg = [vcs.hg_command() or "hg"]
    env = {**os.environ, "HGPLAIN": "1"}
    subprocess.run([*hg, "commit", "-A", "-m", "Import"], cwd=root, check=True, env=env,
                   capture_output=True)
    stub = root / "services/storage/wiki/notes.rst"
    stub.write_text(stub.read_text() + "\nA writer's note.\n")
    shutil.rmtree(root / ".docscenter")  # as in a fresh clone
    report = reimport(root, dump, Page("Notes", TEXT.replace("First line.", "First, wiki."),
                                       revision=101))
    assert actions(report) == {"Notes": "merged"}
    assert "A writer's note." in stub.read_text() and "First, wiki." in stub.read_text()


GLOSSARY_PAGE = """\
How tokens work.

== Terminology ==
; Bearer token : A token that grants access to whoever holds it.
; Audience : The service a token is meant for.
"""


def test_the_glossary_option_is_recorded_and_the_round_trip_changes_nothing(
        tmp_path: Path) -> None:
    root, dump = center_with(tmp_path, Page("Tokens", GLOSSARY_PAGE))
    stub = root / "services/storage/wiki/tokens.rst"
    first = run_cli("-C", root, "import-wiki", dump, "--service", "storage", "--glossary")
    assert ":term:`Bearer token`" in stub.read_text()
    assert "glossary: yes" in stub.read_text()
    run_cli("-C", root, "check")
    before = snapshot(root)
    for args in ((), ("--glossary",), ()):  # plain re-imports repeat --glossary
        again = run_cli("-C", root, "import-wiki", dump, "--service", "storage", *args)
        assert snapshot(root) == before, args
        assert "--glossary adds them" not in again.stdout
    run_cli("-C", root, "check")
    assert "terms added" in first.stdout


def test_glossary_on_an_edited_page_adds_references_by_merging(tmp_path: Path) -> None:
    root, dump = center_with(tmp_path, Page("Tokens", "Intro.\n\n" + GLOSSARY_PAGE))
    stub = root / "services/storage/wiki/tokens.rst"
    stub.write_text(stub.read_text().replace("Intro.", "Intro, by the writer."))
    report = json.loads(run_cli("-C", root, "import-wiki", dump, "--service", "storage",
                                "--glossary", "--format", "json").stdout)
    assert actions(report) == {"Tokens": "merged"}
    text = stub.read_text()
    assert ":term:`Bearer token`" in text and "Intro, by the writer." in text
    run_cli("-C", root, "check")


def test_one_stub_per_wiki_page_whatever_the_spelling(tmp_path: Path) -> None:
    root, dump = center_with(tmp_path, Page("WPD:discuss", "Talk here.", namespace=3000))
    folder = root / "services/storage/wiki"
    report = reimport(root, dump, Page("WPD:Discuss", "Talk here.", namespace=3000))
    assert actions(report) == {"WPD:Discuss": "unchanged"}
    assert sorted(p.name for p in folder.glob("*.rst")) == ["index.rst", "wpd-discuss.rst"]
    # The same page from a plain .wiki file, whose title the wiki has not normalised.
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "WPD:discuss.wiki").write_text("Talk here, revised.", encoding="utf-8")
    run_cli("-C", root, "import-wiki", pages, "--service", "storage")
    assert sorted(p.name for p in folder.glob("*.rst")) == ["index.rst", "wpd-discuss.rst"]

    shutil.copy(folder / "wpd-discuss.rst", folder / "copy.rst")
    found = json.loads(run_cli("-C", root, "check", "--format", "json", check=1).stdout)
    assert [(f["path"], f["subtype"]) for f in found["findings"]] == [
        ("services/storage/wiki/wpd-discuss.rst", "duplicate_wiki_title")]


@pytest.mark.parametrize("pattern", ["Services/Token*", "services/Token_*",
                                     "wiki/services-token-*.rst"])
def test_force_takes_titles_and_globs_and_keeps_backups(tmp_path: Path, pattern: str) -> None:
    titles = ["Services/Token A", "Services/Token B", "Services/Other"]
    root, dump = center_with(tmp_path, *(Page(t, TEXT) for t in titles))
    folder = root / "services/storage/wiki"
    stubs = {t: next(p for p in folder.glob("*.rst") if f"title: {t}\n" in p.read_text())
             for t in titles}
    for stub in stubs.values():
        stub.write_text(stub.read_text().replace("First line.", "First, by the writer."))
    revised = [Page(t, TEXT.replace("First line.", "First, wiki."), revision=101)
               for t in titles]
    report = reimport(root, dump, *revised, args=("--force", pattern))
    assert actions(report) == {"Services/Token A": "overwritten-edited",
                               "Services/Token B": "overwritten-edited",
                               "Services/Other": "conflict"}
    backups = {p["title"]: p["backup"] for p in report["pages"] if p["backup"]}
    assert sorted(backups) == ["Services/Token A", "Services/Token B"]
    for title, backup in backups.items():
        assert (root / backup).read_text().count("First, by the writer.") == 1
        assert backup.startswith(".docscenter/backups/")
        assert "First, wiki." in stubs[title].read_text()


def test_case_sensitive_titles_stay_apart_and_a_page_given_twice_is_one_stub(
        tmp_path: Path) -> None:
    root = tmp_path / "center"
    run_cli("init", root, "--title", "Cased", "--no-hg")
    add_service(root, "storage")
    dump = write_dump(tmp_path / "cased.xml", [
        Page("iPhone notes", "Lower.", 5), Page("IPhone notes", "Upper.", 6),
        Page("Twice", "Old copy.", 7), Page("Twice", "New copy.", 8)])
    # The wiki's site information says its main namespace is case-sensitive.
    dump.write_text(dump.read_text().replace('case="first-letter"', 'case="case-sensitive"'))
    report = json.loads(run_cli("-C", root, "import-wiki", dump, "--service", "storage",
                                "--format", "json").stdout)
    assert sorted(p["title"] for p in report["pages"]) == ["IPhone notes", "Twice",
                                                           "iPhone notes"]
    texts = {p["title"]: Path(p["path"]).read_text() for p in report["pages"]}
    assert "Lower." in texts["iPhone notes"] and "case: sensitive" in texts["iPhone notes"]
    assert "Upper." in texts["IPhone notes"]
    assert "New copy." in texts["Twice"] and "revision: 8" in texts["Twice"]
    run_cli("-C", root, "check")  # two pages, not one page twice
    again = json.loads(run_cli("-C", root, "import-wiki", dump, "--service", "storage",
                               "--format", "json").stdout)
    assert {p["action"] for p in again["pages"]} == {"unchanged"}
