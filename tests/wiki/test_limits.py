"""Bounded pages: no wikitext reaches a recursion limit of the converter or of the build.

Before the limits (measured on the 2-core test machine, docscenter's own center):

- 500 leading list markers (``*`` or ``:``): RecursionError in the converter, and the
  whole import stopped with nothing imported;
- 40 nested tables: imported, then Sphinx stopped with "RecursionError: maximum recursion
  depth exceeded while pickling an object" (32 still build, with ``-j 1`` and ``-j 2``);
- headings: each becomes a label and a section, which docutils parses separately; 8,000
  labelled headings took a page's build from 5.6 s (the same text in bold paragraphs) to
  42 s, growing faster than the page; 50,000 would take many minutes.

With them (``docscenter.wiki.convert.limits``): lists deeper than 12 levels stay at the 12th,
a page nesting blocks deeper than 20 is kept as its wiki text (a literal block, reported,
exit status 1), and headings after the 1,000th are bold paragraphs. A 50,000-heading page
then converts in about 3 s of CPU and its center builds in about 45 s on the loaded test
machine (1.1 MB of text: the cost of its 100,000 paragraphs). The converter's deepest Python
stack on the hostile pages below is about 310 frames (the default limit is 1,000).

The tests assert bounds on work (stack depth, output size, labels), never times.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from docscenter.wiki.convert import ConvertOptions, convert_page
from docscenter.wiki.convert.limits import MAX_HEADINGS, MAX_LIST_DEPTH, MAX_NESTING
from helpers import Page, add_service, run_cli, write_dump


def nested_tables(depth: int) -> str:
    return "{|\n|\n" * depth + "innermost\n" + "|}\n" * depth


HOSTILE = {
    "list markers": "*" * 500 + " deep item\n",
    "indentation": ":" * 500 + " deep text\n",
    "mixed markers": "".join("*#:;"[i % 4] for i in range(500)) + " mixed\n",
    "tables": nested_tables(40),
    "html tables": "<table><tr><td>" * 60 + "x" + "</td></tr></table>" * 60,
    "divs": "<div>" * 300 + "x" + "</div>" * 300,
    "blockquotes": "<blockquote>" * 300 + "x" + "</blockquote>" * 300,
    "html lists": "<ul><li>" * 300 + "x" + "</li></ul>" * 300,
    "templates": "{{Note|" * 300 + "x" + "}}" * 300,
    "unknown templates": "{{Foo|" * 300 + "x" + "}}" * 300,
    "parser functions": "{{#if:x|" * 300 + "y" + "}}" * 300,
    "links": "[[a|" * 300 + "x" + "]]" * 300,
    "bold": "<b>" * 300 + "x" + "</b>" * 300,
    "references": "<ref>" * 300 + "x" + "</ref>" * 300,
    "everything": "<div>{{Note|\n* <blockquote>\n{|\n|\n" * 60 + "x",
}


@contextmanager
def deepest_stack() -> Iterator[list[int]]:
    """The deepest Python call stack reached inside the block (relative to its start)."""
    depth = [0, 0]

    def profile(frame: object, event: str, arg: object) -> None:
        if event == "call":
            depth[0] += 1
            depth[1] = max(depth[1], depth[0])
        elif event == "return":
            depth[0] -= 1

    sys.setprofile(profile)
    try:
        yield depth
    finally:
        sys.setprofile(None)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_nesting_is_bounded_work(name: str) -> None:
    text = HOSTILE[name]
    with deepest_stack() as depth:
        page = convert_page(text, name, ConvertOptions(label="t"))
    assert depth[1] < 400, depth  # measured at most ~310
    assert len(page.rst) < 20 * len(text) + 2000
    widest = max(len(line) - len(line.lstrip()) for line in page.rst.splitlines())
    assert widest < 4 * (MAX_NESTING + MAX_LIST_DEPTH) + 8, widest  # no runaway indentation
    if page.kept_as_wikitext:
        assert page.kept_as_wikitext == f"blocks nested more than {MAX_NESTING} deep"
        assert "\n::\n\n   " in page.rst  # the wiki text, as a literal block


def test_list_depth_stops_at_the_limit() -> None:
    text = "\n".join("*" * level + f" item {level}" for level in range(1, 40))
    rst = convert_page(text, "Deep", ConvertOptions(label="t")).rst
    indents = {len(line) - len(line.lstrip()) for line in rst.splitlines()
               if line.lstrip().startswith("* item")}
    assert max(indents) == 2 * (MAX_LIST_DEPTH - 1)
    assert all(f"item {level}" in rst for level in range(1, 40))  # nothing lost


def test_nesting_past_the_limit_keeps_the_wiki_text() -> None:
    inside = convert_page(nested_tables(MAX_NESTING - 2), "Fine", ConvertOptions(label="t"))
    assert not inside.kept_as_wikitext and inside.rst.count("innermost") == 1
    deep = convert_page(nested_tables(40), "Deep", ConvertOptions(label="t"))
    assert deep.kept_as_wikitext
    assert deep.rst.startswith(".. _t:\n\n====\nDeep\n====\n\n.. note::")
    assert "   {|\n   |\n   {|" in deep.rst


def test_headings_past_the_limit_are_bold_paragraphs() -> None:
    text = "".join(f"== h{i} ==\ntext\n" for i in range(MAX_HEADINGS + 500))
    rst = convert_page(text, "Many", ConvertOptions(label="t")).rst
    assert len(re.findall(r"^\.\. _t--", rst, re.M)) == MAX_HEADINGS
    assert f"\n**h{MAX_HEADINGS + 499}**\n" in rst


def test_one_hostile_page_does_not_stop_the_others(center: Path, tmp_path: Path) -> None:
    """Every page imports; the one too deep is kept as its wiki text and reported (exit 1),
    and the center, 50,000 headings included, builds with -j 2 and no warning."""
    add_service(center, "storage")
    dump = write_dump(tmp_path / "dump.xml", [
        Page("Before", "Fine. See [[Headings#h5|a heading]]."),
        Page("Lists", HOSTILE["list markers"] + HOSTILE["indentation"]),
        Page("Tables", nested_tables(40)),
        Page("Headings", "".join(f"== h{i} ==\n" for i in range(50_000))),
        Page("After", "Also fine."),
    ])
    # The time bound per page is another defence (test_import.py): on a busy machine the
    # 50,000-heading page may need more than its default 30 seconds.
    slow_machine = {"DOCSCENTER_PAGE_TIMEOUT": "600"}
    result = run_cli("-C", center, "import-wiki", dump, "--service", "storage",
                     "--format", "json", check=1, env=slow_machine)
    report = json.loads(result.stdout)
    actions = {page["title"]: page["action"] for page in report["pages"]}
    assert actions == {"Before": "new", "Lists": "new", "Tables": "wikitext",
                       "Headings": "new", "After": "new"}
    assert report["wikitext"] == [{"title": "Tables",
                                   "reason": f"blocks nested more than {MAX_NESTING} deep"}]
    text = run_cli("-C", center, "import-wiki", dump, "--service", "storage", check=1,
                   env=slow_machine).stdout
    assert f"kept as wiki text (blocks nested more than {MAX_NESTING} deep): Tables" in text

    build = run_cli("-C", center, "build", "-j", "2", check=None)
    assert build.returncode == 0, build.stderr
    assert "WARNING" not in build.stderr
    html = center / "build/html/services/storage/wiki"
    assert "h49999" in (html / "headings.html").read_text(encoding="utf-8")
    # Past the limit a page offers no section to link to: the link goes to the page.
    assert 'href="headings.html"' in (html / "before.html").read_text(encoding="utf-8")
