"""Every docscenter warning goes through :func:`warn` with ``type="docscenter"`` and a
subtype, so ``suppress_warnings = ["docscenter.<subtype>"]`` silences exactly one kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.util import logging

from ..core.findings import WARNING_TYPE, Finding, Subtype

logger = logging.getLogger("docscenter")


def warn(subtype: Subtype, message: str, location: Any = None) -> None:
    """Emit one docscenter warning (an error under ``-W``)."""
    logger.warning(message, type=WARNING_TYPE, subtype=subtype.value, location=location)


def warn_finding(finding: Finding, root: Path, suffix: str) -> None:
    """Emit ``finding`` of the center at ``root``, located at its file and line."""
    if finding.path.endswith(suffix):  # a document: Sphinx names its file
        location: Any = (finding.path.removesuffix(suffix), finding.line)
    else:  # a file without a line ends with a colon, as Sphinx writes it for a node
        location = f"{root}/{finding.path}:{finding.line or ''}"
    warn(finding.subtype, finding.message, location)
