"""ApiClient against a real HTTP server on 127.0.0.1 answering like MediaWiki (formatversion=2).

``FakeWiki`` implements just enough of ``action=query`` to be honest about the parts the
client depends on: title normalisation, redirects, missing pages, content split over
``rvcontinue`` answers, and ``generator=allpages`` batches with ``gapcontinue``.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from docscenter.wiki.mediawiki_client import DEFAULT_USER_AGENT, ApiClient
from docscenter.wiki.sources import (
    SiteInfo,
    SkippedPage,
    SourceError,
    SourceSession,
    WikiPage,
    open_source,
)

API = "/w/api.php"


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    # Threaded, so the slow handler of the timeout test does not hold up the other tests.
    srv = HTTPServer(host="127.0.0.1", threaded=True)
    srv.start()
    yield srv
    srv.clear()
    if srv.is_running():
        srv.stop()


@pytest.fixture
def http(server: HTTPServer) -> Iterator[HTTPServer]:
    yield server
    server.check_assertions()
    server.clear()


def answer(data: dict[str, Any], status: int = 200, **headers: str) -> Response:
    return Response(json.dumps(data), status, headers, content_type="application/json")


def title_key(title: str) -> str:
    """MediaWiki's normalisation: underscores are spaces, first letter upper case."""
    title = " ".join(title.replace("_", " ").split())
    head, colon, rest = title.partition(":")
    if colon and head in ("WPD", "WebPlatform"):
        return f"WPD:{rest[:1].upper()}{rest[1:]}"
    return title[:1].upper() + title[1:]


class FakeWiki:
    """A MediaWiki ``api.php`` over a dict of pages; records every request it sees."""

    def __init__(
        self,
        pages: dict[str, str],
        redirects: dict[str, str] | None = None,
        per_answer: int = 50,
        gap_batch: int = 50,
    ) -> None:
        self.titles = sorted(pages)
        self.pages = pages
        self.redirects = redirects or {}
        self.per_answer = per_answer  # pages with content per answer, to force rvcontinue
        self.gap_batch = gap_batch  # pages per allpages batch, to force gapcontinue
        self.requests: list[dict[str, str]] = []
        self.user_agents: list[str] = []

    def pageid(self, title: str) -> int:
        return 100 + self.titles.index(title)

    def page_json(self, title: str, with_content: bool) -> dict[str, Any]:
        ns = 3000 if title.startswith("WPD:") else 0
        page: dict[str, Any] = {
            "pageid": self.pageid(title),
            "ns": ns,
            "title": title,
            "contentmodel": "wikitext",
            "pagelanguage": "en",
            "touched": "2024-05-01T00:00:00Z",
            "lastrevid": 5000 + self.pageid(title),
            "length": len(self.pages[title]),
            "fullurl": f"https://wiki.example.org/wiki/{title.replace(' ', '_')}",
            "editurl": f"https://wiki.example.org/w/index.php?title={title}&action=edit",
        }
        if self.pages[title].startswith("#REDIRECT"):
            page["redirect"] = True
        if with_content:
            page["revisions"] = [
                {
                    "revid": 5000 + self.pageid(title),
                    "parentid": 4000 + self.pageid(title),
                    "user": "Writer",
                    "timestamp": f"2024-04-{1 + self.titles.index(title) % 28:02d}T12:00:00Z",
                    "slots": {
                        "main": {
                            "contentmodel": "wikitext",
                            "contentformat": "text/x-wiki",
                            "content": self.pages[title],
                        }
                    },
                }
            ]
        return page

    def __call__(self, request: Request) -> Response:
        args = {k: v for k, v in request.values.items()}
        self.requests.append(args)
        self.user_agents.append(request.headers.get("User-Agent", ""))
        if args.get("meta") == "siteinfo":
            return answer(SITEINFO)
        if "titles" in args:
            return self.by_titles(args)
        if args.get("generator") == "allpages":
            return self.allpages(args)
        return answer({"error": {"code": "badvalue", "info": "Unrecognized parameters."}})

    def window(self, titles: list[str], args: dict[str, str]) -> tuple[set[str], str | None]:
        """Which existing pages get content in this answer, and the rvcontinue for the rest."""
        ordered = sorted(titles, key=self.pageid)
        start = int(args["rvcontinue"].split("|")[0]) if "rvcontinue" in args else 0
        todo = [t for t in ordered if self.pageid(t) >= start]
        now, later = todo[: self.per_answer], todo[self.per_answer :]
        rvcontinue = f"{self.pageid(later[0])}|{5000 + self.pageid(later[0])}" if later else None
        return set(now), rvcontinue

    def by_titles(self, args: dict[str, str]) -> Response:
        query: dict[str, Any] = {}
        normalized, redirects, resolved = [], [], []
        for asked in args["titles"].split("|"):
            title = title_key(asked)
            if title != asked:
                normalized.append({"fromencoded": False, "from": asked, "to": title})
            if "redirects" in args and title in self.redirects:
                redirects.append({"from": title, "to": self.redirects[title]})
                title = self.redirects[title]
            if title not in resolved:
                resolved.append(title)
        existing = [t for t in resolved if t in self.pages]
        now, rvcontinue = self.window(existing, args)
        pages = [{"ns": 0, "title": t, "missing": True} for t in resolved if t not in self.pages]
        pages += [self.page_json(t, t in now) for t in sorted(existing, key=self.pageid)]
        if normalized:
            query["normalized"] = normalized
        if redirects:
            query["redirects"] = redirects
        query["pages"] = pages
        data: dict[str, Any] = {"query": query}
        if rvcontinue:
            data["continue"] = {"rvcontinue": rvcontinue, "continue": "||"}
        else:
            data["batchcomplete"] = True
        return answer(data)

    def allpages(self, args: dict[str, str]) -> Response:
        ns = int(args.get("gapnamespace", "0"))
        prefix = title_key(args.get("gapprefix", "")) if args.get("gapprefix") else ""
        full_prefix = f"WPD:{prefix}" if ns == 3000 else prefix
        listed = [
            t
            for t in self.titles
            if (t.startswith("WPD:") == (ns == 3000)) and t.startswith(full_prefix)
        ]
        gap_from = args.get("gapcontinue", "").replace("_", " ")
        listed = [t for t in listed if t.removeprefix("WPD:") >= gap_from]
        limit = min(int(args["gaplimit"]), self.gap_batch)
        batch, rest = listed[:limit], listed[limit:]
        now, rvcontinue = self.window(batch, args)
        data: dict[str, Any] = {"query": {"pages": [self.page_json(t, t in now) for t in batch]}}
        if rvcontinue:
            cont = {"rvcontinue": rvcontinue, "continue": "gapcontinue||"}
            if "gapcontinue" in args:  # the same generator batch is produced again
                cont["gapcontinue"] = args["gapcontinue"]
            data["continue"] = cont
        elif rest:
            nxt = rest[0].removeprefix("WPD:").replace(" ", "_")
            data["continue"] = {"gapcontinue": nxt, "continue": "gapcontinue||"}
        else:
            data["batchcomplete"] = True
        return answer(data)


SITEINFO = {
    "batchcomplete": True,
    "query": {
        "general": {
            "mainpage": "Main Page",
            "base": "https://wiki.example.org/wiki/Main_Page",
            "sitename": "Services Wiki",
            "generator": "MediaWiki 1.41.0",
            "server": "//wiki.example.org",
            "servername": "wiki.example.org",
            "articlepath": "/wiki/$1",
            "scriptpath": "/w",
            "lang": "en",
        },
        "namespaces": {
            "-1": {
                "id": -1,
                "case": "first-letter",
                "name": "Special",
                "canonical": "Special",
                "subpages": False,
                "content": False,
                "nonincludable": False,
            },
            "0": {
                "id": 0,
                "case": "first-letter",
                "name": "",
                "subpages": False,
                "content": True,
                "nonincludable": False,
            },
            "1": {
                "id": 1,
                "case": "first-letter",
                "name": "Talk",
                "canonical": "Talk",
                "subpages": True,
                "content": False,
                "nonincludable": False,
            },
            "3000": {
                "id": 3000,
                "case": "first-letter",
                "name": "WPD",
                "canonical": "WPD",
                "subpages": True,
                "content": True,
                "nonincludable": False,
            },
        },
        "namespacealiases": [{"id": 3000, "alias": "WebPlatform"}],
    },
}


PAGES = {
    "Storage": "== Goal ==\nStore blobs.",
    "Sync": "Sync ☃ data.",
    "Tokens": "'''GET''' ''https://server/1.0/token''",
    "Old storage": "#REDIRECT [[Storage]]",
    "WPD:Editors Guide": "guide",
    "WPD:Editors Guide/Topic Hierarchy": "topics",
    "WPD:Editors Guide/Style": "style",
    "WPD:Editing": "edit",
    "WPD:About": "about",
    "WPD:Old guide": "#REDIRECT [[WPD:Editors Guide]]",
}


def serve(http: HTTPServer, wiki: FakeWiki) -> str:
    http.expect_request(API).respond_with_handler(wiki)
    return http.url_for(API)


class Sleeps(list[float]):
    """An injectable ``sleep`` that records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


# -- reading -----------------------------------------------------------------------------------


def test_siteinfo(http: HTTPServer) -> None:
    url = serve(http, FakeWiki(PAGES))
    site = ApiClient(url).siteinfo()
    assert site == SiteInfo(
        sitename="Services Wiki",
        base="https://wiki.example.org/wiki/Main_Page",
        article_path="http://wiki.example.org/wiki/$1",  # protocol-relative server
        namespaces={-1: "Special", 0: "", 1: "Talk", 3000: "WPD"},
        cases={-1: "first-letter", 0: "first-letter", 1: "first-letter",
               3000: "first-letter"},
    )


def test_pages_by_title_follow_continuation(http: HTTPServer) -> None:
    wiki = FakeWiki(PAGES, per_answer=2)
    url = serve(http, wiki)
    titles = ["Tokens", "Storage", "Sync", "WPD:About", "WPD:Editing"]
    pages = list(ApiClient(url).pages(titles))
    assert len(wiki.requests) == 3  # 5 pages, content for 2 per answer
    assert "rvcontinue" not in wiki.requests[0] and "rvcontinue" in wiki.requests[2]
    assert sorted(p.title for p in pages) == sorted(titles)
    sync = next(p for p in pages if p.title == "Sync")
    assert sync == WikiPage(
        title="Sync",
        text="Sync ☃ data.",
        namespace=0,
        revision=5000 + wiki.pageid("Sync"),
        timestamp=sync.timestamp,
        contributor="Writer",
        redirect=None,
        url="https://wiki.example.org/wiki/Sync",
        source=url,
    )
    assert sync.timestamp and sync.timestamp.endswith("T12:00:00Z")
    assert next(p for p in pages if p.title == "WPD:About").namespace == 3000
    for params in wiki.requests:
        assert params["prop"] == "revisions|info"
        assert params["rvprop"] == "content|ids|timestamp|user"
        assert (params["rvslots"], params["formatversion"], params["format"]) == (
            "main",
            "2",
            "json",
        )


def test_more_than_fifty_titles_go_in_batches(http: HTTPServer) -> None:
    many = {f"Page {i:03d}": f"text {i}" for i in range(120)}
    wiki = FakeWiki(many)
    url = serve(http, wiki)
    pages = list(ApiClient(url).pages(sorted(many)))
    assert [p.title for p in pages] == sorted(many)
    assert [len(r["titles"].split("|")) for r in wiki.requests] == [50, 50, 20]


def test_redirects_are_recorded_and_followed(http: HTTPServer) -> None:
    wiki = FakeWiki(PAGES, redirects={"Old storage": "Storage"})
    url = serve(http, wiki)
    pages = list(ApiClient(url).pages(["old_storage", "Sync"]))
    assert wiki.requests[0]["redirects"] == "1"
    redirect = pages[0]
    assert (redirect.title, redirect.redirect) == ("Old storage", "Storage")
    assert redirect.revision is None and redirect.text == "#REDIRECT [[Storage]]"
    assert redirect.url == "http://wiki.example.org/wiki/Old_storage"
    assert [p.title for p in pages[1:]] == ["Storage", "Sync"]
    assert pages[1].text == PAGES["Storage"]


def test_missing_page_is_noted_as_skipped_and_the_others_are_read(http: HTTPServer) -> None:
    url = serve(http, FakeWiki(PAGES))
    session = SourceSession()
    pages = list(ApiClient(url, session=session).pages(["Storage", "no_such_page"]))
    assert [p.title for p in pages] == ["Storage"]
    assert session.skipped == [SkippedPage(
        "no_such_page", url, "missing", "does not exist (the wiki's title: 'No such page')")]


def test_title_with_separator_is_skipped_before_asking() -> None:
    session = SourceSession()
    client = ApiClient("http://127.0.0.1:9/w/api.php", session=session)
    assert list(client.pages(["A|B"])) == []  # nothing asked: port 9 would refuse
    assert [(s.title, s.reason) for s in session.skipped] == [
        ("A|B", "is not a valid page title")]


def test_prefix_listing_with_namespace_and_continuation(http: HTTPServer) -> None:
    wiki = FakeWiki(PAGES, per_answer=2, gap_batch=2)
    url = serve(http, wiki)
    pages = list(ApiClient(url).prefix("WPD:Edit"))
    assert [p.title for p in pages] == [
        "WPD:Editing",
        "WPD:Editors Guide",
        "WPD:Editors Guide/Style",
        "WPD:Editors Guide/Topic Hierarchy",
    ]
    listing = [r for r in wiki.requests if r.get("generator") == "allpages"]
    assert {(r["gapnamespace"], r["gapprefix"]) for r in listing} == {("3000", "Edit")}
    assert len(listing) == 2 and listing[1]["gapcontinue"] == "Editors_Guide/Style"


def test_prefix_content_split_inside_a_generator_batch(http: HTTPServer) -> None:
    wiki = FakeWiki(PAGES, per_answer=1, gap_batch=3)
    url = serve(http, wiki)
    pages = list(ApiClient(url).prefix("Editors", namespace=3000))
    assert [p.text for p in pages] == ["guide", "style", "topics"]
    listing = [r for r in wiki.requests if r.get("generator") == "allpages"]
    assert len(listing) == 3 and all("rvcontinue" in r for r in listing[1:])


def test_prefix_alias_and_redirect_pages(http: HTTPServer) -> None:
    url = serve(http, FakeWiki(PAGES))
    pages = list(ApiClient(url).prefix("WebPlatform:Old"))
    assert [(p.title, p.redirect) for p in pages] == [("WPD:Old guide", "WPD:Editors Guide")]


def test_open_source_url_combines_pages_and_prefix(http: HTTPServer) -> None:
    url = serve(http, FakeWiki(PAGES))
    pages, site = open_source(url, pages=["WPD:About", "Sync"], prefix="WPD:A")
    assert site is not None and site.sitename == "Services Wiki"
    # each page once, though both the titles and the prefix name WPD:About
    assert sorted(p.title for p in pages) == ["Sync", "WPD:About"]


# -- politeness and failures -------------------------------------------------------------------


def test_user_agent_and_maxlag_on_every_request(http: HTTPServer) -> None:
    wiki = FakeWiki(PAGES)
    url = serve(http, wiki)
    list(ApiClient(url).pages(["Storage"]))
    list(ApiClient(url, user_agent="center/2 (ops@example.org)", maxlag=3).pages(["Sync"]))
    assert DEFAULT_USER_AGENT.startswith("docscenter/") and "(+https://" in DEFAULT_USER_AGENT
    assert wiki.user_agents == [DEFAULT_USER_AGENT, "center/2 (ops@example.org)"]
    assert [r["maxlag"] for r in wiki.requests] == ["5", "3"]


def test_429_honours_retry_after(http: HTTPServer) -> None:
    http.expect_oneshot_request(API).respond_with_response(
        Response("slow down", 429, {"Retry-After": "7"})
    )
    url = serve(http, FakeWiki(PAGES))
    sleeps = Sleeps()
    pages = list(ApiClient(url, sleep=sleeps).pages(["Storage"]))
    assert [p.title for p in pages] == ["Storage"]
    assert sleeps == [7.0]


def test_503_backs_off_exponentially(http: HTTPServer) -> None:
    for _ in range(2):
        http.expect_oneshot_request(API).respond_with_response(Response("busy", 503))
    url = serve(http, FakeWiki(PAGES))
    sleeps = Sleeps()
    pages = list(ApiClient(url, backoff=0.5, sleep=sleeps).pages(["Storage"]))
    assert [p.title for p in pages] == ["Storage"]
    assert sleeps == [0.5, 1.0]


def test_maxlag_answer_then_success(http: HTTPServer) -> None:
    lagged = {
        "error": {
            "code": "maxlag",
            "info": "Waiting for 10.0.0.8: 7 seconds lagged.",
            "host": "10.0.0.8",
            "lag": 7,
            "type": "db",
        },
        "servedby": "mw1001",
    }
    http.expect_oneshot_request(API).respond_with_response(
        answer(lagged, **{"Retry-After": "5", "X-Database-Lag": "7"})
    )
    wiki = FakeWiki(PAGES)
    url = serve(http, wiki)
    sleeps = Sleeps()
    pages = list(ApiClient(url, sleep=sleeps).pages(["Storage"]))
    assert [p.title for p in pages] == ["Storage"] and sleeps == [5.0]


def test_persistent_500_gives_up(http: HTTPServer) -> None:
    http.expect_request(API).respond_with_response(Response("boom", 500))
    url = http.url_for(API)
    sleeps = Sleeps()
    with pytest.raises(SourceError) as exc:
        list(ApiClient(url, retries=2, sleep=sleeps).pages(["Storage"]))
    assert str(exc.value) == (f"{url}: gave up after 3 attempts: HTTP 500 INTERNAL SERVER ERROR")
    assert sleeps == [1.0, 2.0]
    assert len(http.log) == 3


def test_timeout_retries_then_gives_up(http: HTTPServer) -> None:
    release = threading.Event()
    answered: list[str] = []

    def slow(request: Request) -> Response:
        release.wait(60)  # held back until the client has given up
        answered.append(request.path)
        return answer(SITEINFO)

    http.expect_request(API).respond_with_handler(slow)
    url = http.url_for(API)
    sleeps = Sleeps()
    try:
        with pytest.raises(SourceError,
                           match=r"gave up after 2 attempts: no answer within 0.2 s"):
            ApiClient(url, timeout=0.2, retries=1, sleep=sleeps).siteinfo()
        assert answered == []  # the client gave up without waiting for an answer
    finally:
        release.set()
    assert sleeps == [1.0]


def test_api_error_object_is_reported_without_retry(http: HTTPServer) -> None:
    http.expect_request(API).respond_with_response(
        answer({"error": {"code": "readapidenied", "info": "You need read permission."}})
    )
    url = http.url_for(API)
    sleeps = Sleeps()
    with pytest.raises(SourceError) as exc:
        list(ApiClient(url, sleep=sleeps).pages(["Storage"]))
    assert str(exc.value) == f"{url}: API error readapidenied: You need read permission."
    assert sleeps == []


def test_client_errors_and_non_json_are_not_retried(http: HTTPServer) -> None:
    http.expect_oneshot_request(API).respond_with_response(Response("gone", 404))
    http.expect_oneshot_request(API).respond_with_response(Response("<html>login</html>"))
    url = http.url_for(API)
    sleeps = Sleeps()
    client = ApiClient(url, sleep=sleeps)
    with pytest.raises(SourceError, match=r"HTTP 404 NOT FOUND$"):
        client.siteinfo()
    with pytest.raises(SourceError, match="not MediaWiki API JSON"):
        client.siteinfo()
    assert sleeps == []


def test_gzip_answers_are_decoded(http: HTTPServer) -> None:
    body = gzip.compress(json.dumps(SITEINFO).encode())
    http.expect_request(API).respond_with_response(
        Response(body, 200, {"Content-Encoding": "gzip"}, content_type="application/json")
    )
    assert ApiClient(http.url_for(API)).siteinfo().sitename == "Services Wiki"
    assert http.log[0][0].headers["Accept-Encoding"] == "gzip"


def test_refused_connection_and_bad_url() -> None:
    with pytest.raises(SourceError, match="not an http"):
        ApiClient("ftp://wiki.example.org/api.php")
    sleeps = Sleeps()
    with pytest.raises(SourceError, match="cannot connect"):
        ApiClient("http://127.0.0.1:9/w/api.php", sleep=sleeps).siteinfo()
    assert sleeps == []
