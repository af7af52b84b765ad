"""HTTP endpoints found in wiki prose: detection cases, the path normaliser, a real build."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docscenter.wiki.convert.endpoint_fields import (
    KNOWN_STATUS_CODES,
    Endpoint,
    field_groups,
    render,
)
from docscenter.wiki.convert.endpoint_paths import PLACEHOLDER_NAMES, normalise_path
from docscenter.wiki.convert.endpoints import split
from helpers import corpus
from rstcases import load_endpoint_case

CASES = Path(__file__).parent / "endpoint_cases"
NO_ENDPOINT = "(no endpoint)"


def stand_in_convert(wikitext: str) -> str:
    """A converter stand-in: drops bold/italic quotes, keeps everything else."""
    return re.sub(r"'{2,3}", "", wikitext).strip("\n")


def rendered(endpoint: Endpoint) -> str:
    """The endpoint's directive, its texts converted by the stand-in (as the converter does
    with the real thing, on the page)."""
    texts = {kind: [(name, stand_in_convert(text) if text.strip() else "")
                    for name, text in entries]
             for kind, entries in field_groups(endpoint)}
    description = stand_in_convert(endpoint.description) if endpoint.description else ""
    return render(replace(endpoint, description=description, params=texts["param"],
                          queries=texts["query"], reqheaders=texts["reqheader"],
                          resheaders=texts["resheader"], statuscodes=texts["statuscode"]))


def joined_source(segments: list[str | Endpoint]) -> str:
    return "".join(s if isinstance(s, str) else s.source for s in segments)


CASE_FILES = sorted(CASES.glob("*.mwtest"))


def test_enough_cases() -> None:
    negatives = [p for p in CASE_FILES if load_endpoint_case(p)["rst"].strip() == NO_ENDPOINT]
    assert len(CASE_FILES) >= 20
    assert len(negatives) >= 8


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case(path: Path) -> None:
    case = load_endpoint_case(path)
    wikitext = case["wikitext"] + "\n"
    segments = split(wikitext)
    assert joined_source(segments) == wikitext  # nothing lost, nothing reordered
    endpoints = [s for s in segments if isinstance(s, Endpoint)]
    directives = "\n\n".join(rendered(e) for e in endpoints)
    assert (directives or NO_ENDPOINT) == case["rst"].strip("\n")
    if not endpoints:
        assert segments == [wikitext]
    if "remainder" in case:
        remainder = "".join(s for s in segments if isinstance(s, str))
        assert remainder.rstrip("\n") == case["remainder"].strip("\n")


@pytest.mark.parametrize(
    ("written", "path", "queries"),
    [
        ("https://server/pathname/1.1/username/info/collections",
         "/1.1/(username)/info/collections", []),
        ("https://server/pathname/version/username/info/collections",
         "/(version)/(username)/info/collections", []),
        ("https://host/storage-server/prefix/1.5/uid/storage/", "/1.5/(uid)/storage/", []),
        ("/1.0/sync/1.5", "/1.0/sync/1.5", []),
        ("/path/v2/items", "/v2/items", []),
        ("/1.1/<username>/storage/<collection>/<id>", "/1.1/(username)/storage/(collection)/(id)",
         []),
        ("/1.1/{token}/x/:id/$id/[id]", "/1.1/(token)/x/(id)/(id)/(id)", []),
        ("/2/<int:rev>/{user-id}", "/2/(int:rev)/(user_id)", []),
        ("/1.1/''username''/info", "/1.1/(username)/info", []),
        ("/1.0/&lt;email&gt;/x?a=1&amp;b", "/1.0/(email)/x", ["a", "b"]),
        ("/1.1/u/storage/c?full=1&newer=2&full=3", "/1.1/u/storage/c", ["full", "newer"]),
        ("/1.1/u/storage/c?ids=1;sort=index", "/1.1/u/storage/c", ["ids", "sort"]),
        ("/no/release/number", "/no/release/number", []),
        ("https://server", "/", []),
        ("/1.0//double//slash/", "/1.0/double/slash/", []),
        ("/1.0/items#fragment", "/1.0/items", []),
        ("/1.0/(id", "/1.0/id", []),  # unbalanced: httpdomain could not parse it
        ("/1.0/collections", "/1.0/collections", []),  # plural: a literal, not a placeholder
    ],
)
def test_normalise_path(written: str, path: str, queries: list[str]) -> None:
    assert normalise_path(written) == (path, queries)


def test_placeholder_set_is_extendable() -> None:
    assert normalise_path("/1.0/bucket/x")[0] == "/1.0/bucket/x"
    extended = PLACEHOLDER_NAMES | {"bucket"}
    assert normalise_path("/1.0/bucket/x", extended)[0] == "/1.0/(bucket)/x"
    segments = split("GET /1.0/bucket/x\n", placeholders=extended)
    assert isinstance(segments[0], Endpoint) and segments[0].path == "/1.0/(bucket)/x"


def test_endpoint_records_where_it_came_from() -> None:
    page = "intro\n\n'''GET''' ''https://server/p/1.0/username''\nRead it.\n"
    endpoint = split(page)[1]
    assert isinstance(endpoint, Endpoint)
    assert endpoint.line == 3
    assert endpoint.raw_path == "https://server/p/1.0/username"
    assert endpoint.source == "'''GET''' ''https://server/p/1.0/username''\nRead it.\n"


def test_render_bare_endpoint_and_field_bodies() -> None:
    bare = Endpoint(method="head", path="/1.0/ping", description="")
    assert rendered(bare) == ".. http:head:: /1.0/ping"
    # A one-line text goes on the field's line; anything longer is indented under it as it
    # is (joining a literal block's lines would make its text live markup).
    endpoint = Endpoint(method="get", path="/1.0/x", description="Two\n\nparagraphs.",
                        statuscodes=[("200", "one line"),
                                     ("404", ".. code-block:: text\n\n   :download:`x`")])
    assert rendered(endpoint) == (
        ".. http:get:: /1.0/x\n\n   Two\n\n   paragraphs.\n\n"
        "   :statuscode 200: one line\n"
        "   :statuscode 404:\n"
        "      .. code-block:: text\n\n"
        "         :download:`x`"
    )


def test_known_status_codes_are_known_to_httpdomain() -> None:
    from sphinxcontrib.httpdomain import HTTP_STATUS_CODES, WEBDAV_STATUS_CODES

    assert set(HTTP_STATUS_CODES) | set(WEBDAV_STATUS_CODES) >= KNOWN_STATUS_CODES


WIKI_PIECES = st.sampled_from([
    "GET", "'''PUT'''", "<tt>POST</tt>", " ", "\n", "/1.1/", "username", "<id>", "{x}", "''",
    "https://server/p/", "?full=1", "== ", " ==", "* ", "** ", "; ", ": ", "200", ": ok",
    "<pre>", "</pre>", "{{", "}}", "{|", "|}", "<!--", "-->", "----", "(", ")", "text", "&lt;",
    "\r\n", "\u2028", "=== ", " ===", "Returns:\n", "; X-Foo : bar", "\u2013", "<br>",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(WIKI_PIECES, max_size=40).map("".join))
def test_split_keeps_any_text_and_renders_parsable_paths(wikitext: str) -> None:
    segments = split(wikitext)
    assert joined_source(segments) == wikitext
    for segment in segments:
        if isinstance(segment, Endpoint):
            head = rendered(segment).splitlines()[0]
            assert re.fullmatch(r"\.\. http:(get|put|post|delete|patch|head):: /\S*", head)
            assert segment.path.count("(") == segment.path.count(")")


def test_large_page_is_fast() -> None:
    prose = "Some prose that can GET long, with ''italics'', [[links]] and {{templates}}.\n" * 30
    block = (
        "== Section ==\n" + prose
        + " GET /1.0/in/code HTTP/1.1\n{| class=x\n| GET /1.0/cell\n|}\n<pre>\nPUT /x\n</pre>\n"
        "'''GET''' ''https://server/p/1.1/username/info/collections''\n"
        "Returns things.\n\nPossible HTTP status codes:\n* 200: Success\n* 401: Nope\n\n"
    )
    page = block * (270_000 // len(block))
    assert sum(isinstance(s, Endpoint) for s in split(page)) == 270_000 // len(block)
    best = min(_cpu_seconds(split, page) for _ in range(3))
    assert best < 0.05, f"{len(page)} characters took {best * 1000:.1f} ms"
    # Endpoint after endpoint, no prose: still linear, well under a second.
    dense = "GET /1.0/(id)/x?full=1\n* 200: ok\n; X-Weave-Records : count\n" * 5000
    assert _cpu_seconds(split, dense) < 1.0


@pytest.mark.parametrize(
    "page",
    [
        ("'" * 5000 + " x\n") * 20 + "GET /1.0/x\n",  # runs of quotes before a candidate
        ("'" * 3000 + "GET\n") * 20,
        "* " + "''" * 3000 + "\n",
        "<pre " * 20000 + "\nGET /1.0/x\n",  # unterminated tags
        "GET /" + "a/" * 50000 + "." * 20000 + "\n",  # long path, long punctuation tail
        "GET /1.0/x\nReturns:\n* 200" + " " * 20000 + "x\n",
        "{{" * 20000 + "\nGET /1.0/x\n",
        "a{|" * 50000 + "\nGET /1.0/x\n",  # table markers in running text
        "=" + "a=" * 30000 + "b\nGET /1.0/x\n",
        "GET /1.0/x\n" + ("* " + "'" * 5000 + "\n") * 10,
    ],
    ids=["quotes", "quotes-method", "quoted-item", "open-tags", "long-path", "spaces",
         "braces", "table-marks", "equals", "item-quotes"],
)
def test_pathological_lines_stay_fast(page: str) -> None:
    assert _cpu_seconds(split, page) < 0.5


def _cpu_seconds(function, argument) -> float:  # type: ignore[no-untyped-def]
    # CPU time, not wall time: other processes on a busy machine do not count.
    start = time.process_time()
    function(argument)
    return time.process_time() - start


@pytest.mark.corpus
def test_corpus_pages() -> None:
    """Every page of a real wiki: text kept whole, and only the real endpoint list found."""
    pages = corpus("wpd/pages")
    found = []
    for page in sorted(pages.rglob("*.wiki")):
        text = page.read_text(encoding="utf-8")
        segments = split(text)
        assert joined_source(segments) == text, page
        found += [(page.relative_to(pages).as_posix(), s.line, s.method, s.path)
                  for s in segments if isinstance(s, Endpoint)]
    # The only endpoint descriptions in the corpus: a list of the OAuth calls a client makes.
    # Its 372 pages name a method and a path 25 times; the others are request lines in
    # highlighted code, list items quoting URLs in <code> ("<code>PUT /_snapshot/...</code>"
    # after "a cronjob to create a snapshot"), and one sentence about something else ("You
    # can make a basic ''GET /php-status'' to any VMs"): no call of the service's API is
    # named in a sentence, so detecting those finds nothing more here.
    sso = "Projects/SSO/How_we_implemented_it.wiki"
    assert found == [
        (sso, 103, "get", "/v1/authorization"),
        (sso, 104, "post", "/v1/authorization"),
        (sso, 105, "post", "/v1/(token)"),
        (sso, 106, "get", "/v1/session/read"),
    ]


def test_rendered_endpoints_build_into_the_routing_table(tmp_path: Path) -> None:
    page = (
        "== Storage API ==\n"
        "'''GET''' ''https://server/pathname/1.1/username/info/collections''\n\n"
        "Returns a hash of collections.\n\nPossible HTTP status codes:\n"
        "* 200: Success\n* 401: Unauthorized\n\n"
        "PUT /1.1/<username>/storage/<collection>/<id>?ttl=60\n\n"
        "Stores one object.\n\n; X-If-Unmodified-Since : refuse when changed\n\n"
        "=== DELETE /1.1/{username}/storage ===\nDeletes everything.\n"
        "=== GET /1.1/{username}/storage ===\nAgain, under another heading.\n"
        "=== GET /1.1/{username}/storage ===\nThe same endpoint repeated.\n"
        "== Users ==\nTo fetch a user, clients call GET /1.1/users/{id}.\n\n"
        "DELETE /1.1/users/{id} removes the user.\n"
    )
    endpoints = [s for s in split(page) if isinstance(s, Endpoint)]
    assert len(endpoints) == 7
    (tmp_path / "conf.py").write_text('extensions = ["sphinxcontrib.httpdomain"]\n')
    (tmp_path / "index.rst").write_text(
        "Storage API\n===========\n\n"
        + "\n\n".join(rendered(e) for e in endpoints) + "\n"
    )
    out = tmp_path / "_build"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-n", "-q", "-b", "html", str(tmp_path), str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    table = (out / "http-routingtable.html").read_text(encoding="utf-8")
    for path in ("/1.1/(username)/info/collections",
                 "/1.1/(username)/storage/(collection)/(id)",
                 "/1.1/(username)/storage", "/1.1/users/(id)"):
        assert path in table
    assert table.count("/1.1/users/(id)") == 2  # GET and DELETE
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "X-If-Unmodified-Since" in index and "ttl" in index
