"""Converter fixtures: ``cases/<construct>.mwtest``, one construct per file.

Fixture format (plain text, sections start with a line ``--- <section>``)::

    --- name
    What the case shows (free text, ignored by the test).
    --- options                 (optional)
    page: Page title            convert with convert_page (else convert_fragment)
    wiki_url:                   empty -> no wiki URL (default: https://wiki.example.org/wiki/$1)
    files: A.png, Spec.pdf      the wiki files the importer placed (in ../_files/)
    --- wikitext
    <input>
    --- rst
    <expected reST, compared exactly after stripping blank lines at both ends>
    --- meta                    (optional, page cases: expected ConvertedPage fields)
    redirect: Target            categories: A, B        title: T
    unknown: Name=2, Other=1    images: A.png           glossary: Term, Other term

Any other section or key fails the loader (``rstcases.FixtureError``), naming the file.

Every case's output is also parsed with docutils: no system message, and no raw, include,
substitution or foreign target node. The build test puts every case into one Sphinx project
and builds it with -W -n.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docscenter.core.vocabulary import FILES_FOLDER
from docscenter.wiki.convert import ConvertedPage, convert_fragment, convert_page
from helpers import png
from rstcases import Case, all_cases, parse_rst, sibling_pages, unsafe_nodes

CASES = all_cases()


def convert(case: Case) -> tuple[str, ConvertedPage | None]:
    options = case.convert_options()
    if "page" in case.options:
        page = convert_page(case.wikitext + "\n", case.options["page"], options)
        return page.rst, page
    return convert_fragment(case.wikitext + "\n", options), None


def test_enough_cases() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case) -> None:
    out, page = convert(case)
    assert out.strip("\n") == case.rst
    doctree, messages = parse_rst(out)
    assert messages == []
    assert unsafe_nodes(doctree, case.label) == []
    assert "root:" not in doctree.astext()
    if page is None:
        return
    meta = case.meta
    if "redirect" in meta:
        assert page.redirect == meta["redirect"]
    if "title" in meta:
        assert page.title == meta["title"]
    if "categories" in meta:
        assert page.categories == [c.strip() for c in meta["categories"].split(",")]
    if "images" in meta:
        assert page.images == [c.strip() for c in meta["images"].split(",")]
    if "glossary" in meta:
        assert [t for t, _ in page.glossary] == [c.strip() for c in meta["glossary"].split(",")]
    if "unknown" in meta:
        expected = {}
        for item in meta["unknown"].split(","):
            name, _, count = item.strip().rpartition("=")
            expected[name] = int(count)
        assert dict(page.unknown_templates) == expected


def test_sphinx_build_has_no_warnings(tmp_path: Path) -> None:
    """All cases as pages of one Sphinx project: -W -n build succeeds, nothing printed."""
    from sphinx.cmd.build import build_main

    src = tmp_path / "src"
    (src / "cases").mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib.httpdomain"]\nproject = "t"\n', encoding="utf-8"
    )
    toc = []
    for docname, text in sibling_pages().items():
        (src / docname).parent.mkdir(parents=True, exist_ok=True)
        (src / (docname + ".rst")).write_text(text, encoding="utf-8")
        toc.append(docname)
    for case in CASES:
        for local in case.local_files().values():  # a tiny real PNG serves every kind
            (src / FILES_FOLDER).mkdir(exist_ok=True)
            (src / FILES_FOLDER / local).write_bytes(png())
        out, page = convert(case)
        if page is None:
            title = case.name
            out = f".. _{case.label}:\n\n{title}\n{'=' * len(title)}\n\n{out}"
        (src / "cases" / f"{case.name}.rst").write_text(out, encoding="utf-8")
        toc.append(f"cases/{case.name}")
    index = "Index\n=====\n\n.. toctree::\n\n" + "".join(f"   {d}\n" for d in toc)
    (src / "index.rst").write_text(index, encoding="utf-8")
    warnings = tmp_path / "warnings.txt"
    status = build_main(
        ["-W", "-n", "-q", "-b", "html", "-w", str(warnings), str(src), str(tmp_path / "out")]
    )
    assert warnings.read_text(encoding="utf-8") == ""
    assert status == 0
