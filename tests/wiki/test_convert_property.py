"""Property tests: any wikitext becomes reST that docutils parses cleanly and safely."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docscenter.testing.corpus import wpd_export
from docscenter.wiki.convert import ConvertOptions, convert_fragment, convert_page
from rstcases import parse_rst, resolve, unsafe_nodes

OPTIONS = ConvertOptions(label="prop", resolve=resolve, wiki_url="https://wiki.example.org/wiki/$1")

# Text that looks like reST or HTML, mixed with ordinary and unusual characters.
JUNK = [
    ".. raw:: html", ".. include:: /etc/passwd", ":role:`x`", "`x`_", "|sub|", "[#]_", "[1]_",
    ".. _t:", "__", "::", ">>>", "- ", "1. ", "#. ", ":x: y", "-o ", "----", "====", "*", "**",
    "`", "_", "\\", "<script>alert(1)</script>", "<iframe src=x>", "onclick=\"x\"", "<b>", "</i>",
    "<foo bar>", "&amp;", "&lt;", "&#42;", "|", "||", "!!", "{|", "|}", "|-", "''", "'''", "(a)",
    "A.", "i)", "+", "=", "~", "^", "\"", "'", "<", ">", "[", "]", "{{", "}}", "[[", "]]", "<!--",
    "-->", "<nowiki>", "</nowiki>", "<ref>", "</ref>", "<br>", "\t", "  ",
]
words = st.one_of(
    st.sampled_from(["alpha", "beta", "GET", "x", "node", "Token", "东京", "Ünï", "a_b", "x1"]),
    st.sampled_from(JUNK),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6),
)
inline = st.lists(words, min_size=1, max_size=8).map(" ".join)


def _wrap(draw_inline: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        draw_inline,
        draw_inline.map(lambda t: f"'''{t}'''"),
        draw_inline.map(lambda t: f"''{t}''"),
        draw_inline.map(lambda t: f"'''''{t}"),
        draw_inline.map(lambda t: f"[[Storage API#Overview|{t}]]"),
        draw_inline.map(lambda t: f"[[Some page|{t}]]s"),
        draw_inline.map(lambda t: f"[https://example.org/{t.strip()[:5]} {t}]"),
        draw_inline.map(lambda t: f"<code>{t}</code>"),
        draw_inline.map(lambda t: f"<sup>{t}</sup>"),
        draw_inline.map(lambda t: f"{{{{Note|{t}}}}}"),
        draw_inline.map(lambda t: f"{{{{Mystery|a={t}}}}}"),
        draw_inline.map(lambda t: f"<ref>{t}</ref>"),
        draw_inline.map(lambda t: f"{t}<br>{t}"),
    )


line = st.lists(_wrap(inline), min_size=1, max_size=4).map(" ".join)
block = st.one_of(
    line,
    line.map(lambda t: f"== {t} =="),
    line.map(lambda t: f"=== {t} ==="),
    st.tuples(st.sampled_from(["*", "#", "**", "#*", "*#", ":", "::", ";", "#:"]), line).map(
        lambda p: f"{p[0]} {p[1]}"
    ),
    line.map(lambda t: f"; {t} : {t}"),
    line.map(lambda t: f" {t}"),
    line.map(lambda t: f"<pre>{t}</pre>"),
    line.map(lambda t: f'<source lang="python">\n{t}\n</source>'),
    st.lists(line, min_size=1, max_size=4).map(
        lambda cells: "{|\n! " + " !! ".join(cells) + "\n|-\n| " + "\n| ".join(cells) + "\n|}"
    ),
    line.map(lambda t: "{|\n| colspan=2 | " + t + "\n|-\n| a || b\n|}"),
    line.map(lambda t: f"[[File:Pic {t[:3]}.png|thumb|{t}]]"),
    st.just("----"),
    st.just("<references/>"),
)
wikitext = st.lists(block, min_size=1, max_size=10).map("\n".join)


def _check(rst: str) -> None:
    doctree, messages = parse_rst(rst)
    assert messages == [], rst
    assert unsafe_nodes(doctree, "prop") == [], rst


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wikitext)
def test_any_wikitext_gives_clean_safe_rest(text: str) -> None:
    _check(convert_page(text, "Prop", OPTIONS).rst)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_fragment(text: str) -> None:
    _check(convert_fragment(text, OPTIONS))


CORPUS = wpd_export()


def _corpus_pages() -> list[tuple[str, str]]:
    pages = []
    title = None
    for _, elem in ET.iterparse(CORPUS):
        tag = elem.tag.rpartition("}")[2]
        if tag == "title":
            title = elem.text or ""
        elif tag == "text":
            pages.append((title or "", elem.text or ""))
        elif tag == "page":
            elem.clear()
    return pages


@pytest.mark.corpus
def test_corpus_pages_convert_cleanly() -> None:
    """Every corpus page converts quickly to reST with no docutils warning or error."""
    if not CORPUS.is_file():
        pytest.skip(f"corpus not found at {CORPUS}")
    failures = []
    slow = []
    total = 0.0
    pages = _corpus_pages()
    for i, (title, text) in enumerate(pages):
        options = ConvertOptions(label=f"p{i}", wiki_url="https://wiki.example.org/wiki/$1")
        start = time.perf_counter()
        page = convert_page(text, title, options)
        elapsed = time.perf_counter() - start
        total += elapsed
        if elapsed > 3:
            slow.append((title, round(elapsed, 1)))
        doctree, messages = parse_rst(page.rst)
        bad = unsafe_nodes(doctree, f"p{i}")
        if messages or bad:
            failures.append((title, (messages + bad)[:2]))
    print(f"\n{len(pages)} pages converted in {total:.2f} s; {len(failures)} with messages")
    assert len(pages) > 300
    assert slow == []
    assert failures == []
