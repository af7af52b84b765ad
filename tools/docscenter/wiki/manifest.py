"""The import manifest, ``tools/wiki.toml``: which wiki, which pages go to which service and
page, and how templates map to reST.

.. code-block:: toml

   [wiki]
   url = "https://wiki.example.org/wiki/$1"   # article path: links to pages not imported
   sources = ["tools/wiki/services-export.xml"] # what `make import` reads (or an api.php URL)
   prefix = ""                                 # title prefix for .wiki files
   redirect_hosts = ["login.example.org"]      # other hosts api.php may redirect to
   files = "tools/wiki/files"                  # the wiki's files beside a dump (--files)

   [wiki.limits]                               # bounds on the sources (source_limits.py)
   max_page_size = "16M"

   [templates]                                 # wiki template -> reST
   Note = "note"                               # an admonition
   Draft = "drop"                              # dropped on purpose (reported)

   [[pages]]
   title = "Services/Storage"                  # exact title ...
   service = "storage"
   page = "overview"                           # ... and the page it becomes (optional)

   [[pages]]
   prefix = "Services/Storage/"                # every page under a prefix
   service = "storage"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..core.services import SLUG
from ..errors import UsageError
from .naming import RESERVED
from .options import DEFAULT_TEMPLATES, TemplateRule
from .source_limits import SourceLimits, parse_limits
from .source_types import SourceError, checked_site_url
from .titles import normalise_title

ADMONITIONS = {"note", "warning", "tip", "important", "caution", "danger", "attention",
               "hint", "error", "seealso"}


@dataclass(frozen=True)
class Rule:
    """Where pages go: an exact title or a title prefix, a service, optionally a page name."""

    service: str
    title: str = ""
    prefix: str = ""
    page: str = ""


@dataclass(frozen=True)
class Assignment:
    service: str
    page: str  # requested page name ("" = derive from the title)
    stem: str  # the part of the title the name is derived from


@dataclass
class Manifest:
    path: Path | None = None
    wiki_url: str | None = None
    sources: list[str] = field(default_factory=list)
    title_prefix: str = ""
    redirect_hosts: list[str] = field(default_factory=list)
    files: str | None = None  # the folder of wiki files beside a dump (relative to the center)
    limits: SourceLimits = field(default_factory=SourceLimits)
    rules: list[Rule] = field(default_factory=list)
    templates: dict[str, TemplateRule] = field(default_factory=lambda: dict(DEFAULT_TEMPLATES))

    def assign(self, title: str, default_service: str | None) -> Assignment | None:
        """The service and page a wiki title goes to; exact titles win over prefixes, and a
        longer prefix over a shorter one."""
        wanted = normalise_title(title)
        for rule in self.rules:
            if rule.title and normalise_title(rule.title) == wanted:
                return Assignment(rule.service, rule.page, wanted)
        best: Rule | None = None
        for rule in self.rules:
            prefix = normalise_title(rule.prefix) if rule.prefix else ""
            if rule.prefix and wanted.startswith(prefix) and wanted != prefix:
                if best is None or len(rule.prefix) > len(best.prefix):
                    best = rule
        if best is not None:
            return Assignment(best.service, "", wanted[len(normalise_title(best.prefix)):])
        if default_service:
            return Assignment(default_service, "", wanted)
        return None


def _fail(path: Path, message: str) -> UsageError:
    return UsageError(f"{path}: {message}")


def _read_source_bounds(manifest: Manifest, wiki: dict[str, object]) -> None:
    """``[wiki]``'s url (only http(s)), ``redirect_hosts`` and ``[wiki.limits]``."""
    path = manifest.path or Path("wiki.toml")
    hosts, limits = wiki.get("redirect_hosts", []), wiki.get("limits", {})
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise _fail(path, "wiki.redirect_hosts must be a list of host names")
    if not isinstance(limits, dict):
        raise _fail(path, "[wiki.limits] must be a table")
    manifest.redirect_hosts = [h.strip().lower() for h in hosts if h.strip()]
    try:
        if manifest.wiki_url is not None:
            checked_site_url(str(manifest.wiki_url), "wiki.url")
        manifest.limits = parse_limits(limits)
    except SourceError as exc:
        raise _fail(path, str(exc)) from None
    except ValueError as exc:
        raise _fail(path, f"wiki.limits: {exc}") from None


def load_manifest(path: Path) -> Manifest:
    """Read and validate a manifest; any problem is a one-line UsageError naming the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(path, "no such manifest") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _fail(path, f"not valid TOML ({exc})") from None
    manifest = Manifest(path=path)
    wiki = data.get("wiki", {})
    if not isinstance(wiki, dict):
        raise _fail(path, "[wiki] must be a table")
    manifest.wiki_url = wiki.get("url") or None
    if manifest.wiki_url is not None and "$1" not in str(manifest.wiki_url):
        raise _fail(path, f"wiki.url {manifest.wiki_url!r} needs $1 where the title goes")
    _read_source_bounds(manifest, wiki)
    sources = wiki.get("sources", [])
    if isinstance(sources, str):
        sources = [sources]
    manifest.sources = [str(s) for s in sources]
    manifest.title_prefix = str(wiki.get("prefix", ""))
    files = wiki.get("files")
    if files is not None and (not isinstance(files, str) or not files.strip()):
        raise _fail(path, "wiki.files must name a folder (of the wiki's files)")
    manifest.files = files
    pages_taken: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(data.get("pages", []), start=1):
        if not isinstance(raw, dict):
            raise _fail(path, f"pages entry {index} must be a table")
        service = str(raw.get("service", ""))
        if not SLUG.match(service):
            raise _fail(path, f"pages entry {index}: service {service!r} is not a service name")
        title, prefix = str(raw.get("title", "")), str(raw.get("prefix", ""))
        if bool(title) == bool(prefix):
            raise _fail(path, f"pages entry {index}: give exactly one of title or prefix")
        page = str(raw.get("page", ""))
        if page and not SLUG.match(page):
            raise _fail(path, f"pages entry {index}: page {page!r} must be a simple name")
        if page and (page.lower() in RESERVED or page.lower().startswith("apis-")):
            # The service template's own pages (and names Windows reserves) are not stubs.
            raise _fail(path, f"pages entry {index}: page {page!r} is a reserved name")
        if page and (service, page.lower()) in pages_taken:
            raise _fail(path, f"pages entry {index}: page {page!r} of service {service!r} "
                        f"is already taken by entry {pages_taken[service, page.lower()]}")
        if page:
            pages_taken[service, page.lower()] = index
        manifest.rules.append(Rule(service, title, prefix, page))
    for name, value in data.get("templates", {}).items():
        if value == "drop":
            manifest.templates[name] = TemplateRule("drop")
        elif value == "code":
            manifest.templates[name] = TemplateRule("code")
        elif value in ADMONITIONS:
            manifest.templates[name] = TemplateRule("admonition", value)
        else:
            raise _fail(path, f"templates.{name}: {value!r} is not drop, code or one of "
                        f"{', '.join(sorted(ADMONITIONS))}")
    return manifest
