"""Writing reST: escaping text so it stays text, inline pieces, headings, blocks.

Everything docscenter writes from outside text (wiki content, service titles and summaries)
passes through one of these functions, so nothing from it can become a live directive, role,
target or substitution.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from unicodedata import combining, east_asian_width
from urllib.parse import quote

from docutils.utils import column_width, urischemes

# Characters that start inline markup anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\*`|])")
# "_" ends a reference ("name_", "name__") unless a word character follows.
_UNDERSCORE = re.compile(r"_(?![^\W_])")
# Line starts that docutils reads as a body element: enumerators, lists, options, fields,
# explicit markup, doctest blocks, section adornments, line blocks.
_ENUMERATOR = re.compile(r"^(\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)[.)](\s|$)")
_BULLETS = "•‣⁃"
# Where inline markup may start (after) and end (before) without an escaped space.
_OPEN_OK = set("-:/'\"<([{")
_CLOSE_OK = set("-.,:;!?\\/'\")]}>")
_PAIRS = {"'": "'", '"': '"', "<": ">", "(": ")", "[": "]", "{": "}"}


#: Schemes a link in a center may use by default; docutils' other schemes are never linked
#: from text (see :func:`escape_schemes`).
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# docutils makes a link of "scheme:..." in plain text for every scheme it knows
# (javascript:, data:, file:, ...); those a link may not use are escaped.
_KNOWN_SCHEMES = frozenset(urischemes.schemes)
_LONGEST_SCHEME = max(map(len, _KNOWN_SCHEMES))
_SCHEME_TAIL = re.compile(r"[A-Za-z0-9.+-]*$")


def escape_inline(text: str) -> str:
    """Backslash-escape ``text`` so docutils shows it verbatim inside a paragraph."""
    # Most text holds none of these: the substitutions run only where they have work.
    if "\\" in text or "*" in text or "`" in text or "|" in text:
        text = _INLINE_SPECIAL.sub(r"\\\1", text)
    if "_" in text:
        text = _UNDERSCORE.sub(r"\\_", text)
    return escape_schemes(text)


def escape_schemes(text: str) -> str:
    """Escape the colon of every ``scheme:`` docutils would turn into a link when it is not
    an http, https or mailto one: ``javascript:alert(1)`` in text stays visible as written,
    never a live link (``javascript\\:alert(1)``).

    docutils may start a URI after a ``.`` or ``-`` inside a word, so every scheme that ends
    right before the colon counts. Linear in the text: only a few characters before each
    colon are looked at."""
    if ":" not in text:
        return text
    out: list[str] = []
    start = 0
    for index in unlinked_colons(text):
        out.append(text[start:index] + "\\")
        start = index
    out.append(text[start:])
    return "".join(out)


_COLON = re.compile(r":(?=\S)")  # a colon followed by something a URI may go on with


def unlinked_colons(text: str, allowed: Collection[str] = LINK_SCHEMES) -> Iterator[int]:
    """The positions of the colons docutils would make a link from, with a scheme it knows
    that ``allowed`` does not hold (see :func:`escape_schemes`). Each distinct run of
    letters before a colon is judged once."""
    judged: dict[str, bool] = {}
    for match in _COLON.finditer(text):
        at = match.start()
        tail = _SCHEME_TAIL.search(text, max(0, at - _LONGEST_SCHEME - 1), at)
        run = tail[0].lower() if tail else ""
        unlinked = judged.get(run)
        if unlinked is None:
            unlinked = judged[run] = any(
                run[i].isalpha() and run[i:] in _KNOWN_SCHEMES and run[i:] not in allowed
                for i in range(len(run)))
        if unlinked:
            yield at


def escape_line_start(line: str) -> str:
    """Escape the start and end of an already inline-escaped paragraph line.

    A backslash before the first character stops docutils from reading the line as a list,
    enumerator, field, option, directive, comment, doctest block or section adornment; an
    escaped trailing ``::`` stops a literal block from starting.
    """
    return escape_start(escape_end(line))


def escape_end(line: str) -> str:
    """Escape a trailing ``::`` (it would announce a literal block)."""
    return line[:-1] + "\\:" if line.endswith("::") else line


def escape_start(line: str) -> str:
    """Escape the first character when the line could start a body element."""
    if not line:
        return line
    if line[0] == "\\":
        # Already escaped, unless the line is one repeated character ("\\\\" for a lone
        # backslash): that reads as a section adornment. An escaped space breaks it up.
        return "\\ " + line if len(set(line)) == 1 and len(line) > 1 else line
    first = line[0]
    if (first.isascii() and not first.isalnum() and not first.isspace()) or first in _BULLETS:
        return "\\" + line
    if _ENUMERATOR.match(line):
        return "\\" + line
    return line


def escape_line(text: str) -> str:
    """``text`` as one escaped paragraph line: whitespace collapsed, markup and line starts
    neutralised."""
    return escape_line_start(escape_inline(" ".join(text.split())))


def escape_role_text(text: str) -> str:
    """Escape text placed inside interpreted text or a hyperlink reference (`...`)."""
    text = " ".join(text.split())
    return re.sub(r"([\\`<>])", r"\\\1", text)


def escape_url(url: str) -> str:
    """Make ``url`` safe as an embedded URI: no spaces, brackets, backticks; no final ``_``."""
    url = quote(url.strip(), safe="/:?#[]@!$&'()*+,;=%~-._")
    if url.endswith("_"):
        url = url[:-1] + "%5F"
    return url


def literal(text: str) -> str:
    """Return inline-literal markup showing ``text`` exactly (whitespace collapsed)."""
    text = " ".join(text.split())
    if not text:
        return ""
    if "`" in text or "\\" in text:
        return ":literal:`" + re.sub(r"([\\`])", r"\\\1", text) + "`"
    return "``" + text + "``"


def role(name: str, text: str, target: str | None = None) -> str:
    """Return ``:name:`text <target>``` with the text escaped."""
    body = escape_role_text(text)
    if target is not None:
        body = f"{body} <{target}>" if body else f"<{target}>"
    return f":{name}:`{body}`"


def anonymous_link(text: str, url: str) -> str:
    """Return an anonymous hyperlink (never a named target, so duplicates cannot collide)."""
    body = escape_role_text(text)
    url = escape_url(url)
    return f"`{body} <{url}>`__" if body else f"`<{url}>`__"


def join_pieces(pieces: list[tuple[str, bool]]) -> str:
    """Join ``(text, is_markup)`` pieces, adding ``\\ `` where markup touches other text."""
    out: list[str] = []
    prev_markup = False
    for text, is_markup in pieces:
        if not text:
            continue
        if out:
            left = out[-1][-1]
            right = text[0]
            if is_markup and not left.isspace() and (
                left not in _OPEN_OK or _PAIRS.get(left) == _markup_first(text)
            ):
                out.append("\\ ")
            elif prev_markup and not is_markup and not right.isspace() and right not in _CLOSE_OK:
                out.append("\\ ")
            elif prev_markup and is_markup:
                out.append("\\ ")
        out.append(text)
        prev_markup = is_markup
    return "".join(out)


def _markup_first(text: str) -> str:
    """First character of the content inside a piece of inline markup."""
    inner = text.lstrip(":*`[#").lstrip("abcdefghijklmnopqrstuvwxyz-")
    inner = inner.lstrip(":`")
    return inner[:1]


def indent(lines: list[str], width: int) -> list[str]:
    """Indent non-blank lines by ``width`` spaces."""
    pad = " " * width
    return [pad + line if line.strip() else "" for line in lines]


def heading(text: str, char: str, overline: bool = False) -> list[str]:
    """Return the lines of a section title adorned with ``char``."""
    rule = char * max(column_width(text), 1)
    return [rule, text, rule] if overline else [text, rule]


def width(line: str) -> int:
    """Width of ``line`` in a grid table as docutils measures it.

    docutils pads wide East Asian characters to two columns and counts every other code
    point as one (tables with combining marks are not drawn as grids at all).
    """
    if line.isascii():
        return len(line)
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in line)


def has_combining(line: str) -> bool:
    """True when ``line`` holds combining marks, which docutils' grid parser mis-measures."""
    return not line.isascii() and any(combining(ch) for ch in line)


# Converted blocks are (kind, lines): "para", "heading", "list", "dl", "quote", "code",
# "directive", "table", "raw" or "transition"; kinds decide the separators neighbours need.
Block = tuple[str, list[str]]


def join_blocks(blocks: list[Block], top: bool) -> list[str]:
    """Join blocks with blank lines, keeping neighbours from merging into each other.

    ``top`` is true for the body of a document, the only place transitions may stay.
    """
    kept: list[Block] = []
    blocks = [block for block in blocks if block[1]]  # empty blocks are not neighbours
    for i, block in enumerate(blocks):
        if block[0] == "transition":
            # docutils only allows transitions between body elements of a section.
            prev = kept[-1][0] if kept else None
            nxt = next((b[0] for b in blocks[i + 1 :] if b[0] != "transition"), None)
            if not top or prev in (None, "transition", "heading") or nxt in (None, "heading"):
                continue
        kept.append(block)
    out: list[str] = []
    prev_kind = None
    for kind, lines in kept:
        if out:
            out.append("")
            # Two lists (or definition lists) in a row would merge into one.
            if (kind == "quote" and prev_kind not in ("para", "heading")) or (
                kind in ("list", "dl") and prev_kind == kind
            ):
                out.extend(["..", ""])
        out.extend(lines)
        prev_kind = kind
    return out
