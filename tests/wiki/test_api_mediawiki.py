"""The api.php source against a real MediaWiki (see conftest.py): titles, prefixes and
namespaces, title case, redirects, continuation over the whole corpus, and the promise that
importing through the API gives exactly the stubs the wiki's own Special:Export gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from docscenter.core.provenance import split_stub
from docscenter.testing.corpus import missing, wpd_export
from docscenter.testing.mediawiki import WikiServer
from helpers import Page, add_service, run_cli, snapshot

pytestmark = pytest.mark.mediawiki


def new_center(root: Path) -> Path:
    run_cli("init", root, "--title", "Wiki", "--no-hg")
    add_service(root, "ops")
    return root


def import_wiki(root: Path, *args: str | Path) -> dict:
    result = run_cli("-C", root, "import-wiki", *args, "--service", "ops", "--format", "json")
    return json.loads(result.stdout)


def stubs(root: Path) -> dict[str, dict[str, str]]:
    """title -> provenance fields of every stub written into the service."""
    found = {}
    for path in sorted((root / "services" / "ops").rglob("*.rst")):
        parts = split_stub(path.read_text(encoding="utf-8"))
        if parts is not None:
            found[parts[0]["title"]] = parts[0]
    return found


def revision_of(server: WikiServer, title: str) -> tuple[int, str]:
    answer = server.api({"action": "query", "titles": title, "prop": "revisions",
                         "rvprop": "ids|timestamp"})
    revision = answer["query"]["pages"][0]["revisions"][0]
    return revision["revid"], revision["timestamp"]


def api_requests(server: WikiServer) -> list[str]:
    """The api.php requests the server has logged so far (GET query strings)."""
    log = (server.wiki.folder / f"server-{server.port}.log").read_text(encoding="utf-8")
    return re.findall(r"\]: GET /api\.php\?(\S*)", log)


def test_page_by_title_keeps_the_wikis_provenance(mediawiki: WikiServer, tmp_path: Path) -> None:
    root = new_center(tmp_path / "center")
    report = import_wiki(root, mediawiki.api_url, "--page", "Storage API")
    assert report["counts"]["new"] == 1
    stub = stubs(root)["Storage API"]
    revision, timestamp = revision_of(mediawiki, "Storage API")
    assert (stub["revision"], stub["timestamp"]) == (str(revision), timestamp)
    assert stub["source"] == f"{mediawiki.url}/index.php/Storage_API"


def test_titles_are_normalised_by_the_wiki(mediawiki: WikiServer, tmp_path: Path) -> None:
    root = new_center(tmp_path / "center")
    import_wiki(root, mediawiki.api_url, "--page", "storage_API", "--page", "iPhone notes",
                "--page", "help:editing", "--page", "ops:runbook",
                "--page", "Ünïcode_&_friends_(2024)")
    assert sorted(stubs(root)) == ["Help:Editing", "IPhone notes", "Ops:Runbook",
                                   "Storage API", "Ünïcode & friends (2024)"]
    assert stubs(root)["Ünïcode & friends (2024)"]["source"] == (
        f"{mediawiki.url}/index.php/%C3%9Cn%C3%AFcode_%26_friends_(2024)")


def test_a_title_the_wiki_lacks_is_reported_and_skipped(mediawiki: WikiServer,
                                                        tmp_path: Path) -> None:
    root = new_center(tmp_path / "center")
    result = run_cli("-C", root, "import-wiki", mediawiki.api_url, "--page", "no such_page",
                     "--page", "Ops:Runbook", "--service", "ops", "--format", "json", check=1)
    report = json.loads(result.stdout)
    assert [(page["title"], page["kind"]) for page in report["skipped"]] == [
        ("no such_page", "missing")]
    assert sorted(stubs(root)) == ["Ops:Runbook"]


def test_prefix_lists_one_namespace(mediawiki: WikiServer, tmp_path: Path) -> None:
    root = new_center(tmp_path / "center")
    report = import_wiki(root, mediawiki.api_url, "--prefix", "ops:r")
    assert sorted(stubs(root)) == ["Ops:Rota", "Ops:Runbook", "Ops:Runbook/Backups"]
    assert report["redirects"] == {}
    report = import_wiki(tmp_path / "center", mediawiki.api_url, "--prefix", "Ops:")
    assert report["redirects"] == {"Ops:Old runbook": "Ops:Runbook"}


def test_redirects_are_followed_to_their_target(mediawiki: WikiServer, tmp_path: Path) -> None:
    root = new_center(tmp_path / "center")
    report = import_wiki(root, mediawiki.api_url, "--page", "older storage",
                         "--page", "Old storage", "--page", "Auth")
    assert sorted(stubs(root)) == ["Auth", "Storage API"]
    assert report["redirects"] == {"Older storage": "Old storage",
                                   "Old storage": "Storage API"}
    # The link to [[Storage API#Overview]] in Auth is internal: its target was imported.
    auth = next((root / "services" / "ops").rglob("auth.rst")).read_text(encoding="utf-8")
    assert ":ref:`Storage API#Overview <wiki-ops-wiki-storage-api--overview>`" in auth


def test_api_and_the_wikis_own_export_give_identical_stubs(mediawiki: WikiServer,
                                                            tmp_path: Path) -> None:
    titles = ["Storage API", "Auth", "Old storage", "Older storage", "IPhone notes",
              "Ünïcode & friends (2024)", "Help:Editing"]
    through_api = new_center(tmp_path / "api")
    import_wiki(through_api, mediawiki.api_url, *[a for t in titles for a in ("--page", t)],
                "--prefix", "Ops:")
    dump = tmp_path / "export.xml"
    dump.write_bytes(mediawiki.export([*titles, *mediawiki.titles(3010)]))
    through_export = new_center(tmp_path / "export")
    import_wiki(through_export, dump)
    assert len(stubs(through_api)) == 8
    assert snapshot(through_api / "services") == snapshot(through_export / "services")


@pytest.mark.corpus
def test_whole_corpus_through_the_api_with_continuation(mediawiki: WikiServer,
                                                        tmp_path: Path) -> None:
    if reason := missing(wpd_export()):
        pytest.skip(reason)
    titles = list(mediawiki.titles(3000))
    assert len(titles) == 372
    before = len(api_requests(mediawiki))
    through_api = new_center(tmp_path / "api")
    report = import_wiki(through_api, mediawiki.api_url, "--prefix", "WPD:")
    assert report["counts"]["new"] == len(titles)
    requests = api_requests(mediawiki)[before:]
    # 372 pages, 50 per generator batch: the listing continued at least seven times.
    assert sum("gapcontinue=" in query for query in requests) >= 7

    dump = tmp_path / "export.xml"
    dump.write_bytes(mediawiki.export(titles))
    through_export = new_center(tmp_path / "export")
    import_wiki(through_export, dump)
    assert snapshot(through_api / "services") == snapshot(through_export / "services")


@pytest.mark.parametrize("selection", [
    ("--page", "storage_API", "--page", "iPhone notes", "--page", "older storage"),
    ("--page", "help:editing", "--page", "ops:runbook", "--page", "Ops:Old_runbook"),
    ("--prefix", "ops:r"),
    ("--prefix", "Ops:Runbook/"),
    ("--prefix", "sto"),
], ids=["main", "namespaces", "prefix", "subpages", "lower-case-prefix"])
def test_same_selection_from_api_and_export(mediawiki: WikiServer, reference_pages: list[Page],
                                            tmp_path: Path, selection: tuple[str, ...]) -> None:
    """--page and --prefix pick the same pages from the wiki and from its export."""
    dump = tmp_path / "export.xml"
    dump.write_bytes(mediawiki.export([p.title for p in reference_pages]))
    through_api = new_center(tmp_path / "api")
    through_export = new_center(tmp_path / "export")
    import_wiki(through_api, mediawiki.api_url, *selection)
    import_wiki(through_export, dump, *selection)
    assert stubs(through_api)
    assert snapshot(through_api / "services") == snapshot(through_export / "services")
