"""The old wiki's URLs mapped to the center's pages, in the formats web servers read: a plain
two-column file, an nginx ``map`` block and an Apache ``RewriteMap`` text file.

Every entry comes from an imported page's provenance (its ``source:``, which anyone may edit)
and is checked before it is written: a key is the old URL's path as the server sees it
(percent-escapes decoded, repeated slashes merged) and holds no control character; the new
URL holds only characters that mean nothing to either server (everything else is
percent-encoded). nginx keys are quoted with ``\\`` and ``"`` escaped; Apache reads keys up
to whitespace, so a key holding whitespace is left out of the Apache file. What cannot be
written is returned, never half-written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from .files import write_atomic

FOLDER = "_wiki_redirects"  # in the HTML output folder
PLAIN, NGINX, APACHE = "redirects.tsv", "nginx-map.conf", "apache-rewritemap.txt"
VARIABLE = "$docscenter_wiki_redirect"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_WHITESPACE = re.compile(r"\s")
_URL_SAFE = "/:-._~%"  # besides letters and digits: what a new URL may hold as it is
_SAFE_NEW = re.compile(r"\A[A-Za-z0-9/:\-._~%]+\Z")


@dataclass(frozen=True)
class Redirect:
    """One old wiki URL and the page that replaces it."""

    old: str  # the wiki URL as recorded (https://wiki.example.org/wiki/Storage_API)
    path: str  # its path as a web server matches it (/wiki/Storage_API), decoded
    new: str  # the new page: a URL, or a path from the site's root


def old_entry(url: str) -> tuple[str, str] | None:
    """``(url, decoded path)`` of an old wiki URL, or None when it cannot be a map's key."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or parts.query:
        return None
    try:
        path = unquote(parts.path, errors="strict") if parts.path.startswith("/") else ""
    except UnicodeDecodeError:  # percent-escapes that are not UTF-8: no server's path
        return None
    if not path or _CONTROL.search(path) or _WHITESPACE.search(url) or _CONTROL.search(url):
        return None
    # nginx and Apache merge repeated slashes before matching (merge_slashes, MergeSlashes).
    return url, re.sub(r"/{2,}", "/", path)


def new_url(base: str, target: str) -> str | None:
    """The URL of a built page: ``target`` (a URI relative to the site's root) under
    ``base`` (``html_baseurl``, or "/"), percent-encoded to a set no server reads as syntax."""
    if _CONTROL.search(base) or _WHITESPACE.search(base):
        return None
    base = base if base.endswith("/") else base + "/"
    url = base + quote(target.lstrip("/"), safe=_URL_SAFE)
    return url if _SAFE_NEW.match(url) else None


def _nginx_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plain_map(redirects: Iterable[Redirect]) -> str:
    """Old URL, a tab, new URL: one redirect a line."""
    lines = ["# Old wiki URL<TAB>new URL, written by docscenter from the imported pages."]
    lines += [f"{r.old}\t{r.new}" for r in redirects]
    return "\n".join(lines) + "\n"


def nginx_map(redirects: Iterable[Redirect]) -> str:
    """An nginx ``map`` of the old paths (``$uri``, decoded as nginx decodes it)."""
    lines = [
        "# Old wiki URLs -> pages of this center, written by docscenter at build time.",
        "# In the http block:    include /path/to/nginx-map.conf;",
        "# In the old wiki's server block:",
        f"#     if ({VARIABLE}) {{ return 301 {VARIABLE}; }}",
        f"map $uri {VARIABLE} {{",
        '    default "";',
    ]
    lines += [f"    {_nginx_string(r.path)} {_nginx_string(r.new)};" for r in redirects]
    return "\n".join([*lines, "}"]) + "\n"


def apache_map(redirects: Iterable[Redirect]) -> str:
    """An Apache ``RewriteMap`` text file of the old paths (``%{REQUEST_URI}``); a path
    holding whitespace cannot be a key and is left out."""
    lines = [
        "# Old wiki URLs -> pages of this center, written by docscenter at build time.",
        "# In the old wiki's server configuration:",
        '#     RewriteMap wiki "txt:/path/to/apache-rewritemap.txt"',
        '#     RewriteCond ${wiki:%{REQUEST_URI}} !=""',
        "#     RewriteRule ^ ${wiki:%{REQUEST_URI}} [R=301,NE,L]",
    ]
    lines += [f"{r.path} {r.new}" for r in redirects if not _WHITESPACE.search(r.path)]
    return "\n".join(lines) + "\n"


def write_maps(folder: Path, redirects: list[Redirect]) -> list[Path]:
    """Write the three files into ``folder`` (each atomically); their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    ordered = sorted(redirects, key=lambda r: (r.path, r.old))
    written = []
    for name, render in ((PLAIN, plain_map), (NGINX, nginx_map), (APACHE, apache_map)):
        write_atomic(folder / name, render(ordered))
        written.append(folder / name)
    return written
