"""Simple tables are split without a full parse (speed); the result must be exactly what the
full parse gives, on the fixtures, the corpus and random tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docscenter.testing.corpus import wpd_export
from docscenter.wiki import convert
from rstcases import all_cases, resolve

OPTIONS = convert.ConvertOptions(label="t", resolve=resolve,
                                 wiki_url="https://wiki.example.org/wiki/$1")
CORPUS = wpd_export()


def both_ways(wikitext: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    fast = convert.convert_page(wikitext, "Page", OPTIONS).rst
    with monkeypatch.context() as patch:
        patch.setattr(convert, "_lift_tables", lambda text: (text, []))
        full = convert.convert_page(wikitext, "Page", OPTIONS).rst
    return fast, full


def test_fixture_tables_convert_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    tables = [case for case in all_cases() if "{|" in case.wikitext]
    assert len(tables) >= 5
    lifted = 0
    for case in tables:
        lifted += len(convert._lift_tables(convert._preclean(case.wikitext))[1])
        fast, full = both_ways(case.wikitext, monkeypatch)
        assert fast == full, case.name
    assert lifted >= 3  # the fast path is really taken


def test_tables_in_literal_text_stay_text() -> None:
    text = "<pre>\n{|\n| a\n|}\n</pre>\n<!--\n{|\n| b\n|}\n-->\n{|\n| c\n|}\n"
    _, tables = convert._lift_tables(text)
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
    fast = convert.convert_page(wikitext, "Page", OPTIONS).rst
    original = convert._lift_tables
    convert._lift_tables = lambda text: (text, [])
    try:
        full = convert.convert_page(wikitext, "Page", OPTIONS).rst
    finally:
        convert._lift_tables = original
    assert fast == full


@pytest.mark.corpus
def test_corpus_tables_convert_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    if not CORPUS.exists():
        pytest.skip(f"corpus not found at {CORPUS}")
    from docscenter.wiki.export import ExportReader

    pages = [p for p in ExportReader(Path(CORPUS)) if "{|" in p.text]
    assert len(pages) > 20
    for page in pages:
        fast, full = both_ways(page.text, monkeypatch)
        assert fast == full, page.title
