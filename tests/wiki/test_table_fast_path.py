"""Simple tables are split without a full parse (speed); the result must be exactly what the
full parse gives, on the fixtures, the corpus and random tables."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docscenter.wiki.convert import ConvertOptions, convert_page
from docscenter.wiki.convert.parsing import preclean
from docscenter.wiki.convert.wiki_tables import lift_tables
from helpers import corpus
from rstcases import PAGES, all_cases

OPTIONS = ConvertOptions(label="t", pages=PAGES, wiki_url="https://wiki.example.org/wiki/$1")
FULL_PARSE = replace(OPTIONS, table_fast_path=False)


def both_ways(wikitext: str) -> tuple[str, str]:
    fast = convert_page(wikitext, "Page", OPTIONS).rst
    full = convert_page(wikitext, "Page", FULL_PARSE).rst
    return fast, full


def test_fixture_tables_convert_the_same() -> None:
    tables = [case for case in all_cases() if "{|" in case.wikitext]
    assert len(tables) >= 5
    lifted = 0
    for case in tables:
        lifted += len(lift_tables(preclean(case.wikitext))[1])
        fast, full = both_ways(case.wikitext)
        assert fast == full, case.name
    assert lifted >= 3  # the fast path is really taken


def test_tables_in_literal_text_stay_text() -> None:
    text = "<pre>\n{|\n| a\n|}\n</pre>\n<!--\n{|\n| b\n|}\n-->\n{|\n| c\n|}\n"
    _, tables = lift_tables(text)
    assert tables == [(None, [[(False, " c")]])]


cell = st.one_of(
    st.sampled_from(["plain", "two words", "1. start", "- dash", "a | b", "colspan=2 | wide",
                     'rowspan="2" | tall', "''it''", "'''bold'''", "[[Link]]", "x || y",
                     "<percentage> | <length>", "`tick`", "*star*", "&amp;", "",
                     "a ; b : c", "see http://example.org/x", "__NOTOC__", "~~~~", "x!!y",
                     ": indent", "; term", "= head =", "----", "#1 of 2", "a_b c_", "'q'"]),
    st.text(alphabet="ab |!-'*<>&=#:;_~/", max_size=12),
)
row = st.lists(st.tuples(st.booleans(), cell), min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(row, min_size=1, max_size=4), st.booleans())
def test_random_tables_convert_the_same(rows: list, caption: bool) -> None:
    lines = ['{| class="wikitable"'] + (["|+ The caption"] if caption else [])
    for index, cells in enumerate(rows):
        if index:
            lines.append("|-")
        for header, text in cells:
            lines.append(("! " if header else "| ") + text)
    lines.append("|}")
    wikitext = "Before.\n\n" + "\n".join(lines) + "\n\nAfter.\n"
    fast, full = both_ways(wikitext)
    assert fast == full


@pytest.mark.corpus
def test_corpus_tables_convert_the_same() -> None:
    from docscenter.wiki.export import ExportReader

    pages = [p for p in ExportReader(corpus("wpd/export.xml")) if "{|" in p.text]
    assert len(pages) > 20
    for page in pages:
        fast, full = both_ways(page.text)
        assert fast == full, page.title
