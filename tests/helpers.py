"""Helpers the tests share: run the real command line, add services, build with Sphinx,
write Special:Export dumps, snapshot folders.

(Kept out of conftest.py so that every test folder can import them by one unambiguous name.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
SITE_BASE = "https://wiki.example.org/wiki/Main_Page"  # the <base> of dumps write_dump makes


def run_cli(*args: str | Path, cwd: Path | None = None, check: int | None = 0,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m docscenter ARGS`` as a user would; assert the exit status."""
    result = subprocess.run(
        [sys.executable, "-m", "docscenter", *map(str, args)],
        cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})},
        timeout=600,
    )
    if check is not None:
        assert result.returncode == check, (
            f"exit {result.returncode}, expected {check}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def add_service(root: Path, name: str, *extra: str) -> None:
    run_cli("-C", root, "new-service", name, "--summary", f"The {name} service.",
            "--owner", "Ada Lovelace <ada@example.org>", *extra)


def sphinx_build(root: Path, *, builder: str = "html",
                 confoverrides: dict | None = None) -> tuple[list[str], str]:
    """Build ``root`` in-process with Sphinx's test application into ``root/build``;
    returns (the docnames read, the warnings text)."""
    from io import StringIO

    from sphinx.testing.util import SphinxTestApp

    read: list[str] = []
    warnings = StringIO()
    app = SphinxTestApp(builder, srcdir=root, builddir=root / "build",
                        confoverrides=confoverrides or {}, status=StringIO(), warning=warnings)
    try:
        app.connect("env-before-read-docs", lambda _app, _env, names: read.extend(names))
        app.build()
    finally:
        app.cleanup()
    return sorted(read), warnings.getvalue()


@dataclass
class Page:
    """One page of a test dump."""

    title: str
    text: str
    revision: int = 100
    timestamp: str = "2024-03-01T10:00:00Z"
    namespace: int = 0  # a page outside the main namespace has the namespace in its title


def write_dump(path: Path, pages: list[Page], *, siteinfo: bool = True) -> Path:
    """A Special:Export 0.10 dump of ``pages`` (siteinfo names the namespaces they use)."""
    out = ['<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10">']
    if siteinfo:
        names = {p.namespace: p.title.partition(":")[0] for p in pages if p.namespace}
        namespaces = "".join(f'<namespace key="{ns}" case="first-letter">{escape(name)}'
                             "</namespace>" for ns, name in sorted(names.items()))
        out.append(f"<siteinfo><sitename>Services Wiki</sitename><base>{SITE_BASE}</base>"
                   '<namespaces><namespace key="0" case="first-letter" />'
                   f"{namespaces}</namespaces></siteinfo>")
    for number, page in enumerate(pages, start=1):
        out.append(f"<page><title>{escape(page.title)}</title><ns>{page.namespace}</ns>"
                   f"<id>{number}</id>"
                   f"<revision><id>{page.revision}</id><timestamp>{page.timestamp}</timestamp>"
                   f'<text xml:space="preserve">{escape(page.text)}</text></revision></page>')
    out.append("</mediawiki>\n")
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its content (and the empty folders)."""
    tree: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        tree[key] = path.read_bytes() if path.is_file() else b"<dir>"
    return tree
