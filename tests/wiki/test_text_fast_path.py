"""Paragraph lines of plain text are written directly (speed); the result must be exactly
what the inline path writes, on the fixtures, the corpus and random text."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mwparserfromhell.nodes import Text

from docscenter.wiki.convert import ConvertOptions, convert_page
from docscenter.wiki.convert.plain_paragraphs import plain_paragraph
from helpers import corpus
from rstcases import PAGES, all_cases

OPTIONS = ConvertOptions(label="t", pages=PAGES, wiki_url="https://wiki.example.org/wiki/$1")
INLINE_PATH = replace(OPTIONS, text_fast_path=False)


def both_ways(wikitext: str) -> tuple[str, str]:
    fast = convert_page(wikitext, "Page", OPTIONS).rst
    full = convert_page(wikitext, "Page", INLINE_PATH).rst
    return fast, full


def test_the_fast_path_is_taken_and_refuses_markup() -> None:
    assert plain_paragraph([[Text(" a  *b*\t")], [Text("c_ ::")]]) == [
        ("para", ["a \\*b\\*", "c\\_ :\\:"])]
    assert plain_paragraph([[Text("''x''")]]) is None
    assert plain_paragraph([[Text("sign ~~~~")]]) is None
    # A lone escaped backslash: its start is made safe before its end is trimmed.
    fast, full = both_ways("\\ \n\n\\\\  \n\n*\\ \n")
    assert fast == full


def test_fixtures_convert_the_same() -> None:
    cases = all_cases()
    assert len(cases) > 50
    for case in cases:
        fast, full = both_ways(case.wikitext)
        assert fast == full, case.name


text = st.text(alphabet="ab \t:*_`|\\-#.1)'~<>=&[]\u00a0\u2003é", max_size=30)


@settings(max_examples=400, deadline=None)
@given(st.lists(text, min_size=1, max_size=5), st.booleans())
def test_random_text_converts_the_same(lines: list[str], listed: bool) -> None:
    wikitext = "\n".join(("* " if listed else "") + line for line in lines)
    fast, full = both_ways("Before.\n\n" + wikitext + "\n\nAfter.\n")
    assert fast == full


@pytest.mark.corpus
def test_corpus_converts_the_same() -> None:
    from docscenter.wiki.export import ExportReader

    pages = list(ExportReader(corpus("wpd/export.xml")))
    assert len(pages) > 300
    for page in pages:
        fast, full = both_ways(page.text)
        assert fast == full, page.title
