"""``docscenter import-wiki`` end to end: the real command line, real files, a real HTTP server
on 127.0.0.1 for the API source, and one strict Sphinx build that checks many pages at once.

The module-scoped ``built`` center gathers everything that needs HTML (links, resources,
hostile titles and content, templates, the time bound); the other tests use small centers and
look at files and reports only, because Sphinx builds are slow.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from helpers import Page, add_service, run_cli, snapshot, write_dump
from test_api import FakeWiki, serve

SITE_URL = "https://wiki.example.org/wiki/"
MANIFEST_URL = "https://auth-wiki.example.org/w/"
OPTION_URL = "https://other.example.org/wiki/"
# Nested unclosed templates and links: seconds of parsing (over 6 s here), far over the
# 0.5 s bound the test sets.
SLOW_WIKITEXT = "{{a|[[b|" * 3000
HOSTILE_TITLES = ["../../etc/passwd", "/abs/path", "Index", "CON", "History", "apis-1.0",
                  "Foo bar", "Foo-bar", "Über Straße", "🦄🚀", "✨"]
HOSTILE_TEXT = """\
.. raw:: html

   <script>alert("raw")</script>

.. include:: /etc/passwd

<script>alert("tag")</script> and <b onclick="alert('b')">bold</b>.
"""


# -- helpers -----------------------------------------------------------------------------------


def import_json(center: Path, *args: str | Path, **kwargs) -> dict:
    result = run_cli("-C", center, "import-wiki", *args, "--format", "json", **kwargs)
    return json.loads(result.stdout)


def make_center(root: Path, *services: str) -> Path:
    run_cli("init", root, "--title", "Import Center", "--no-hg")
    for name in services:
        run_cli("-C", root, "new-service", name, "--summary", f"The {name} service.",
                "--owner", "Ada Lovelace <ada@example.org>")
    return root


def by_title(report: dict) -> dict[str, dict]:
    return {page["title"]: page for page in report["pages"]}


def html(center: Path, docname: str) -> str:
    return (center / "build" / "html" / f"{docname}.html").read_text(encoding="utf-8")


def visible_text(markup: str) -> str:
    """The page's text as a reader sees it (tags dropped, entities decoded)."""
    import html as html_module

    body = markup.split('<article', 1)[-1]
    return html_module.unescape(re.sub(r"<[^>]+>", "", body))


# -- the built center --------------------------------------------------------------------------

STORAGE_PAGES = [
    Page("Storage API", "== Overview ==\nSee [[Storage errors]], "
         "[[Storage errors#Error codes|the error codes]], [[Old errors|the old page]], "
         "[[Never imported]], [[wikipedia:HTTP]], [[Help:Editing]] and "
         "[[:Category:Services]].\n\n"
         "[http://example.org/x example] and [http://example.org/y example] differ.\n\n"
         "{{Foo|Handle with care.}}\n\n{{Mystery|x=1}}\n\n[[Category:Services]]\n"),
    Page("Storage errors", "Intro.\n\n== Error codes ==\n* 404 not found\n* 409 conflict\n"),
    Page("Old errors", "#REDIRECT [[Storage errors]]"),
    Page("Tricks", HOSTILE_TEXT),
    Page("Quoting", "It's ''not'' \"smart\": run --force... or alert(\"x\").\n"
         "[[Category:Style]]\n"),  # a category: the stub starts with a field list
    Page("Listing", "{{:Storage errors}}\n\nAll pages: {{Special:PrefixIndex/Storage}}\n\n"
         "{{:Old errors}} {{:Never imported}}\n"),
    Page("Ragged", "{|\n! A !! B !! C\n|-\n| one\n|-\n| || two ||\n|}\n"),
    *(Page(title, f"Page called ''{title}''.") for title in HOSTILE_TITLES),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, dict]]]:
    """A center with three imports (dump, .wiki folder + manifest, a slow page), built once.

    Yields the center and the JSON reports of the imports by name."""
    root = make_center(tmp_path_factory.mktemp("built") / "center", "storage", "auth")
    work = root.parent
    (root / "tools" / "wiki.toml").write_text('[templates]\nFoo = "note"\n', encoding="utf-8")
    reports = {"dump": import_json(root, write_dump(work / "storage.xml", STORAGE_PAGES),
                                   "--service", "storage")}

    folder = work / "auth-wiki"
    (folder / "Flows").mkdir(parents=True)
    (folder / "Token_flow.wiki").write_text(
        "Tokens come from a [[Auth/Flows/Session|session]]; see [[Nowhere]] and "
        "[[Storage API]].\n", encoding="utf-8")
    (folder / "Flows" / "Session.wiki").write_text("== Lifetime ==\nOne hour.\n",
                                                   encoding="utf-8")
    manifest = work / "auth.toml"
    manifest.write_text(f'[wiki]\nurl = "{MANIFEST_URL}$1"\nprefix = "Auth/"\n\n'
                        '[[pages]]\nprefix = "Auth/"\nservice = "auth"\n', encoding="utf-8")
    reports["folder"] = import_json(root, folder, "--manifest", manifest)

    slow = work / "slow"
    slow.mkdir()
    (slow / "Slow_page.wiki").write_text(SLOW_WIKITEXT, encoding="utf-8")
    (slow / "Quick_page.wiki").write_text("Quick, see [[Elsewhere]].", encoding="utf-8")
    # A page kept as wiki text was not imported as converted: exit status 1.
    reports["slow"] = import_json(root, slow, "--service", "auth", "--wiki-url",
                                  f"{OPTION_URL}$1", env={"DOCSCENTER_PAGE_TIMEOUT": "0.5"},
                                  check=1)

    # A writer's edits, one to an imported stub and one to a page of the center's own.
    for page, added in (("wiki/quoting", "A writer's \"addition\"."),
                        ("history", "The team's \"history\".")):
        path = root / "services" / "storage" / f"{page}.rst"
        path.write_text(path.read_text(encoding="utf-8") + f"\n{added}\n", encoding="utf-8")
    result = run_cli("-C", root, "build", "-j", "2", check=None)
    reports["build"] = {"returncode": result.returncode, "stderr": result.stderr}
    yield root, reports


def test_the_center_builds_with_zero_warnings(built) -> None:
    _root, reports = built
    assert reports["build"]["returncode"] == 0, reports["build"]["stderr"]
    assert "WARNING" not in reports["build"]["stderr"]


def test_dump_import_writes_stubs_index_toctree_and_metadata(built) -> None:
    root, reports = built
    report = reports["dump"]
    service = root / "services" / "storage"
    assert report["counts"]["new"] == len(STORAGE_PAGES) - 1
    assert report["counts"]["redirects"] == 1
    assert report["lossy"] == [] and by_title(report)["Storage API"]["text_kept"] == 1.0
    stub = service / "wiki" / "storage-api.rst"
    header = stub.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert header.splitlines()[:5] == [
        ".. docscenter-import", "   title: Storage API", "   revision: 100",
        "   timestamp: 2024-03-01T10:00:00Z", f"   source: {SITE_URL}Storage_API"]
    assert re.fullmatch(r"   sha256: [0-9a-f]{64}", header.splitlines()[5])

    index = (service / "wiki" / "index.rst").read_text(encoding="utf-8")
    assert ".. toctree::" in index and ":glob:" in index
    landing = (service / "index.rst").read_text(encoding="utf-8")
    toctree = landing.split(".. toctree::", 1)[1].split("\n\n\n", 1)[0]
    assert "   wiki/index" in toctree.splitlines()

    meta = tomllib.loads((service / "service.toml").read_text(encoding="utf-8"))
    entries = {entry["title"]: entry for entry in meta["wiki_pages"]}
    assert entries["Storage API"] == {"title": "Storage API", "url": f"{SITE_URL}Storage_API",
                                      "revision": 100, "page": "wiki/storage-api"}
    assert "Old errors" not in entries  # a redirect is not a page

    landing_html = html(root, "services/storage/index")
    assert "Original wiki page" in landing_html
    assert f'href="{SITE_URL}Storage_API"' in landing_html


def test_links_between_imported_pages_are_internal_and_resolve(built) -> None:
    root, _reports = built
    stub = (root / "services/storage/wiki/storage-api.rst").read_text(encoding="utf-8")
    assert ":doc:`Storage errors </services/storage/wiki/storage-errors>`" in stub
    assert re.search(r":ref:`the error codes <[^>]*error-codes>`", stub)
    page = html(root, "services/storage/wiki/storage-api")
    assert 'href="storage-errors.html"' in page
    assert re.search(r'href="storage-errors.html#[\w-]*error-codes"', page)
    # The redirect is not written; a link to it reaches its target.
    assert not (root / "services/storage/wiki/old-errors.rst").exists()
    assert ":doc:`the old page </services/storage/wiki/storage-errors>`" in stub
    body = page.split('role="main"', 1)[1].split("</article>", 1)[0]
    assert body.count('href="storage-errors.html"') == 2  # the page link and the redirect
    # Pages not imported point at the wiki: the dump's siteinfo here.
    assert f'href="{SITE_URL}Never_imported"' in page
    assert f'href="{SITE_URL}Help:Editing"' in page
    assert "en.wikipedia.org/wiki/HTTP" in page
    # Two external links with the same text are anonymous: no duplicate target.
    assert 'href="http://example.org/x"' in page and 'href="http://example.org/y"' in page


def test_wiki_folder_source_with_manifest_prefix_and_url(built) -> None:
    root, reports = built
    report = by_title(reports["folder"])
    assert set(report) == {"Auth/Token flow", "Auth/Flows/Session"}
    assert report["Auth/Token flow"]["path"].endswith("services/auth/wiki/token-flow.rst")
    assert report["Auth/Flows/Session"]["path"].endswith("services/auth/wiki/flows-session.rst")
    page = html(root, "services/auth/wiki/token-flow")
    assert 'href="flows-session.html"' in page
    assert f'href="{MANIFEST_URL}Nowhere"' in page
    # Storage API was imported by another run: this run links to it on the wiki.
    assert f'href="{MANIFEST_URL}Storage_API"' in page


def test_wiki_url_option_and_the_time_bound(built) -> None:
    root, reports = built
    report = reports["slow"]
    assert report["timed_out"] == ["Slow page"]
    assert by_title(report)["Slow page"]["action"] == "timed-out"
    assert by_title(report)["Quick page"]["action"] == "new"
    assert f'href="{OPTION_URL}Elsewhere"' in html(root, "services/auth/wiki/quick-page")
    stub = (root / "services/auth/wiki/slow-page.rst").read_text(encoding="utf-8")
    assert "\n::\n\n   " + SLOW_WIKITEXT[:200] in stub  # kept verbatim, as a literal block
    assert SLOW_WIKITEXT[:200] in visible_text(html(root, "services/auth/wiki/slow-page"))


def test_templates_mapped_and_unknown_ones_reported(built) -> None:
    root, reports = built
    assert reports["dump"]["unknown_templates"] == {"Mystery": 1}
    assert by_title(reports["dump"])["Storage API"]["unknown_templates"] == {"Mystery": 1}
    page = html(root, "services/storage/wiki/storage-api")
    assert re.search(r'class="admonition note"[\s\S]*Handle with care\.', page)
    assert "Mystery" in visible_text(page)  # kept visibly


def test_hostile_titles_get_safe_unique_names(built) -> None:
    root, reports = built
    folder = (root / "services/storage/wiki").resolve()
    pages = by_title(reports["dump"])
    # Titles as the wiki writes them: the first letter upper case ("apis-1.0" is "Apis-1.0").
    paths = [Path(pages[title[:1].upper() + title[1:]]["path"]) for title in HOSTILE_TITLES]
    assert len(set(paths)) == len(paths)
    for title, path in zip(HOSTILE_TITLES, paths, strict=True):
        assert path.resolve().parent == folder, title
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*\.rst", path.name), title
        # Not a name the service template uses, nor one Windows reserves.
        assert path.stem not in {"index", "history", "con"}
        assert not re.fullmatch(r"apis-[\d-]+", path.stem)
        assert path.is_file()
        assert f"Page called {title}" in visible_text(
            html(root, f"services/storage/wiki/{path.stem}"))
    assert not (root.parent / "etc").exists() and not Path("/abs/path.rst").exists()


def test_hostile_content_stays_visible_text(built) -> None:
    root, _reports = built
    page = html(root, "services/storage/wiki/tricks")
    text = visible_text(page)
    assert ".. raw:: html" in text and ".. include:: /etc/passwd" in text
    assert '<script>alert("tag")</script> and bold' in text  # the wiki's own quotes
    assert re.search(r'<script>alert\("raw"\)</script>', text)
    assert "root:" not in text  # /etc/passwd was not included
    assert "alert(" not in "".join(re.findall(r"<script[^>]*>[\s\S]*?</script>", page))
    assert not re.search(r"<[^>]*onclick", page)  # no live attribute from content


def test_imported_pages_keep_the_wikis_quotes_dashes_and_ellipses(built) -> None:
    root, _reports = built
    text = visible_text(html(root, "services/storage/wiki/quoting"))
    assert 'It\'s not "smart": run --force... or alert("x").' in text
    # An edited stub still shows the wiki's quotes; the center's own pages keep Sphinx's.
    assert 'A writer\'s "addition".' in text
    assert "The team’s “history”." in visible_text(html(root, "services/storage/history"))


def test_pages_of_the_import_are_transcluded_and_listed(built) -> None:
    root, reports = built
    text = visible_text(html(root, "services/storage/wiki/listing"))
    # {{:Storage errors}}, {{:Old errors}} through its redirect; a missing page is a link.
    assert text.count("404 not found") == 2 and "Never imported" in text
    stub = (root / "services/storage/wiki/listing.rst").read_text(encoding="utf-8")
    assert ":doc:`Storage API </services/storage/wiki/storage-api>`" in stub
    assert ":doc:`Storage errors </services/storage/wiki/storage-errors>`" in stub


def test_table_rows_keep_their_own_cells(built) -> None:
    root, _reports = built
    page = html(root, "services/storage/wiki/ragged")
    rows = re.findall(r"<tr[^>]*>([\s\S]*?)</tr>", page)
    assert [len(re.findall(r"<t[hd]\b", row)) for row in rows] == [3, 1, 3]


# -- re-import: nothing lost -------------------------------------------------------------------


def test_reimport_refreshes_pristine_merges_edited_and_force_overwrites(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center", "storage")
    beta_text = "Beta text.\n\nSecond paragraph.\n\nThird paragraph.\n"
    pages = [Page("Alpha", "Alpha text."), Page("Beta", beta_text), Page("Gamma", "G."),
             *(Page(title, "x") for title in HOSTILE_TITLES)]
    dump = write_dump(tmp_path / "dump.xml", pages)
    first = import_json(root, dump, "--service", "storage")
    names = {title: page["path"] for title, page in by_title(first).items()}

    # Unchanged, even read in another order: same names, nothing written.
    before = snapshot(root)
    again = import_json(root, write_dump(tmp_path / "reversed.xml", pages[::-1]),
                        "--service", "storage")
    assert {p["action"] for p in again["pages"]} == {"unchanged"}
    assert {title: page["path"] for title, page in by_title(again).items()} == names
    assert snapshot(root) == before

    # A new revision is refreshed; the wiki's change to an edited stub is merged into it.
    beta = Path(names["Beta"])
    edited = beta.read_text(encoding="utf-8") + "\nA writer's note.\n"
    beta.write_text(edited, encoding="utf-8")
    pages[0] = Page("Alpha", "Alpha text, revised.", revision=101)
    pages[1] = Page("Beta", beta_text.replace("Beta text.", "Beta text, revised."), revision=101)
    dump = write_dump(tmp_path / "dump.xml", pages)
    result = run_cli("-C", root, "import-wiki", dump, "--service", "storage")
    assert "1 updated" in result.stdout and "1 merged" in result.stdout
    assert f"merged the wiki's revision 101 into your edit: {beta}" in result.stdout
    merged = beta.read_text(encoding="utf-8")
    assert "A writer's note." in merged and "Beta text, revised." in merged
    assert "revision: 101" in merged
    alpha = Path(names["Alpha"]).read_text(encoding="utf-8")
    assert "revision: 101" in alpha and "Alpha text, revised." in alpha
    meta = tomllib.loads((root / "services/storage/service.toml").read_text(encoding="utf-8"))
    assert {e["title"]: e["revision"] for e in meta["wiki_pages"]}["Alpha"] == 101
    assert {e["title"]: e["revision"] for e in meta["wiki_pages"]}["Beta"] == 101

    # --dry-run prints the plan and writes nothing.
    before = snapshot(root)
    result = run_cli("-C", root, "import-wiki", dump, "--service", "storage", "--dry-run",
                     "--force")
    assert result.stdout.startswith("would import")
    assert re.search(rf"overwritten-edited +Beta -> {re.escape(str(beta))}", result.stdout)
    assert snapshot(root) == before

    # --force overwrites the edited stub and keeps the edit as a backup it names.
    report = import_json(root, dump, "--service", "storage", "--force")
    assert by_title(report)["Beta"]["action"] == "overwritten-edited"
    assert "A writer's note." not in beta.read_text(encoding="utf-8")
    assert "Beta text, revised." in beta.read_text(encoding="utf-8")
    assert oct(beta.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    backup = root / by_title(report)["Beta"]["backup"]
    assert backup.read_text(encoding="utf-8") == merged


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_json_report(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center", "storage")
    dump = write_dump(tmp_path / "dump.xml", [
        Page("One", "{{Unknown one}} {{Unknown one}} {{Other}}"),
        Page("Two", "#REDIRECT [[One]]"), Page("Three", "[[Two]]")])
    report = import_json(root, dump, "--service", "storage")
    assert report["dry_run"] is False
    assert report["counts"] == {"new": 2, "updated": 0, "unchanged": 0, "merged": 0,
                                "conflict": 0, "kept-edited": 0, "overwritten-edited": 0,
                                "timed-out": 0, "wikitext": 0, "refused": 0, "redirects": 1,
                                "unassigned": 0, "skipped": 0}
    assert report["redirects"] == {"Two": "One"}
    assert report["skipped"] == []
    assert report["unknown_templates"] == {"Unknown one": 2, "Other": 1}
    assert report["timed_out"] == [] and report["unassigned"] == []
    one = by_title(report)["One"]
    assert (one["service"], one["docname"], one["revision"], one["action"]) == (
        "storage", "services/storage/wiki/one", 100, "new")
    assert one["url"] == f"{SITE_URL}One"
    assert sorted(report["other_files"]) == ["services/storage/index.rst",
                                             "services/storage/service.toml",
                                             "services/storage/wiki/index.rst"]
    three = (root / "services/storage/wiki/three.rst").read_text(encoding="utf-8")
    assert "</services/storage/wiki/one>`" in three  # through the redirect


def test_bad_time_bound_is_refused(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center", "storage")
    dump = write_dump(tmp_path / "dump.xml", [Page("One", "x")])
    result = run_cli("-C", root, "import-wiki", dump, "--service", "storage", check=2,
                     env={"DOCSCENTER_PAGE_TIMEOUT": "soon"})
    assert "DOCSCENTER_PAGE_TIMEOUT" in result.stderr


# -- failures leave the center as it was -------------------------------------------------------

ENTITY_BOMB = """<?xml version="1.0"?>
<!DOCTYPE mediawiki [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10">
<page><title>Bomb</title><ns>0</ns><revision><id>1</id><text>&d;</text></revision></page>
</mediawiki>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE mediawiki [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10">
<page><title>Leak</title><ns>0</ns><revision><id>1</id><text>&secret;</text></revision></page>
</mediawiki>
"""


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """A center with one service and one earlier import (so there is something to lose)."""
    root = make_center(tmp_path / "center", "storage")
    run_cli("-C", root, "import-wiki", write_dump(tmp_path / "first.xml", [Page("Keep", "Kept.")]),
            "--service", "storage")
    return root


def _truncated(tmp_path: Path) -> Path:
    whole = write_dump(tmp_path / "whole.xml", [Page(f"Page {n}", "Fine.") for n in range(30)])
    text = whole.read_text(encoding="utf-8")
    cut = tmp_path / "cut.xml"
    cut.write_text(text[: text.index("<title>Page 25</title>") + 40], encoding="utf-8")
    return cut


@pytest.mark.parametrize("kind", ["entity-bomb", "external-entity", "truncated"])
def test_bad_dumps_exit_2_and_change_nothing(imported: Path, tmp_path: Path, kind: str) -> None:
    if kind == "truncated":
        dump = _truncated(tmp_path)  # 25 good pages before the cut
    else:
        dump = tmp_path / f"{kind}.xml"
        dump.write_text(ENTITY_BOMB if kind == "entity-bomb" else EXTERNAL_ENTITY,
                        encoding="utf-8")
    before = snapshot(imported)
    result = run_cli("-C", imported, "import-wiki", dump, "--service", "storage", check=2)
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and str(dump) in message, message
    if kind == "truncated":
        assert re.search(r"line \d+|:\d+", message), message
    else:
        assert "entit" in message.lower() or "DTD" in message, message
    assert snapshot(imported) == before
    assert "root:" not in result.stdout + result.stderr


# -- manifests -----------------------------------------------------------------------------------

ROUTING = """\
[wiki]
url = "https://wiki.example.org/index.php?title=$1"

[templates]
Warn = "warning"

[[pages]]
title = "Services/Storage"
service = "storage"
page = "overview"

[[pages]]
prefix = "Services/"
service = "auth"

[[pages]]
prefix = "Services/Storage/"
service = "storage"
"""


def test_manifest_routes_pages(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center", "storage", "auth")
    (root / "tools" / "wiki.toml").write_text(ROUTING, encoding="utf-8")
    dump = write_dump(tmp_path / "dump.xml", [
        Page("Services/Storage", "Overview of [[Services/Storage/Quota]]. {{Warn|Careful}}"),
        Page("Services/Storage/Quota", "Quota."),
        Page("Services/Tokens", "Tokens, see [[Unrouted]]."),
        Page("Unrouted", "Nobody wants me."),
    ])
    report = import_json(root, dump)
    pages = by_title(report)
    assert pages["Services/Storage"]["path"] == str(root / "services/storage/overview.rst")
    assert pages["Services/Storage/Quota"]["path"] == str(
        root / "services/storage/wiki/quota.rst")  # the longer prefix wins
    assert pages["Services/Tokens"]["path"] == str(root / "services/auth/wiki/tokens.rst")
    assert report["unassigned"] == ["Unrouted"] and report["counts"]["unassigned"] == 1
    assert not list(root.rglob("unrouted.rst"))

    overview = (root / "services/storage/overview.rst").read_text(encoding="utf-8")
    assert ".. warning::" in overview and "Careful" in overview
    assert ":doc:`Services/Storage/Quota </services/storage/wiki/quota>`" in overview
    tokens = (root / "services/auth/wiki/tokens.rst").read_text(encoding="utf-8")
    assert "https://wiki.example.org/index.php?title=Unrouted" in tokens
    landing = (root / "services/storage/index.rst").read_text(encoding="utf-8")
    assert "   overview" in landing.splitlines() and "   wiki/index" in landing.splitlines()

    # `make import`: the manifest's own sources, no arguments.
    text = (root / "tools" / "wiki.toml").read_text(encoding="utf-8")
    (root / "tools" / "wiki.toml").write_text(
        text.replace("[wiki]\n", f'[wiki]\nsources = ["{dump}"]\n'), encoding="utf-8")
    again = import_json(root)
    assert {p["action"] for p in again["pages"]} == {"unchanged"}


@pytest.mark.parametrize("content, complaint", [
    ("[wiki\nurl = 1", "not valid TOML"),
    ('[wiki]\nurl = "https://wiki.example.org/wiki/"\n', "needs $1"),
    ('[[pages]]\ntitle = "A"\nservice = "Not A Service"\n', "not a service name"),
    ('[[pages]]\ntitle = "A"\nprefix = "B"\nservice = "storage"\n', "exactly one of"),
    ('[[pages]]\nservice = "storage"\n', "exactly one of"),
    ('[[pages]]\ntitle = "A"\nservice = "storage"\npage = "../x"\n', "simple name"),
    ('[templates]\nNote = "raw"\n', "templates.Note"),
    ('[[pages]]\ntitle = "A"\nservice = "storage"\npage = "index"\n', "reserved name"),
    ('[[pages]]\ntitle = "A"\nservice = "storage"\npage = "APIS-2"\n', "reserved name"),
    ('[[pages]]\ntitle = "A"\nservice = "storage"\npage = "x"\n\n'
     '[[pages]]\ntitle = "B"\nservice = "storage"\npage = "X"\n', "already taken by entry 1"),
    ("wiki = 3\n", "[wiki] must be a table"),
])
def test_bad_manifest_exits_2_naming_the_file(tmp_path: Path, content: str,
                                              complaint: str) -> None:
    root = make_center(tmp_path / "center")
    manifest = tmp_path / "bad.toml"
    manifest.write_text(content, encoding="utf-8")
    dump = write_dump(tmp_path / "dump.xml", [Page("A", "a")])
    before = snapshot(root)
    result = run_cli("-C", root, "import-wiki", dump, "--manifest", manifest, check=2)
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert str(manifest) in message and complaint in message, message
    assert snapshot(root) == before


def test_missing_manifest_and_no_destination(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center")
    dump = write_dump(tmp_path / "dump.xml", [Page("A", "a")])
    result = run_cli("-C", root, "import-wiki", dump, "--manifest", tmp_path / "nope.toml", check=2)
    assert "nope.toml" in result.stderr and "no such manifest" in result.stderr
    result = run_cli("-C", root, "import-wiki", dump, check=2)
    assert "--service" in result.stderr


def test_unknown_service_exits_2_naming_page_and_service(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center")
    dump = write_dump(tmp_path / "dump.xml", [Page("Lonely page", "a")])
    before = snapshot(root)
    result = run_cli("-C", root, "import-wiki", dump, "--service", "ghost", check=2)
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "Lonely page" in message and "'ghost'" in message
    assert snapshot(root) == before


# -- the API source ------------------------------------------------------------------------------


@pytest.fixture
def http() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_api_source_by_page_and_by_prefix(tmp_path: Path, http: HTTPServer) -> None:
    wiki = FakeWiki({
        "Storage": "== Goal ==\nStore blobs. See [[Storage/Quota]] and [[Elsewhere]].",
        "Storage/Quota": "Quota is 1 GB.",
        "Storage/Old": "#REDIRECT [[Storage]]",
        "Tokens": "Not asked for.",
    })
    url = serve(http, wiki)
    root = make_center(tmp_path / "center", "storage")
    report = import_json(root, url, "--page", "Storage", "--service", "storage")
    assert [p["title"] for p in report["pages"]] == ["Storage"]
    storage = by_title(report)["Storage"]
    assert storage["url"] == "https://wiki.example.org/wiki/Storage"
    assert storage["revision"] == 5000 + wiki.pageid("Storage")

    report = import_json(root, url, "--prefix", "Storage", "--service", "storage")
    assert sorted(p["title"] for p in report["pages"]) == ["Storage", "Storage/Quota"]
    assert report["redirects"] == {"Storage/Old": "Storage"}
    stub = (root / "services/storage/wiki/storage.rst").read_text(encoding="utf-8")
    assert ":doc:`Storage/Quota </services/storage/wiki/storage-quota>`" in stub
    # siteinfo gives the article path for pages not imported (protocol-relative server)
    assert "//wiki.example.org/wiki/Elsewhere" in stub
    assert "source: https://wiki.example.org/wiki/Storage" in stub
    assert all(agent.startswith("docscenter") for agent in wiki.user_agents)


def test_page_and_section_labels_never_collide(tmp_path: Path) -> None:
    """Page "Admin" with a section "Site Metrics" next to a page "Admin/Site Metrics"."""
    root = make_center(tmp_path / "center", "storage")
    dump = write_dump(tmp_path / "dump.xml", [
        Page("Admin", "== Site Metrics ==\nNumbers.\n"),
        Page("Admin/Site Metrics", "More numbers.")])
    run_cli("-C", root, "import-wiki", dump, "--service", "storage")
    labels = re.findall(r"^\.\. _([^:]+):$", "\n".join(
        path.read_text(encoding="utf-8") for path in root.rglob("*.rst")), re.M)
    assert len(labels) == len(set(labels)), sorted(labels)


def test_service_toml_keeps_its_comments_and_existing_entries(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center")
    add_service(root, "storage", "--wiki-page", "Storage API")
    toml = root / "services/storage/service.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "[[wiki_pages]]\n", "[[wiki_pages]]\n# the page we started from\n", 1), encoding="utf-8")
    before = toml.read_text(encoding="utf-8")
    dump = write_dump(tmp_path / "dump.xml", [Page("Storage API", "x", revision=7),
                                              Page('Quotes "and" ☃', "y", revision=8)])
    run_cli("-C", root, "import-wiki", dump, "--service", "storage")
    after = toml.read_text(encoding="utf-8")
    assert after.startswith(before.split("[[wiki_pages]]")[0])  # the rest is untouched
    assert "# the page we started from\n" in after
    entries = tomllib.loads(after)["wiki_pages"]
    assert [(e["title"], e["revision"], e["page"]) for e in entries] == [
        ("Storage API", 7, "wiki/storage-api"), ('Quotes "and" ☃', 8, "wiki/quotes-and")]
    run_cli("-C", root, "import-wiki", dump, "--service", "storage")
    assert toml.read_text(encoding="utf-8") == after  # unchanged import, unchanged file


def test_interrupted_import_leaves_the_center_as_it_was(imported: Path, tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "slow.xml", [Page("Slow", SLOW_WIKITEXT),
                                              *(Page(f"Quick {n}", "Quick.") for n in range(5))])
    before = snapshot(imported)
    process = subprocess.Popen(
        [sys.executable, "-m", "docscenter", "-C", str(imported), "import-wiki", str(dump),
         "--service", "storage"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "DOCSCENTER_PAGE_TIMEOUT": "120"})
    try:
        # Wait until some stubs are converted and staged, then press Ctrl-C.
        deadline = time.monotonic() + 60
        while not any(p.is_file() for p in imported.glob(".docscenter/import/staging/*")):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode != 0
    assert snapshot(imported) == before  # no stub left behind
    assert not (imported / ".docscenter/import").exists()  # nor a staging folder


def test_service_toml_with_an_inline_wiki_pages_array(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center", "storage")
    toml = root / "services/storage/service.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'wiki_pages = [{ title = "Storage API", '
                    'url = "https://wiki.example.org/wiki/Storage_API" }]\n', encoding="utf-8")
    dump = write_dump(tmp_path / "dump.xml", [Page("Storage API", "x"), Page("Quota", "y")])
    run_cli("-C", root, "import-wiki", dump, "--service", "storage")
    data = tomllib.loads(toml.read_text(encoding="utf-8"))
    assert [(e["title"], e["page"]) for e in data["wiki_pages"]] == [
        ("Storage API", "wiki/storage-api"), ("Quota", "wiki/quota")]
    assert data["title"] and data["owners"]  # the rest survived
