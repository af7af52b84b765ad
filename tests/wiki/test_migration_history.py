"""``import-wiki --history --commit``: the wiki's revisions of new pages replayed as commits
(real hg and git), so ``log`` and ``annotate`` of an imported page reach back into the wiki;
from a full-history dump and from a real MediaWiki's API alike."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from docscenter.testing.dumps import HistoryPage, Revision, write_history_dump
from docscenter.testing.mediawiki import WikiServer
from docscenter.vcs import git_command, hg_command
from helpers import add_service, run_cli
from migration import HISTORY, write_migration_inputs

# Read when a command runs: the tests' PATH (with docscenter, for the hook) is set per test.
HG_ENV = {"HGPLAIN": "1", "HGUSER": "Importer <imp@example.org>"}
HG_LOG = "{author}\\x1f{date|hgdate}\\x1f{desc}\\x1e"


def hg(center: Path, *args: str) -> str:
    hg_exe = hg_command()
    assert hg_exe is not None
    done = subprocess.run([hg_exe, *args], cwd=center, env={**os.environ, **HG_ENV}, check=False,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def git(center: Path, *args: str) -> str:
    exe = git_command()
    assert exe is not None
    return subprocess.run([exe, *args], cwd=center, check=True, capture_output=True,
                          text=True).stdout


def make_center(root: Path, kind: str = "hg") -> Path:
    if kind == "hg":
        run_cli("init", root, "--title", "History", env={"HGUSER": HG_ENV["HGUSER"]})
    else:
        run_cli("init", root, "--title", "History", "--no-hg")
        git(root, "init", "-q")
        git(root, "config", "user.name", "Importer")
        git(root, "config", "user.email", "imp@example.org")
        run_cli("-C", root, "install-hook")
    add_service(root, "storage")
    if kind == "hg":
        hg(root, "commit", "-Aqm", "Add storage")
    else:
        git(root, "add", "-A")
        git(root, "commit", "-qm", "Add storage")
    return root


def import_json(center: Path, *args: str | Path, check: int = 0,
                env: dict[str, str] | None = None) -> dict[str, Any]:
    result = run_cli("-C", center, "import-wiki", *args, "--format", "json", check=check,
                     env={"HGUSER": HG_ENV["HGUSER"], **(env or {})})
    return json.loads(result.stdout) if check != 2 else {"stderr": result.stderr}


def file_log(center: Path, relative: str) -> list[tuple[str, str, str]]:
    """(author, date in seconds, message) of every commit of ``relative``, oldest first."""
    entries = hg(center, "log", "-r", f"sort(follow({json.dumps(relative)}), rev)",
                 "-T", HG_LOG).split("\x1e")
    return [tuple(entry.split("\x1f")) for entry in entries if entry]  # type: ignore[misc]


def test_a_full_history_dump_becomes_hg_history(tmp_path: Path) -> None:
    dump, files = write_migration_inputs(tmp_path / "in")
    center = make_center(tmp_path / "center")
    report = import_json(center, dump, "--service", "storage", "--files", files,
                         "--history", "--commit")
    history = {entry["title"]: entry for entry in report["history"]}
    assert history["Storage API"] == {"title": "Storage API", "commits": 4, "unchanged": 0,
                                      "skipped": 0, "note": ""}
    assert history["Auth"]["commits"] == 2
    log = file_log(center, "services/storage/wiki/storage-api.rst")
    assert [(author, date.split()[0], message.split("\n")[0]) for author, date, message in log] \
        == [("Ada Lovelace <Ada_Lovelace@wiki.example.org>", "1304240400", "Start the page"),
            ("Grace Hopper <Grace_Hopper@wiki.example.org>", "1359887400",
             "Authenticated users; a diagram"),
            ("192.0.2.7 <192_0_2_7@wiki.example.org>", "1436355900", "(no edit summary)"),
            ("Ada Lovelace <Ada_Lovelace@wiki.example.org>", "1451721600", "507 & the spec")]
    assert log[0][2] == "Start the page\n\nWiki page Storage API, revision 101"
    # The import's own commit follows, by whoever runs it, with the other files.
    last = hg(center, "log", "-r", ".", "-T", "{author}|{desc|firstline}|{files}")
    assert last.startswith("Importer <imp@example.org>|Import 2 wiki pages|")
    assert "services/storage/service.toml" in last
    assert hg(center, "status") == ""
    # annotate: each line goes back to the wiki edit that wrote it.
    blame = hg(center, "annotate", "-u", "services/storage/wiki/storage-api.rst")
    by_line = {line.split(": ", 1)[1]: line.split(": ", 1)[0].strip()
               for line in blame.splitlines()}
    assert by_line["* 404: no such blob"] == "Ada_Lovelace"
    assert by_line["   The *big* picture"] == "Grace_Hopper"
    assert by_line["* 507: the quota is full"] == "Ada_Lovelace"
    assert by_line["   Lost long ago"] == "192_0_2_7"
    # The stub at the end is the one an import without --history writes.
    plain = make_center(tmp_path / "plain")
    import_json(plain, dump, "--service", "storage", "--files", files)
    for name in ("storage-api.rst", "auth.rst"):
        assert (center / "services/storage/wiki" / name).read_bytes() == \
            (plain / "services/storage/wiki" / name).read_bytes()


def test_git_gets_the_same_history(tmp_path: Path) -> None:
    dump, files = write_migration_inputs(tmp_path / "in")
    center = make_center(tmp_path / "center", "git")
    import_json(center, dump, "--service", "storage", "--files", files, "--history",
                "--commit")
    log = git(center, "log", "--reverse", "--format=%an <%ae>|%at|%cn|%s", "--",
              "services/storage/wiki/storage-api.rst").splitlines()
    assert log == [
        "Ada Lovelace <Ada_Lovelace@wiki.example.org>|1304240400|Ada Lovelace|Start the page",
        "Grace Hopper <Grace_Hopper@wiki.example.org>|1359887400|Grace Hopper|"
        "Authenticated users; a diagram",
        "192.0.2.7 <192_0_2_7@wiki.example.org>|1436355900|192.0.2.7|(no edit summary)",
        "Ada Lovelace <Ada_Lovelace@wiki.example.org>|1451721600|Ada Lovelace|507 & the spec"]
    last = git(center, "log", "-1", "--format=%ae|%s")
    assert last.endswith("|Import 2 wiki pages\n") and "wiki.example.org" not in last
    blame = git(center, "blame", "--line-porcelain", "services/storage/wiki/storage-api.rst")
    assert "author 192.0.2.7" in blame and "author Grace Hopper" in blame
    assert git(center, "status", "--porcelain") == ""


def test_hostile_authors_and_summaries_stay_one_clean_line(tmp_path: Path) -> None:
    hostile = [
        Revision(1, "2020-01-01T00:00:00Z", "Eve\nX-Injected: yes", "line one\nline two", "a"),
        Revision(2, "2020-01-02T00:00:00Z", "Mallory <root@evil.example>",
                 "\x85red\u2028line", "b"),
        Revision(3, "not a date", "\u202eesreveR", "-m --amend", "c"),
        Revision(4, "2020-01-04T00:00:00Z", "", "", "d"),
        Revision(5, "2020-01-05T00:00:00Z", "x" * 500, "y" * 2000, "e"),
    ]
    dump = write_history_dump(tmp_path / "h.xml", [HistoryPage("Tricky", hostile)])
    center = make_center(tmp_path / "center")
    report = import_json(center, dump, "--service", "storage", "--history", "--commit")
    assert report["history"][0]["commits"] == 5
    log = file_log(center, "services/storage/wiki/tricky.rst")
    authors = [author for author, _date, _message in log]
    assert authors[0] == "Eve X-Injected: yes <Eve_X_Injected_yes@wiki.example.org>"
    assert authors[1] == "Mallory root@evil.example <Mallory_root_evil_example@wiki.example.org>"
    assert authors[2] == "esreveR <esreveR@wiki.example.org>"
    assert authors[3] == "Unknown wiki user <Unknown_wiki_user@wiki.example.org>"
    assert len(authors[4]) < 250 and all(a.count("<") == 1 for a in authors)
    messages = [message.split("\n\n")[0] for _author, _date, message in log]
    assert messages[:4] == ["line one line two", "red line", "-m --amend", "(no edit summary)"]
    assert len(messages[4]) == 500
    dates = [date.split()[0] for _author, date, _message in log]
    assert dates[2] == dates[1]  # an unreadable date takes the one before


def test_only_new_pages_get_their_history(tmp_path: Path) -> None:
    dump, files = write_migration_inputs(tmp_path / "in")
    center = make_center(tmp_path / "center")
    first = write_history_dump(tmp_path / "first.xml", [HISTORY[1]])
    import_json(center, first, "--service", "storage", "--commit")
    before = len(hg(center, "log", "-T", "x\n").splitlines())
    report = import_json(center, dump, "--service", "storage", "--files", files, "--history",
                         "--commit")
    assert [entry["title"] for entry in report["history"]] == ["Storage API"]
    assert len(hg(center, "log", "-T", "x\n").splitlines()) == before + 4 + 1
    # Auth was in the center already: its file has the imports' commits, no wiki edits (the
    # second import updates it: its link to Storage API is internal now).
    assert {author for author, _date, _message in
            file_log(center, "services/storage/wiki/auth.rst")} == {HG_ENV["HGUSER"]}


def test_history_is_bounded_and_needs_commit(tmp_path: Path) -> None:
    dump, files = write_migration_inputs(tmp_path / "in")
    center = make_center(tmp_path / "center")
    refused = import_json(center, dump, "--service", "storage", "--history", check=2)
    assert "--history needs --commit" in refused["stderr"]
    report = import_json(center, dump, "--service", "storage", "--files", files, "--history",
                         "--commit", env={"DOCSCENTER_MAX_REVISIONS": "2"})
    storage = next(e for e in report["history"] if e["title"] == "Storage API")
    assert (storage["commits"], storage["skipped"]) == (2, 2)
    assert storage["note"] == "cut after 2 revisions (max_revisions)"
    # The import's own commit still brings the latest revision.
    assert hg(center, "status") == ""


@pytest.mark.mediawiki
def test_history_through_the_api_equals_the_wikis_own_full_export(
        migration_wiki: WikiServer, tmp_path: Path) -> None:
    """Every revision through api.php (rvdir=newer, 50 an answer) gives exactly the commits
    the wiki's own full-history Special:Export gives: authors, dates, summaries, contents."""
    by_api = make_center(tmp_path / "api")
    import_json(by_api, migration_wiki.api_url, "--page", "Storage API", "--page", "Auth",
                "--service", "storage", "--history", "--commit")
    dump = tmp_path / "export.xml"
    dump.write_bytes(migration_wiki.export(["Storage API", "Auth"], history=True))
    by_dump = make_center(tmp_path / "dump")
    _dump, files = write_migration_inputs(tmp_path / "in")
    import_json(by_dump, dump, "--service", "storage", "--files", files, "--history",
                "--commit")
    for relative in ("services/storage/wiki/storage-api.rst", "services/storage/wiki/auth.rst"):
        api_log, dump_log = file_log(by_api, relative), file_log(by_dump, relative)
        assert len(api_log) == len(HISTORY[0 if "storage-api" in relative else 1].revisions)
        assert api_log == dump_log
        for number in range(len(api_log)):
            revision = f"follow({json.dumps(relative)})"
            at = f"limit(sort({revision}, date), 1, {number})"
            assert hg(by_api, "cat", "-r", at, relative) == hg(by_dump, "cat", "-r", at, relative)
    # MediaWiki names users imported from elsewhere "imported>Name": the name is kept.
    assert file_log(by_api, "services/storage/wiki/storage-api.rst")[0][0] == \
        "Ada Lovelace <Ada_Lovelace@127.0.0.1>"


def test_a_dump_gives_every_revision_one_at_a_time(tmp_path: Path) -> None:
    from docscenter.wiki.export import ExportReader
    from docscenter.wiki.source_limits import SourceLimits, SourceSession

    big = Revision(3, "2020-01-03T00:00:00Z", "Ada", "big", "x" * 5000)
    pages = [HistoryPage("A", [Revision(1, "2020-01-01T00:00:00Z", "Ada", "one", "a"),
                               Revision(2, "2020-01-02T00:00:00Z", "1.2.3.4", "", "b",
                                        anonymous=True), big,
                               Revision(4, "2020-01-04T00:00:00Z", "Bo", "four", "d")]),
             HistoryPage("B", [Revision(5, "2020-01-05T00:00:00Z", "Bo", "five", "e")])]
    dump = write_history_dump(tmp_path / "h.xml", pages)
    session = SourceSession(SourceLimits(max_page_size=1000))
    revisions = list(ExportReader(dump, session).revisions())
    assert [(r.title, r.revision, r.contributor, r.comment, r.text, r.too_large)
            for r in revisions] == [
        ("A", 1, "Ada", "one", "a", False), ("A", 2, "1.2.3.4", "", "b", False),
        ("A", 3, "Ada", "big", "", True), ("A", 4, "Bo", "four", "d", False),
        ("B", 5, "Bo", "five", "e", False)]
    # The page itself is read at its last revision, which fits.
    assert [(p.title, p.text) for p in ExportReader(dump, session)] == [("A", "d"), ("B", "e")]


def test_api_history_follows_continuation_and_refuses_a_loop(tmp_path: Path) -> None:
    from pytest_httpserver import HTTPServer
    from werkzeug import Request, Response

    from docscenter.wiki.history_sources import api_revisions
    from docscenter.wiki.mediawiki_client import ApiClient
    from docscenter.wiki.sources import SourceError
    from test_api import SITEINFO, answer

    def revision(number: int) -> dict[str, Any]:
        return {"revid": number, "timestamp": f"2020-01-0{number}T00:00:00Z", "user": "Ada",
                "comment": f"edit {number}", "slots": {"main": {"content": f"text {number}"}}}

    def handler(request: Request) -> Response:
        if request.values.get("meta") == "siteinfo":
            return answer(SITEINFO)
        start = int(request.values.get("rvcontinue", "1"))
        body: dict[str, Any] = {"query": {"pages": [
            {"ns": 0, "title": "P", "revisions": [revision(start), revision(start + 1)]}]}}
        if start < 5 or request.values["titles"] == "Loop":
            body["continue"] = {"rvcontinue": str(start + 2 if start < 5 else start),
                                "continue": "||"}
        return answer(body)

    with HTTPServer(host="127.0.0.1") as server:
        server.expect_request("/api.php").respond_with_handler(handler)
        client = ApiClient(server.url_for("/api.php"))
        revisions = list(api_revisions(client, "P"))
        assert [(r.revision, r.comment, r.text) for r in revisions] == [
            (n, f"edit {n}", f"text {n}") for n in range(1, 7)]
        assert {request.values["rvdir"] for request, _ in server.log} == {"newer"}
        with pytest.raises(SourceError, match="does not end"):
            list(api_revisions(client, "Loop"))
