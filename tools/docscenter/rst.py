"""Small reST helpers for text docscenter writes itself (titles, summaries)."""

from __future__ import annotations

import re
import unicodedata

_INLINE = re.compile(r"([\\`*_|\[\]<>:])")


def escape(text: str) -> str:
    """Escape inline reST markup so ``text`` renders as itself, on one line."""
    text = " ".join(text.split())
    text = _INLINE.sub(r"\\\1", text)
    # A leading "..", "-", "+" or enumerator would start a construct on its own line.
    if re.match(r"^(\.\.|[-+#]\s|\d+[.)]\s)", text):
        text = "\\" + text
    return text


def width(text: str) -> int:
    """Display width: East Asian wide characters take two columns, as docutils counts them."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def heading(text: str, char: str = "=") -> str:
    """A section title with an underline as wide as the (escaped) text."""
    return f"{text}\n{char * max(width(text), 1)}"


def toml_string(value: str) -> str:
    """A TOML basic string for ``value``."""
    out = []
    for c in value:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'
