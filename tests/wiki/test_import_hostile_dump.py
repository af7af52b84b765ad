"""Hostile Special:Export dumps: a 2 GiB page in a 2 MB ``.xml.gz``, markup inside ``<text>``,
pages, titles and site information over the size limit, and a compressed dump that inflates
past ``max_dump_size``. One oversized page is reported and skipped while the others import;
a dump that cannot be trusted fails with one line and writes nothing.
"""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import pytest

from docscenter.wiki.sources import ExportReader, SourceError, SourceLimits, SourceSession
from helpers import SITE_BASE, add_service, run_cli, run_measured, snapshot

HEAD = ('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">'
        f"<siteinfo><sitename>Wiki</sitename><base>{SITE_BASE}</base></siteinfo>")


def page(title: str, text: str = "Some text.", revision: int = 1) -> str:
    return (f"<page><title>{title}</title><ns>0</ns><revision><id>{revision}</id>"
            f"<timestamp>2024-01-01T00:00:00Z</timestamp><text>{text}</text></revision></page>")


def write(path: Path, *parts: str) -> Path:
    path.write_text(HEAD + "".join(parts) + "</mediawiki>", encoding="utf-8")
    return path


def huge_page_dump(path: Path, gib: int = 2) -> Path:
    """A dump whose middle page holds ``gib`` GiB of text, written as a gzip file of a few
    MB: a stream of gzip members (which every gzip reader joins), the 16 MiB one of the text
    repeated, so nothing large is ever made in memory or on disk."""
    block = gzip.compress(b"a" * (16 << 20), 9)
    with path.open("wb") as out:
        out.write(gzip.compress((HEAD + page("Before") + '<page><title>Huge</title><ns>0</ns>'
                                 "<revision><id>2</id><text>").encode()))
        for _ in range(gib * 64):
            out.write(block)
        out.write(gzip.compress(("</text></revision></page>" + page("After")
                                 + "</mediawiki>").encode()))
    return path


@pytest.fixture
def storage(center: Path) -> Path:
    add_service(center, "storage")
    return center


def test_a_2_gib_page_is_skipped_with_flat_memory(storage: Path, tmp_path: Path) -> None:
    dump = huge_page_dump(tmp_path / "huge.xml.gz")
    assert dump.stat().st_size < 5 << 20
    result = run_measured("-C", storage, "import-wiki", dump, "--service", "storage")
    assert result.returncode == 1, result
    assert "imported 2 pages: 2 new" in result.stdout
    assert (f"skipped, too-large: Huge ({dump}: more than 16777216 bytes (max_page_size))"
            in result.stdout)
    wiki = storage / "services" / "storage" / "wiki"
    assert sorted(p.name for p in wiki.glob("*.rst")) == ["after.rst", "before.rst", "index.rst"]
    # Reading 2 GiB of text costs seconds of processor time but never the page's size in
    # memory: a normal import peaks at about 31 MB.
    assert result.peak_rss_mb < 200, result
    assert result.cpu_seconds < 300, result


def test_markup_inside_text_is_an_error_naming_the_page(storage: Path, tmp_path: Path) -> None:
    dump = write(tmp_path / "markup.xml", page("Fine"),
                 page("Sneaky", "Before <b>bold</b> after"), page("Later"))
    before = snapshot(storage)
    result = run_cli("-C", storage, "import-wiki", dump, "--service", "storage", check=2)
    assert result.stderr.strip() == (
        f"docscenter: error: {dump}:1: page 'Sneaky': <text> holds an element <b>, not escaped "
        "text (an export escapes the markup of wiki text)")
    assert snapshot(storage) == before


@pytest.mark.parametrize("base", [
    "javascript:alert(document.cookie)//Main_Page", "data:text/html,<b>x</b>",
    "/wiki/Main_Page", "https://wiki.example.org/wiki/Main Page",
])
def test_a_hostile_base_is_an_error_naming_the_dump(storage: Path, tmp_path: Path,
                                                    base: str) -> None:
    from xml.sax.saxutils import escape

    dump = tmp_path / "base.xml"
    dump.write_text(HEAD.replace(SITE_BASE, escape(base)) + page("A") + "</mediawiki>",
                    encoding="utf-8")
    before = snapshot(storage)
    result = run_cli("-C", storage, "import-wiki", dump, "--service", "storage", check=2)
    assert result.stderr.startswith(f"docscenter: error: {dump}: <siteinfo><base>: {base!r}")
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(storage) == before


def test_a_protocol_relative_base_is_https(tmp_path: Path) -> None:
    dump = tmp_path / "relative.xml"
    dump.write_text(HEAD.replace(SITE_BASE, "//wiki.example.org/wiki/Main_Page") + page("A")
                    + "</mediawiki>", encoding="utf-8")
    reader = ExportReader(dump)
    assert reader.siteinfo.article_path == "https://wiki.example.org/wiki/$1"
    assert [p.url for p in reader] == ["https://wiki.example.org/wiki/A"]


# -- the reader's bounds, with small limits ---------------------------------------------------


def read(path: Path, **limits: int) -> tuple[list[str], list[tuple[str, str]]]:
    session = SourceSession(SourceLimits(**limits))
    titles = [p.title for p in ExportReader(path, session)]
    return titles, [(s.title, s.kind) for s in session.skipped]


@pytest.mark.parametrize("suffix", [".xml", ".xml.gz", ".xml.bz2"])
def test_pages_over_the_limit_are_skipped_in_every_format(tmp_path: Path, suffix: str) -> None:
    text = HEAD + page("Small") + page("Big", "é" * 600) + page("Last") + "</mediawiki>"
    path = tmp_path / f"dump{suffix}"
    opener = {".xml": open, ".xml.gz": gzip.open, ".xml.bz2": bz2.open}[suffix]
    with opener(path, "wb") as out:
        out.write(text.encode())
    assert read(path, max_page_size=1000) == (["Small", "Last"], [("Big", "too-large")])
    # 600 characters, but 1200 bytes: the limit is in bytes (of the text and the page's other
    # fields), like MediaWiki's own $wgMaxArticleSize.
    assert read(path, max_page_size=1300) == (["Small", "Big", "Last"], [])


def test_only_the_last_revision_counts(tmp_path: Path) -> None:
    dump = write(tmp_path / "history.xml", "<page><title>Grown small</title><ns>0</ns>"
                 f"<revision><id>1</id><text>{'x' * 5000}</text></revision>"
                 "<revision><id>2</id><text>short</text></revision></page>",
                 "<page><title>Grown big</title><ns>0</ns>"
                 "<revision><id>3</id><text>short</text></revision>"
                 f"<revision><id>4</id><text>{'x' * 5000}</text></revision></page>")
    assert read(dump, max_page_size=1000) == (["Grown small"], [("Grown big", "too-large")])


def test_an_oversized_title_is_skipped_and_named_briefly(tmp_path: Path) -> None:
    dump = write(tmp_path / "title.xml", page("T" * 5000), page("Fine"))
    titles, skipped = read(dump, max_page_size=1000)
    assert titles == ["Fine"] and skipped == [("T" * 200 + "…", "too-large")]


def test_an_oversized_siteinfo_is_an_error(tmp_path: Path) -> None:
    dump = tmp_path / "site.xml"
    dump.write_text(HEAD.replace("<sitename>Wiki", "<sitename>" + "W" * 5000) + page("A")
                    + "</mediawiki>", encoding="utf-8")
    with pytest.raises(SourceError, match=r"site\.xml:1: <siteinfo> is larger than 1000 bytes"):
        read(dump, max_page_size=1000)


def test_a_dump_inflating_past_max_dump_size_is_an_error(tmp_path: Path) -> None:
    dump = huge_page_dump(tmp_path / "big.xml.gz", gib=1)
    with pytest.raises(SourceError) as exc:
        read(dump, max_dump_size=64 << 20)
    assert str(exc.value) == f"{dump}: more than 67108864 bytes of XML (max_dump_size)"


def test_an_oversized_wiki_file_is_skipped(storage: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "Small.wiki").write_text("small", encoding="utf-8")
    (folder / "Big.wiki").write_text("b" * 3000, encoding="utf-8")
    result = run_cli("-C", storage, "import-wiki", folder, "--service", "storage",
                     env={"DOCSCENTER_MAX_PAGE_SIZE": "2K"}, check=1)
    assert (f"skipped, too-large: Big ({folder / 'Big.wiki'}: 3000 bytes, more than "
            "max_page_size (2048))") in result.stdout
    assert (storage / "services/storage/wiki/small.rst").is_file()


def test_bad_limits_in_the_environment_or_manifest_exit_2(storage: Path, tmp_path: Path) -> None:
    dump = write(tmp_path / "ok.xml", page("A"))
    result = run_cli("-C", storage, "import-wiki", dump, "--service", "storage",
                     env={"DOCSCENTER_MAX_PAGE_SIZE": "huge"}, check=2)
    assert "DOCSCENTER_MAX_PAGE_SIZE: max_page_size = 'huge': expected a size" in result.stderr
    manifest = tmp_path / "wiki.toml"
    manifest.write_text("[wiki.limits]\napi_timeout = -1\n", encoding="utf-8")
    result = run_cli("-C", storage, "import-wiki", dump, "--service", "storage", "--manifest",
                     manifest, check=2)
    assert result.stderr.strip() == (f"docscenter: error: {manifest}: wiki.limits: api_timeout "
                                     "= -1: expected a positive number of seconds")


def test_a_stub_folder_linked_out_of_its_service_is_refused(storage: Path,
                                                           tmp_path: Path) -> None:
    # A symbolic link for the folder a page's stub goes to points outside the service: the
    # import writes nothing through it.
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    before = snapshot(storage)
    (storage / "services/storage/wiki").symlink_to(outside, target_is_directory=True)
    dump = write(tmp_path / "dump.xml", page("Notes"))
    result = run_cli("-C", storage, "import-wiki", dump, "--service", "storage", check=2)
    assert "'Notes': would be written outside" in result.stderr
    assert list(outside.iterdir()) == []
    (storage / "services/storage/wiki").unlink()
    assert snapshot(storage) == before
