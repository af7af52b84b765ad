"""Accessibility basics over the built HTML: every image has alt text, the headings of the
main content form an outline (no level skipped going down), and no link is called "here"."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from docscenter.wiki.convert import ConvertOptions, convert_fragment
from docscenter.wiki.options import LocalFile
from helpers import REPO, add_service, sphinx_build

#: Link texts that mean nothing out of context (screen readers list links on their own).
VAGUE_LINK_TEXTS = {"here", "click here", "this", "link", "more", "read more", "this page"}


@dataclass
class PageReport:
    """What one page does wrong."""

    images_without_alt: list[str] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)  # levels in the main content, in order
    vague_links: list[str] = field(default_factory=list)


class AccessibilityParser(HTMLParser):
    """Collects images, headings of the main content (furo's ``<article role="main">``, or
    basic's ``<div role="main">``) and link texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.report = PageReport()
        self._main_depth = 0  # >0 while inside the main content
        self._stack: list[str] = []
        self._link: list[str] | None = None
        self._link_label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "img" and not (attributes.get("alt") or "").strip():
            self.report.images_without_alt.append(attributes.get("src") or "?")
        if tag in ("img", "br", "hr", "input", "meta", "link", "source", "wbr"):
            return  # void elements never close
        if self._main_depth:
            self._main_depth += 1
        elif attributes.get("role") == "main":
            self._main_depth = 1
        if self._main_depth and len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.report.headings.append(int(tag[1]))
        if tag == "a" and attributes.get("href") is not None:
            self._link = []
            self._link_label = attributes.get("aria-label") or attributes.get("title") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("img", "br", "hr", "input", "meta", "link", "source", "wbr"):
            return
        if self._main_depth:
            self._main_depth -= 1
        if tag == "a" and self._link is not None:
            text = " ".join("".join(self._link).split()).lower()
            if text.strip(" .:!") in VAGUE_LINK_TEXTS or not (text or self._link_label):
                self.report.vague_links.append(text or "(empty)")
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link.append(data)


def outline_problems(levels: list[int]) -> list[str]:
    """Where a heading skips a level going down (h1 then h3), or the page lacks an h1 first."""
    problems = []
    if levels and levels[0] != 1:
        problems.append(f"first heading is h{levels[0]}")
    for before, after in zip(levels, levels[1:], strict=False):
        if after > before + 1:
            problems.append(f"h{before} followed by h{after}")
    return problems


def check_site(html: Path) -> dict[str, list[str]]:
    """Every page's problems, by path relative to the output folder; {} when all is well."""
    problems: dict[str, list[str]] = {}
    for page in sorted(html.rglob("*.html")):
        if "_static" in page.parts or "_sources" in page.parts:
            continue
        parser = AccessibilityParser()
        parser.feed(page.read_text(encoding="utf-8"))
        report = parser.report
        found = [f"image without alt text: {src}" for src in report.images_without_alt]
        found += outline_problems(report.headings)
        found += [f"vague link text: {text!r}" for text in report.vague_links]
        if found:
            problems[str(page.relative_to(html))] = found
    return problems


@pytest.fixture(scope="module")
def repository_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's center, built strictly into a temporary folder."""
    out = tmp_path_factory.mktemp("repo-site")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "build", "-b", "html", "-W", "-n", "-q",
         "-d", str(out / "doctrees"), str(REPO), str(out / "html")],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out / "html"


def test_the_repository_center_is_accessible(repository_site: Path) -> None:
    assert (repository_site / "source" / "index.html").is_file()
    assert check_site(repository_site) == {}


def test_a_new_center_is_accessible(center: Path) -> None:
    """What ``init`` and ``new-service`` produce, with the center's templates."""
    add_service(center, "alpha", "--api-version", "1.0", "--api-version", "2.0")
    sphinx_build(center)
    assert check_site(center / "build" / "html") == {}


def test_the_checker_finds_each_problem(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '<html><body><nav><h4>Menu</h4></nav><article role="main"><h1>Title</h1>'
        '<img src="a.png"><img src="b.png" alt="A diagram"><h3>Skipped</h3>'
        '<p>See <a href="x.html">here</a> or <a href="y.html"> Click  here.</a>'
        ' or <a href="z.html" title="The token service"><svg></svg></a>'
        ' or <a href="w.html"></a>.</p></article></body></html>')
    assert check_site(tmp_path) == {"page.html": [
        "image without alt text: a.png", "h1 followed by h3", "vague link text: 'here'",
        "vague link text: 'click here.'", "vague link text: '(empty)'"]}


def test_imported_figures_take_the_caption_as_alt_text() -> None:
    files = {"Token flow.png": LocalFile("../_files/token-flow.png", inline=True)}
    options = ConvertOptions(label="wiki", wiki_url="https://wiki.example.org/wiki/$1",
                             files=files)
    rst = convert_fragment("[[File:Token flow.png|thumb|How a token is issued]]", options)
    assert ":alt: How a token is issued" in rst
