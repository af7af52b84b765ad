"""``import-wiki`` from a hostile ``api.php`` on 127.0.0.1, run as a real process whose peak
memory and processor time are measured (``os.wait4``): every bound fails the import with one
line and exit status 2, quickly, with little memory, and writes nothing; a page the wiki lacks
is reported and skipped while the others are imported (exit status 1).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from helpers import Measured, add_service, gzip_bomb, run_cli, run_measured, snapshot
from test_api import PAGES, SITEINFO, FakeWiki, answer, serve

API = "/w/api.php"
# A normal import of a few pages peaks at about 31 MB and 0.3 s of processor time; these
# bounds leave room for slow machines while catching a client that reads what it is sent.
MEMORY_MB = 200
CPU_SECONDS = 20


@pytest.fixture
def storage(center: Path) -> Path:
    add_service(center, "storage")
    return center


def fails(center: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run an import that must fail: exit 2, one line, nothing written, bounded cost."""
    before = snapshot(center)
    result = run_measured("-C", center, "import-wiki", *args, "--service", "storage", env=env)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1, result
    assert snapshot(center) == before
    assert result.peak_rss_mb < MEMORY_MB and result.cpu_seconds < CPU_SECONDS, result
    return result.stderr.strip()


def test_a_gzip_bomb_fails_fast_with_little_memory(storage: Path, http: HTTPServer) -> None:
    bomb = gzip_bomb(4 << 30)  # about 4 MB on the wire, 4 GiB once inflated
    assert len(bomb) < 5 << 20
    http.expect_request(API).respond_with_response(
        Response(bomb, 200, {"Content-Encoding": "gzip"}, content_type="application/json"))
    url = http.url_for(API)
    message = fails(storage, url, "--page", "Storage")
    assert message == (f"docscenter: error: {url}: the answer expands to more than 33554432 "
                       "bytes (api_max_answer)")


def test_a_slow_drip_fails_at_the_request_deadline(storage: Path, http: HTTPServer) -> None:
    def drip() -> Iterator[bytes]:
        for _ in range(600):  # a minute, one byte every 0.1 s
            time.sleep(0.1)
            yield b" "

    http.expect_request(API).respond_with_handler(lambda request: Response(drip(), 200))
    url = http.url_for(API)
    message = fails(storage, url, "--page", "Storage",
                    env={"DOCSCENTER_API_REQUEST_DEADLINE": "1", "DOCSCENTER_API_RETRIES": "1"})
    assert message.endswith("gave up after 2 attempts: no complete answer within 1 s")


def test_retry_after_a_day_fails_at_once(storage: Path, http: HTTPServer) -> None:
    http.expect_request(API).respond_with_response(
        Response("busy", 503, {"Retry-After": "86400"}))
    url = http.url_for(API)
    message = fails(storage, url, "--page", "Storage")
    assert message.endswith("the server asks to wait 86400 s before retrying, more than "
                            "api_max_wait (120 s)")
    assert len(http.log) == 1


def endless(http: HTTPServer, new_pages: bool) -> str:
    def handler(request: Request) -> Response:
        if request.args.get("meta") == "siteinfo":
            return answer(SITEINFO)
        n = len(http.log) if new_pages else 1
        return answer({"query": {"pages": [{"title": f"Page {n}", "ns": 0, "revisions": [
            {"revid": n, "slots": {"main": {"content": "x"}}}]}]},
                       "continue": {"gapcontinue": f"Page_{n}", "continue": "gapcontinue||"}})

    http.expect_request(API).respond_with_handler(handler)
    return http.url_for(API)


def test_endless_new_pages_stop_at_the_page_cap(storage: Path, http: HTTPServer) -> None:
    url = endless(http, new_pages=True)
    message = fails(storage, url, "--prefix", "", env={"DOCSCENTER_API_MAX_PAGES": "40"})
    assert message.endswith("more than 40 pages (api_max_pages); narrow the prefix or raise "
                            "the limit")


def test_a_continuation_that_does_not_advance_stops(storage: Path, http: HTTPServer) -> None:
    url = endless(http, new_pages=False)
    assert "the wiki repeats a continuation" in fails(storage, url, "--prefix", "")


def test_a_redirect_to_another_host_is_refused_unless_allowed(storage: Path,
                                                                http: HTTPServer) -> None:
    target = f"http://localhost:{http.port}/other/api.php"
    http.expect_request(API).respond_with_handler(lambda request: Response(
        "", 301, {"Location": f"{target}?{request.query_string.decode()}"}))
    wiki = FakeWiki(PAGES)
    http.expect_request("/other/api.php").respond_with_handler(wiki)
    url = http.url_for(API)
    message = fails(storage, url, "--page", "Storage")
    assert message.startswith(f"docscenter: error: {url}: redirected to {target}?action=")
    assert message.endswith(", off the API's own address (not followed; allow a host with "
                            "redirect_hosts or --redirect-host)")
    assert wiki.requests == []
    run_cli("-C", storage, "import-wiki", url, "--page", "Storage", "--service", "storage",
            "--redirect-host", "localhost")
    assert (storage / "services/storage/wiki/storage.rst").is_file()


def test_a_redirect_to_the_metadata_address_is_refused(storage: Path, http: HTTPServer) -> None:
    http.expect_request(API).respond_with_response(
        Response("", 302, {"Location": "http://169.254.169.254/latest/meta-data/"}))
    manifest = storage / "tools" / "wiki.toml"
    manifest.write_text('[wiki]\nredirect_hosts = ["169.254.169.254"]\n', encoding="utf-8")
    message = fails(storage, http.url_for(API), "--page", "Storage")
    assert "whose address 169.254.169.254 is a local or link-local one" in message


@pytest.mark.parametrize("body", [
    b"[]", b'{"query": {"general": "x"}}', b"<html>Maintenance</html>",
    b'{"query": {"namespaces": {"0": {"id": "zero"}}}}',
])
def test_malformed_siteinfo_is_one_line(storage: Path, http: HTTPServer, body: bytes) -> None:
    http.expect_request(API).respond_with_response(Response(body, 200))
    url = http.url_for(API)
    assert fails(storage, url, "--page", "Storage").startswith(f"docscenter: error: {url}: ")


def test_malformed_pages_are_one_line(storage: Path, http: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        if request.args.get("meta") == "siteinfo":
            return answer(SITEINFO)
        return answer({"query": {"pages": [{"title": "Storage", "revisions": "none"}]}})

    http.expect_request(API).respond_with_handler(handler)
    url = http.url_for(API)
    assert fails(storage, url, "--page", "Storage") == (
        f"docscenter: error: {url}: malformed answer: query.pages[0].revisions: expected a "
        "list, got a string")


def test_a_hostile_article_path_is_refused(storage: Path, http: HTTPServer) -> None:
    hostile = json.loads(json.dumps(SITEINFO))
    hostile["query"]["general"]["articlepath"] = "javascript:alert(document.domain)//$1"
    http.expect_request(API).respond_with_response(answer(hostile))
    url = http.url_for(API)
    assert fails(storage, url, "--page", "Storage") == (
        f"docscenter: error: {url}: siteinfo articlepath: 'javascript:alert(document.domain)"
        "//$1' is not an http(s) URL with a host")


def test_missing_pages_are_reported_and_skipped(storage: Path, http: HTTPServer) -> None:
    url = serve(http, FakeWiki(PAGES))
    result: Measured = run_measured("-C", storage, "import-wiki", url, "--page", "Storage",
                                    "--page", "no_such_page", "--page", "A|B", "--service",
                                    "storage")
    assert result.returncode == 1, result
    assert "imported 1 page: 1 new" in result.stdout
    assert f"skipped, missing: no_such_page ({url}: does not exist (the wiki's title: " \
           "'No such page'))" in result.stdout
    assert f"skipped, missing: A|B ({url}: is not a valid page title)" in result.stdout
    assert (storage / "services/storage/wiki/storage.rst").is_file()
    again = run_cli("-C", storage, "import-wiki", url, "--page", "Storage", "--page", "Nowhere",
                    "--service", "storage", "--format", "json", check=1)
    report = json.loads(again.stdout)
    assert report["counts"]["skipped"] == 1 and report["counts"]["unchanged"] == 1
    assert report["skipped"] == [{"title": "Nowhere", "source": url, "kind": "missing",
                                  "reason": "does not exist"}]
