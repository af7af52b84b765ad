"""Wiki categories readers can use: each service's landing page lists its imported pages by
category, each imported page ends with its categories linked there; kept right by
incremental builds; a hostile category name stays text. Judged on the built HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import Page, add_service, run_cli, sphinx_build, write_dump

PAGES = [
    Page("Storage API", "Blobs.\n[[Category:Services]]\n[[Category:Storage|sort key]]"),
    Page("Quota", "Limits.\n[[Category:Storage]]"),
    Page("Tricky", "Odd.\n[[Category:*bold* & `tick` |sub| x_]]\n"
         "[[Category:A b]][[Category:A-b]]"),
    Page("Plain", "No category."),
]


@pytest.fixture(scope="module")
def center(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("categories") / "center"
    run_cli("init", root, "--title", "Categories", "--no-hg")
    add_service(root, "storage")
    add_service(root, "auth")
    run_cli("-C", root, "import-wiki", write_dump(root.parent / "d.xml", PAGES),
            "--service", "storage")
    _read, warnings = sphinx_build(root)
    assert warnings == ""
    return root


def page(center: Path, docname: str) -> str:
    return (center / "build/html" / f"{docname}.html").read_text(encoding="utf-8")


def index_entries(html: str) -> dict[str, list[tuple[str, str]]]:
    """Category -> (link target, page title) of the landing page's index."""
    found = re.search(r'<ul class="docscenter-wiki-categories simple">(.*?)</ul>', html, re.S)
    assert found, "no wiki categories on the landing page"
    entries = {}
    for item in re.findall(r'<li id="([^"]+)"><p><strong>(.*?)</strong>: (.*?)</p></li>',
                           found[1], re.S):
        entries[item[1]] = re.findall(r'href="([^"]+)">([^<]+)</a>', item[2])
    return entries


def test_the_landing_page_lists_the_pages_of_each_category(center: Path) -> None:
    entries = index_entries(page(center, "services/storage/index"))
    assert entries["Services"] == [("wiki/storage-api.html", "Storage API")]
    assert entries["Storage"] == [("wiki/quota.html", "Quota"),
                                  ("wiki/storage-api.html", "Storage API")]
    assert "Plain" not in str(entries)
    assert "docscenter-wiki-categories" not in page(center, "services/auth/index")


def test_each_page_links_its_categories_to_the_index(center: Path) -> None:
    html = page(center, "services/storage/wiki/storage-api")
    box = re.search(r'<p class="docscenter-page-categories">(.*?)</p>', html, re.S)
    assert box is not None
    assert re.findall(r'href="([^"]+)">([^<]+)</a>', box[1]) == [
        ("../index.html#wiki-category-services", "Services"),
        ("../index.html#wiki-category-storage", "Storage")]
    landing = page(center, "services/storage/index")
    assert 'id="wiki-category-services"' in landing
    assert "docscenter-page-categories" not in page(center, "services/storage/wiki/plain")


def test_hostile_and_clashing_category_names_stay_text(center: Path) -> None:
    landing = page(center, "services/storage/index")
    assert "<strong>*bold* &amp; `tick`</strong>" in landing  # "|" starts the sort key
    ids = re.findall(r'<li id="(wiki-category-a-b[^"]*)"', landing)
    assert sorted(ids) == ["wiki-category-a-b", "wiki-category-a-b-2"]
    tricky = page(center, "services/storage/wiki/tricky")
    targets = re.findall(r'href="\.\./index\.html#(wiki-category-[^"]+)"', tricky)
    assert sorted(targets[1:]) == sorted(ids)


def test_an_incremental_build_keeps_the_index_right(center: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(center, copy, ignore=shutil.ignore_patterns("build"))
    sphinx_build(copy)
    stub = copy / "services/storage/wiki/quota.rst"
    stub.write_text(stub.read_text(encoding="utf-8").replace(
        ":wiki-categories: Storage", ":wiki-categories: Limits"), encoding="utf-8")
    read, warnings = sphinx_build(copy)
    assert warnings == ""
    assert read == ["services/storage/wiki/quota"]  # the landing page is written again
    entries = index_entries(page(copy, "services/storage/index"))
    assert entries["Storage"] == [("wiki/storage-api.html", "Storage API")]
    assert entries["Limits"] == [("wiki/quota.html", "Quota")]
