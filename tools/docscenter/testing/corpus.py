"""Where the shared corpus of real wiki content is: one rule for tests and benchmarks.

``DOCSCENTER_CORPUS`` names the corpus folder (the one holding ``wpd/``); without it the
folder is ``../shared/corpus`` beside the repository root. The corpus is data that never
enters the repository, so callers skip (tests) or stop (benchmarks) with :func:`missing`'s
one-line reason when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "DOCSCENTER_CORPUS"
REPO = Path(__file__).resolve().parents[3]


def corpus_root() -> Path:
    """The corpus folder (it may not exist)."""
    configured = os.environ.get(ENV)
    return Path(configured) if configured else REPO.parent / "shared" / "corpus"


def wpd_export() -> Path:
    """The WebPlatform Docs corpus as one Special:Export dump."""
    return corpus_root() / "wpd" / "export.xml"


def missing(path: Path) -> str | None:
    """None when ``path`` exists, else the one-line reason to skip."""
    if path.exists():
        return None
    return f"the corpus is not at {path} (set {ENV} to the folder holding wpd/)"
