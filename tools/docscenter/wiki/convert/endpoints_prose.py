"""HTTP endpoints named in running sentences, beside the endpoint lines of :mod:`.endpoints`.

Two shapes are recognised:

* a call: a verb of calling (``call``, ``send``, ``issue``, ``use``, ``via``...), an optional
  article, then a method and a path ending the clause — "To fetch a user, clients call GET
  /1.0/users/{id}." The paragraph (or top-level list item) holding it becomes the endpoint's
  description, whole;
* a lead verb: a line opening with a method and a path followed by a verb describing it —
  "DELETE /1.0/users/{id} removes the user." Such a line may as well report traffic ("GET
  /wiki/Main_Page returns 503 under load"), so the path must name a parameter (a route
  template, such as ``{id}`` or a known placeholder segment).

Never an endpoint: a method word in ordinary prose ("we GET the idea"), a method and a path in
a sentence about something else (no verb of calling before it, or a noun after it: "a GET
/1.0/x request"), anything in code (``<pre>``, ``<source>``, leading-space lines,
``<code>`` holding more than the request) or in a markdown-like code span (backticks), and a
URL to another site (a host with a name of its own; ``server``, ``localhost`` and
``example.org``-like hosts stand for the service's own).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .endpoint_fields import CLOSERS, OPENERS
from .endpoint_paths import PATH, PLACEHOLDER_NAMES, normalise_path

METHOD_NAMES = "GET|PUT|POST|DELETE|PATCH|HEAD"
# Verbs (every form) and prepositions that introduce the request a client makes.
_CALL_WORDS = (
    "call", "calls", "called", "calling", "send", "sends", "sent", "sending", "issue",
    "issues", "issued", "issuing", "make", "makes", "made", "making", "use", "uses", "used",
    "using", "invoke", "invokes", "invoked", "invoking", "hit", "hits", "hitting", "query",
    "queries", "queried", "querying", "request", "requests", "requested", "requesting",
    "perform", "performs", "performed", "performing", "via", "through", "with",
)
# Words that may follow the path when the clause goes on ("call GET /x to read it"); any
# other word makes the request a modifier of something else ("a GET /x request").
_FOLLOWERS = (
    "to", "with", "and", "or", "then", "which", "that", "for", "passing", "using", "giving",
    "on", "when", "whenever", "if", "before", "after", "instead", "once", "as", "every",
    "each", "at", "from", "in", "per",
)
# Plural nouns that look like verbs after a path ("GET /x requests are logged").
_NOUNS = frozenset({
    "requests", "calls", "responses", "queries", "endpoints", "routes", "handlers", "headers",
    "hits", "logs", "errors", "bytes", "times", "seconds", "results", "redirects", "params",
    "parameters", "methods", "paths", "urls", "resources", "works", "does", "was",
})
_GAP = r"[ \t]*\n?[ \t]*"  # spaces, at most one line break: the same paragraph
# Starts with the method names, not a look-behind, so the regex engine skips ahead fast; the
# character before the method is checked apart.
_MENTION = re.compile(
    rf"(?P<method>{METHOD_NAMES})(?![\w-])(?:[ \t]|{OPENERS}|{CLOSERS})*+"
    rf"(?P<path>{PATH})"
)
_CALLED = re.compile(
    rf"(?<![\w-])(?:{'|'.join(_CALL_WORDS)}){_GAP}(?:(?:a|an|the|one){_GAP})?"
    rf"(?:(?:{OPENERS})[ \t]*)*+\Z",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(
    rf"(?:{CLOSERS})*+(?:[ \t]*(?:\n[ \t]*\n|\n?\Z)|[ \t]*[.,;:!?)(]"
    rf"|{_GAP}(?:{'|'.join(_FOLLOWERS)})\b)"
)
_LEAD_VERB = re.compile(r"(?:[a-z]{2,}(?<!s)s)\b")  # "removes", "returns"; not "is", "access"
_URL_HOST = re.compile(r"^https?://([^/?#]*)", re.IGNORECASE)
_OWN_HOST = re.compile(r"^(?:[^.]*|(?:[\w-]+\.)*example\.(?:org|com|net))(?::\d+)?$",
                       re.IGNORECASE)
LOOK_BACK = 80  # characters before a method searched for the verb of calling


@dataclass(frozen=True)
class Mention:
    """A call found in a sentence: the line it is on (0-based), the method, the path."""

    line: int
    method: str
    raw_path: str


def trim_path(path: str) -> str:
    """``path`` without the sentence punctuation after it ("GET /x." ends at "x"); an
    entity's ";" stays."""
    end = len(path)
    while end and path[end - 1] in ".,;:!?" and not (
            path[end - 1] == ";" and re.search(r"&\w+;$", path[max(0, end - 12):end])):
        end -= 1
    return path[:end]


def other_site(raw_path: str) -> bool:
    """Whether ``raw_path`` is a URL on another site: a named host, not one standing for the
    service's own (``server``, ``localhost``, ``sync.example.org``, ``{host}``)."""
    match = _URL_HOST.match(raw_path)
    if match is None:
        return False
    host = match[1]
    return not (_OWN_HOST.match(host) or any(c in host for c in "{<[('$"))


def names_parameter(raw_path: str, placeholders: frozenset[str] = PLACEHOLDER_NAMES) -> bool:
    """Whether the path is a route template: it names at least one parameter."""
    return "(" in normalise_path(raw_path, placeholders)[0]


def describes(rest: str, raw_path: str,
              placeholders: frozenset[str] = PLACEHOLDER_NAMES) -> bool:
    """Whether ``rest``, the text after a method and a path opening a line, describes that
    endpoint: a verb ("removes the user"), and a path that is a route template on the
    service's own site."""
    match = _LEAD_VERB.match(rest)
    return (match is not None and match[0] not in _NOUNS
            and names_parameter(raw_path, placeholders) and not other_site(raw_path))


def calls(text: str, line_starts: list[int]) -> list[Mention]:
    """The calls named in sentences of ``text`` (whose lines start at ``line_starts``), in
    order. Where they are (code, tables, headings...) is for the caller to judge."""
    found: list[Mention] = []
    for match in _MENTION.finditer(text):
        before = text[match.start() - 1:match.start()]
        if before and (before.isalnum() or before in "_`"):
            continue  # part of a word, or in a code span
        path = trim_path(match["path"])
        if len(path) < 2 or other_site(path):
            continue
        start = match.start("method")
        if not _CALLED.search(text, max(0, start - LOOK_BACK), start):
            continue
        if not _CLAUSE_END.match(text, match.start("path") + len(path)):
            continue
        found.append(Mention(bisect_right(line_starts, start) - 1, match["method"], path))
    return found
