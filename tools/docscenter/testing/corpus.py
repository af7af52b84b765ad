"""Where the shared corpus of real wiki content is: the one rule for tests and benchmarks.

``DOCSCENTER_CORPUS`` names the corpus folder (the one holding ``wpd/``); without it the
folder is ``../shared/corpus`` beside the repository root. The corpus is data that never
enters the repository, so callers skip (tests) or stop (benchmarks) with a one-line reason
when it is absent. A ``DOCSCENTER_CORPUS`` that names no folder is an error, not an absent
corpus: whoever set it expects the corpus to be used.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "DOCSCENTER_CORPUS"
REPO = Path(__file__).resolve().parents[3]
DEFAULT = REPO.parent / "shared" / "corpus"


def corpus_root() -> Path:
    """The corpus folder (it may not exist); FileNotFoundError when ``DOCSCENTER_CORPUS``
    names a folder that is not there."""
    configured = os.environ.get(ENV)
    if not configured:
        return DEFAULT
    path = Path(configured)
    if not path.is_dir():
        raise FileNotFoundError(f"{ENV}={configured}: no such folder")
    return path


def corpus_dir() -> Path | None:
    """The corpus folder, or None when it is absent."""
    root = corpus_root()
    return root if root.is_dir() else None


def wpd_export() -> Path:
    """The WebPlatform Docs corpus as one Special:Export dump."""
    return corpus_root() / "wpd" / "export.xml"


def missing(path: Path) -> str | None:
    """None when ``path`` exists, else the one-line reason to skip."""
    if path.exists():
        return None
    return f"the corpus is not at {path} (set {ENV} to the folder holding wpd/)"
