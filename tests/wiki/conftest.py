"""A real MediaWiki for the wiki tests: Debian's package, installed once per test session.

The wiki holds the pages below (redirects, namespaces, title case, subpages) and, when the
corpus is there, the whole WPD corpus. A second wiki, ``migration_wiki``, holds pages with
their history and the files they use (see ``migration.py``). pytest-xdist workers share one
installation (each worker serves it with its own ``php -S``); the tests only read from it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from docscenter.testing.corpus import wpd_export
from docscenter.testing.mediawiki import (
    MediaWiki,
    MediaWikiUnavailable,
    ReferenceWiki,
    WikiServer,
    cached_wiki,
    find_mediawiki,
)
from helpers import Page, write_dump
from migration import write_migration_inputs

OPS = 3010  # a custom namespace, as a wiki's project namespaces are

#: What the reference wiki holds besides the corpus; titles as MediaWiki stores them.
REFERENCE_PAGES = [
    Page("Storage API", "== Overview ==\nStores blobs for [[Auth|authenticated]] users.\n"
         "See [[old storage]] and [[Ops:runbook#Restart|the runbook]].\n"
         "== Error codes ==\n* 404: no such blob\n", revision=11),
    Page("Auth", "Tokens come from [[Storage API#Overview]].", revision=12),
    Page("Old storage", "#REDIRECT [[Storage API]]", revision=13),
    Page("Older storage", "#REDIRECT [[Old storage]]", revision=14),
    Page("IPhone notes", "Written as ''iPhone notes'' by its authors.", revision=15),
    Page("Ünïcode & friends (2024)", "Title with non-ASCII and punctuation.", revision=16),
    Page("Help:Editing", "How to edit: see [[Storage API]].", revision=17, namespace=12),
    Page("Ops:Runbook", "== Restart ==\nRestart the [[Storage API|service]].", revision=18,
         namespace=OPS),
    Page("Ops:Runbook/Backups", "Nightly.", revision=19, namespace=OPS),
    Page("Ops:Old runbook", "#REDIRECT [[Ops:Runbook]]", revision=20, namespace=OPS),
    Page("Ops:Rota", "Who is on call.", revision=21, namespace=OPS),
]


@pytest.fixture(scope="session")
def reference_pages() -> list[Page]:
    """The pages the reference wiki holds besides the corpus."""
    return REFERENCE_PAGES


@pytest.fixture(scope="session")
def mediawiki_install() -> MediaWiki:
    """Debian's MediaWiki and php; the tests that need them skip (one line) without them."""
    try:
        return find_mediawiki()
    except MediaWikiUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def mediawiki_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this session's wikis are installed (see cached_wiki): a folder every xdist
    worker sees (each worker has its own temporary base, under one shared folder)."""
    base = tmp_path_factory.getbasetemp()
    cache = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "mediawiki"
    cache.mkdir(exist_ok=True)
    return cache


@pytest.fixture(scope="session")
def reference_wiki(mediawiki_install: MediaWiki, mediawiki_cache: Path) -> ReferenceWiki:
    """The wiki of the pages below (and the corpus), installed once for the session."""
    dumps = [write_dump(mediawiki_cache / f"pages-{os.getpid()}.xml", REFERENCE_PAGES)]
    if wpd_export().is_file():
        dumps.append(wpd_export())
    return cached_wiki(mediawiki_cache, mediawiki_install, dumps)


@pytest.fixture(scope="session")
def mediawiki(reference_wiki: ReferenceWiki) -> Iterator[WikiServer]:
    """The reference wiki served on 127.0.0.1 for the whole session."""
    with reference_wiki.serve() as server:
        yield server


@pytest.fixture(scope="session")
def migration_install(mediawiki_install: MediaWiki, mediawiki_cache: Path) -> ReferenceWiki:
    """The wiki of pages with a history and uploaded files (see migration.py)."""
    dump, files = write_migration_inputs(mediawiki_cache / f"migration-{os.getpid()}")
    return cached_wiki(mediawiki_cache, mediawiki_install, [dump], files=files)


@pytest.fixture(scope="session")
def migration_wiki(migration_install: ReferenceWiki) -> Iterator[WikiServer]:
    """That wiki served on 127.0.0.1; its files are at its own address."""
    with migration_install.serve() as server:
        yield server


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    """A local HTTP server for a module's tests (a hostile or scripted api.php). Threaded: a
    dripping answer must not hold up the next request. One per module, since stopping a
    server takes half a second."""
    srv = HTTPServer(host="127.0.0.1", threaded=True)
    srv.start()
    yield srv
    if srv.is_running():
        srv.stop()


@pytest.fixture
def http(server: HTTPServer) -> Iterator[HTTPServer]:
    """The module's server, with no handler left from the test before."""
    server.clear()
    yield server
    server.clear()
