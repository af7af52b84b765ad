"""The fidelity comparison (docscenter.testing.fidelity): what counts as visible text and
structure on each side, and how missing templates are taken out. First on small HTML
snippets shaped like each renderer's, then on what the real MediaWiki and a real docscenter
build render of the same wikitext."""

from __future__ import annotations

from pathlib import Path

import pytest

from docscenter.testing.fidelity import (
    docscenter_body,
    mediawiki_body,
    pandoc_body,
    read,
    remove_missing_templates,
    template_calls,
    text_score,
    tokens,
)
from docscenter.testing.fidelity_run import compare_page, docscenter_html
from docscenter.testing.mediawiki import WikiServer
from helpers import Page, add_service, run_cli, write_dump

MEDIAWIKI = """<div class="mw-parser-output">
<div id="toc" class="toc"><ul><li>1 Usage</li></ul></div>
<h2><span class="mw-headline" id="Usage">Usage</span><span class="mw-editsection">[edit]</span></h2>
<p>Call it<sup class="reference"><a href="#cite_note-1">[1]</a></sup>
<a href="/index.php?title=Template:Flags&amp;action=edit&amp;redlink=1" class="new"
   title="Template:Flags (page does not exist)">Template:Flags</a>
<span style="display: none">hidden</span></p>
<dl><dd>indented</dd></dl><dl><dt>term</dt><dd>meaning</dd></dl>
<p><a href="/wiki/File:Flow.png" title="File:Flow.png">The flow</a></p>
<ol class="references"><li id="cite_note-1"><span class="mw-cite-backlink">
<a href="#cite_ref-1">↑</a></span> <span class="reference-text">Source</span></li></ol>
</div>"""

DOCSCENTER = """<html><body><nav>Site navigation</nav><article role="main">
<section><h1>Page title<a class="headerlink" href="#t">¶</a></h1>
<div class="docscenter-service-header"><p>Service Storage</p></div>
<section><h2>Usage<a class="headerlink" href="#u">¶</a></h2>
<p>Call it<a class="footnote-reference brackets" href="#ref-1"><span
 class="fn-bracket">[</span>1<span class="fn-bracket">]</span></a>
<code class="literal"><span class="pre">{{Flags}}</span></code></p>
<div class="admonition-template-flags admonition"><p class="admonition-title">Template: Flags</p>
<p>kept parameter</p></div>
<blockquote><p>indented</p></blockquote><dl><dt>term</dt><dd><p>meaning</p></dd></dl>
<div class="admonition"><p class="admonition-title">File not imported: Flow.png</p>
<p>The flow</p></div>
<aside class="footnote brackets" id="ref-1"><span class="label"><span class="fn-bracket">[</span><a
 href="#id1">1</a><span class="fn-bracket">]</span></span><p>Source</p></aside>
</section></section></article><footer>Next page</footer></body></html>"""


def test_tokens_are_words_and_single_marks() -> None:
    assert tokens("Template:Flags it’s  a-b") == tokens("Template: Flags it ’ s a - b")
    assert tokens("it's") != tokens("it’s")  # a changed apostrophe is a difference


def test_each_side_keeps_only_what_readers_see_of_the_page() -> None:
    mediawiki, docscenter = read(mediawiki_body(MEDIAWIKI)), read(docscenter_body(DOCSCENTER))
    assert "hidden" not in mediawiki.tokens and "edit" not in mediawiki.tokens
    assert "↑" not in mediawiki.tokens and "Contents" not in mediawiki.tokens
    assert not {"¶", "Service", "navigation", "Next", "title"} & set(docscenter.tokens)
    structure = {"headings": 1, "definition lists": 1, "terms": 1, "indented blocks": 1,
                 "footnotes": 1, "images": 1}
    assert mediawiki.counts == {**structure, "links": 1}  # the red link to Template:Flags
    assert docscenter.counts == structure


def test_a_missing_file_is_the_image_and_the_text_the_wiki_shows_of_it() -> None:
    upload = "/index.php?title=Special:Upload&amp;wpDestFile="
    mediawiki = mediawiki_body(
        '<div class="mw-parser-output"><p>'
        f'<a href="{upload}A.png" class="new" title="File:A.png">The caption</a> '
        f'<a href="{upload}B.png" class="new" title="File:B.png">File:B.png</a> '
        f'<a href="{upload}C.pdf" class="new" title="C.pdf">the spec</a> '
        f'<a href="{upload}D.pdf" class="new" title="D.pdf">Media:D.pdf</a></p></div>')
    docscenter = docscenter_body(
        '<article role="main"><div class="admonition"><p class="admonition-title">File not '
        'imported: A.png</p><p>The caption</p></div><div class="admonition"><p class='
        '"admonition-title">File not imported: B.png</p><p>B.png</p></div><p>the spec '
        "[file not imported] Media:D.pdf [file not imported]</p></article>")
    assert read(mediawiki).tokens == read(docscenter).tokens == tokens(
        "The caption the spec Media:D.pdf")
    assert read(mediawiki).counts == read(docscenter).counts == {"images": 4}


def test_templates_removed_takes_out_the_missing_templates_calls() -> None:
    mediawiki, docscenter = mediawiki_body(MEDIAWIKI), docscenter_body(DOCSCENTER)
    assert text_score(read(mediawiki), read(docscenter)).f1 < 0.9
    remove_missing_templates(mediawiki, docscenter)
    after = read(mediawiki), read(docscenter)
    assert after[0].tokens == after[1].tokens
    assert after[0].counts == after[1].counts


def test_a_link_to_a_missing_template_is_not_a_call() -> None:
    link = ('<a href="/index.php?title=Template:Flags&amp;action=edit&amp;redlink=1" '
            'class="new">Template:Flags</a>')
    wikitext = "{{Flags}} and see [[Template:Flags]]."
    assert template_calls(wikitext) == {"Flags": 1}
    mediawiki = mediawiki_body(f'<div class="mw-parser-output"><p>{link} and see {link}.</p>'
                               "</div>")
    docscenter = docscenter_body('<article role="main"><p><code>{{Flags}}</code> and see '
                                 '<a href="https://wiki/Template:Flags">Template:Flags</a>.'
                                 "</p></article>")
    remove_missing_templates(mediawiki, docscenter, template_calls(wikitext))
    assert read(mediawiki).tokens == read(docscenter).tokens == tokens(
        "and see Template:Flags.")


def test_pandoc_footnote_back_links_are_not_text() -> None:
    html = ('<p>Text<a href="#fn1" class="footnote-ref"><sup>1</sup></a></p><section '
            'class="footnotes"><ol><li id="fn1">Note<a href="#fnref1" class="footnote-back">'
            "↩︎</a></li></ol></section>")
    rendering = read(pandoc_body(html))
    assert "↩" not in rendering.tokens and rendering.counts == {"footnotes": 1}


# -- the real renderers ----------------------------------------------------------------------

AGREED = """== Overview ==
Plain words, with [https://example.org/docs a link] and ''emphasis''.
* one
* two
# first
# second
{| class="wikitable"
! A !! B
|-
| 1 || 2
|}
 preformatted line
"""


@pytest.mark.mediawiki
def test_real_renderings_of_agreed_wikitext_match(mediawiki: WikiServer, tmp_path: Path) -> None:
    pages = [Page("Agreed", AGREED), Page("With template", AGREED + "{{Flags|x=1}}\n")]
    root = tmp_path / "center"
    run_cli("init", root, "--title", "Fidelity", "--no-hg")
    add_service(root, "pages")
    run_cli("-C", root, "import-wiki", write_dump(tmp_path / "d.xml", pages),
            "--service", "pages")
    run_cli("-C", root, "build")
    built = docscenter_html(root)
    agreed = compare_page("Agreed", "t", mediawiki.render(AGREED, "Agreed"), built["Agreed"])
    assert agreed.score("as is").f1 == 1.0
    assert agreed.mediawiki["as is"].counts == agreed.docscenter["as is"].counts == {
        "headings": 1, "list items": 4, "tables": 1, "rows": 2, "cells": 4, "pre blocks": 1,
        "links": 1}
    templated = compare_page("With template", "t", mediawiki.render(
        pages[1].text, "With template"), built["With template"])
    assert templated.score("as is").f1 < 1.0
    assert templated.score("templates removed").f1 == 1.0


def test_an_endpoint_signature_is_no_definition_list() -> None:
    html = ('<article role="main"><dl class="http get"><dt class="sig sig-object http">'
            "GET /x</dt><dd><p>Reads x.</p></dd></dl><dl><dt>term</dt><dd>text</dd></dl>"
            "</article>")
    assert read(docscenter_body(html)).counts == {"definition lists": 1, "terms": 1}


def test_a_footnote_without_text_is_compared_without_its_note() -> None:
    from docscenter.wiki.convert.references import NO_TEXT

    mediawiki = mediawiki_body(
        '<div class="mw-parser-output"><p>A</p><ol class="references"><li id="n">'
        '<span class="mw-cite-backlink">↑</span> '
        '<span class="error mw-ext-cite-error">Cite error: no text</span></li></ol></div>')
    docscenter = docscenter_body(
        '<article role="main"><p>A</p>'
        f'<aside class="footnote brackets" id="r"><p>{NO_TEXT}</p></aside></article>')
    assert read(mediawiki).tokens == read(docscenter).tokens == tokens("A")
    assert read(mediawiki).counts == read(docscenter).counts == {"footnotes": 1}
