"""HTTP endpoints described in wiki prose, found before conversion.

Old service pages describe their APIs in ad-hoc prose::

    '''GET''' ''https://server/pathname/1.1/username/info/collections''

    Returns a hash of collections ...

    Possible HTTP status codes:
    * 200: Success

``split(wikitext)`` cuts a page into plain wikitext segments and ``Endpoint``
segments; ``render(endpoint, convert_fragment)`` turns one endpoint into a
sphinxcontrib-httpdomain directive, so the endpoint lands in the routing table.

What counts as an endpoint line: a method (GET, PUT, POST, DELETE, PATCH, HEAD;
upper case, possibly bold or in ``<code>``/``<tt>``) opening a heading, a
paragraph line or a top-level list item, followed by a URL or an absolute path
(possibly italic or in ``<code>``/``<tt>``) and then nothing, or a separator
(``:``, ``-``, ``,``, ``(``...) and more text. Lines inside ``<pre>``,
``<source>``, ``<syntaxhighlight>``, ``<nowiki>``, comments, templates and
tables, leading-space code lines, nested list items and lines that continue a
sentence from the previous line are never endpoint lines.

The description runs to the next endpoint line, the next heading of the same or
a higher level (any heading for a non-heading endpoint), or a horizontal rule;
a list-item endpoint is described by its own nested items only. Status codes,
headers and parameters listed in the description become directive fields;
anything not recognised stays in the description.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate

METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD")

#: Path segments that stand for a value, not a literal. Extend by passing
#: ``placeholders=PLACEHOLDER_NAMES | {"bucket"}`` to :func:`split`.
PLACEHOLDER_NAMES = frozenset(
    {
        "username", "user", "userid", "user_id", "uid", "collection", "id", "version",
        "token", "node", "email",
    }
)

# Placeholders that mark where the API starts, like a version number does.
_VERSION_NAMES = frozenset({"version", "ver", "api_version", "apiversion"})

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


# --- the path -----------------------------------------------------------------------------

_SCHEME_HOST = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#]*")
_ITALIC_NAME = re.compile(r"'{2,3}([A-Za-z_][\w-]*)'{2,3}")
# {name}, <name>, <type:name>, [name], (name), $name: a value inside a segment.
_INLINE_PLACEHOLDER = re.compile(
    r"\{([A-Za-z_][\w-]*)\}|<(?:([A-Za-z_]\w*):)?([A-Za-z_][\w-]*)>|\[([A-Za-z_][\w-]*)\]"
    r"|\((?:([A-Za-z_]\w*):)?([A-Za-z_][\w-]*)\)|\$([A-Za-z_][\w-]*)"
)
_VERSION_SEGMENT = re.compile(r"v?\d+(?:\.\d+)*")
_UNSAFE_PATH_CHARS = re.compile(r"[^A-Za-z0-9\-._~%!$&*+,;=:@/()]")


def _placeholder(name: str, kind: str | None = None) -> str:
    # httpdomain only takes \w names inside "(...)".
    name = name.replace("-", "_")
    return f"({kind}:{name})" if kind else f"({name})"


def _normalise_segment(segment: str, placeholders: frozenset[str]) -> str:
    if segment.startswith(":") and re.fullmatch(r":[A-Za-z_][\w-]*", segment):
        return _placeholder(segment[1:])
    if segment in placeholders:
        return _placeholder(segment)
    if not any(c in segment for c in "{<[($"):
        return segment

    def replace(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(3) or m.group(4) or m.group(6) or m.group(7)
        return _placeholder(name, m.group(2) or m.group(5))

    return _INLINE_PLACEHOLDER.sub(replace, segment)


def normalise_path(
    url: str, placeholders: frozenset[str] = PLACEHOLDER_NAMES
) -> tuple[str, list[str]]:
    """Return ``(path, query names)`` for a URL or path written in a wiki page.

    Scheme, host and the deployment prefix (whatever precedes the first
    version-looking segment) are dropped; placeholder segments become
    ``(name)``; the query string is returned as a list of names.
    """
    if "'" in url:
        url = _ITALIC_NAME.sub(r"<\1>", url).replace("'", "")
    text = html.unescape(url) if "&" in url else url
    m = _SCHEME_HOST.match(text)
    if m:
        text = text[m.end():]
    text = text.split("#", 1)[0]
    path, _, query = text.partition("?")
    segments = [_normalise_segment(s, placeholders) for s in path.split("/")]
    # Drop empty segments (leading slash, "//") but keep a trailing slash.
    trailing = len(segments) > 1 and segments[-1] == ""
    segments = [s for s in segments if s]
    for index, segment in enumerate(segments):
        if _VERSION_SEGMENT.fullmatch(segment) or segment.strip("()") in _VERSION_NAMES:
            segments = segments[index:]
            break
    clean = "/" + "/".join(segments) + ("/" if trailing and segments else "")
    clean = _UNSAFE_PATH_CHARS.sub("", clean)
    if clean.count("(") != clean.count(")"):
        clean = clean.replace("(", "").replace(")", "")
    names: list[str] = []
    for part in re.split(r"[&;]", query):
        name = re.sub(r"[^\w.\-\[\]]", "", part.split("=", 1)[0])
        if name and name not in names:
            names.append(name)
    return clean, names


# --- finding endpoint lines ---------------------------------------------------------------

# No leading "\b": a pattern that starts with literals lets the regex engine skip ahead fast.
_METHOD_NAMES = "|".join(METHODS)
_ANY_METHOD = re.compile(rf"(?:{_METHOD_NAMES})\b")
_LINE_BREAK = re.compile(r"<br\s*/?>$", re.IGNORECASE)
_TRAILING_TAG = re.compile(r"</?\w+>$")
_ENTITY_END = re.compile(r"&\w+;$")
_HEADING = re.compile(r"^(={1,6})(.+?)(={1,6})[ \t]*$")
_RULE = re.compile(r"^-{4,}")
# Quantifiers over these are possessive ("*+"): a run of quotes must not backtrack.
_OPENERS = r"'''|''|<(?:code|tt|b|strong|kbd|var)(?:\s[^<>\n]*)?>"
_CLOSERS = r"'''|''|</(?:code|tt|b|strong|kbd|var)>"
_ENDPOINT = re.compile(
    rf"(?:\s|{_OPENERS})*+(?P<method>{_METHOD_NAMES})(?![\w-])"
    rf"(?:\s|{_OPENERS}|{_CLOSERS})*+"
    r"(?P<path>(?:https?://|/)"
    r"(?:[A-Za-z0-9\-._~%!$&*+,;=:@/?#]|<[A-Za-z_][\w:-]*>|\{[A-Za-z_][\w-]*\}"
    r"|\[[A-Za-z_][\w-]*\]|\([A-Za-z_][\w:-]*\)|''[A-Za-z_][\w-]*'')*+)"
)
_MARKUP_ONLY = re.compile(rf"(?:[=*#;\s]|{_OPENERS})*+")
_LEADING_CLOSERS = re.compile(rf"(?:\s|{_CLOSERS})*+")
_REST_SEPARATOR = re.compile(r"\s*(?:[:,.;(]|[-\u2013\u2014](?=\s))")
# Protected constructs: nothing inside them is an endpoint or ends a description.
_TOKEN = re.compile(
    r"<!--|-->|<(/?)(pre|source|syntaxhighlight|nowiki|math|poem)\b[^<>\n]*?(/?)>"
    r"|\{\{[^{}\n]*\}\}|\{\{|\}\}|\{\||\|\}",
    re.IGNORECASE,
)


@dataclass
class _Header:
    kind: str  # "heading", "item" or "line"
    level: int  # heading level; 7 for non-heading lines (deeper than any heading)
    method: str
    raw_path: str
    rest: str  # the text after the path, which starts the description
    marker: str = ""  # list marker of an item endpoint


def _construct_states(text: str, line_starts: list[int]) -> list[bool]:
    """For each line, whether it starts inside a tag, comment, template or table."""
    states = [False] * len(line_starts)
    inside: str | None = None  # "comment" or a tag name
    templates = tables = 0
    done = 0  # lines before this one have their state
    # One pass over the constructs' tokens; lines between two tokens share a state.
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        if token[:2] == "{{" and len(token) > 2:
            continue  # a one-line template changes nothing
        upto = bisect_right(line_starts, m.start())
        if upto > done:
            busy = inside is not None or templates > 0 or tables > 0
            states[done:upto] = [busy] * (upto - done)
            done = upto
        if inside == "comment":
            if token == "-->":
                inside = None
        elif inside is not None:
            if m.group(1) and m.group(2).lower() == inside:
                inside = None
        elif token == "<!--":
            inside = "comment"
        elif token == "{{":
            templates += 1
        elif token == "}}":
            templates = max(0, templates - 1)
        elif token in ("{|", "|}"):
            # Tables open and close only at the start of a line.
            line_start = line_starts[bisect_right(line_starts, m.start()) - 1]
            indent = m.start() - line_start
            if templates or indent > 8 or text[line_start:m.start()].strip(" \t"):
                continue
            tables = tables + 1 if token == "{|" else max(0, tables - 1)
        elif m.group(2) and not m.group(1) and not m.group(3):
            inside = m.group(2).lower()
    busy = inside is not None or templates > 0 or tables > 0
    states[done:] = [busy] * (len(states) - done)
    return states


def _heading_level(line: str) -> int:
    if line[:1] != "=":
        return 0
    m = _HEADING.match(line)
    if not m or not m.group(2).strip():
        return 0
    return min(len(m.group(1)), len(m.group(3)))


def _continues_sentence(previous: str) -> bool:
    """True when ``previous`` is paragraph text whose sentence runs on to the next line."""
    text = previous.rstrip()
    if not text or text[0] in "*#;:=| {!<" or _RULE.match(text) or _LINE_BREAK.search(text):
        return False
    # Strip closing formatting (quotes, tags) without a backtracking regex.
    while text.endswith(("'", ">")):
        stripped = _TRAILING_TAG.sub("", text.rstrip("'"), count=1).rstrip()
        if stripped == text:
            break
        text = stripped
    return bool(text) and (text[-1].isalnum() or text[-1] in ",;(-\u2013")


def _parse_header(line: str, previous: str) -> _Header | None:
    text = line.rstrip("\r\n")
    level = _heading_level(text)
    if level:
        kind, content, marker = "heading", _HEADING.match(text).group(2), ""  # type: ignore[union-attr]
    elif text[:1] in "*#;" and text[1:2] not in ("*", "#", ":", ";"):
        kind, content, marker, level = "item", text[1:], text[0], 7
    else:
        if _continues_sentence(previous):
            return None
        kind, content, marker, level = "line", text, "", 7
    m = _ENDPOINT.match(content)
    if not m:
        return None
    path = m.group("path")
    end = len(path)
    # Sentence punctuation after a path is not part of it ("GET /x."), entities are.
    while end and path[end - 1] in ".,;:!?" and not (
        path[end - 1] == ";" and _ENTITY_END.search(path, max(0, end - 12), end)
    ):
        end -= 1
    path = path[:end]
    if len(path) < 2 and not path.startswith("/"):
        return None
    after = m.start("path") + len(path)
    rest = content[after:]
    rest = rest[_LEADING_CLOSERS.match(rest).end():]  # type: ignore[union-attr]
    if rest.strip() and kind != "heading":
        sep = _REST_SEPARATOR.match(rest)
        if not sep:
            return None  # "GET /x HTTP/1.1", "GET /x returns..."
        if not rest.lstrip().startswith("("):
            rest = rest[sep.end():]
        rest = rest[_LEADING_CLOSERS.match(rest).end():]  # type: ignore[union-attr]
    return _Header(kind, level, m.group("method"), path, rest.strip(), marker)


def _is_continuation(line: str, marker: str) -> bool:
    if marker == ";" and line.startswith(":"):
        return True
    return line[:1] == marker and line[1:2] in ("*", "#", ":", ";")


def split(
    wikitext: str, *, placeholders: frozenset[str] = PLACEHOLDER_NAMES
) -> list[str | Endpoint]:
    """Cut ``wikitext`` into plain segments and endpoint descriptions.

    The plain segments and the endpoints' ``source`` texts, joined in order,
    give back ``wikitext`` exactly.
    """
    if not wikitext:
        return []
    lines = wikitext.splitlines(keepends=True)
    line_starts = list(accumulate((len(line) for line in lines[:-1]), initial=0))
    candidates = set()
    for m in _ANY_METHOD.finditer(wikitext):
        start = m.start()
        if start and (wikitext[start - 1].isalnum() or wikitext[start - 1] == "_"):
            continue  # part of a longer word
        i = bisect_right(line_starts, start) - 1
        # Cheap filter: only markup may precede the method on an endpoint line.
        if start - line_starts[i] < 60 and _MARKUP_ONLY.fullmatch(wikitext, line_starts[i], start):
            candidates.add(i)
    if not candidates:
        return [wikitext]
    in_construct = _construct_states(wikitext, line_starts)
    headers: dict[int, _Header] = {}
    for i in sorted(candidates):
        line = lines[i]
        if in_construct[i] or line[:1] in (" ", "\t"):
            continue
        # An endpoint line right after another one does not continue its sentence.
        previous = lines[i - 1] if i and (i - 1) not in headers else ""
        header = _parse_header(line, previous)
        if header:
            headers[i] = header
    if not headers:
        return [wikitext]

    result: list[str | Endpoint] = []
    seen: set[tuple[str, str]] = set()
    start = 0  # first line not yet emitted
    i = 0
    n = len(lines)
    while i < n:
        header = headers.get(i)
        if header is None:
            i += 1
            continue
        end = _description_end(lines, in_construct, headers, i, header)
        if i > start:
            result.append("".join(lines[start:i]))
        endpoint = _build(header, lines, in_construct, i, end, placeholders)
        key = (endpoint.method, endpoint.path)
        endpoint.noindex = key in seen
        seen.add(key)
        result.append(endpoint)
        start = i = end
    if start < n:
        result.append("".join(lines[start:]))
    return result


def _description_end(
    lines: list[str], in_construct: list[bool], headers: dict[int, _Header], i: int,
    header: _Header,
) -> int:
    j = i + 1
    while j < len(lines):
        line = lines[j]
        if header.kind == "item":
            if not in_construct[j] and not _is_continuation(line, header.marker):
                break
        elif not in_construct[j] and line[:1] not in (" ", "\t"):
            if j in headers or _RULE.match(line):
                break
            level = _heading_level(line.rstrip("\r\n"))
            if level and level <= header.level:
                break
        j += 1
    return j


def _build(
    header: _Header, lines: list[str], in_construct: list[bool], i: int, end: int,
    placeholders: frozenset[str],
) -> Endpoint:
    body: list[str] = [header.rest] if header.rest else []
    for j in range(i + 1, end):
        line = lines[j].rstrip("\r\n")
        if header.kind == "item" and not in_construct[j]:
            line = line[1:].lstrip() if line[:1] == header.marker or line[:1] == ":" else line
            if line.startswith(":"):
                line = line[1:].lstrip()
        elif not in_construct[j] and _heading_level(line):
            # A sub-heading cannot live inside a directive: keep its text as a bold paragraph.
            title = _HEADING.match(line).group(2).strip()  # type: ignore[union-attr]
            body += ["", f"'''{title}'''", ""]
            continue
        body.append(line)
    path, query_names = normalise_path(header.raw_path, placeholders)
    endpoint = Endpoint(
        method=header.method.lower(),
        path=path,
        description="",
        queries=[(name, "") for name in query_names],
        source="".join(lines[i:end]),
        line=i + 1,
        raw_path=header.raw_path,
    )
    endpoint.description = "\n".join(_extract_fields(body, endpoint)).strip("\n")
    return endpoint


# --- fields listed in the description ---------------------------------------------------

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
    rf"\s*(?P<open>(?:{_OPENERS})*+)\s*(?P<name>[A-Za-z0-9_][\w.\-\[\]]*)\s*"
    rf"(?P<close>(?:{_CLOSERS})*+)(?P<rest>.*)",
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


def _extract_fields(lines: list[str], endpoint: Endpoint) -> list[str]:
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


# --- rendering ----------------------------------------------------------------------------


def render(endpoint: Endpoint, convert_fragment: Callable[[str], str]) -> str:
    """Render ``endpoint`` as an ``http:<method>`` directive (reST, no trailing blank)."""
    out = [f".. http:{endpoint.method}:: {endpoint.path}"]
    if endpoint.noindex:
        out.append("   :noindex:")
    body = convert_fragment(endpoint.description).strip("\n") if endpoint.description else ""
    if body.strip():
        out.append("")
        out.extend(f"   {line}" if line.strip() else "" for line in body.splitlines())
    fields = list(_fields(endpoint, convert_fragment))
    if fields:
        out.append("")
        out.extend(fields)
    return "\n".join(out)


def _fields(endpoint: Endpoint, convert_fragment: Callable[[str], str]) -> Iterable[str]:
    groups = [
        ("param", endpoint.params),
        ("query", endpoint.queries),
        ("reqheader", endpoint.reqheaders),
        ("resheader", endpoint.resheaders),
        ("statuscode", endpoint.statuscodes),
    ]
    for kind, entries in groups:
        for name, text in entries:
            # A field body is one paragraph: the converter's blocks are joined.
            flat = " ".join(convert_fragment(text).split()) if text.strip() else ""
            yield f"   :{kind} {name}:" + (f" {flat}" if flat else "")


# --- whole pages --------------------------------------------------------------------------

_API_HEADING = re.compile(r"\b(?:API|APIs|REST|[Ee]ndpoints?)\b")


def looks_like_api_page(wikitext: str) -> bool:
    """True when the page describes an HTTP API.

    That is: two or more endpoint descriptions, or one under a heading that
    names an API ("API", "REST", "Endpoints").
    """
    count = sum(isinstance(segment, Endpoint) for segment in split(wikitext))
    if count >= 2:
        return True
    if count == 0:
        return False
    for line in wikitext.splitlines():
        m = _HEADING.match(line)
        if m and _API_HEADING.search(m.group(2)):
            return True
    return False
