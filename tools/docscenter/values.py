"""Values from the command line on their way into generated files.

Titles, summaries and owners end up in ``conf.py`` (Python), ``service.toml`` (TOML) and reST
pages. Each writer escapes with a serialiser (:func:`python_literal`,
:func:`docscenter.core.services.toml_value`, :mod:`docscenter.rst`); what no file can hold
is refused here first, with a one-line :class:`~docscenter.errors.UsageError` naming the option.
"""

from __future__ import annotations

import ast
import unicodedata

from .core.text import printable
from .errors import UsageError

__all__ = ["one_line", "printable", "python_literal"]


def one_line(value: str, option: str) -> str:
    """``value`` stripped, refused when it cannot be one line of text in a generated file:
    a control character (a line break, NUL, escape...) or an undecodable byte from the
    command line (a lone surrogate)."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc" or char in "\u2028\u2029":
            raise UsageError(f"{option} {_shown(value)}: control character "
                             f"U+{ord(char):04X} not allowed (one line of text)")
        if category == "Cs":
            raise UsageError(f"{option} {_shown(value)}: not valid UTF-8 text")
    return value.strip()


def python_literal(value: str) -> str:
    """``value`` as a Python string literal, checked to read back as the same string."""
    literal = repr(value)
    if ast.literal_eval(literal) != value:  # cannot happen for str; guards a future type
        raise UsageError(f"{_shown(value)}: cannot be written as a Python string")
    return literal


def _shown(value: str, limit: int = 60) -> str:
    """``value`` quoted for a one-line message: escaped, and shortened when long."""
    text = ascii(value) if not value.isprintable() else repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"
