"""Paths of HTTP endpoints written in wiki prose, normalised for sphinxcontrib-httpdomain:
scheme, host and deployment prefix dropped, placeholders as ``(name)``."""

from __future__ import annotations

import html
import re

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


#: A URL or an absolute path as endpoint lines write them: path characters, and
#: placeholders in braces, angle or square brackets, parentheses or italics.
PATH = (
    r"(?:https?://|/)"
    r"(?:[A-Za-z0-9\-._~%!$&*+,;=:@/?#]|<[A-Za-z_][\w:-]*>|\{[A-Za-z_][\w-]*\}"
    r"|\[[A-Za-z_][\w-]*\]|\([A-Za-z_][\w:-]*\)|''[A-Za-z_][\w-]*'')*+"
)

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
