"""Every docscenter finding goes through ``warn`` with ``type="docscenter"`` and a subtype,
so ``suppress_warnings = ["docscenter.<subtype>"]`` silences exactly one kind."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sphinx.util import logging

logger = logging.getLogger("docscenter")


class Subtype(StrEnum):
    """The kinds of finding; the value is what ``suppress_warnings`` names."""

    service_toml = "service_toml"
    template = "template"
    toctree = "toctree"
    duplicate_term = "duplicate_term"
    undefined_term = "undefined_term"
    term_case = "term_case"
    unused_term = "unused_term"
    glossary_location = "glossary_location"
    placeholder = "placeholder"
    vcs = "vcs"
    directive = "directive"
    manifest = "manifest"


def warn(subtype: Subtype, message: str, location: Any = None) -> None:
    """Emit one docscenter warning (an error under ``-W``)."""
    logger.warning(
        message, type="docscenter", subtype=subtype.value, location=location
    )
