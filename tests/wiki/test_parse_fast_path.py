"""The parser builds its tree with a builder of its own, and reads the "<" of tags that never
close as text at once (speed); the tree must be exactly the one mwparserfromhell builds, every
attribute of every node, on the fixtures, the corpus and random text."""

from __future__ import annotations

import time

import mwparserfromhell
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mwparserfromhell.nodes import Node, Tag
from mwparserfromhell.wikicode import Wikicode

from docscenter.wiki.convert.parsing import parse, preclean
from docscenter.wiki.convert.tree import SAMPLE, TreeBuilder, builder, builds_as_library, same_tree
from helpers import corpus
from rstcases import all_cases


def shape(code: Wikicode) -> list[object]:
    """Everything the converter may read of a tree: node types, texts, and for tags their
    name, markup, closing and padding, attributes and contents, recursively."""
    out: list[object] = []
    for node in code.nodes:
        entry: list[object] = [type(node).__name__, str(node)]
        if isinstance(node, Tag):
            entry += [str(node.tag), node.wiki_markup, node.self_closing, node.implicit,
                      node.invalid, node.padding, node.closing_wiki_markup,
                      node.wiki_style_separator, [str(a) for a in node.attributes],
                      str(node.closing_tag)]
        entry.append([shape(child) for child in _children(node)])
        out.append(entry)
    return out


def _children(node: Node) -> list[Wikicode]:
    return list(node.__children__())


def assert_same_tree(text: str) -> None:
    ours = parse(text)
    theirs = mwparserfromhell.parse(text, skip_style_tags=True)
    assert str(ours) == str(theirs) == text
    assert shape(ours) == shape(theirs)
    assert same_tree(ours, theirs)


def test_the_tree_builder_builds_the_library_tree() -> None:
    assert builds_as_library() and isinstance(builder(), TreeBuilder)
    assert_same_tree(SAMPLE)
    # The comparison sees one attribute apart.
    assert not same_tree(parse("<b>x</b>"), parse("<b>y</b>"))
    assert not same_tree(parse("[[a|b]]"), parse("[[a]]"))
    assert not same_tree(parse("* a"), parse("# a"))


def test_list_markers_are_distinct_tags() -> None:
    code = parse("* one\n* two\n** deeper\n# n\n; term : def\n<br/>x<br/>")
    tags = [n for n in code.filter_tags(recursive=True)]
    assert len(tags) >= 8
    assert len({id(t) for t in tags}) == len(tags)
    assert len({id(t.__dict__) for t in tags}) == len(tags)
    assert_same_tree("* one\n* two\n** deeper\n# n\n; term : def\n<br/>x<br/>")


def test_fixtures_parse_the_same() -> None:
    cases = all_cases()
    assert len(cases) > 50
    for case in cases:
        assert_same_tree(preclean(case.wikitext))


line = st.tuples(st.text(alphabet="*#:;", max_size=4),
                 st.sampled_from(["item", " spaced", "a : b", "<br/>", "<br>", "[[L|x]]",
                                  "{{T|1}}", "''it''", "<li>x</li>", "", " ", "<b/>", ":"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(line, min_size=1, max_size=8))
def test_random_lists_parse_the_same(lines: list[tuple[str, str]]) -> None:
    assert_same_tree("\n".join(markers + text for markers, text in lines))


@pytest.mark.corpus
def test_corpus_parses_the_same() -> None:
    from docscenter.wiki.export import ExportReader

    pages = list(ExportReader(corpus("wpd/export.xml")))
    assert len(pages) > 300
    for page in pages:
        assert_same_tree(preclean(page.text))


piece = st.sampled_from([
    "<nick>", "<Nick>", " <nick>", "</nick>", "<b>", "</b>", "<li>", "<br>", "<ref>", "<pre>",
    "<nowiki>", "</nowiki>", "<!--", "-->", "<div>", "</div>", "<julee x>", "<a-b_c>", "[[a|",
    "]]", "{{T|", "}}", "[", "{", "http://x.org/a", "x", " ", "\n", "\n ", "== h ==", "''",
    "|", "=", "<math>", "</math>", "*", "\n*", "\n:", ";", "&amp;", "&#65;", "&#x42;", "&bogus;",
    "{{{a|", "}}}", "[http://x.org t]", '<span a="b" c=d e>', "</span>", "<br/>", "\n{|",
    "\n|-", "\n|}", "\n!", "!!", "||", "\n----", "\'\'\'", "<hr>", "</br>", "<ref name=x/>",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(piece, min_size=1, max_size=14))
def test_random_unclosed_tags_parse_the_same(pieces: list[str]) -> None:
    assert_same_tree("".join(pieces))


def test_a_long_chat_log_parses_in_linear_time() -> None:
    # Each "<nick>" opens a tag that never closes: read to the end of the page, one after the
    # other, it took mwparserfromhell about 11 s of CPU here; now a small fraction of that.
    log = "\n".join(f"10:{i % 60:02d} AM <nick{i % 7}> said http://example.org/{i} and more"
                    for i in range(4000))
    started = time.process_time()
    code = parse(log)
    assert time.process_time() - started < 2.0
    assert str(code) == log
    assert not code.filter_tags()
    assert_same_tree("\n".join(log.split("\n")[:200]))
