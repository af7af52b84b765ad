"""Switching the old wiki off: the build writes the old wiki URL -> new page map from every
imported page's provenance (plain, nginx, Apache; hostile titles stay data, judged by a real
Apache where it is installed), and ``docscenter status`` counts the pages still linking to the
wiki."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import HTTPRedirectHandler, Request, build_opener

import pytest

from docscenter.redirect_map import APACHE, FOLDER, NGINX, PLAIN
from docscenter.wiki.center_files import add_to_toctree
from docscenter.wiki.source_types import SiteInfo
from helpers import Page, add_service, run_cli, sphinx_build, write_dump

BASE = "https://wiki.example.org/wiki/$1"
HOSTILE = ['Quote"; return 302 http://evil.example; #', "Brace } map { x", "Dollar $uri $1",
           "Back\\slash", "Ünïcode & friends (2024)", "Percent %41 and %ZZ"]
PAGES = [
    Page("Storage API", "Links to [[Auth]], [[Storage errors]] and [https://example.org x]."),
    Page("Storage errors", "Only [[Storage API|internal]] links."),
    *(Page(title, "Hostile title.") for title in HOSTILE),
]
SITE = SiteInfo("Services Wiki", None, BASE)


def old_url(title: str) -> str:
    url = SITE.page_url(title)
    assert url is not None
    return url


@pytest.fixture(scope="module")
def center(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("redirects") / "center"
    run_cli("init", root, "--title", "Redirects", "--no-hg")
    add_service(root, "storage")
    add_service(root, "auth")
    run_cli("-C", root, "import-wiki", write_dump(root.parent / "d.xml", PAGES),
            "--service", "storage")
    (root / "services/auth/notes.rst").write_text(
        "Notes\n=====\n\nWritten by hand; see `the wiki <https://wiki.example.org/wiki/Auth>`__"
        ".\n", encoding="utf-8")
    landing = root / "services/auth/index.rst"
    landing.write_text(add_to_toctree(landing.read_text(encoding="utf-8"), ["notes"]) or "",
                       encoding="utf-8")
    _read, warnings = sphinx_build(root)
    assert warnings == ""
    return root


def expected() -> dict[str, str]:
    """Old path (decoded) -> new URL, for every imported page."""
    from urllib.parse import unquote, urlsplit

    stubs = {"Storage API": "storage-api", "Storage errors": "storage-errors"}
    result = {}
    for page in PAGES:
        name = stubs.get(page.title)
        if name is None:
            continue
        result[re.sub("/+", "/", unquote(urlsplit(old_url(page.title)).path))] = \
            f"/services/storage/wiki/{name}.html"
    return result


def nginx_tokens(text: str) -> list[str]:
    """Tokens as nginx's configuration reader makes them: quoted strings with \\" and \\\\
    escapes, bare words, and ; { } on their own; # starts a comment outside quotes."""
    tokens, index = [], 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char == "#":
            index = text.find("\n", index) if "\n" in text[index:] else len(text)
        elif char in ";{}":
            tokens.append(char)
            index += 1
        elif char == '"':
            value, index = [], index + 1
            while text[index] != '"':
                if text[index] == "\\" and text[index + 1] in '"\\':
                    index += 1
                value.append(text[index])
                index += 1
            tokens.append("".join(value))
            index += 1
        else:
            end = index
            while end < len(text) and not text[end].isspace() and text[end] not in ";{}":
                end += 1
            tokens.append(text[index:end])
            index = end
    return tokens


def test_the_map_has_one_entry_per_imported_page_in_three_formats(center: Path) -> None:
    folder = center / "build/html" / FOLDER
    lines = (folder / PLAIN).read_text(encoding="utf-8").splitlines()
    pairs = dict(line.split("\t") for line in lines if not line.startswith("#"))
    assert len(pairs) == len(PAGES)
    assert pairs[old_url("Storage API")] == "/services/storage/wiki/storage-api.html"
    tokens = nginx_tokens((folder / NGINX).read_text(encoding="utf-8"))
    assert tokens[:6] == ["map", "$uri", "$docscenter_wiki_redirect", "{", "default", ""]
    body = tokens[7:-1]  # key value ; ...
    assert tokens[-1] == "}" and body[2::3] == [";"] * len(PAGES)
    nginx = dict(zip(body[0::3], body[1::3], strict=True))
    assert len(nginx) == len(PAGES)
    assert {k: v for k, v in nginx.items() if k in expected()} == expected()
    # Hostile titles are keys, quoted; values hold nothing nginx would read ($, quotes).
    assert '/wiki/Quote";_return_302_http:/evil.example;_#' in nginx
    assert "/wiki/Dollar_$uri_$1" in nginx
    assert all(set(v) <= set("/abcdefghijklmnopqrstuvwxyz0123456789-._") for v in nginx.values())
    apache = [line.split(" ") for line in
              (folder / APACHE).read_text(encoding="utf-8").splitlines()
              if not line.startswith("#")]
    assert all(len(entry) == 2 for entry in apache)
    assert dict(apache) == nginx


def test_status_counts_the_pages_still_linking_to_the_wiki(center: Path) -> None:
    data = json.loads(run_cli("-C", center, "status", "--format", "json").stdout)
    counts = {row["name"]: row["linking_wiki"] for row in data["services"]}
    # Storage API links to Auth (not imported); the hand-written auth notes link to it too.
    assert counts == {"auth": 1, "storage": 1}
    assert data["totals"]["linking_wiki"] == 2
    text = run_cli("-C", center, "status").stdout
    assert "2 pages linking to the old wiki" in text.splitlines()[0]
    header = text.splitlines()[2]
    assert "to wiki" in header


def test_an_edited_source_that_cannot_be_mapped_is_a_warning(center: Path,
                                                               tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(center, copy, ignore=shutil.ignore_patterns("build"))
    stub = copy / "services/storage/wiki/storage-errors.rst"
    text = stub.read_text(encoding="utf-8")
    stub.write_text(text.replace("source: https://wiki.example.org/wiki/Storage_errors",
                                 "source: javascript:alert(1)"), encoding="utf-8")
    _read, warnings = sphinx_build(copy, confoverrides={
        "html_baseurl": "https://docs.example.org/c/"})
    assert "storage-errors.rst:1: WARNING: the source cannot go into the map of old wiki " \
        "URLs: left out [docscenter.redirect]" in warnings
    plain = (copy / "build/html" / FOLDER / PLAIN).read_text(encoding="utf-8")
    assert "javascript" not in plain and len(plain.splitlines()) == len(PAGES)
    assert f"{old_url('Storage API')}\thttps://docs.example.org/c/services/storage/wiki/" \
        "storage-api.html" in plain
    _read, warnings = sphinx_build(copy, confoverrides={
        "suppress_warnings": ["docscenter.redirect"]})
    assert warnings == ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


APACHE_CONF = """\
ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{root}/httpd.pid"
ErrorLog "{root}/error.log"
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule rewrite_module {modules}/mod_rewrite.so
DocumentRoot "{root}"
RewriteEngine On
RewriteMap wiki "txt:{map}"
RewriteCond ${{wiki:%{{REQUEST_URI}}}} !=""
RewriteRule ^ ${{wiki:%{{REQUEST_URI}}}} [R=301,NE,L]
"""


@contextlib.contextmanager
def apache(map_file: Path, root: Path) -> Iterator[str]:
    """A real Apache on 127.0.0.1 using ``map_file`` as the configuration comment says;
    stopped by its process group."""
    binary = shutil.which("apache2") or shutil.which("httpd") or "/usr/sbin/apache2"
    modules = Path("/usr/lib/apache2/modules")
    if not Path(binary).is_file() or not (modules / "mod_rewrite.so").is_file():
        pytest.skip("Apache httpd with mod_rewrite is not installed (apt-get install apache2)")
    port = _free_port()
    conf = root / "httpd.conf"
    conf.write_text(APACHE_CONF.format(root=root, port=port, modules=modules, map=map_file),
                    encoding="utf-8")
    check = subprocess.run([binary, "-f", str(conf), "-t"], capture_output=True, text=True,
                           check=False)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([binary, "-f", str(conf), "-DFOREGROUND"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_a_real_apache_redirects_every_old_url(center: Path, tmp_path: Path) -> None:
    from urllib.parse import urlsplit

    with apache(center / "build/html" / FOLDER / APACHE, tmp_path) as server:
        opener = build_opener(_NoRedirects)
        for page in PAGES:
            old = urlsplit(old_url(page.title))
            with pytest.raises(HTTPError) as answer:
                opener.open(Request(server + old.path))
            assert answer.value.code == 301, page.title
            location = urlsplit(answer.value.headers["Location"]).path
            assert location.startswith("/services/storage/wiki/"), (page.title, location)
        with pytest.raises(HTTPError) as other:
            opener.open(Request(server + "/wiki/Never_imported"))
        assert other.value.code == 404


@pytest.mark.parametrize("url", [
    "https://wiki.example.org/wiki/A%0Ab",  # a line break: a map's line ends there
    "https://wiki.example.org/wiki/A%FFb",  # not UTF-8: no path a server decodes
    "https://wiki.example.org/w/index.php?title=A",  # a query: not a path to match
    "https://wiki.example.org/wiki/A b",
    "javascript:alert(1)",
    "/wiki/A",
])
def test_sources_no_map_can_hold_are_left_out(url: str) -> None:
    from docscenter.redirect_map import old_entry

    assert old_entry(url) is None


def test_new_urls_hold_nothing_a_server_reads_as_syntax() -> None:
    from docscenter.redirect_map import new_url

    assert new_url("/", "services/a/wiki/$x y\"z.html") == \
        "/services/a/wiki/%24x%20y%22z.html"
    assert new_url("https://docs.example.org/c", "a.html") == "https://docs.example.org/c/a.html"
    assert new_url("https://docs.example.org/$host/", "a.html") is None
