"""Export dumps and ``.wiki`` files as page sources (no network here; see test_api.py)."""

from __future__ import annotations

import bz2
import gzip
import re
from pathlib import Path

import pytest

from docscenter.wiki.sources import (
    ExportReader,
    SiteInfo,
    SkippedPage,
    SourceError,
    SourceSession,
    WikiPage,
    open_source,
    read_wiki_files,
)
from helpers import corpus

DATA = Path(__file__).parent / "data"


def one_line(exc: pytest.ExceptionInfo[SourceError]) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


# -- export dumps ------------------------------------------------------------------------------


def test_schema_0_8_last_revision_redirect_and_siteinfo() -> None:
    reader = ExportReader(DATA / "export-0.8.xml")
    pages = list(reader)
    assert [p.title for p in pages] == ["Services:Storage", "Storage"]
    storage, redirect = pages
    assert storage == WikiPage(
        title="Services:Storage",
        text="== Goal ==\nStore blobs & keep them <forever>.",
        namespace=100,
        revision=502,
        timestamp="2013-03-04T11:22:33Z",
        contributor="192.0.2.7",
        redirect=None,
        url="https://wiki.example.org/wiki/Services:Storage",
        source=str(DATA / "export-0.8.xml"),
    )
    assert redirect.redirect == "Services:Storage"
    assert redirect.revision == 503 and redirect.namespace == 0
    assert reader.siteinfo == SiteInfo(
        sitename="Services Wiki",
        base="https://wiki.example.org/wiki/Main_Page",
        article_path="https://wiki.example.org/wiki/$1",
        namespaces={-1: "Special", 0: "", 1: "Talk", 100: "Services"},
        cases={-1: "first-letter", 0: "first-letter", 1: "first-letter",
               100: "first-letter"},
    )


def test_schema_0_10_unicode_index_php_base_and_deleted_revision() -> None:
    reader = ExportReader(DATA / "export-0.10.xml")
    # siteinfo first: read from the head of the file without iterating the pages
    assert reader.siteinfo.sitename == "Dienste"
    assert reader.siteinfo.article_path == "https://wiki.example.de/index.php?title=$1"
    assert reader.siteinfo.namespaces == {0: "", 3000: "WPD"}
    umlaut, hidden = list(reader)
    assert umlaut.title == "WPD:Größen/Übersicht"
    assert umlaut.text == "Maße: 10\u00a0µm — ☃ and 𝄞 survive."
    assert umlaut.contributor == "Jürgen"
    assert umlaut.url == (
        "https://wiki.example.de/index.php?title=WPD:Gr%C3%B6%C3%9Fen/%C3%9Cbersicht"
    )
    # a revision whose text and author were suppressed on the wiki
    assert (hidden.text, hidden.contributor, hidden.revision) == ("", None, 9002)


def test_schema_0_11_takes_last_of_several_revisions() -> None:
    (page,) = list(ExportReader(DATA / "export-0.11.xml"))
    assert page.title == "Token Server/API v1.0"
    assert page.revision == 7003
    assert page.timestamp == "2022-03-03T03:03:03Z"
    assert page.contributor == "Dave"
    assert page.text.endswith("Returns a token (newest).")
    assert page.url == "https://docs.example.org/wiki/Token_Server/API_v1.0"


def test_siteinfo_missing_gives_empty_siteinfo(tmp_path: Path) -> None:
    dump = tmp_path / "bare.xml"
    dump.write_text(
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">'
        "<page><title>A</title><ns>0</ns><revision><id>1</id><text>a</text></revision></page>"
        "</mediawiki>",
        encoding="utf-8",
    )
    reader = ExportReader(dump)
    assert reader.siteinfo == SiteInfo(None, None, None, {})
    (page,) = list(reader)
    assert (page.title, page.text, page.url) == ("A", "a", None)


@pytest.mark.parametrize("suffix", [".xml.gz", ".xml.bz2"])
def test_compressed_dumps(tmp_path: Path, suffix: str) -> None:
    dump = tmp_path / f"dump{suffix}"
    opener = gzip.open if suffix == ".xml.gz" else bz2.open
    with opener(dump, "wb") as out:
        out.write((DATA / "export-0.11.xml").read_bytes())
    (page,) = list(ExportReader(dump))
    assert page.revision == 7003


@pytest.mark.corpus
def test_real_corpus_yields_every_page_with_revision_and_timestamp() -> None:
    reader = ExportReader(corpus("wpd/export.xml"))
    pages = list(reader)
    assert len(pages) == 372
    assert len({p.title for p in pages}) == 372
    assert all(p.title.startswith("WPD:") and p.namespace == 3000 for p in pages)
    assert all(isinstance(p.revision, int) and p.revision > 0 for p in pages)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", p.timestamp or "") for p in pages)
    assert reader.siteinfo.article_path == "https://docs.webplatform.org/wiki/$1"
    # The dump and the raw files of the corpus hold the same text. The dump's titles are as
    # the wiki writes them (first letter after the namespace upper case: "WPD:discuss" is
    # "WPD:Discuss"); the files are named as the pages were linked.
    canonical = reader.siteinfo.canonical_title
    files = {canonical(p.title, 3000): p.text
             for p in read_wiki_files([corpus("wpd/pages")], prefix="WPD:")}
    assert files == {p.title: p.text for p in pages}
    assert {"WPD:Discuss", "WPD:FontSizeProto"} <= files.keys()


# -- hostile and broken XML --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line"),
    [("billion-laughs.xml", 2), ("external-entity.xml", 2), ("external-dtd.xml", 2)],
)
def test_dtd_and_entities_are_refused(name: str, line: int) -> None:
    path = DATA / name
    with pytest.raises(SourceError) as exc:
        list(ExportReader(path))
    message = one_line(exc)
    assert message.startswith(f"{path}:{line}: refused:")
    assert "document type declaration" in message
    # the siteinfo path reads the same head and refuses it too
    with pytest.raises(SourceError):
        ExportReader(path).siteinfo  # noqa: B018


def test_quadratic_blowup_is_refused(tmp_path: Path) -> None:
    dump = tmp_path / "quadratic.xml"
    blob = "x" * 100_000
    dump.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY a "{blob}">]>\n'
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/"><page><title>Q</title>'
        f"<revision><text>{'&a;' * 20_000}</text></revision></page></mediawiki>",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match=r"quadratic\.xml:2: refused"):
        list(ExportReader(dump))


def test_truncated_dump_names_file_and_line_after_yielding_complete_pages() -> None:
    path = DATA / "truncated.xml"
    reader = iter(ExportReader(path))
    assert next(reader).title == "Complete"
    with pytest.raises(SourceError) as exc:
        next(reader)
    assert re.fullmatch(
        rf"{re.escape(str(path))}:11:\d+: malformed XML: no element found", one_line(exc)
    )


def test_malformed_dump_names_line(tmp_path: Path) -> None:
    dump = tmp_path / "bad.xml"
    dump.write_text(
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">\n<page>\n'
        "<title>A</title>\n<revision><text>x</revision>\n</page>\n</mediawiki>\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match=r"bad\.xml:4:\d+: malformed XML: mismatched tag"):
        list(ExportReader(dump))


def test_wrong_root_is_refused() -> None:
    path = DATA / "wrong-root.xml"
    with pytest.raises(SourceError) as exc:
        list(ExportReader(path))
    assert one_line(exc).startswith(f"{path}: not a MediaWiki export: the root element is <rss>")


def test_foreign_namespace_mediawiki_root_is_refused(tmp_path: Path) -> None:
    dump = tmp_path / "other.xml"
    dump.write_text('<mediawiki xmlns="urn:example:other"/>', encoding="utf-8")
    with pytest.raises(SourceError, match="namespace urn:example:other"):
        ExportReader(dump).siteinfo  # noqa: B018


def test_missing_dump_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"nope\.xml: cannot read"):
        list(ExportReader(tmp_path / "nope.xml"))


# -- .wiki files -------------------------------------------------------------------------------


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_folder_sorted_nested_with_prefix(tmp_path: Path) -> None:
    root = tmp_path / "pages"
    write(root / "Editors_Guide" / "Topic_Hierarchy.wiki", "topics")
    write(root / "Editors_Guide.wiki", "guide")
    write(root / "About.wiki", "about ☃")
    write(root / "notes.txt", "not a page")
    pages = list(read_wiki_files([root], prefix="WPD:"))
    assert [p.title for p in pages] == [
        "WPD:About",
        "WPD:Editors Guide",
        "WPD:Editors Guide/Topic Hierarchy",
    ]
    assert pages[0].text == "about ☃"
    assert pages[2].source == str(root / "Editors_Guide" / "Topic_Hierarchy.wiki")
    assert all(p.revision is None and p.redirect is None for p in pages)


def test_file_argument_uses_stem_and_no_prefix(tmp_path: Path) -> None:
    file = write(tmp_path / "deep" / "Token_Server_API.wiki", "x\r\ny\r\n")
    (page,) = list(read_wiki_files([file]))
    assert page.title == "Token Server API"
    assert page.text == "x\ny\n"  # stored the way MediaWiki stores text


def test_several_arguments_keep_their_order(tmp_path: Path) -> None:
    b = write(tmp_path / "b" / "B.wiki", "b")
    a = write(tmp_path / "A.wiki", "a")
    assert [p.title for p in read_wiki_files([b.parent, a], prefix="P/")] == ["P/B", "P/A"]


def test_redirect_file(tmp_path: Path) -> None:
    file = write(tmp_path / "Old.wiki", "#redirect [[New_Page#Section|x]]\n")
    (page,) = list(read_wiki_files([file]))
    assert page.redirect == "New Page"


def test_non_utf8_file_names_file_and_line(tmp_path: Path) -> None:
    file = write(tmp_path / "Latin.wiki", "line one\nCaf\xe9\n".encode("latin-1"))
    with pytest.raises(SourceError) as exc:
        list(read_wiki_files([file]))
    assert one_line(exc) == f"{file}:2: not UTF-8 text (byte 0xe9 at offset 12)"


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file or folder"):
        list(read_wiki_files([tmp_path / "gone"]))


# -- open_source dispatch ----------------------------------------------------------------------


def test_open_source_dump_with_siteinfo() -> None:
    pages, site = open_source(str(DATA / "export-0.8.xml"))
    assert site is not None and site.sitename == "Services Wiki"
    assert [p.title for p in pages] == ["Services:Storage", "Storage"]


def test_open_source_dump_selects_pages_and_prefix() -> None:
    pages, _ = open_source(str(DATA / "export-0.8.xml"), pages=["Storage"])
    # "Storage" redirects to "Services:Storage": the target comes along, as through the API.
    assert [p.title for p in pages] == ["Services:Storage", "Storage"]
    pages, _ = open_source(str(DATA / "export-0.8.xml"), pages=["services:storage"])
    assert [p.title for p in pages] == ["Services:Storage"]
    pages, _ = open_source(str(DATA / "export-0.8.xml"), prefix="Services:")
    assert [p.title for p in pages] == ["Services:Storage"]
    pages, _ = open_source(str(DATA / "export-0.8.xml"), prefix="services:s")
    assert [p.title for p in pages] == ["Services:Storage"]


def test_open_source_dump_notes_pages_it_lacks_and_reads_the_others() -> None:
    session = SourceSession()
    spec = str(DATA / "export-0.8.xml")
    pages, _ = open_source(spec, pages=["Storage", "Nowhere"], session=session)
    # "Storage" redirects to "Services:Storage", which comes along.
    assert [p.title for p in pages] == ["Services:Storage", "Storage"]
    assert session.skipped == [SkippedPage("Nowhere", spec, "missing", "not in this source")]


def test_open_source_folder_and_file(tmp_path: Path) -> None:
    write(tmp_path / "Guide" / "A_B.wiki", "ab")
    pages, site = open_source(str(tmp_path), title_prefix="WPD:")
    assert site is None
    assert [p.title for p in pages] == ["WPD:Guide/A B"]
    pages, _ = open_source(str(tmp_path / "Guide" / "A_B.wiki"))
    assert [p.title for p in pages] == ["A B"]


def test_open_source_refuses_unknown_things(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file or folder"):
        open_source(str(tmp_path / "nothing.xml"))
    odd = write(tmp_path / "notes.txt", "x")
    with pytest.raises(SourceError, match="unknown kind of source"):
        open_source(str(odd))
    with pytest.raises(SourceError, match="name the pages"):
        open_source("https://wiki.example.org/w/api.php")
