"""A few pages read again in a built center are read in one process (Sphinx's parallel
reading moves the whole environment once per chunk); a first build still reads in
parallel. Counted from Sphinx's own events in real parallel builds."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from helpers import add_service


def build(root: Path) -> tuple[list[str], int, int]:
    """Build ``root`` with two processes: (pages read, environments merged from reading
    workers, the jobs the application has at the end)."""
    read: list[str] = []
    merged: list[object] = []
    app = SphinxTestApp("html", srcdir=root, builddir=root / "build", status=StringIO(),
                        warning=StringIO(), parallel=2)
    try:
        app.connect("env-before-read-docs", lambda _app, _env, names: read.extend(names))
        app.connect("env-merge-info", lambda *args: merged.append(args))
        app.build()
        assert app._warning.getvalue() == ""
        return sorted(read), len(merged), app.parallel
    finally:
        app.cleanup()


def test_a_first_build_reads_in_parallel_and_an_edit_in_one_process(center: Path) -> None:
    for name in ("alpha", "beta", "gamma"):
        add_service(center, name, "--api-version", "1.0")
    read, merged, jobs = build(center)
    assert len(read) > 10 and merged >= 2 and jobs == 2
    history = center / "services/beta/history.rst"
    history.write_text(history.read_text() + "\n2030-01-01\n   Readers were told.\n")
    read, merged, jobs = build(center)
    assert read == ["services/beta/history"] and merged == 0
    assert jobs == 2  # the writers keep their processes
    page = (center / "build/html/services/beta/history.html").read_text()
    assert "Readers were told." in page
