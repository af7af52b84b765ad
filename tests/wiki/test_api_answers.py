"""Reading api.php answers: any JSON value is either read or refused with one line, and the
limits' own configuration reads as documented."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docscenter.wiki.api_answers import (
    MalformedAnswer,
    answer_error,
    read_query,
    read_siteinfo,
)
from docscenter.wiki.source_limits import (
    SourceLimits,
    SourceSession,
    limits_from_environment,
    parse_limits,
)
from docscenter.wiki.source_types import SourceError

# The names an answer uses, so that generated values reach deep into the expected shape.
KEYS = ["query", "pages", "title", "ns", "revisions", "slots", "main", "content", "revid",
        "timestamp", "user", "missing", "invalid", "invalidreason", "special", "redirect",
        "fullurl", "redirects", "normalized", "from", "to", "continue", "error", "code", "info",
        "general", "sitename", "base", "server", "articlepath", "namespaces", "id", "name",
        "canonical", "namespacealiases", "alias", "*", "0"]
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text(max_size=8) | st.sampled_from(["", "1", "A", "-3", "²", "--1", " 7 "]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=3), inner,
                                      max_size=6), max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(JSON)
def test_any_json_is_read_or_refused_with_one_line(value: Any) -> None:
    for reader in (read_query, read_siteinfo, answer_error):
        try:
            reader(value)
        except MalformedAnswer as exc:
            assert "\n" not in str(exc) and str(exc)


def test_formatversion_1_answers_are_read() -> None:
    answer = read_query({"query": {"pages": {"12": {
        "title": "A", "ns": "0", "redirect": "", "revisions": [{"*": "#REDIRECT [[B]]",
                                                                 "revid": "7"}]}}},
        "continue": {"rvcontinue": 12, "continue": "||"}})
    (page,) = answer.pages
    assert (page.title, page.redirect, page.revision and page.revision.revid) == ("A", True, 7)
    assert answer.continuation == {"rvcontinue": "12", "continue": "||"}


@pytest.mark.parametrize(("table", "message"), [
    ({"bogus": 1}, "unknown limit 'bogus'"),
    ({"max_page_size": "lots"}, "max_page_size = 'lots': expected a size"),
    ({"api_timeout": 0}, "api_timeout = 0: expected a positive number of seconds"),
    ({"api_timeout": "soon"}, "expected a positive number of seconds"),
    ({"api_max_pages": 1.5}, "expected a whole number of at least 1"),
    ({"api_retries": -1}, "expected a whole number of at least 0"),
    ({"api_max_pages": True}, "expected a whole number"),
])
def test_bad_limits_are_refused_by_name(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_limits(table)


def test_limits_read_sizes_seconds_and_counts() -> None:
    limits = parse_limits({"max_page_size": "2M", "max_dump_size": "1.5 GiB",
                           "api_max_answer": 4096, "api_timeout": "2.5", "api_retries": 0})
    assert limits == SourceLimits(max_page_size=2 * 1024**2, max_dump_size=3 * 1024**3 // 2,
                                  api_max_answer=4096, api_timeout=2.5, api_retries=0)


def test_the_environment_overrides_the_manifest() -> None:
    manifest = parse_limits({"api_timeout": 10, "max_page_size": "1K"})
    limits = limits_from_environment(manifest, {"DOCSCENTER_API_TIMEOUT": "0.5",
                                                "DOCSCENTER_MAX_PAGE_SIZE": " "})
    assert (limits.api_timeout, limits.max_page_size) == (0.5, 1024)
    with pytest.raises(SourceError, match="^DOCSCENTER_API_RETRIES: api_retries = 'x'"):
        limits_from_environment(manifest, {"DOCSCENTER_API_RETRIES": "x"})


def test_a_session_notes_each_skipped_page_once() -> None:
    session = SourceSession()
    for _ in range(2):  # a large dump is read twice
        session.skip("A", "dump.xml", "too-large", "big")
    session.skip("A", "other.xml", "missing", "not in this source")
    assert [(s.source, s.kind) for s in session.skipped] == [("dump.xml", "too-large"),
                                                             ("other.xml", "missing")]
    assert json.dumps([s.__dict__ for s in session.skipped])  # plain data for the report
