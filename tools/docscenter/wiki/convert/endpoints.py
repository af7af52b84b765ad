"""HTTP endpoints described in wiki prose, found before conversion.

Old service pages describe their APIs in ad-hoc prose::

    '''GET''' ''https://server/pathname/1.1/username/info/collections''

    Returns a hash of collections ...

    Possible HTTP status codes:
    * 200: Success

``split(wikitext)`` cuts a page into plain wikitext segments and ``Endpoint``
segments (:mod:`.endpoint_fields`); the converter turns each endpoint into a
sphinxcontrib-httpdomain directive, so the endpoint lands in the routing table.

What counts as an endpoint line: a method (GET, PUT, POST, DELETE, PATCH, HEAD;
upper case, possibly bold or in ``<code>``/``<tt>``) opening a heading, a
paragraph line or a top-level list item, followed by a URL or an absolute path
(possibly italic or in ``<code>``/``<tt>``) and then nothing, or a separator
(``:``, ``-``, ``,``, ``(``...) and more text. Lines inside ``<pre>``,
``<source>``, ``<syntaxhighlight>``, ``<nowiki>``, comments, templates and
tables, leading-space code lines, nested list items and lines that continue a
sentence from the previous line are never endpoint lines. A line opening with a method
and a route template may also go on with a verb ("DELETE /1.0/users/{id} removes it").

Calls named inside sentences ("clients call GET /1.0/users/{id}") are found by
:mod:`.endpoints_prose`; such an endpoint starts with the first line of its paragraph
(or its top-level list item), which describes it whole.

The description runs to the next endpoint line, the next heading of the same or
a higher level (any heading for a non-heading endpoint), or a horizontal rule;
a list-item endpoint is described by its own nested items only. Status codes,
headers and parameters listed in the description become directive fields;
anything not recognised stays in the description.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from .endpoint_fields import CLOSERS, OPENERS, Endpoint, extract_fields
from .endpoint_paths import PATH, PLACEHOLDER_NAMES, normalise_path
from .endpoints_prose import Mention, calls, describes, trim_path

METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD")

# No leading "\b": a pattern that starts with literals lets the regex engine skip ahead fast.
_METHOD_NAMES = "|".join(METHODS)
_ANY_METHOD = re.compile(rf"(?:{_METHOD_NAMES})\b")
_LINE_BREAK = re.compile(r"<br\s*/?>$", re.IGNORECASE)
_TRAILING_TAG = re.compile(r"</?\w+>$")
_HEADING = re.compile(r"^(={1,6})(.+?)(={1,6})[ \t]*$")
_RULE = re.compile(r"^-{4,}")
# Quantifiers over OPENERS and CLOSERS are possessive ("*+"): a run of quotes must not
# backtrack.
_ENDPOINT = re.compile(
    rf"(?:\s|{OPENERS})*+(?P<method>{_METHOD_NAMES})(?![\w-])"
    rf"(?:\s|{OPENERS}|{CLOSERS})*+"
    rf"(?P<path>{PATH})"
)
_MARKUP_ONLY = re.compile(rf"(?:[=*#;\s]|{OPENERS})*+")
_LEADING_CLOSERS = re.compile(rf"(?:\s|{CLOSERS})*+")
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


def _parse_header(line: str, previous: str,
                  placeholders: frozenset[str] = PLACEHOLDER_NAMES) -> _Header | None:
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
    # Sentence punctuation after a path is not part of it ("GET /x."), entities are.
    path = trim_path(m.group("path"))
    if len(path) < 2 and not path.startswith("/"):
        return None
    after = m.start("path") + len(path)
    rest = content[after:]
    rest = rest[_LEADING_CLOSERS.match(rest).end():]  # type: ignore[union-attr]
    if rest.strip() and kind != "heading":
        sep = _REST_SEPARATOR.match(rest)
        if not sep:
            # "DELETE /x/{id} removes it" describes it; "GET /x HTTP/1.1" does not.
            return _Header(kind, level, m.group("method"), path, rest.strip(), marker) \
                if describes(rest, path, placeholders) else None
        if not rest.lstrip().startswith("("):
            rest = rest[sep.end():]
        rest = rest[_LEADING_CLOSERS.match(rest).end():]  # type: ignore[union-attr]
    return _Header(kind, level, m.group("method"), path, rest.strip(), marker)


def _is_continuation(line: str, marker: str) -> bool:
    if marker == ";" and line.startswith(":"):
        return True
    return line[:1] == marker and line[1:2] in ("*", "#", ":", ";")


def _candidate_lines(wikitext: str, line_starts: list[int]) -> set[int]:
    """Lines where a method name stands after nothing but markup (a cheap first filter)."""
    candidates = set()
    for m in _ANY_METHOD.finditer(wikitext):
        start = m.start()
        if start and (wikitext[start - 1].isalnum() or wikitext[start - 1] == "_"):
            continue  # part of a longer word
        i = bisect_right(line_starts, start) - 1
        if start - line_starts[i] < 60 and _MARKUP_ONLY.fullmatch(wikitext, line_starts[i], start):
            candidates.add(i)
    return candidates


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
    candidates = _candidate_lines(wikitext, line_starts)
    mentions = calls(wikitext, line_starts)
    if not candidates and not mentions:
        return [wikitext]
    in_construct = _construct_states(wikitext, line_starts)
    headers: dict[int, _Header] = {}
    for i in sorted(candidates):
        line = lines[i]
        if in_construct[i] or line[:1] in (" ", "\t"):
            continue
        # An endpoint line right after another one does not continue its sentence.
        previous = lines[i - 1] if i and (i - 1) not in headers else ""
        header = _parse_header(line, previous, placeholders)
        if header:
            headers[i] = header
    _add_calls(headers, mentions, lines, in_construct)
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


def _plain_line(line: str, busy: bool) -> bool:
    """A line of paragraph text: not in a construct, not code, a heading, a list, a table
    row or a rule."""
    return (not busy and bool(line.strip()) and line[:1] not in " \t*#;:{|!"
            and not _heading_level(line.rstrip("\r\n")) and not _RULE.match(line))


def _add_calls(headers: dict[int, _Header], mentions: list[Mention], lines: list[str],
               in_construct: list[bool]) -> None:
    """An endpoint for each call named in a sentence (:mod:`.endpoints_prose`), starting at
    its paragraph's first line (or its top-level list item), which describes it whole."""
    for mention in mentions:
        i = mention.line
        line = lines[i]
        if in_construct[i]:
            continue
        if line[:1] in "*#;" and line[1:2] not in ("*", "#", ":", ";"):
            start, kind, marker, rest = i, "item", line[0], line[1:].strip()
        elif _plain_line(line, False):
            start = i
            while start and start - 1 not in headers and \
                    _plain_line(lines[start - 1], in_construct[start - 1]):
                start -= 1
            kind, marker, rest = "line", "", lines[start].strip()
        else:
            continue  # code, a heading, a nested item, a table row
        if any(j in headers for j in range(start, i + 1)):
            continue  # the paragraph already is (or holds) an endpoint
        headers[start] = _Header(kind, 7, mention.method, mention.raw_path, rest, marker)


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
    endpoint.description = "\n".join(extract_fields(body, endpoint)).strip("\n")
    return endpoint
