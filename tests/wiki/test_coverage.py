"""The converter's estimate of the text a stub kept, and the import report's lossy pages."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docscenter.wiki.convert import ConvertOptions, convert_page
from docscenter.wiki.convert.coverage import share_kept, visible_words
from docscenter.wiki.convert.parsing import parse
from docscenter.wiki.planning import Plan, PlannedPage
from docscenter.wiki.report import PageResult, Report, report_json, report_text
from rstcases import all_cases

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_fixture_keeps_its_text(case) -> None:
    page = convert_page(case.wikitext + "\n", "Case", case.convert_options())
    assert page.text_kept >= 0.95


def test_the_estimate_sees_text_the_rest_lacks() -> None:
    wikitext = ("== Setup ==\nInstall the ''client'' with [[Tools|the tools]].\n"
                "{| \n| alpha || beta\n|}\n* first item\n* second item\n"
                "{{Mystery|shown=kept words|empty=}}\n")
    words = visible_words(parse(wikitext), [], {})
    assert {"Setup", "client", "the", "tools", "alpha", "second", "Mystery", "shown",
            "kept"} <= set(words)
    assert "Tools" not in words and "empty" not in words  # a link target, an empty value
    whole = convert_page(wikitext, "Page", ConvertOptions(label="p")).rst
    assert share_kept(words, whole) == 1.0
    # A stub without its list and table keeps less than nine tenths of the page's words.
    cut = "\n".join(line for line in whole.splitlines()
                    if not line.lstrip().startswith(("*", "|", "+")))
    assert share_kept(words, cut) < 0.9


def _planned(title: str) -> PlannedPage:
    name = title.lower()
    return PlannedPage(title=title, service="storage", path=Path(f"wiki/{name}.rst"),
                       page=f"wiki/{name}", docname=f"services/storage/wiki/{name}",
                       label=f"wiki-storage-wiki-{name}", revision=1, timestamp=None,
                       url=None)


def _share_as_read_by_one_pattern(words: Counter[str], text: str) -> float:
    """share_kept as the reST's inline markup reads: escaped spaces, role names, backquotes
    and asterisks out in one pass, backslashes apart, then the words found."""
    text = re.sub(r"\\ |:[\w.+-]+:(?=`)|[`*]", "", text).replace("\\", " ")
    written = Counter(re.findall(r"[^\W_]+", text))
    return sum((words & written).values()) / sum(words.values())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab H2O:`*\\_-.+é\n", max_size=40))
def test_the_rest_words_are_read_as_its_markup_reads(text: str) -> None:
    words = Counter({"a": 2, "b": 1, "H2O": 1, "ab": 1, "é": 1, "ba": 1})
    assert share_kept(words, text) == _share_as_read_by_one_pattern(words, text)
    assert share_kept(words, "H\\ :sub:`2`\\ O and **a** `b`_") == 3 / 7


def test_the_report_names_lossy_pages_in_text_and_json() -> None:
    whole, lossy = _planned("Whole"), _planned("Lossy")
    report = Report(Plan((whole, lossy)))
    report.results[whole.path] = PageResult("new", text_kept=0.97)
    report.results[lossy.path] = PageResult("new", text_kept=0.42)
    text = report_text(report)
    assert "lossy, the stub shows about 42% of the wiki page's text: Lossy" in text
    assert "Whole ->" not in text
    data = report_json(report)
    assert data["lossy"] == [{"title": "Lossy", "path": "wiki/lossy.rst", "text_kept": 0.42}]
    assert [page["text_kept"] for page in data["pages"]] == [0.97, 0.42]


def test_endpoint_descriptions_count_as_kept() -> None:
    # The prose becomes an http:get directive with fields: its words are the directive's.
    wikitext = ("== Info ==\n'''GET''' ''https://server/pathname/version/username/info/"
                "collections''\n\nReturns a hash of collections.\n\nPossible HTTP status "
                "codes:\n* 200: Success\n* 401: Unauthorized\n")
    page = convert_page(wikitext, "Storage API", ConvertOptions(label="s"))
    assert ".. http:get::" in page.rst and page.text_kept == 1.0
