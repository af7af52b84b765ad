"""ApiClient against a hostile ``api.php`` on 127.0.0.1: answers that are too big, too slow,
malformed, endless, or redirect where they should not. Every failure must be one SourceError
line naming the URL, raised within the configured bounds (small ones here, so the tests are
quick); the end-to-end runs with memory and time measured are in test_import_hostile_api.py.
"""

from __future__ import annotations

import gzip
import json
import socketserver
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from docscenter.wiki.bounded_http import RedirectPolicy, RedirectRefused
from docscenter.wiki.mediawiki_client import ApiClient
from docscenter.wiki.sources import SourceError, SourceLimits, SourceSession
from helpers import gzip_bomb
from test_api import PAGES, SITEINFO, FakeWiki, Sleeps, answer, serve

API = "/w/api.php"


def client(url: str, sleep: Sleeps | None = None, hosts: tuple[str, ...] = (),
           **limits: Any) -> ApiClient:
    session = SourceSession(SourceLimits(**limits), redirect_hosts=hosts)
    return ApiClient(url, session=session, sleep=Sleeps() if sleep is None else sleep)


def failure(call: Any, url: str) -> str:
    """The one-line message of the SourceError ``call()`` raises; it names ``url``."""
    with pytest.raises(SourceError) as exc:
        call()
    message = str(exc.value)
    assert "\n" not in message and message.startswith(url), message
    return message


# -- size ------------------------------------------------------------------------------------


def test_gzip_bomb_stops_at_the_limit(http: HTTPServer) -> None:
    bomb = gzip_bomb(4 << 30)  # 4 GiB of zeros in about 4 MB
    http.expect_request(API).respond_with_response(
        Response(bomb, 200, {"Content-Encoding": "gzip"}, content_type="application/json"))
    url = http.url_for(API)
    started = time.process_time()
    message = failure(client(url, api_max_answer=8 << 20).siteinfo, url)
    assert message.endswith("the answer expands to more than 8388608 bytes (api_max_answer)")
    # Inflating 8 MiB costs milliseconds; inflating the 4 GiB would take seconds.
    assert time.process_time() - started < 0.5


def test_a_large_answer_fails_on_the_wire_before_it_is_read(http: HTTPServer) -> None:
    http.expect_request(API).respond_with_response(answer({"x": "y" * 50_000}))
    url = http.url_for(API)
    message = failure(client(url, api_max_answer=10_000).siteinfo, url)
    assert "more than 10000 (api_max_answer)" in message  # the Content-Length said so


def test_a_large_streamed_answer_without_length_fails_while_it_streams(http: HTTPServer) -> None:
    sent: list[int] = []

    def endless() -> Iterator[bytes]:
        for _ in range(10_000):  # 640 MB if nobody stops reading
            sent.append(1)
            yield b" " * 65536

    http.expect_request(API).respond_with_response(Response(endless(), 200))
    url = http.url_for(API)
    message = failure(client(url, api_max_answer=1 << 20).siteinfo, url)
    assert message.endswith("the answer is larger than 1048576 bytes (api_max_answer)")
    assert len(sent) < 200


def test_multi_member_gzip_is_read_and_a_cut_gzip_is_refused(http: HTTPServer) -> None:
    body = json.dumps(SITEINFO).encode()
    half = len(body) // 2
    http.expect_oneshot_request(API).respond_with_response(Response(
        gzip.compress(body[:half]) + gzip.compress(body[half:]), 200,
        {"Content-Encoding": "gzip"}))
    http.expect_oneshot_request(API).respond_with_response(Response(
        gzip.compress(body)[:-20], 200, {"Content-Encoding": "gzip"}))
    url = http.url_for(API)
    assert client(url).siteinfo().sitename == "Services Wiki"
    assert failure(client(url).siteinfo, url).endswith("the gzip answer is cut short")


def test_an_encoding_not_asked_for_is_refused(http: HTTPServer) -> None:
    http.expect_request(API).respond_with_response(
        Response(b"x", 200, {"Content-Encoding": "br"}))
    url = http.url_for(API)
    assert "encoded as 'br'" in failure(client(url).siteinfo, url)


def test_a_page_over_max_page_size_is_skipped(http: HTTPServer) -> None:
    url = serve(http, FakeWiki({**PAGES, "Big": "é" * 600}))
    session = SourceSession(SourceLimits(max_page_size=1000))
    pages = list(ApiClient(url, session=session).pages(["Big", "Sync"]))
    assert [p.title for p in pages] == ["Sync"]
    (skipped,) = session.skipped
    assert (skipped.title, skipped.kind) == ("Big", "too-large")
    assert skipped.reason.startswith("1200 bytes of wikitext, more than max_page_size (1000)")


# -- time ------------------------------------------------------------------------------------


def test_a_slow_drip_of_the_body_hits_the_request_deadline(http: HTTPServer) -> None:
    def drip() -> Iterator[bytes]:
        yield b'{"batchcomplete": true, "x": "'
        for _ in range(600):  # a minute of one byte every 0.1 s, each well within the timeout
            time.sleep(0.1)
            yield b"a"
        yield b'"}'

    http.expect_request(API).respond_with_response(
        Response(drip(), 200, {"Content-Length": "632"}, content_type="application/json"))
    url = http.url_for(API)
    message = failure(client(url, api_timeout=5, api_request_deadline=0.5,
                             api_retries=0).siteinfo, url)
    assert message.endswith("gave up after 1 attempts: no complete answer within 0.5 s")


class _HeaderDrip(socketserver.BaseRequestHandler):
    """Answers with a status line, then one header byte every 0.05 s for a minute."""

    def handle(self) -> None:
        self.request.recv(65536)
        try:
            self.request.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(1200):
                time.sleep(0.05)
                self.request.sendall(b"a")
            self.request.sendall(b"\r\nContent-Length: 2\r\n\r\n{}")
        except OSError:
            pass  # the client hung up, as it should


def test_a_slow_drip_of_the_headers_hits_the_request_deadline() -> None:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _HeaderDrip)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}{API}"
        message = failure(client(url, api_timeout=5, api_request_deadline=0.5,
                                 api_retries=0).siteinfo, url)
        assert message.endswith("no complete answer within 0.5 s")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("retry_after", ["86400", "Wed, 21 Oct 2099 07:28:00 GMT"])
def test_a_retry_after_over_the_cap_fails_at_once(http: HTTPServer, retry_after: str) -> None:
    http.expect_request(API).respond_with_response(
        Response("busy", 503, {"Retry-After": retry_after}))
    url = http.url_for(API)
    sleeps = Sleeps()
    message = failure(client(url, sleeps).siteinfo, url)
    assert "the server asks to wait" in message and "more than api_max_wait (120 s)" in message
    assert sleeps == [] and len(http.log) == 1


def test_own_back_off_is_capped_and_retries_are_bounded(http: HTTPServer) -> None:
    http.expect_request(API).respond_with_response(Response("busy", 503))
    url = http.url_for(API)
    sleeps = Sleeps()
    message = failure(client(url, sleeps, api_retries=7, api_max_wait=10).siteinfo, url)
    assert message.endswith("gave up after 8 attempts: HTTP 503 SERVICE UNAVAILABLE")
    assert sleeps == [1, 2, 4, 8, 10, 10, 10]


def test_the_total_deadline_ends_retrying(http: HTTPServer) -> None:
    http.expect_request(API).respond_with_response(
        Response("busy", 503, {"Retry-After": "30"}))
    url = http.url_for(API)
    now = [0.0]
    session = SourceSession(SourceLimits(api_total_deadline=100), clock=lambda: now[0])

    def sleep(seconds: float) -> None:  # time passes only while the client waits
        now[0] += seconds

    api = ApiClient(url, session=session, sleep=sleep)
    message = failure(api.siteinfo, url)
    assert "waiting 30 s more would pass the import's api_total_deadline" in message
    assert now[0] == 90 and len(http.log) == 4
    now[0] = 101
    assert "time for api.php is used up" in failure(ApiClient(url, session=session).siteinfo, url)


# -- endless listings ------------------------------------------------------------------------


def listing(http: HTTPServer, make: Any) -> str:
    """Serve siteinfo, and ``make(n)`` as the n-th allpages answer."""
    calls = {"n": 0}

    def handler(request: Request) -> Response:
        if request.args.get("meta") == "siteinfo":
            return answer(SITEINFO)
        calls["n"] += 1
        return answer(make(calls["n"]))

    http.expect_request(API).respond_with_handler(handler)
    return http.url_for(API)


def page(n: int) -> dict[str, Any]:
    return {"title": f"Page {n}", "ns": 0, "revisions": [
        {"revid": n, "slots": {"main": {"content": f"text {n}"}}}]}


def test_a_repeated_continuation_ends_the_listing(http: HTTPServer) -> None:
    url = listing(http, lambda n: {"query": {"pages": [page(1)]},
                                   "continue": {"gapcontinue": "Page_1", "continue": "-||"}})
    message = failure(lambda: list(client(url).prefix("")), url)
    assert "the wiki repeats a continuation" in message and "Page_1" in message
    assert len(http.log) == 2


def test_continuations_without_new_pages_end_the_listing(http: HTTPServer) -> None:
    url = listing(http, lambda n: {"query": {"pages": []},
                                   "continue": {"gapcontinue": f"P{n}", "continue": "-||"}})
    message = failure(lambda: list(client(url).prefix("")), url)
    assert "sent 10 answers in a row without a new page" in message
    assert len(http.log) == 10


def test_endless_new_pages_stop_at_the_page_cap(http: HTTPServer) -> None:
    url = listing(http, lambda n: {"query": {"pages": [page(n)]},
                                   "continue": {"gapcontinue": f"P{n}", "continue": "-||"}})
    message = failure(lambda: list(client(url, api_max_pages=25).prefix("")), url)
    assert message.endswith("more than 25 pages (api_max_pages); narrow the prefix or raise "
                            "the limit")
    assert len(http.log) == 26


# -- malformed answers -----------------------------------------------------------------------

SITEINFO_SHAPES = [
    [], "text", None, 3, {"query": []}, {"query": {"general": "x"}},
    {"query": {"general": {"sitename": ["x"]}}}, {"query": {"namespaces": [1, 2]}},
    {"query": {"namespaces": {"0": {"id": "zero"}}}}, {"query": {"namespaces": {"0": {}}}},
    {"query": {"namespaces": {"0": {"id": 0, "name": 5}}}},
    {"query": {"namespacealiases": {"a": 1}}}, {"query": {"namespacealiases": "x"}},
    {"error": "boom"}, {"error": {"code": ["x"]}}, {"error": {"code": "x", "info": {}}},
    {"query": {"general": {"server": "//w.example.org", "articlepath": 7}}},
]
PAGE_SHAPES = [
    {"query": {"pages": "x"}}, {"query": {"pages": [1]}}, {"query": {"pages": [{}]}},
    {"query": {"pages": [{"title": ""}]}}, {"query": {"pages": [{"title": ["x"]}]}},
    {"query": {"pages": [{"title": "A", "ns": "x"}]}},
    {"query": {"pages": [{"title": "A", "ns": True}]}},
    {"query": {"pages": [{"title": "A", "missing": "yes"}]}},
    {"query": {"pages": [{"title": "A", "revisions": "abc"}]}},
    {"query": {"pages": [{"title": "A", "revisions": {"x": 1}}]}},
    {"query": {"pages": [{"title": "A", "revisions": [None]}]}},
    {"query": {"pages": [{"title": "A", "revisions": [{"slots": []}]}]}},
    {"query": {"pages": [{"title": "A", "revisions": [{"slots": {"main": {"content": 5}}}]}]}},
    {"query": {"pages": [{"title": "A", "revisions": [{"revid": "abc"}]}]}},
    {"query": {"pages": [{"title": "A", "revisions": [{"revid": 1.5}]}]}},
    {"query": {"pages": [{"title": "A", "revisions": [{"timestamp": 12}]}]}},
    {"query": {"pages": [{"title": "A", "fullurl": {}, "revisions": [{"revid": 1}]}]}},
    {"query": {"redirects": [{"from": 1, "to": "B"}]}}, {"query": {"normalized": "x"}},
    {"continue": []}, {"continue": {"x": {}}}, {"query": {"pages": [{"title": "A"}]},
                                                 "continue": "more"},
]


@pytest.mark.parametrize("shape", SITEINFO_SHAPES, ids=lambda s: json.dumps(s)[:40])
def test_malformed_siteinfo_is_one_line(http: HTTPServer, shape: Any) -> None:
    http.expect_request(API).respond_with_response(answer(shape))
    url = http.url_for(API)
    assert "malformed answer" in failure(client(url).siteinfo, url)


@pytest.mark.parametrize("shape", PAGE_SHAPES, ids=lambda s: json.dumps(s)[:50])
@pytest.mark.parametrize("how", ["titles", "prefix"])
def test_malformed_pages_are_one_line(http: HTTPServer, shape: Any, how: str) -> None:
    def handler(request: Request) -> Response:
        return answer(SITEINFO if request.args.get("meta") == "siteinfo" else shape)

    http.expect_request(API).respond_with_handler(handler)
    url = http.url_for(API)
    api = client(url)
    read = (lambda: list(api.pages(["A"]))) if how == "titles" else (
        lambda: list(api.prefix("")))
    assert "malformed answer" in failure(read, url)


@pytest.mark.parametrize("body", [
    b"<html><body>Login required</body></html>", b"\xff\xfe\x00garbage", b"",
    b"[" * 100_000 + b"]" * 100_000, b'{"query": {"x": ' + b"9" * 5000 + b"}}",
    b'{"query": {"pages": [{"title": "A", "revisions": [{"revid": NaN}]}]}}',
])
def test_bodies_that_are_not_api_json_are_one_line(http: HTTPServer, body: bytes) -> None:
    http.expect_request(API).respond_with_response(Response(body, 200))
    url = http.url_for(API)
    message = failure(lambda: list(client(url).pages(["A"])), url)
    assert "not MediaWiki API JSON" in message or "malformed answer" in message


# -- where redirects may go ------------------------------------------------------------------


def redirect_to(http: HTTPServer, location: str) -> str:
    http.expect_oneshot_request(API).respond_with_response(
        Response("", 302, {"Location": location}))
    return http.url_for(API)


def test_a_redirect_on_the_same_origin_is_followed(http: HTTPServer) -> None:
    http.expect_request("/new/api.php").respond_with_response(answer(SITEINFO))
    url = redirect_to(http, "/new/api.php")
    assert client(url).siteinfo().sitename == "Services Wiki"


@pytest.mark.parametrize("target", [
    "http://localhost:{port}/w/api.php", "http://127.0.0.1:1/w/api.php",
    "https://127.0.0.1:{port}/w/api.php", "http://169.254.169.254/latest/meta-data/",
    "http://wiki.example.org/w/api.php",
])
def test_a_redirect_off_the_origin_is_refused(http: HTTPServer, target: str) -> None:
    target = target.format(port=http.port)
    url = redirect_to(http, target)
    message = failure(client(url).siteinfo, url)
    assert message == (f"{url}: redirected to {target}, off the API's own address (not "
                       "followed; allow a host with redirect_hosts or --redirect-host)")


def test_an_allowed_host_is_followed_but_never_a_link_local_address(http: HTTPServer) -> None:
    http.expect_request("/other/api.php").respond_with_response(answer(SITEINFO))
    url = redirect_to(http, f"http://localhost:{http.port}/other/api.php")
    assert client(url, hosts=("localhost",)).siteinfo().sitename == "Services Wiki"
    url = redirect_to(http, "http://169.254.169.254/latest/meta-data/")
    message = failure(client(url, hosts=("169.254.169.254",)).siteinfo, url)
    assert "whose address 169.254.169.254 is a local or link-local one" in message


def test_a_redirect_to_another_scheme_is_not_followed(http: HTTPServer) -> None:
    url = redirect_to(http, "javascript:alert(1)")
    assert "javascript:alert(1)" in failure(client(url).siteinfo, url)


ADDRESSES = {"wiki.example.org": ["93.184.216.34"], "cdn.example.org": ["151.101.1.1"],
             "internal.example.org": ["10.0.0.1", "127.0.0.1"],
             "meta.example.org": ["169.254.169.254"], "v6.example.org": ["fe80::1%eth0"],
             "mapped.example.org": ["::ffff:169.254.169.254"], "zero.example.org": ["0.0.0.0"],
             "local.example.org": ["::1"]}


@pytest.mark.parametrize(("target", "allowed"), [
    ("https://wiki.example.org/w/api.php?x=1", True),
    ("https://cdn.example.org/w/api.php", True),
    ("http://cdn.example.org/w/api.php", False),  # https -> http
    ("https://wiki.example.org:8443/w/api.php", False),  # another port is another service
    ("https://internal.example.org/", False), ("https://local.example.org/", False),
    ("https://meta.example.org/", False), ("https://v6.example.org/", False),
    ("https://mapped.example.org/", False), ("https://zero.example.org/", False),
    ("https://unlisted.example.org/", False), ("ftp://cdn.example.org/", False),
])
def test_redirect_policy(target: str, allowed: bool) -> None:
    policy = RedirectPolicy("https://wiki.example.org/w/api.php",
                            tuple(h for h in ADDRESSES if h != "wiki.example.org"),
                            resolver=lambda host, port: ADDRESSES.get(host, []))
    if allowed:
        policy.check(target)
    else:
        with pytest.raises(RedirectRefused):
            policy.check(target)


def test_loopback_is_allowed_when_the_api_is_there_too() -> None:
    policy = RedirectPolicy("http://wiki.local:8080/w/api.php", ("local.example.org",),
                            resolver=lambda host, port: ["127.0.0.1"] if host == "wiki.local"
                            else ADDRESSES.get(host, []))
    policy.check("http://local.example.org/w/api.php")


# -- the wiki's own address ------------------------------------------------------------------


@pytest.mark.parametrize(("general", "complaint"), [
    ({"server": "javascript:alert(1)//", "articlepath": "/wiki/$1"}, "siteinfo server"),
    ({"server": "https://wiki.example.org", "articlepath": "javascript:alert(1)//$1"},
     "siteinfo articlepath"),
    ({"server": "", "articlepath": "/wiki/$1"}, "siteinfo server"),
    ({"server": "data:text/html,x", "articlepath": "/wiki/$1"}, "siteinfo server"),
    ({"base": "vbscript:x", "server": "https://w.example.org", "articlepath": "/w/$1"},
     "siteinfo base"),
    ({"server": "https://w.example.org/<script>", "articlepath": "/w/$1"}, "siteinfo server"),
])
def test_a_hostile_article_path_is_refused(http: HTTPServer, general: dict[str, str],
                                           complaint: str) -> None:
    http.expect_request(API).respond_with_response(answer({"query": {"general": general}}))
    url = http.url_for(API)
    assert f"{url}: {complaint}:" in failure(client(url).siteinfo, url)


def test_a_hostile_page_url_is_refused(http: HTTPServer) -> None:
    http.expect_request(API).respond_with_response(answer({"query": {"pages": [
        {"title": "A", "fullurl": "javascript:alert(1)", "revisions": [{"revid": 1}]}]}}))
    url = http.url_for(API)
    message = failure(lambda: list(client(url).pages(["A"])), url)
    assert message.startswith(f"{url}: page 'A' fullurl: 'javascript:alert(1)' is not an http")


def test_socket_is_closed_after_each_answer(http: HTTPServer) -> None:
    """The bounded reader wraps the socket; it must still be released."""
    url = serve(http, FakeWiki(PAGES))
    api = client(url)
    before = len(list(_open_sockets()))
    for _ in range(20):
        list(api.pages(["Sync"]))
    assert len(list(_open_sockets())) <= before + 3  # the server's may linger a moment


def _open_sockets() -> Iterator[int]:
    import os

    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                yield int(fd)
        except OSError:
            continue

