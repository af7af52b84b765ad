"""Inline tokens and how they become reST lines (MediaWiki's quote rules, escaping).

Inline handlers turn nodes into tokens; this module knows nothing of nodes. A token is
``(kind, value, styles)``:

``("t", text, styles)``
   text, escaped when written; ``styles`` may hold "b" (bold) and "i" (italic)
``("q", run, styles)``
   a run of two or more apostrophes, resolved per line into bold and italic
``("a", reST, styles)``
   reST the handler already wrote (a link, a literal, a role): written as it is
``("br", "", styles)`` and ``("nl", "", styles)``
   a ``<br>`` and the line break between two source lines
"""

from __future__ import annotations

import re

from ... import rst
from ...rst import Block

Styles = frozenset[str]
Token = tuple[str, str, Styles]
NO_STYLE: Styles = frozenset()
BOLD: Styles = frozenset({"b"})

_QUOTES = re.compile(r"('{2,})")
# docutils links a bare URL or e-mail address it finds in text by itself. Wiki text the
# parser left as text (inside <nowiki>, a bare address) is no link on the wiki either, and
# links the wiki makes are written as links: so in text, both stay text.
_LIVE_SCHEME = re.compile(r"(https?|mailto)(?=:\S)", re.IGNORECASE)
_EMAIL_AT = re.compile(r"(?<=[-\w!~*'{|}/#?^`&=+$%])@(?=[-\w])")


def escape_text(text: str) -> str:
    """``text`` escaped to show verbatim in a paragraph: no markup, and no link docutils
    would make of a URL or an e-mail address in it."""
    text = rst.escape_inline(text)
    # Each substitution only where it has work (most text has neither).
    if ":" in text:
        text = _LIVE_SCHEME.sub(r"\1\\", text)
    if "@" in text:
        text = _EMAIL_AT.sub(r"\\@", text)
    return text


def quote_tokens(text: str, styles: Styles) -> list[Token]:
    """Tokens of wiki text: runs of apostrophes apart, the rest as text."""
    out: list[Token] = []
    for part in _QUOTES.split(text):
        if part.startswith("''") and part.strip("'") == "":
            out.append(("q", part, styles))
        elif part:
            out.append(("t", part, styles))
    return out


def paragraph(tokens: list[Token]) -> list[Block]:
    """A paragraph block from the tokens of its lines; a ``<br>`` makes it a line block."""
    out = emit_lines(tokens)
    if any(t[0] == "br" for t in tokens):
        block = [("| " + line.lstrip()).rstrip() for line in out]
        while block and block[-1] == "|":
            block.pop()
        return [("para", block)] if block else []
    out = [line.strip() for line in out if line.strip()]
    return [("para", out)] if out else []


def inline_rst(tokens: list[Token]) -> str:
    """The tokens as one line of reST (for titles, captions, link texts)."""
    return " ".join(line.strip() for line in emit_lines(tokens) if line.strip())


def emit_lines(tokens: list[Token]) -> list[str]:
    """Render tokens into output lines (one per source line or <br>)."""
    lines: list[list[Token]] = [[]]
    for token in tokens:
        if token[0] in ("nl", "br"):
            lines.append([])
        else:
            lines[-1].append(token)
    # Quotes are per source line; a <br> does not end them in MediaWiki, but keeping them per
    # output line is what reST can express.
    return [_emit_line(resolve_quotes(line)).strip() for line in lines]


# -- quotes ---------------------------------------------------------------------------------------


def resolve_quotes(tokens: list[Token]) -> list[Token]:
    """Apply MediaWiki's bold/italic rules for one line: runs of '' and ''' toggle styles."""
    fixed = _split_long_runs(tokens)
    twos = sum(1 for t in fixed if t[0] == "q" and len(t[1]) in (2, 5))
    threes = sum(1 for t in fixed if t[0] == "q" and len(t[1]) in (3, 5))
    if twos % 2 and threes % 2:
        chosen = _apostrophe_bold(fixed)
        if chosen is not None:
            s = fixed[chosen][2]
            fixed[chosen : chosen + 1] = [("t", "'", s), ("q", "''", s)]
    out: list[Token] = []
    bold = italic = False
    for kind, value, styles in fixed:
        if kind == "q":
            if len(value) == 2:
                italic = not italic
            elif len(value) == 3:
                bold = not bold
            else:
                bold, italic = not bold, not italic
            continue
        extra = ({"b"} if bold else set()) | ({"i"} if italic else set())
        out.append((kind, value, styles | extra))
    return out


def _split_long_runs(tokens: list[Token]) -> list[Token]:
    """'''' is an apostrophe and bold; six or more are apostrophes and bold italic."""
    fixed: list[Token] = []
    for kind, value, styles in tokens:
        if kind == "q":
            n = len(value)
            if n == 4:
                fixed += [("t", "'", styles), ("q", "'''", styles)]
            elif n > 5:
                fixed += [("t", "'" * (n - 5), styles), ("q", "'''''", styles)]
            else:
                fixed.append((kind, value, styles))
        else:
            fixed.append((kind, value, styles))
    return fixed


def _apostrophe_bold(fixed: list[Token]) -> int | None:
    """Which ''' is really an apostrophe followed by '' (as in l'''amour''): one after a
    single-letter word, else one after a word, else the first."""
    candidates = [i for i, t in enumerate(fixed) if t[0] == "q" and len(t[1]) == 3]
    for i in candidates:
        before = fixed[i - 1][1] if i and fixed[i - 1][0] == "t" else ""
        if len(before) >= 2 and before[-1] != " " and before[-2] == " ":
            return i
    for i in candidates:
        before = fixed[i - 1][1] if i and fixed[i - 1][0] == "t" else ""
        if before and before[-1] != " ":
            return i
    return candidates[0] if candidates else None


# -- writing one line -----------------------------------------------------------------------------


class _Line:
    """The pieces of one output line: (reST, is markup); runs of text with one style are
    gathered and written together."""

    def __init__(self) -> None:
        self.pieces: list[tuple[str, bool]] = []
        self.run: list[str] = []
        self.style: Styles | None = None

    def text(self, value: str, style: Styles) -> None:
        if self.style is not None and style != self.style:
            self.close()
        self.style = style
        self.run.append(value)

    def markup(self, value: str) -> None:
        self.close()
        self.pieces.append((value, True))

    def close(self) -> None:
        if self.style is None:
            return
        text = _collapse("".join(self.run))
        self.run.clear()
        style, self.style = self.style, None
        if not style or not text.strip():
            self.pieces.append((escape_text(text), False))
            return
        mark = "**" if "b" in style else "*"
        if text[:1] == " ":
            self.pieces.append((" ", False))
        self.pieces.append((mark + escape_text(text.strip()) + mark, True))
        if text[-1:] == " ":
            self.pieces.append((" ", False))


def _emit_line(tokens: list[Token]) -> str:
    line = _Line()
    for kind, value, styles in tokens:
        if kind == "t":
            line.text(value, frozenset(s for s in styles if s in ("b", "i")))
        else:
            line.markup(value)
    line.close()
    pieces = line.pieces
    # Escape the line start and end only where they are text, never inside our own markup.
    while pieces and not pieces[0][0].strip():
        pieces.pop(0)
    while pieces and not pieces[-1][0].strip():
        pieces.pop()
    if pieces and not pieces[0][1]:
        pieces[0] = (rst.escape_start(pieces[0][0].lstrip()), False)
    if pieces and not pieces[-1][1]:
        pieces[-1] = (rst.escape_end(pieces[-1][0].rstrip()), False)
    return rst.join_pieces(pieces)


def _collapse(text: str) -> str:
    # Whitespace inside a paragraph line is not significant; newlines would break the line.
    return re.sub(r"[ \t\n]+", " ", text)
