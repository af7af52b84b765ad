"""Imported pages are titled by the end of their wiki title, as long as it takes to tell them
from their siblings; the full wiki title stays in the provenance, in ``service.toml`` and in
the line under the title; the sidebar, tables of contents and page links the center makes
show the short title, links in the wiki text what the wiki showed."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from bs4 import BeautifulSoup

from docscenter.core.rst_scan import scan_text
from docscenter.wiki.page_titles import short_titles
from helpers import Page, add_service, run_cli, sphinx_build, uncoloured, write_dump


def title_of(path: Path) -> str:
    return scan_text("", path.read_text(encoding="utf-8")).sections[0][0]


def test_the_last_segment_names_the_page() -> None:
    assert short_titles(["Services/Accounts/Authentication", "Services/Accounts"]) == {
        "Services/Accounts/Authentication": "Authentication",
        "Services/Accounts": "Accounts",
    }
    assert short_titles(["Glossary"]) == {"Glossary": "Glossary"}
    # A namespace is not a segment readers need; trailing and doubled slashes are ignored.
    assert short_titles(["WPD:Projects/SSO/How we implemented it", "WPD:Infrastructure",
                         "Notes//Today/"]) == {
        "WPD:Projects/SSO/How we implemented it": "How we implemented it",
        "WPD:Infrastructure": "Infrastructure", "Notes//Today/": "Today"}


def test_siblings_with_the_same_last_segment_keep_one_more() -> None:
    assert short_titles(["Services/Accounts/API", "Services/Storage/API",
                         "Services/Storage/Quota"]) == {
        "Services/Accounts/API": "Accounts/API",
        "Services/Storage/API": "Storage/API",
        "Services/Storage/Quota": "Quota",
    }
    # As many more as it takes, letter case ignored; a title with no more segments than
    # the clash stays whole.
    assert short_titles(["A/X/api", "B/X/API", "API"]) == {
        "A/X/api": "A/X/api", "B/X/API": "B/X/API", "API": "API"}
    # Namespaces come back only when nothing else tells two pages apart.
    assert short_titles(["WPD:Help", "Help:Help"]) == {"WPD:Help": "WPD:Help",
                                                       "Help:Help": "Help:Help"}


def test_a_title_already_shown_beside_it_counts_too() -> None:
    assert short_titles(["Services/Storage/History"], taken=["History", "Storage API v1.0"]) \
        == {"Services/Storage/History": "Storage/History"}


def test_imported_pages_show_short_titles_and_keep_the_full_one(center: Path,
                                                                tmp_path: Path) -> None:
    add_service(center, "accounts")
    dump = write_dump(tmp_path / "dump.xml", [
        Page("Services/Accounts/Authentication",
             "How users sign in. See [[Services/Accounts/API]] and "
             "[[Services/Accounts/API|the accounts API]]."),
        Page("Services/Accounts/API", "The accounts API."),
        Page("Services/Storage/API", "The storage API, as the accounts service uses it."),
    ])
    run_cli("-C", center, "import-wiki", dump, "--service", "accounts")
    folder = center / "services/accounts/wiki"
    stub = (folder / "services-accounts-authentication.rst").read_text(encoding="utf-8")
    assert "   title: Services/Accounts/Authentication\n" in stub  # the provenance
    assert "\n==============\nAuthentication\n==============\n" in stub
    # A link shows what the wiki shows (the title as written in it, or its own text).
    assert (":doc:`Services/Accounts/API </services/accounts/wiki/services-accounts-api>`"
            in stub)
    assert ":doc:`the accounts API </services/accounts/wiki/services-accounts-api>`" in stub
    titles = {path.stem: title_of(path) for path in folder.glob("*.rst")}
    assert titles == {"index": "Imported wiki pages",
                      "services-accounts-authentication": "Authentication",
                      "services-accounts-api": "Accounts/API",
                      "services-storage-api": "Storage/API"}
    meta = tomllib.loads((center / "services/accounts/service.toml").read_text())
    assert {entry["title"] for entry in meta["wiki_pages"]} == {
        "Services/Accounts/Authentication", "Services/Accounts/API", "Services/Storage/API"}

    # Importing again changes nothing: the other pages are the same siblings.
    report = json.loads(run_cli("-C", center, "import-wiki", dump, "--service", "accounts",
                                "--format", "json").stdout)
    assert {page["action"] for page in report["pages"]} == {"unchanged"}

    _, warnings = sphinx_build(center)
    assert warnings == ""
    built = center / "build/html/services/accounts/wiki"
    page = BeautifulSoup((built / "services-accounts-authentication.html")
                         .read_text(encoding="utf-8"), "html.parser")
    assert page.find("title").get_text().startswith("Authentication")
    sidebar = [a.get_text() for a in page.select(".sidebar-tree a")]
    assert {"Authentication", "Accounts/API", "Storage/API"} <= set(sidebar)
    assert not any(text.startswith("Services/") for text in sidebar)
    # Under the title, the line naming the wiki page, from the provenance.
    note = page.select_one("article h1 ~ p.docscenter-imported-from")
    assert note is not None and " ".join(note.get_text().split()) == (
        "Imported from the wiki page Services/Accounts/Authentication.")
    assert note.a["href"] == "https://wiki.example.org/wiki/Services/Accounts/Authentication"


def test_a_later_import_tells_a_new_page_from_those_already_there(center: Path,
                                                                   tmp_path: Path) -> None:
    add_service(center, "accounts")
    first = write_dump(tmp_path / "first.xml", [Page("Services/Accounts/API", "Ours.")])
    run_cli("-C", center, "import-wiki", first, "--service", "accounts")
    second = write_dump(tmp_path / "second.xml", [Page("Services/Storage/API", "Theirs.")])
    run_cli("-C", center, "import-wiki", second, "--service", "accounts")
    assert title_of(center / "services/accounts/wiki/services-storage-api.rst") == "Storage/API"
    assert title_of(center / "services/accounts/wiki/services-accounts-api.rst") == "API"


def test_the_line_under_the_title_links_only_to_a_web_address(center: Path) -> None:
    add_service(center, "accounts")
    page = center / "services/accounts/edited.rst"
    page.write_text(".. docscenter-import\n   title: Services/Accounts/Edited\n"
                    "   source: javascript:alert(1)\n   sha256: 0\n\nEdited\n======\n\n"
                    "Written since.\n", encoding="utf-8")
    index = center / "services/accounts/index.rst"
    index.write_text(index.read_text().replace("   history\n", "   history\n   edited\n"))
    _, warnings = sphinx_build(center)
    # The old address cannot go into the map of redirects either, and the build says so.
    assert [line for line in uncoloured(warnings).splitlines() if line] == [
        f"{page}:1: WARNING: the source cannot go into the map of old wiki URLs: left out "
        "[docscenter.redirect]"]
    built = BeautifulSoup((center / "build/html/services/accounts/edited.html")
                          .read_text(encoding="utf-8"), "html.parser")
    note = built.select_one("p.docscenter-imported-from")
    assert note is not None and note.find("a") is None
    assert " ".join(note.get_text().split()) == (
        "Imported from the wiki page “Services/Accounts/Edited”.")
