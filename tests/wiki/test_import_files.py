"""The wiki's files in the center: read from a folder beside a dump (``--files``) or from the
wiki's API (imageinfo, then the file), checked, stored per service with their hashes, and
referenced locally; a missing or refused file is a report line and a visible box, never a
link to the old wiki. Judged on the files written and on the built HTML.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from docscenter.testing.mediawiki import WikiServer
from helpers import Page, add_service, png, run_cli, write_dump
from migration import DIAGRAM, DIAGRAM_V2, FILES, FLOW, SPEC, STORAGE_FINAL
from test_api import FakeWiki, answer

HOTLINK = re.compile(r"wiki\.example\.org[^\"' ]*(?:Special:FilePath|/images/)|"
                     r"127\.0\.0\.1:\d+/images/")


def make_center(root: Path) -> Path:
    run_cli("init", root, "--title", "Files", "--no-hg")
    add_service(root, "storage")
    return root


def import_json(center: Path, *args: str | Path, check: int | None = 0,
                env: dict[str, str] | None = None) -> dict[str, Any]:
    result = run_cli("-C", center, "import-wiki", *args, "--format", "json", check=check,
                     env=env)
    return json.loads(result.stdout)


def files_by_title(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["title"]: entry for entry in report["files"]}


def built_page(center: Path, docname: str) -> str:
    return (center / "build" / "html" / f"{docname}.html").read_text(encoding="utf-8")


def write_files(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


# -- from a folder beside a dump -----------------------------------------------------------------


@pytest.fixture(scope="module")
def from_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A center importing a dump with its files folder, built once."""
    work = tmp_path_factory.mktemp("folder")
    center = make_center(work / "center")
    dump = write_dump(work / "dump.xml", [Page("Storage API", STORAGE_FINAL)])
    report = import_json(center, dump, "--service", "storage", "--files",
                         write_files(work / "files", FILES))
    run_cli("-C", center, "build", "-j", "1")
    return center, report


def test_files_from_a_folder_are_stored_with_their_hashes(from_folder) -> None:
    center, report = from_folder
    stored = center / "services/storage/_files"
    assert sorted(p.name for p in stored.iterdir()) == [
        "architecture-diagram.png", "files.toml", "flow.svg", "spec.pdf"]
    assert (stored / "architecture-diagram.png").read_bytes() == DIAGRAM
    record = tomllib.loads((stored / "files.toml").read_text(encoding="utf-8"))["files"]
    by_name = {entry["name"]: entry for entry in record}
    assert by_name["spec.pdf"]["title"] == "Spec.pdf"
    assert by_name["spec.pdf"]["sha256"] == hashlib.sha256(SPEC).hexdigest()
    assert by_name["spec.pdf"]["sha1"] == hashlib.sha1(SPEC).hexdigest()
    assert by_name["spec.pdf"]["size"] == len(SPEC)
    files = files_by_title(report)
    assert {t: f["action"] for t, f in files.items()} == {
        "Architecture diagram.png": "new", "Flow.svg": "new", "Spec.pdf": "new",
        "Never uploaded.png": "missing"}
    assert files["Never uploaded.png"]["pages"] == ["Storage API"]
    assert report["file_counts"] == {"new": 3, "missing": 1}


def test_the_page_shows_images_links_downloads_and_a_box_for_a_missing_file(
        from_folder) -> None:
    center, _report = from_folder
    stub = (center / "services/storage/wiki/storage-api.rst").read_text(encoding="utf-8")
    assert ".. figure:: ../_files/architecture-diagram.png" in stub
    assert ":download:`specification <../_files/spec.pdf>`" in stub
    assert ":download:`Flow.svg <../_files/flow.svg>`" in stub
    page = built_page(center, "services/storage/wiki/storage-api")
    assert re.search(r'<img alt="The big picture" src="(\.\./)+_images/architecture-diagram.png"',
                     page)
    # SVG is active content: a download (saved, not opened), never an image in the page.
    assert re.search(r'<a class="reference download internal" download="" '
                     r'href="(\.\./)+_downloads/\w+/flow.svg"', page)
    assert "flow.svg" not in "".join(re.findall(r"<img[^>]*>", page))
    assert "File not imported: Never uploaded.png" in page and "Lost long ago" in page
    assert not HOTLINK.search(page)
    (downloaded,) = (center / "build/html/_downloads").glob("*/flow.svg")
    assert downloaded.read_bytes() == FLOW


def test_a_text_report_names_the_missing_file_and_its_pages(tmp_path: Path) -> None:
    center = make_center(tmp_path / "center")
    text = STORAGE_FINAL + "\nThe [[Media:Setup.exe|installer]].\n"
    dump = write_dump(tmp_path / "d.xml", [Page("Storage API", text)])
    # Missing files and kinds a center never holds are reported; the import succeeds.
    result = run_cli("-C", center, "import-wiki", dump, "--service", "storage")
    assert "files: 4 missing, 1 unsupported" in result.stdout
    assert ("file missing, shown as a box: Never uploaded.png (storage; no --files folder and "
            "no api.php source to read it from; used by Storage API)") in result.stdout
    assert ("file unsupported, shown as a box: Setup.exe (storage; not a kind of file a "
            "center holds; used by Storage API)") in result.stdout


def test_the_wikis_hashed_layout_and_a_re_import(tmp_path: Path) -> None:
    center = make_center(tmp_path / "center")
    dump = write_dump(tmp_path / "d.xml", [Page("P", "[[File:Architecture diagram.png]]\n"
                                                "[[Media:Spec.pdf]]")])
    # MediaWiki's own layout: images/<md5[0]>/<md5[:2]>/<name>.
    folder = write_files(tmp_path / "images", {"c/c7/Architecture_diagram.png": DIAGRAM,
                                               "Spec.pdf": SPEC})
    (center / "services/storage/_files").mkdir(parents=True)
    (center / "services/storage/_files/spec.pdf").write_bytes(b"a writer's own file")
    first = files_by_title(import_json(center, dump, "--service", "storage", "--files",
                                       folder))
    assert first["Architecture diagram.png"]["name"] == "architecture-diagram.png"
    assert first["Spec.pdf"]["name"] == "spec-2.pdf"  # the writer's file keeps its name
    assert (center / "services/storage/_files/spec.pdf").read_bytes() == b"a writer's own file"

    again = files_by_title(import_json(center, dump, "--service", "storage", "--files",
                                       folder))
    assert {t: f["action"] for t, f in again.items()} == {
        "Architecture diagram.png": "unchanged", "Spec.pdf": "unchanged"}

    (folder / "c/c7/Architecture_diagram.png").write_bytes(DIAGRAM_V2)
    (folder / "Spec.pdf").unlink()
    third = files_by_title(import_json(center, dump, "--service", "storage", "--files",
                                       folder))
    assert third["Architecture diagram.png"]["action"] == "updated"
    assert third["Architecture diagram.png"]["name"] == "architecture-diagram.png"
    assert (center / "services/storage/_files/architecture-diagram.png").read_bytes() == \
        DIAGRAM_V2
    assert third["Spec.pdf"]["action"] == "kept"  # gone from the source: the copy stays
    stub = (center / "services/storage/wiki/p.rst").read_text(encoding="utf-8")
    assert ":download:`Media:Spec.pdf <../_files/spec-2.pdf>`" in stub


def test_hostile_files_are_refused_reported_and_boxed(tmp_path: Path) -> None:
    center = make_center(tmp_path / "center")
    outside = tmp_path / "secret.png"
    outside.write_bytes(DIAGRAM)
    folder = write_files(tmp_path / "files", {
        "Fake.png": b"<html><script>alert(1)</script></html>",  # not the PNG it claims
        "Big.png": png(1, 2, 3) + bytes(4096),
        "Page.html": b"<script>alert(1)</script>",
        "Notes.rst": b".. raw:: html\n\n   <script>alert(1)</script>\n",
    })
    (folder / "Linked.png").symlink_to(outside)
    text = ("[[File:Fake.png|thumb|fake]] [[File:Big.png|big]] [[Media:Page.html|page]] "
            "[[Media:Notes.rst|notes]] [[File:Linked.png|linked]] [[File:../../etc/x.png|up]]")
    dump = write_dump(tmp_path / "d.xml", [Page("Tricks", text)])
    report = import_json(center, dump, "--service", "storage", "--files", folder, check=1,
                         env={"DOCSCENTER_MAX_FILE_SIZE": "2K"})
    files = files_by_title(report)
    assert {t: f["action"] for t, f in files.items()} == {
        "Fake.png": "refused", "Big.png": "refused", "Page.html": "unsupported",
        "Notes.rst": "unsupported", "Linked.png": "refused", "../../etc/x.png": "missing"}
    assert "not the image its name says" in files["Fake.png"]["reason"]
    assert "max_file_size" in files["Big.png"]["reason"]
    assert "not a kind of file a center holds" in files["Page.html"]["reason"]
    assert "leads out of" in files["Linked.png"]["reason"]
    assert not (center / "services/storage/_files").exists()
    run_cli("-C", center, "build", "-j", "1")
    page = built_page(center, "services/storage/wiki/tricks")
    assert page.count("File not imported:") == 4 and "page [file not imported]" in page
    article = page.split('role="main"', 1)[1].split("</article>", 1)[0]
    assert "alert(1)" not in article and "<img" not in article


# -- from the wiki's API ---------------------------------------------------------------------------


@pytest.mark.mediawiki
def test_files_through_the_api_equal_the_dump_and_folder_import(
        migration_wiki: WikiServer, tmp_path: Path) -> None:
    """Through the API (imageinfo, SHA-1 checked) the center gets the same stub and the same
    files as from the wiki's own Special:Export with the files beside it."""
    by_api = make_center(tmp_path / "api")
    report = import_json(by_api, migration_wiki.api_url, "--page", "Storage API",
                         "--service", "storage")
    files = files_by_title(report)
    assert {t: f["action"] for t, f in files.items()} == {
        "Architecture diagram.png": "new", "Flow.svg": "new", "Spec.pdf": "new",
        "Never uploaded.png": "missing"}
    assert files["Never uploaded.png"]["reason"] == "the wiki has no such file"
    record = tomllib.loads((by_api / "services/storage/_files/files.toml").read_text("utf-8"))
    sources = {entry["name"]: entry["source"] for entry in record["files"]}
    assert sources["spec.pdf"].startswith(migration_wiki.url + "/images/")

    by_dump = make_center(tmp_path / "dump")
    dump = tmp_path / "export.xml"
    dump.write_bytes(migration_wiki.export(["Storage API"]))
    import_json(by_dump, dump, "--service", "storage", "--files",
                write_files(tmp_path / "files", FILES))
    for relative in ("wiki/storage-api.rst", "_files/architecture-diagram.png",
                     "_files/flow.svg", "_files/spec.pdf"):
        api_file = by_api / "services/storage" / relative
        assert api_file.read_bytes() == (by_dump / "services/storage" / relative).read_bytes()
    again = import_json(by_api, migration_wiki.api_url, "--page", "Storage API", "--service",
                        "storage")
    assert {f["action"] for f in again["files"]} == {"unchanged", "missing"}


@pytest.mark.mediawiki
def test_an_upload_host_is_fetched_only_when_allowed(migration_install, tmp_path: Path) -> None:
    """The wiki names its files on another host ("localhost", not the API's 127.0.0.1): they
    are refused unless that host is allowed like a redirect target."""
    with migration_install.serve(upload_host="localhost") as wiki:
        center = make_center(tmp_path / "center")
        refused = import_json(center, wiki.api_url, "--page", "Storage API", "--service",
                              "storage", check=1)
        reasons = {f["title"]: f["reason"] for f in refused["files"] if f["action"] == "refused"}
        assert set(reasons) == {"Architecture diagram.png", "Flow.svg", "Spec.pdf"}
        assert "off the API's own address" in reasons["Spec.pdf"]
        assert "localhost" in reasons["Spec.pdf"]
        allowed = import_json(center, wiki.api_url, "--page", "Storage API", "--service",
                              "storage", "--redirect-host", "localhost")
        assert {f["action"] for f in allowed["files"]} == {"new", "missing"}


class FileWiki(FakeWiki):
    """A fake api.php whose imageinfo says what a test wants, and a route for the files."""

    def __init__(self, pages: dict[str, str], infos: dict[str, dict[str, Any]]) -> None:
        super().__init__(pages)
        self.infos = infos

    def __call__(self, request: Request) -> Response:
        if request.values.get("prop") == "imageinfo":
            pages = []
            for title in request.values["titles"].split("|"):
                info = self.infos.get(title.removeprefix("File:"))
                pages.append({"ns": 6, "title": title, **(
                    {"imageinfo": [info]} if info else {"missing": True})})
            return answer({"batchcomplete": True, "query": {"pages": pages}})
        return super().__call__(request)


@pytest.fixture
def file_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1")
    server.start()
    yield server
    server.clear()
    server.stop()


def test_hostile_file_answers_are_refused(file_server: HTTPServer, tmp_path: Path) -> None:
    base = file_server.url_for("")
    infos = {
        "Wrong hash.png": {"url": base + "files/a.png", "sha1": "0" * 40, "size": 69,
                           "mime": "image/png"},
        "Elsewhere.png": {"url": base.replace("127.0.0.1", "localhost") + "files/a.png",
                          "sha1": hashlib.sha1(DIAGRAM).hexdigest(), "size": 69,
                          "mime": "image/png"},
        "Script.png": {"url": "javascript:alert(1)", "sha1": "1" * 40, "size": 1,
                       "mime": "image/png"},
        "Huge.png": {"url": base + "files/a.png", "sha1": "2" * 40, "size": 10**9,
                     "mime": "image/png"},
        "Good.png": {"url": "/files/a.png", "sha1": hashlib.sha1(DIAGRAM).hexdigest(),
                     "size": 69, "mime": "image/png"},
    }
    wiki = FileWiki({"Page": " ".join(f"[[File:{name}]]" for name in infos)}, infos)
    file_server.expect_request("/w/api.php").respond_with_handler(wiki)
    file_server.expect_request("/files/a.png").respond_with_data(DIAGRAM,
                                                                 content_type="image/png")
    center = make_center(tmp_path / "center")
    report = import_json(center, file_server.url_for("/w/api.php"), "--page", "Page",
                         "--service", "storage", check=1)
    files = files_by_title(report)
    assert {t: f["action"] for t, f in files.items()} == {
        "Wrong hash.png": "refused", "Elsewhere.png": "refused", "Script.png": "refused",
        "Huge.png": "refused", "Good.png": "new"}
    assert "is not the " + "0" * 40 in files["Wrong hash.png"]["reason"]
    assert "not an http(s) URL" in files["Script.png"]["reason"]
    assert "max_file_size" in files["Huge.png"]["reason"]
    assert (center / "services/storage/_files/good.png").read_bytes() == DIAGRAM


def test_a_dry_run_reads_and_writes_no_file(tmp_path: Path) -> None:
    center = make_center(tmp_path / "center")
    dump = write_dump(tmp_path / "d.xml", [Page("Storage API", STORAGE_FINAL)])
    report = import_json(center, dump, "--service", "storage", "--files",
                         write_files(tmp_path / "files", FILES), "--dry-run")
    files = files_by_title(report)
    assert {f["action"] for f in files.values()} == {"not-fetched"}
    assert files["Spec.pdf"]["name"] == "spec.pdf"
    assert not (center / "services/storage/_files").exists()
    assert not (center / "services/storage/wiki").exists()
    missing = run_cli("-C", center, "import-wiki", dump, "--service", "storage", "--files",
                      tmp_path / "nowhere", check=2)
    assert "nowhere: the folder of wiki files does not exist" in missing.stderr
