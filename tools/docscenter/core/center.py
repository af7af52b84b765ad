"""Where a center is and what it holds: finding it, its configuration, its folders, its
services."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from .config import CenterConfig, read_conf
from .services import ServiceMeta, discover

#: The shared glossary and the folder of center-wide pages, relative to the center root.
GLOSSARY_DOC = "source/glossary"
SOURCE_DIR = "source"


def _loads_docscenter(conf: Path) -> bool:
    try:
        return "docscenter" in conf.read_text(encoding="utf-8")
    except OSError:
        return False


@dataclass(frozen=True)
class Center:
    """A documentation center rooted at ``root`` (the folder holding ``conf.py``), with its
    configuration and the two Sphinx settings docscenter honours outside a build."""

    root: Path
    config: CenterConfig = field(default_factory=CenterConfig)
    source_suffix: str = ".rst"
    suppress_warnings: tuple[str, ...] = ()

    @classmethod
    def load(cls, root: Path) -> Center:
        """The center at ``root``, configured from its ``conf.py`` (read as data)."""
        values = read_conf(root / "conf.py")
        return cls(root, values.config, values.source_suffix, values.suppress_warnings)

    @classmethod
    def find(cls, start: Path | None = None) -> Center:
        """The center at ``start`` or the nearest folder above it whose conf.py loads docscenter."""
        here = Path(start or os.getcwd()).resolve()
        if start is not None:
            if not here.is_dir():
                raise UsageError(f"{here}: no such directory")
            if not _loads_docscenter(here / "conf.py"):
                raise UsageError(f"{here}: not a docscenter center (no conf.py loading docscenter)")
            return cls.load(here)
        for folder in (here, *here.parents):
            if _loads_docscenter(folder / "conf.py"):
                return cls.load(folder)
        raise UsageError(
            f"{here}: not inside a docscenter center (no conf.py loading docscenter found "
            "here or above); use -C DIR"
        )

    @property
    def services_dir(self) -> Path:
        """The folder holding one folder per service (``docscenter_services_dir``)."""
        return self.root / self.config.services_dir

    @property
    def source_dir(self) -> Path:
        """The center-wide pages: front page, glossary, status, guides."""
        return self.root / SOURCE_DIR

    @property
    def glossary_path(self) -> str:
        """The shared glossary's source file, relative to the root (POSIX)."""
        return GLOSSARY_DOC + self.source_suffix

    @property
    def tools_dir(self) -> Path:
        return self.root / "tools"

    @property
    def manifest_path(self) -> Path:
        """The wiki import manifest (which wiki pages go to which service and page)."""
        return self.tools_dir / "wiki.toml"

    @property
    def templates_dir(self) -> Path:
        """Where a center puts its own copies of template files to override the built-in ones
        (``docscenter_templates_dir``)."""
        return self.root / self.config.templates_dir

    @property
    def build_dir(self) -> Path:
        """Where ``build`` and ``serve`` write (``docscenter_build_dir``)."""
        return self.root / self.config.build_dir

    def services(self) -> list[ServiceMeta]:
        """Every service of the center, read from its ``service.toml``."""
        return discover(self.services_dir)

    def service_of(self, path: str) -> str | None:
        """The service a file belongs to (``path`` relative to the root, POSIX), if any."""
        prefix = self.config.services_dir + "/"
        return path[len(prefix):].split("/", 1)[0] if path.startswith(prefix) else None

    def service_folder(self, name: str) -> str:
        """The folder of service ``name``, relative to the root (POSIX)."""
        return f"{self.config.services_dir}/{name}"

    def relative(self, path: Path) -> str:
        """``path`` relative to the root (POSIX); as given when it is outside the center."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()
