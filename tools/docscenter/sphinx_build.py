"""The sphinx-build command line docscenter runs: strict (warnings are errors, nitpicky,
every warning shown), parallel, doctrees beside the output. ``docscenter build``, the shards
and the assembly all build this way."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from .core.center import Center


def sphinx_command(center: Center, builder: str, jobs: str, output: Path, doctrees: Path,
                   settings: Mapping[str, str] | None = None, *,
                   release: bool = False) -> list[str]:
    """The command building ``center`` with ``builder`` into ``output``; ``settings`` are
    configuration values for this build (``-D name=value``); ``release``: placeholders and
    untouched stubs are findings too."""
    values = {**(settings or {}), **({"docscenter_release": "1"} if release else {})}
    defines = [part for name, value in values.items() for part in ("-D", f"{name}={value}")]
    return [sys.executable, "-m", "sphinx", "build", "-b", builder, "-j", jobs,
            "-d", str(doctrees), "-W", "-n", "--keep-going", *defines,
            str(center.root), str(output)]
