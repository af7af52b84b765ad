"""Where a center is and what it holds: finding it, its folders, its services."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from .services import ServiceMeta, discover


def _loads_docscenter(conf: Path) -> bool:
    try:
        return "docscenter" in conf.read_text(encoding="utf-8")
    except OSError:
        return False


@dataclass(frozen=True)
class Center:
    """A documentation center rooted at ``root`` (the folder holding ``conf.py``)."""

    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Center:
        """The center at ``start`` or the nearest folder above it whose conf.py loads docscenter."""
        here = Path(start or os.getcwd()).resolve()
        if start is not None:
            if not here.is_dir():
                raise UsageError(f"{here}: no such directory")
            if not _loads_docscenter(here / "conf.py"):
                raise UsageError(f"{here}: not a docscenter center (no conf.py loading docscenter)")
            return cls(here)
        for folder in (here, *here.parents):
            if _loads_docscenter(folder / "conf.py"):
                return cls(folder)
        raise UsageError(
            f"{here}: not inside a docscenter center (no conf.py loading docscenter found "
            "here or above); use -C DIR"
        )

    @property
    def services_dir(self) -> Path:
        return self.root / "services"

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def tools_dir(self) -> Path:
        return self.root / "tools"

    @property
    def templates_dir(self) -> Path:
        """Where a center puts its own copies of template files to override the built-in ones."""
        return self.root / "tools" / "templates"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def services(self) -> list[ServiceMeta]:
        return discover(self.services_dir)
