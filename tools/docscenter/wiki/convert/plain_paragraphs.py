"""A fast path for paragraphs of plain text: lines holding text nodes only, with no quote
runs, behaviour switches or signatures (most paragraph and list item lines of real pages).

The inline path (tokens, quote resolution, styled runs, pieces) would write each such line as
its text with white space runs collapsed, escaped (as :func:`.inline.escape_text` does:
no markup, no address docutils would link), its start and end made safe; this writes
the same directly. ``ConvertOptions.text_fast_path`` turns it off, so the tests can compare
both paths (``tests/wiki/test_text_fast_path.py``): any change to how text converts must keep
them equal.
"""

from __future__ import annotations

import re

from mwparserfromhell.nodes import Node, Text

from ... import rst
from ...rst import Block
from .inline import escape_text

_SPACES = re.compile(r"[ \t\n]+")  # white space a paragraph line collapses to one space


def plain_paragraph(lines: list[list[Node]]) -> list[Block] | None:
    """The paragraph block of ``lines`` when every line is plain text, else None (the inline
    path converts it)."""
    out: list[str] = []
    for line in lines:
        parts: list[str] = []
        for node in line:
            if type(node) is not Text:
                return None
            parts.append(node.value)
        text = "".join(parts)
        # Quote runs are styles; "__X__" and "~~~" may be magic words or signatures.
        if "''" in text or "__" in text or "~~~" in text:
            return None
        text = escape_text(_SPACES.sub(" ", text))
        if text.strip():
            # The start is made safe before the end is trimmed ("\\ " stays one escape).
            out.append(rst.escape_end(rst.escape_start(text.lstrip()).rstrip()).strip())
    return [("para", out)] if out else []
