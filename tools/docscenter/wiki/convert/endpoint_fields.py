"""An HTTP endpoint found in wiki prose, the fields listed in its description (status codes,
headers, parameters) and the sphinxcontrib-httpdomain directive it becomes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...rst import indent

# Markup that may wrap a method, a path or a field name: bold and italic quotes, code-like tags.
OPENERS = r"'''|''|<(?:code|tt|b|strong|kbd|var)(?:\s[^<>\n]*)?>"
CLOSERS = r"'''|''|</(?:code|tt|b|strong|kbd|var)>"

# The status codes sphinxcontrib-httpdomain knows; any other one is an error
# under its strict mode, so such items stay in the description.
KNOWN_STATUS_CODES = frozenset(
    {
        100, 101, 102, 200, 201, 202, 203, 204, 205, 206, 207, 226,
        300, 301, 302, 303, 304, 305, 307, 308,
        400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415,
        416, 417, 418, 422, 423, 424, 425, 426, 429, 449, 451,
        500, 501, 502, 503, 504, 505, 507, 510,
    }
)

# Single-word header names; hyphenated Capitalised-Names are recognised by shape.
_PLAIN_HEADERS = frozenset(
    {
        "accept", "age", "allow", "authorization", "cookie", "date", "etag", "expires",
        "host", "link", "location", "origin", "pragma", "range", "referer", "server",
        "vary", "warning",
    }
)
_REQUEST_HEADERS = frozenset(
    {"authorization", "cookie", "host", "range", "origin", "referer", "user-agent"}
)


@dataclass
class Endpoint:
    """One endpoint found in wiki prose; text fields hold wikitext."""

    method: str  # lower case: get, put, post, delete, patch, head
    path: str  # normalised: /1.1/(username)/info/collections
    description: str  # wikitext of the description that followed (fields removed)
    queries: list[tuple[str, str]] = field(default_factory=list)  # (name, wikitext)
    reqheaders: list[tuple[str, str]] = field(default_factory=list)
    resheaders: list[tuple[str, str]] = field(default_factory=list)
    statuscodes: list[tuple[str, str]] = field(default_factory=list)  # ("200", "Success")
    params: list[tuple[str, str]] = field(default_factory=list)  # described path placeholders
    source: str = ""  # the exact page text this endpoint replaces
    line: int = 0  # 1-based line of the endpoint line in the page
    raw_path: str = ""  # the URL or path as written
    noindex: bool = False  # a repeat of an endpoint already on the page


_CONTEXTS = [
    ("status", re.compile(
        r"(?:possible\s+)?(?:http\s+)?(?:status(?:\s+codes?)?|return(?:s|\s+codes?|\s+values?)"
        r"|errors?|error\s+codes?|responses?|response\s+codes?)")),
    ("query", re.compile(r"(?:query\s+)?(?:parameters?|params|arguments|query\s+string)")),
    ("reqheader", re.compile(r"request\s+headers?")),
    ("resheader", re.compile(r"response\s+headers?")),
    ("header", re.compile(r"(?:http\s+)?headers?")),
]
_WRAPPERS = re.compile(r"'''|''|</?(?:code|tt|b|strong|kbd|var)>")
_ITEM_NAME = re.compile(
    rf"\s*(?P<open>(?:{OPENERS})*+)\s*(?P<name>[A-Za-z0-9_][\w.\-\[\]]*)\s*"
    rf"(?P<close>(?:{CLOSERS})*+)(?P<rest>.*)",
    re.DOTALL,
)
_ITEM_SEPARATOR = re.compile(r"\s*(?:[:=]|[-\u2013\u2014](?=\s))\s*")
_REASON_THEN_SEPARATOR = re.compile(
    r"\s*[A-Z][A-Za-z' ]{0,40}?\s*(?:[:=]|[-\u2013\u2014](?=\s))\s*"
)
_HEADER_SHAPE = re.compile(r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+")


def _context_of(line: str) -> str | None:
    """The kind of list a phrase line such as "Possible HTTP status codes:" introduces."""
    if len(line) > 80:
        return None
    text = _WRAPPERS.sub("", line).strip().lstrip(";").strip().rstrip(":").strip().lower()
    if not text or len(text) > 40:
        return None
    for kind, pattern in _CONTEXTS:
        if pattern.fullmatch(text):
            return kind
    return None


def _items(block: list[str]) -> list[list[str]]:
    """Group a list block into items: a top-level line plus its nested lines."""
    items: list[list[str]] = []
    for line in block:
        nested = line[1:2] in ("*", "#", ":", ";") or (
            line[:1] == ":" and bool(items) and items[-1][0][:1] == ";"
        )
        if nested and items:
            items[-1].append(line)
        else:
            items.append([line])
    return items


def _flatten_item(item: list[str]) -> str:
    """One item as "name: text" on one line (markers of nested lines removed)."""
    first = item[0][1:].strip()
    more = [re.sub(r"^[*#:;]+", "", line).strip() for line in item[1:]]
    if item[0][:1] == ";":
        # "; term : definition" or "; term" followed by ": definition" lines.
        term, _, definition = first.partition(":")
        return f"{term.strip()}: " + " ".join([definition.strip(), *more]).strip()
    return " ".join([first, *more]).strip()


def _header_kind(name: str, context: str, method: str) -> str:
    if context in ("reqheader", "resheader"):
        return context
    lower = name.lower()
    if lower.startswith(("if-", "x-if-", "accept")) or lower in _REQUEST_HEADERS:
        return "reqheader"
    if lower.startswith("content-"):
        return "reqheader" if method in ("put", "post", "patch") else "resheader"
    return "resheader"


def _parse_item(text: str, context: str | None, endpoint: Endpoint) -> bool:
    """Record ``text`` (one list item, marker removed) as a field; False if not one."""
    m = _ITEM_NAME.match(text)
    if not m:
        return False
    name, rest = m.group("name"), m.group("rest")
    sep = _ITEM_SEPARATOR.match(rest)
    wrapped = bool(m.group("open") or m.group("close"))
    body = rest[sep.end():] if sep else rest.strip()

    if re.fullmatch(r"[1-5]\d\d", name):
        if int(name) not in KNOWN_STATUS_CODES or context not in (None, "status"):
            return False
        if not sep and context is None:
            reason = _REASON_THEN_SEPARATOR.match(rest)
            if not reason:
                return False
            body = rest[reason.end():]
        endpoint.statuscodes.append((name, body.strip()))
        return True
    if not sep and not wrapped and (context is None or body):
        return False  # "* frob" names a field; "* Some prose" does not

    placeholder_names = set(re.findall(r"\((?:\w+:)?(\w+)\)", endpoint.path))
    query_names = {q for q, _ in endpoint.queries}
    is_header = _HEADER_SHAPE.fullmatch(name) or name.lower() in _PLAIN_HEADERS
    if context in ("reqheader", "resheader", "header") or (
        context is None and is_header and sep and name not in query_names
    ):
        if not is_header:
            return False
        kind = _header_kind(name, context or "", endpoint.method)
        getattr(endpoint, f"{kind}s").append((name, body.strip()))
        return True
    if context == "query" or (context is None and (name in query_names or
                                                   name.replace("-", "_") in placeholder_names)):
        if name.replace("-", "_") in placeholder_names:
            endpoint.params.append((name.replace("-", "_"), body.strip()))
        elif name in query_names:
            endpoint.queries = [(q, body.strip() if q == name else d) for q, d in endpoint.queries]
        else:
            endpoint.queries.append((name, body.strip()))
        return True
    return False


def extract_fields(lines: list[str], endpoint: Endpoint) -> list[str]:
    """Move recognised list items into ``endpoint``'s fields; return what is left."""
    out: list[str] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        context = _context_of(line) if line[:1] not in ("*", "#") else None
        start = i + 1 if context else i
        k = start
        while context and k < n and not lines[k].strip():
            k += 1  # blank lines between the phrase and its list
        if k >= n or lines[k][:1] not in ("*", "#", ";"):
            out.append(line)
            i += 1
            continue
        end = k
        while end < n and lines[end][:1] in ("*", "#", ";", ":"):
            end += 1
        kept: list[str] = []
        for item in _items(lines[k:end]):
            # ":" lines are indentation, not list items.
            if item[0][:1] == ":" or not _parse_item(_flatten_item(item), context, endpoint):
                kept.extend(item)
        if context and kept:
            out.extend(lines[i:k])  # the phrase still introduces what is left
        out.extend(kept)
        i = end
    return out


def render(endpoint: Endpoint) -> str:
    """Render ``endpoint`` as an ``http:<method>`` directive (reST, no trailing blank).

    The endpoint's description and field texts must be reST by now: the converter converts
    each of them on the page (see :func:`.page.converted_endpoint`), a field's text on one
    line when it is one paragraph."""
    out = [f".. http:{endpoint.method}:: {endpoint.path}"]
    if endpoint.noindex:
        out.append("   :noindex:")
    body = endpoint.description.strip("\n")
    if body.strip():
        out.append("")
        out.extend(f"   {line}" if line.strip() else "" for line in body.splitlines())
    fields: list[str] = []
    for kind, entries in field_groups(endpoint):
        for name, text in entries:
            fields.extend(_field(kind, name, text))
    if fields:
        out.append("")
        out.extend(fields)
    return "\n".join(out)


def _field(kind: str, name: str, text: str) -> list[str]:
    """One field of the directive: a one-line text on the field's line; anything longer
    indented under it as it is, so the converter's blocks (a literal block, a list) keep
    their shape and nothing in them becomes markup."""
    body = text.strip("\n")
    if "\n" not in body:
        return [f"   :{kind} {name}:" + (f" {body.strip()}" if body.strip() else "")]
    return [f"   :{kind} {name}:", *indent(body.split("\n"), 6)]


def field_groups(endpoint: Endpoint) -> list[tuple[str, list[tuple[str, str]]]]:
    """The endpoint's fields by directive field kind, in the order they are written."""
    return [
        ("param", endpoint.params),
        ("query", endpoint.queries),
        ("reqheader", endpoint.reqheaders),
        ("resheader", endpoint.resheaders),
        ("statuscode", endpoint.statuscodes),
    ]
