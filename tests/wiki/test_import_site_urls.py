"""The wiki's address comes from outside (a dump's ``<base>``, an API's server and article path,
a page's ``fullurl``, the manifest, ``--wiki-url``) and becomes the target of every link to a
page not imported and the ``service.toml`` wiki URLs. Anything but
``http(s)`` is refused with one line naming the source; judged on the built HTML.
"""

from __future__ import annotations

import html
import json
import re
import tomllib
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from helpers import SITE_BASE, Page, add_service, run_cli, snapshot, write_dump
from test_api import SITEINFO, FakeWiki, answer

HOSTILE = "javascript:alert(document.domain)//"
LINKING = ("See [[Never imported]], [[Media:Diagram.png|the diagram]], [[Storage errors]] "
           "and [[Help:Editing#Links|help]].")
ALLOWED_SCHEMES = {"http", "https", "mailto"}
ATTRIBUTE = re.compile(r"""\b(?:href|src|action|formaction|srcset)\s*=\s*(["'])(.*?)\1""", re.S)
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)


def link_schemes(build: Path) -> dict[str, set[str]]:
    """Every URI scheme used by an ``href``/``src``/... under ``build``, with where."""
    found: dict[str, set[str]] = {}
    for path in build.rglob("*.html"):
        for _quote, value in ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
            # What a browser sees: entities decoded, leading blanks and controls ignored.
            value = re.sub(r"[\x00-\x20]+", "", html.unescape(value))
            match = SCHEME.match(value)
            if match:
                found.setdefault(match[1].lower(), set()).add(path.name)
    return found


def api_with(http: HTTPServer, general: dict[str, str] | None = None,
             page_url: str | None = None) -> str:
    """A wiki whose siteinfo or page URLs are replaced by the given hostile ones."""
    siteinfo = json.loads(json.dumps(SITEINFO))
    siteinfo["query"]["general"].update(general or {})
    wiki = FakeWiki({"Tokens": "Tokens, see [[Nowhere]] and [[Media:Flow.svg]]."})

    def handler(request: Request) -> Response:
        if request.args.get("meta") == "siteinfo":
            return answer(siteinfo)
        response = wiki(request)
        if page_url is not None:
            data = json.loads(response.get_data())
            for item in data["query"]["pages"]:
                item["fullurl"] = page_url
            return answer(data)
        return response

    http.expect_request("/w/api.php").respond_with_handler(handler)
    return http.url_for("/w/api.php")


def test_only_http_wiki_addresses_reach_the_built_html(center: Path, tmp_path: Path,
                                                        http: HTTPServer) -> None:
    add_service(center, "storage")
    pages = [Page("Storage API", LINKING), Page("Storage errors", "Errors.")]
    good = write_dump(tmp_path / "good.xml", pages)
    bad = tmp_path / "bad.xml"
    bad.write_text(good.read_text(encoding="utf-8").replace(SITE_BASE, HOSTILE + "Main_Page"),
                   encoding="utf-8")
    manifest = tmp_path / "wiki.toml"
    manifest.write_text(f'[wiki]\nurl = "{HOSTILE}$1"\n', encoding="utf-8")
    refused = {
        "dump <base>": ([bad], f"{bad}: <siteinfo><base>: "),
        "--wiki-url": ([good, "--wiki-url", f"{HOSTILE}$1"], "--wiki-url: "),
        "manifest": ([good, "--manifest", manifest], f"{manifest}: wiki.url: "),
        "api articlepath": ([api_with(http, {"articlepath": HOSTILE + "$1"}), "--page",
                             "Tokens"], ": siteinfo articlepath: "),
    }
    before = snapshot(center)
    for name, (args, complaint) in refused.items():
        result = run_cli("-C", center, "import-wiki", *args, "--service", "storage", check=2)
        assert complaint in result.stderr and HOSTILE in result.stderr, name
        assert len(result.stderr.splitlines()) == 1, name
        assert snapshot(center) == before, name
    http.clear()
    bad_page = api_with(http, page_url="data:text/html,<script>x</script>")
    result = run_cli("-C", center, "import-wiki", bad_page, "--page", "Tokens", "--service",
                     "storage", check=2)
    assert "page 'Tokens' fullurl: 'data:text/html" in result.stderr
    http.clear()

    # The same pages from trusted addresses: a dump, and an API whose server is
    # protocol-relative (it takes the scheme the API was read over).
    run_cli("-C", center, "import-wiki", good, "--service", "storage")
    run_cli("-C", center, "import-wiki", api_with(http), "--page", "Tokens", "--service",
            "storage")
    build = run_cli("-C", center, "build", "-j", "1", check=None)
    assert build.returncode == 0, build.stderr

    schemes = link_schemes(center / "build")
    assert set(schemes) <= ALLOWED_SCHEMES, schemes
    api_html = (center / "build/html/services/storage/wiki/storage-api.html").read_text(
        encoding="utf-8")
    assert 'href="https://wiki.example.org/wiki/Never_imported"' in api_html
    # A file is never a link to the old wiki: one the import did not place stays text.
    assert "Special:FilePath" not in api_html and "the diagram [file not imported]" in api_html
    tokens_html = (center / "build/html/services/storage/wiki/tokens.html").read_text(
        encoding="utf-8")
    assert 'href="http://wiki.example.org/wiki/Nowhere"' in tokens_html
    meta = tomllib.loads((center / "services/storage/service.toml").read_text(encoding="utf-8"))
    urls = [entry["url"] for entry in meta["wiki_pages"]]
    assert len(urls) == 3 and all(u.startswith(("https://", "http://")) for u in urls), urls


def test_a_wiki_url_without_the_title_placeholder_is_refused(center: Path,
                                                             tmp_path: Path) -> None:
    add_service(center, "storage")
    dump = write_dump(tmp_path / "dump.xml", [Page("A", "a")])
    result = run_cli("-C", center, "import-wiki", dump, "--service", "storage", "--wiki-url",
                     "https://wiki.example.org/wiki/", check=2)
    assert "--wiki-url 'https://wiki.example.org/wiki/': needs $1" in result.stderr
