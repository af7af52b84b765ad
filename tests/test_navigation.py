"""The sidebar navigation, resolved once per build: what each page's sidebar shows, that it is
escaped, and that writing a page never resolves the whole toctree again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sphinx.builders.html

from helpers import add_service, sphinx_build


def sidebar(root: Path, page: str) -> str:
    html = (root / "build/html" / f"{page}.html").read_text()
    return html.split('<div class="sidebar-tree">', 1)[1].split("</div>", 1)[0]


def links(fragment: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", text) for text in re.findall(r"<a [^>]*>(.*?)</a>", fragment)]


@pytest.fixture
def built(center: Path) -> Path:
    add_service(center, "alpha", "--api-version", "1.0", "--title", "Alpha")
    add_service(center, "beta", "--api-version", "2.0", "--title", "Beta")
    api = center / "services/alpha/apis-1.0.rst"
    api.write_text(api.read_text() + "\n.. http:get:: /alpha/1.0/things\n\n   The things.\n")
    _, warnings = sphinx_build(center)
    assert warnings == ""
    return center


def test_a_service_page_shows_its_service_open(built: Path) -> None:
    tree = sidebar(built, "services/alpha/history")
    shown = links(tree)
    assert {"Alpha", "Alpha API v1.0", "History", "Beta", "Glossary"} <= set(shown)
    assert "Beta API v2.0" not in shown  # other services: one link each
    current = re.search(r'<li class="([^"]*current-page[^"]*)"><a ([^>]*)>History</a>', tree)
    assert current and 'href="#"' in current.group(2)
    assert 'checked=""' in tree  # the open service's switch is on: no JavaScript needed
    assert 'href="../../services/beta/index.html"' in tree


def test_a_center_page_lists_every_service_and_the_routing_table(built: Path) -> None:
    tree = sidebar(built, "source/glossary")
    shown = links(tree)
    assert {"Alpha", "Beta", "Glossary", "HTTP Routing Table"} <= set(shown)
    assert "Alpha API v1.0" not in shown and 'checked=""' not in tree
    assert 'href="../http-routingtable.html"' in tree
    routing = sidebar(built, "http-routingtable")
    assert re.search(r'current-page[^>]*><a class="current reference internal" href="#">'
                     r"HTTP Routing Table", routing)


def test_titles_in_the_sidebar_are_text(built: Path) -> None:
    page = built / "services/beta/notes.rst"
    page.write_text("<script>alert(1)</script>/notes\n" + "=" * 40 + "\n\nText.\n")
    index = built / "services/beta/index.rst"
    index.write_text(index.read_text().replace("   history\n", "   history\n   notes\n"))
    sphinx_build(built)
    tree = sidebar(built, "services/beta/notes")
    assert "<script>" not in tree
    assert "&lt;script&gt;alert(1)&lt;/<wbr>script&gt;/<wbr>notes" in tree


def test_writing_pages_never_resolves_the_whole_toctree(built: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = sphinx.builders.html.global_toctree_for_doc

    def counting(env, docname, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(docname)
        return original(env, docname, *args, **kwargs)

    monkeypatch.setattr(sphinx.builders.html, "global_toctree_for_doc", counting)
    (built / "build").rename(built / "old-build")  # every page written again
    sphinx_build(built)
    assert calls == []
    assert "Beta" in links(sidebar(built, "services/alpha/index"))
