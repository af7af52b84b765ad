"""Service metadata: ``services/<name>/service.toml`` read, validated and listed."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: Lifecycle values a service may declare, in the order the catalogue groups them.
LIFECYCLES = ("production", "beta", "development", "deprecated", "retired")
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
VERSION = re.compile(r"^\d+(\.\d+)*$")
REQUIRED_FIELDS = ("title", "summary", "lifecycle", "owners")
#: Every key a ``service.toml`` may hold, and the keys of its tables; any other key is a
#: problem (most often a typo: ``owner`` for ``owners``). A new field is added here too.
KNOWN_KEYS = ("title", "summary", "lifecycle", "owners", "server_repo", "client_repo",
              "ci_url", "api_versions", "wiki_pages")
TABLE_KEYS = {"owners": ("name", "email"),
              "wiki_pages": ("title", "url", "revision", "wiki_revision", "page")}


@dataclass(frozen=True)
class Owner:
    name: str
    email: str = ""


@dataclass(frozen=True)
class WikiSource:
    """One original wiki page a service's pages were imported from."""

    title: str
    url: str = ""
    revision: int | None = None
    page: str = ""  # the page it became, relative to the service folder, without suffix
    # The wiki's revision at the last import, when it is past the one in the page (an edited
    # page whose base was not found, so the import could not merge it).
    wiki_revision: int | None = None

    @property
    def behind(self) -> bool:
        """Whether the wiki moved past the revision in the page."""
        return (self.wiki_revision is not None and self.revision is not None
                and self.wiki_revision > self.revision)


@dataclass(frozen=True)
class Problem:
    """Something wrong in a ``service.toml``: the file, the field, what is wrong."""

    path: Path
    field: str
    message: str
    line: int | None = None

    @property
    def location(self) -> str:
        """``file:line``, or the file alone when the line is unknown."""
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        return f"{self.location}: {self.field}: {self.message}"


@dataclass(frozen=True)
class ServiceMeta:
    """What a service's ``service.toml`` says about it."""

    name: str
    path: Path  # the service folder
    title: str
    summary: str = ""
    lifecycle: str = ""
    owners: tuple[Owner, ...] = ()
    server_repo: str = ""
    client_repo: str = ""
    ci_url: str = ""
    api_versions: tuple[str, ...] = ()
    wiki_pages: tuple[WikiSource, ...] = ()
    problems: tuple[Problem, ...] = field(default=(), compare=False)

    @property
    def toml_path(self) -> Path:
        return self.path / "service.toml"


def _line_of(text: str, key: str, inline: bool = False) -> int | None:
    """The line a top-level ``key = ...`` appears on, for pointing at the field (``inline``:
    also as a key of an inline table, ``{ key = ... }``)."""
    start = r"(?:^|[{,])" if inline else "^"
    # [ \t], not \s: a match must not start on a blank line above the key.
    match = re.search(rf"{start}[ \t]*{re.escape(key)}[ \t]*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def typo_hint(key: str, known: tuple[str, ...]) -> str:
    """What to say after "unknown key": the known key ``key`` is closest to, or them all."""
    close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f" (known keys: {', '.join(known)})"


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https", "ssh", "hg", "git") and bool(parts.netloc)


_TOML_ESCAPED = re.compile(r'["\\\x00-\x1f\x7f]')  # what TOML forbids raw in a string


def toml_value(value: str | int) -> str:
    """``value`` written as TOML: an integer, or a basic string with every character TOML
    forbids raw (quotes, backslashes, control characters, DEL) escaped."""
    if isinstance(value, int):
        return str(value)
    if not _TOML_ESCAPED.search(value):
        return f'"{value}"'  # most values: nothing to escape
    out = []
    for c in value:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _parse(path: Path) -> tuple[str, dict[str, Any]] | Problem:
    """The text and data of a ``service.toml``, or why there are none."""
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except FileNotFoundError:
        return Problem(path, "service.toml", "file is missing")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        return Problem(path, "syntax", f"not valid TOML ({exc})", int(line[1]) if line else None)


class _Fields:
    """The fields of one ``service.toml``, read one by one; what is wrong is collected."""

    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        self.path, self.text, self.data = path, text, data
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, key, message, _line_of(self.text, key)))

    def unknown_keys(self) -> None:
        """Every key no field reads, with the closest known key when there is one."""
        for key in self.data:
            if key not in KNOWN_KEYS:
                self.problem(key, "unknown key" + typo_hint(key, KNOWN_KEYS))
        for key, inner in TABLE_KEYS.items():
            entries = self.data.get(key)
            for index, entry in enumerate(entries if isinstance(entries, list) else [], 1):
                for name in entry if isinstance(entry, dict) else ():
                    if name not in inner:
                        self.problems.append(Problem(
                            self.path, key, f"entry {index} has an unknown key {name!r}"
                            + typo_hint(name, inner), _line_of(self.text, name, inline=True)))

    def required(self) -> None:
        for key in REQUIRED_FIELDS:
            if key not in self.data or self.data[key] in ("", []):
                self.problems.append(Problem(self.path, key, "required field is missing or empty"))

    def string(self, key: str) -> str:
        value = self.data.get(key, "")
        if not isinstance(value, str):
            self.problem(key, f"must be a string, not {type(value).__name__}")
            return ""
        return value.strip()

    def lifecycle(self) -> str:
        lifecycle = self.string("lifecycle")
        if lifecycle and lifecycle not in LIFECYCLES:
            expected = ", ".join(LIFECYCLES)
            self.problem("lifecycle", f"unknown value {lifecycle!r} (expected one of {expected})")
        return lifecycle

    def url(self, key: str) -> str:
        url = self.string(key)
        if url and not _is_url(url):
            self.problem(key, f"not a well-formed URL: {url!r}")
        return url

    def tables(self, key: str, main: str, shape: str) -> list[tuple[int, dict[str, Any]]]:
        """The entries of the list of tables ``key`` with their numbers; a bare string stands
        for the ``main`` field, and an entry without it is reported and skipped."""
        raw = self.data.get(key, [])
        if not isinstance(raw, list):
            self.problem(key, f"must be a list of {shape}")
            return []
        found = []
        for index, entry in enumerate(raw, start=1):
            if isinstance(entry, str):
                entry = {main: entry}
            if not isinstance(entry, dict) or not str(entry.get(main, "")).strip():
                self.problem(key, f"entry {index} needs a {main}")
                continue
            found.append((index, entry))
        return found

    def owners(self) -> tuple[Owner, ...]:
        owners = []
        for index, raw in self.tables("owners", "name", "{name, email} tables"):
            email = str(raw.get("email", "")).strip()
            if email and not EMAIL.match(email):
                self.problem("owners", f"entry {index} has a malformed e-mail address {email!r}")
            owners.append(Owner(str(raw["name"]).strip(), email))
        return tuple(owners)

    def versions(self) -> tuple[str, ...]:
        raw = self.data.get("api_versions", [])
        if not isinstance(raw, list):
            self.problem("api_versions", "must be a list of version strings such as \"1.0\"")
            return ()
        versions = []
        for version in raw:
            if not isinstance(version, str) or not VERSION.match(version):
                self.problem("api_versions", f"{version!r} is not a version such as \"1.0\"")
            else:
                versions.append(version)
        return tuple(versions)

    def wiki_pages(self) -> tuple[WikiSource, ...]:
        wiki = []
        for index, raw in self.tables("wiki_pages", "title", "tables"):
            url = str(raw.get("url", ""))
            if url and not _is_url(url):
                self.problem("wiki_pages", f"entry {index} has a malformed URL {url!r}")
            revision, latest = raw.get("revision"), raw.get("wiki_revision")
            wiki.append(WikiSource(str(raw["title"]).strip(), url,
                                   revision if isinstance(revision, int) else None,
                                   str(raw.get("page", "")),
                                   latest if isinstance(latest, int) else None))
        return tuple(wiki)


def load_service(folder: Path) -> ServiceMeta:
    """Read ``folder/service.toml``; problems are collected on the result, never raised."""
    parsed = _parse(folder / "service.toml")
    if isinstance(parsed, Problem):
        return ServiceMeta(folder.name, folder, folder.name, problems=(parsed,))
    fields = _Fields(folder / "service.toml", *parsed)
    fields.unknown_keys()
    fields.required()
    lifecycle = fields.lifecycle()
    owners = fields.owners()
    server_repo, client_repo, ci_url = (fields.url(key)
                                        for key in ("server_repo", "client_repo", "ci_url"))
    versions = fields.versions()
    wiki_pages = fields.wiki_pages()
    title = fields.string("title") or folder.name
    summary = fields.string("summary")
    return ServiceMeta(
        name=folder.name, path=folder, title=title, summary=summary, lifecycle=lifecycle,
        owners=owners, server_repo=server_repo, client_repo=client_repo, ci_url=ci_url,
        api_versions=versions, wiki_pages=wiki_pages, problems=tuple(fields.problems),
    )


def discover(services_dir: Path) -> list[ServiceMeta]:
    """Every service under ``services_dir`` (folders holding a service.toml or index.rst)."""
    if not services_dir.is_dir():
        return []
    found = []
    for folder in sorted(services_dir.iterdir()):
        if folder.is_dir() and not folder.name.startswith((".", "_")):
            if (folder / "service.toml").exists() or (folder / "index.rst").exists():
                found.append(load_service(folder))
    return found
