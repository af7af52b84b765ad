"""Showing untrusted text (titles, messages naming wiki pages) in a terminal or a log."""

from __future__ import annotations

import unicodedata

#: Unicode categories that do something in a terminal or a log instead of showing: control and
#: format characters (line breaks, escape sequences, bidirectional overrides), surrogates,
#: private-use and unassigned code points, line and paragraph separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def printable(text: str) -> str:
    """``text`` for one line of a report: invisible and control characters are shown as
    escapes (``\\n``, ``\\x1b``, ``\\u202e``), never acted on by the terminal."""
    if text.isprintable():
        return text
    return "".join(ascii(char)[1:-1] if unicodedata.category(char) in _INVISIBLE else char
                   for char in text)
