"""Hostile content through every writer, judged on the built HTML (and everything else under
``build/``).

One center is made with hostile values everywhere a writer takes them: ``init --title``,
``new-service --title/--summary``, ``service.toml`` addresses, wiki pages (every converter
construct, a glossary merged with ``--glossary``, endpoint fields, a page too deep to
convert, a title with a terminal escape), an imported page nobody edited that holds markup
the importer never writes, and a page a writer edited with links to scripts. Every payload
names ``XSSMARK``; a file of this machine holds a secret that every payload tries to
include. The center is built once; each test then looks at what readers would get.

Each defence has a test that fails without it: the scheme escaping of text and the link
schemes of the converter (nothing refused, the text shown as written), the glossary
merge (the secret, a live download or a script link in the glossary), endpoint fields (the
endpoint page refused), the build's address guard (the edited page's links), service.toml
rendering (its addresses shown as text, the guard never needed), the importer's vocabulary in
the build (the secret included by the untouched stub), the limits (the deep page) and the
report's escaping (a terminal escape).
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from docscenter.wiki.stubs import Provenance, render_stub
from helpers import Page, run_cli, write_dump

HERE = Path(__file__).parent / "security"
SMART_QUOTES = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")
XSS = "XSSMARK"
ALLOWED = {"http", "https", "mailto"}
# Attributes whose value is an address (or a list of them).
ADDRESS_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "imagesrcset", "data",
                      "poster", "background", "cite", "longdesc", "ping", "codebase",
                      "archive", "icon", "manifest", "xlink:href", "usemap", "lowsrc",
                      "dynsrc", "profile", "classid"}
ACTIVE_ELEMENTS = {"script", "style", "iframe", "frame", "frameset", "object", "embed",
                   "applet", "form", "input", "button", "base", "meta", "link", "svg",
                   "math", "template", "portal"}
TEXT_ATTRIBUTES = {"title", "alt", "aria-label", "id", "href"}
NEVER_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base",
                  "portal"}


@dataclass
class Built:
    root: Path
    secret: str
    marker: str  # the secret file, relative to the wiki's stubs
    glossary_marker: str  # relative to the glossary
    service_marker: str  # relative to the service's own pages
    imports: dict[str, dict]
    report_text: str
    build_stderr: str
    build_status: int


def scheme_of(address: str) -> str | None:
    """The scheme a browser reads: entities decoded (by the parser), white space and control
    characters dropped, lower case; None for a relative address."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", address)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return match[1].lower() if match else None


def addresses(tag: Tag) -> Iterator[tuple[str, str]]:
    for name, value in tag.attrs.items():
        values = value if isinstance(value, list) else [value]
        if name.lower() in ("srcset", "imagesrcset"):
            values = [part.strip().split(" ")[0] for v in values for part in v.split(",")]
        if name.lower() in ADDRESS_ATTRIBUTES:
            yield from ((name, v) for v in values)
        elif name.lower() == "content" and tag.name == "meta" and "url=" in str(value).lower():
            yield name, str(value).lower().split("url=", 1)[1]
        elif name.lower() == "style" and "url(" in str(value).lower():
            yield name, str(value).lower().split("url(", 1)[1].strip("'\" )")


def write_hostile_center(root: Path, work: Path, secret: str) -> dict[str, object]:
    """Every writer, fed hostile values; returns the import reports and the report text."""
    marker = work / "marker.txt"
    marker.write_text(secret + "\n", encoding="utf-8")
    # Sphinx reads an absolute path in a page as relative to the center: the file is named
    # relative to where each text lands (the wiki's stubs, the glossary, a service's pages).
    stubs, service = root / "services/storage/wiki", root / "services/storage"

    def fill(name: str, folder: Path = stubs) -> str:
        text = (HERE / name).read_text(encoding="utf-8")
        return (text.replace("{marker}", os.path.relpath(marker, folder))
                .replace("{glossary_marker}", os.path.relpath(marker, root / "source")))

    from_service = os.path.relpath(marker, service)
    run_cli("init", root, "--no-hg", "--title",
            f"Center javascript:alert('{XSS}90') <script>alert('{XSS}91')</script>")
    run_cli("-C", root, "new-service", "storage",
            "--title", f"Storage javascript:alert('{XSS}92') :download:`{from_service}`",
            "--summary", f"Keeps data:text/html,{XSS}93 and `x <javascript:alert('{XSS}94')>`__"
                         f" .. include:: {from_service}",
            "--owner", "Ada Lovelace <ada@example.org>")
    toml = root / "services/storage/service.toml"
    text = toml.read_text(encoding="utf-8")
    for key, value in [("server_repo", f"data:text/html,{XSS}95"),
                       ("client_repo", f"vbscript:{XSS}96"),
                       ("ci_url", f"javascript:alert('{XSS}97')")]:
        text = re.sub(rf"^{key} = .*$", f'{key} = "{value}"', text, flags=re.M)
    text += f'\n[[wiki_pages]]\ntitle = "Old"\nurl = "javascript:alert(\'{XSS}98\')"\n'
    toml.write_text(text, encoding="utf-8")

    deep = "{|\n|\n" * 40 + "x\n" + "|}\n" * 40
    dump = write_dump(work / "dump.xml", [
        Page("Constructs", fill("constructs.wiki")),
        Page("Glossary notes", fill("glossary.wiki")),
        Page("Endpoints", fill("endpoints.wiki")),
        Page(f"Deep javascript:alert('{XSS}99')", deep),
    ])
    imports = {"dump": json.loads(run_cli(
        "-C", root, "import-wiki", dump, "--service", "storage", "--glossary",
        "--format", "json", check=1).stdout)}
    folder = work / "files"
    folder.mkdir()
    (folder / "Escape\x1b[2Jpage.wiki").write_text("A page named with a terminal escape.\n")
    report_text = run_cli("-C", root, "import-wiki", folder, "--service", "storage",
                          "--dry-run").stdout

    wiki = root / "services/storage/wiki"
    body = fill("crafted.rst.txt")
    (wiki / "crafted.rst").write_text(render_stub(Provenance("Crafted"), body))
    (root / "services/storage/edited.rst").write_text(fill("edited.rst", service))
    index = root / "services/storage/index.rst"
    index.write_text(index.read_text().replace("   history\n",
                                               "   history\n   edited\n   wiki/crafted\n"))
    return {"imports": imports, "report_text": report_text, "marker": marker}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    work = tmp_path_factory.mktemp("security")
    root = work / "center"
    secret = f"DOCSCENTER-SECRET-{work.name}-{id(work)}"
    made = write_hostile_center(root, work, secret)
    build = run_cli("-C", root, "build", check=None)
    relative = [os.path.relpath(made["marker"], root / folder)  # type: ignore[arg-type]
                for folder in ("services/storage/wiki", "source", "services/storage")]
    return Built(root, secret, *relative, made["imports"],  # type: ignore[arg-type]
                 made["report_text"], build.stderr, build.returncode)  # type: ignore[arg-type]


def html_files(built: Built) -> list[Path]:
    return sorted((built.root / "build").rglob("*.html"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def visible(built: Built, docname: str) -> str:
    """The text of a page's article as readers see it, white space left out (highlighting
    and line-breaking hints split words in the HTML)."""
    page = soup(built.root / "build/html" / f"{docname}.html")
    article = page.find("article") or page
    text = "".join(article.get_text("").split())
    return text.translate(SMART_QUOTES)  # Sphinx curls quotes in text (not in literals)


def shows(built: Built, docname: str, *texts: str) -> list[str]:
    """The ``texts`` the page does not show (white space aside)."""
    seen = visible(built, docname)
    return [text for text in texts if "".join(text.split()) not in seen]


def warnings_of(built: Built, subtype: str) -> list[str]:
    return [line for line in built.build_stderr.splitlines()
            if f"[docscenter.{subtype}]" in line]


# -- what every page of the site must never hold ----------------------------------------------

def test_the_site_was_built(built: Built) -> None:
    # Warnings are expected (the hostile values are reported); the HTML is still written.
    assert built.build_status == 1, built.build_stderr
    assert len(html_files(built)) > 10
    assert "Traceback" not in built.build_stderr


def test_no_address_with_a_forbidden_scheme(built: Built) -> None:
    found = []
    for path in html_files(built):
        for tag in soup(path).find_all(True):
            for name, address in addresses(tag):
                scheme = scheme_of(address)
                if scheme is not None and scheme not in ALLOWED:
                    found.append((path.name, tag.name, name, address))
    assert found == []


def test_no_element_or_attribute_from_wiki_text(built: Built) -> None:
    found = []
    for path in html_files(built):
        for tag in soup(path).find_all(True):
            if tag.name in NEVER_ELEMENTS:
                found.append((path.name, tag.name))
            if any(name.lower().startswith("on") for name in tag.attrs):
                found.append((path.name, tag.name, sorted(tag.attrs)))
            # Wiki text may be an attribute's text (a title, an alternative text, a label, an
            # identifier made of it, an address judged above), never any other attribute.
            if any(XSS in str(value) and name not in TEXT_ATTRIBUTES
                   for name, value in tag.attrs.items()):
                found.append((path.name, tag.name, tag.attrs))
            if tag.name in ACTIVE_ELEMENTS and XSS in tag.decode_contents():
                found.append((path.name, tag.name, tag.decode_contents()[:80]))
    assert found == []


def test_no_content_of_a_local_file_anywhere_under_build(built: Built) -> None:
    secret = built.secret.encode()
    leaked = [path for path in (built.root / "build").rglob("*")
              if path.is_file() and secret in path.read_bytes()]
    assert leaked == []


def test_nothing_copied_from_the_machine(built: Built) -> None:
    html_dir = built.root / "build/html"
    assert not (html_dir / "_downloads").exists()
    assert not (html_dir / "_images").exists()


# -- each writer -----------------------------------------------------------------------------

def test_every_wiki_page_imports_and_shows_its_text(built: Built) -> None:
    """The converter escapes text (a scheme's colon, markup): nothing it writes is refused,
    and readers see the wiki's text as written."""
    report = built.imports["dump"]
    actions = {page["title"]: page["action"] for page in report["pages"]}
    assert actions == {"Constructs": "new", "Glossary notes": "new", "Endpoints": "new",
                       f"Deep javascript:alert('{XSS}99')": "wikitext"}
    assert report["refused"] == []
    assert shows(built, "services/storage/wiki/constructs",
                 f"javascript:alert('{XSS}03')", f"x.javascript:alert('{XSS}04')",
                 f"a-data:{XSS}05", f"file:///etc/passwd?{XSS}06",
                 f"Caption javascript:alert('{XSS}08')", f"vbscript:msgbox('{XSS}09')",
                 f"<script>alert('{XSS}11')</script>", f"javascript:alert('{XSS}13')",
                 f"[javascript:alert('{XSS}16') click]", f"ftp://files.example.org/{XSS}19",
                 f'<a href="javascript:alert(\'{XSS}20\')"', f".. include:: {built.marker}",
                 f":download:`{built.marker}`") == []
    # Nothing the wiki wrote became a warning of the build.
    imported = [line for line in built.build_stderr.splitlines() if "/wiki/" in line
                and "crafted.rst" not in line]
    assert imported == []


def test_glossary_terms_and_definitions_stay_text(built: Built) -> None:
    glossary = built.root / "source/glossary.rst"
    assert f".. literalinclude:: {built.glossary_marker}" in glossary.read_text()
    # Shown as written: the literal blocks as literal text, the terms as terms.
    assert shows(built, "source/glossary", f".. literalinclude:: {built.glossary_marker}",
                 f":download:`{built.glossary_marker}`", f"javascript:alert('{XSS}41')",
                 f".. raw:: html <script>alert('{XSS}40')</script>") == []
    page = soup(built.root / "build/html/source/glossary.html")
    terms = [" ".join(dt.get_text(" ").split()).translate(SMART_QUOTES)
             for dt in page.find_all("dt")]
    assert f"javascript:alert('{XSS}41') ¶" in terms
    assert f":download:`{built.glossary_marker}` ¶" in terms


def test_endpoint_fields_stay_text(built: Built) -> None:
    assert shows(built, "services/storage/wiki/endpoints", f":download:`{built.marker}`",
                 f"`x <javascript:alert('{XSS}51')>`__", f".. include:: {built.marker}",
                 f".. image:: {built.marker}", ".. raw:: html",
                 "GET /storage/1.1/(username)/info") == []


def test_service_toml_addresses_are_shown_as_text(built: Built) -> None:
    """Each hostile address is reported as a service_toml finding and shown as text; the
    build's guard never has to take a link out of the landing page."""
    reported = "\n".join(warnings_of(built, "service_toml"))
    for key in ("server_repo", "client_repo", "ci_url", "wiki_pages"):
        assert key in reported
    assert not [line for line in warnings_of(built, "unsafe_uri") if "index.rst" in line]
    assert shows(built, "services/storage/index", f"javascript:alert('{XSS}97')",
                 f"data:text/html,{XSS}95", f"vbscript:{XSS}96") == []


def test_new_service_and_init_values_stay_text(built: Built) -> None:
    assert shows(built, "services/storage/index",
                 f"Storage javascript:alert('{XSS}92') :download:`{built.service_marker}`",
                 f"`x <javascript:alert('{XSS}94')>`__ .. include:: {built.service_marker}") == []
    assert shows(built, "source/index", f"<script>alert('{XSS}91')</script>") == []


def test_the_edited_page_loses_only_its_forbidden_addresses(built: Built) -> None:
    # Three links, the reference to the target and the target, the download, the image, the
    # figure's link.
    warned = warnings_of(built, "unsafe_uri")
    assert len(warned) == 8, warned
    assert all("services/storage/edited.rst:" in line for line in warned)
    page = soup(built.root / "build/html/services/storage/edited.html")
    assert page.find("a", href="https://example.org/")
    assert page.find("img", src="https://example.org/picture.png")
    assert shows(built, "services/storage/edited",
                 "A script, a tab script, a data page, a target, a fine link") == []


def test_the_untouched_stub_runs_none_of_its_markup(built: Built) -> None:
    found = warnings_of(built, "stub_markup")
    named = {"'include'", "'literalinclude'", "'download'", "a figure", "'raw'",
             "'csv-table'", "'only'", "'image'", "'file'"}
    assert {name for name in named if any(name in line for line in found)} == named
    assert all("services/storage/wiki/crafted.rst:" in line for line in found)
    assert shows(built, "services/storage/wiki/crafted", f".. include:: {built.marker}",
                 f":download:`file <{built.marker}>`", f".. raw:: html :file: {built.marker}",
                 f"<script>alert('{XSS}60')</script>") == []  # shown as text


def test_the_deep_page_is_kept_as_wiki_text(built: Built) -> None:
    report = built.imports["dump"]
    assert report["wikitext"] == [{"title": f"Deep javascript:alert('{XSS}99')",
                                   "reason": "blocks nested more than 20 deep"}]
    pages = {page["title"]: page["docname"] for page in report["pages"]}
    docname = pages[f"Deep javascript:alert('{XSS}99')"]
    assert shows(built, docname, f"Deep javascript:alert('{XSS}99')", "{|\n|\n{|") == []


def test_the_report_never_acts_on_a_terminal(built: Built) -> None:
    assert "\x1b" not in built.report_text
    assert "Escape\\x1b[2Jpage" in built.report_text


def test_entities_are_decoded_before_judging(built: Built) -> None:
    """The guard reads addresses as browsers do: an entity-encoded scheme is still seen."""
    assert scheme_of(html.unescape("&#106;avascript:x")) == "javascript"
    assert scheme_of("java\tscript:x") == "javascript"
    assert scheme_of(" JAVASCRIPT:x") == "javascript"
    assert scheme_of("../page.html#x") is None
