"""Every docscenter warning goes through :func:`warn` with ``type="docscenter"`` and a
subtype, so ``suppress_warnings = ["docscenter.<subtype>"]`` silences exactly one kind.

A warning about a place in the center is located by :func:`warn_at`, with the location
``docscenter check`` and the commit hook print for the same finding
(:func:`docscenter.core.findings.location`: the path relative to the center root, and the
line).
"""

from __future__ import annotations

from typing import Any

from sphinx.util import logging

from ..core.findings import WARNING_TYPE, Finding, Subtype, location

logger = logging.getLogger("docscenter")


class AsWritten(str):
    """A location Sphinx prints as it is. Sphinx takes a location string without a ``:`` for
    a document name and prints that document's absolute path instead, which would turn
    ``tools/wiki.toml`` (a finding without a line) into ``/.../tools/wiki.toml.rst``."""

    __slots__ = ()

    def __contains__(self, item: object) -> bool:
        return item == ":" or str.__contains__(self, item)  # type: ignore[operator]


def warn(subtype: Subtype, message: str, location: Any = None) -> None:
    """Emit one docscenter warning (an error under ``-W``); ``location`` as Sphinx takes it
    (prefer :func:`warn_at` for a place in the center)."""
    logger.warning(message, type=WARNING_TYPE, subtype=subtype.value, location=location)


def warn_at(subtype: Subtype, message: str, path: str, line: int | None) -> None:
    """Emit a warning about ``path`` (relative to the center root, POSIX) at ``line``."""
    warn(subtype, message, AsWritten(location(path, line)))


def warn_finding(finding: Finding) -> None:
    """Emit ``finding`` where ``check`` locates it."""
    warn_at(finding.subtype, finding.message, finding.path, finding.line)
