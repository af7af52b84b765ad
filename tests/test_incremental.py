"""Incremental builds stay incremental: what Sphinx re-reads and rewrites after each kind of
edit, counted from its own events in real builds of small centers."""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from helpers import add_service


@dataclass
class Build:
    read: list[str]
    written: list[str]
    log: str
    warnings: str


def build(root: Path) -> Build:
    """Build ``root`` into ``root/build``; note the documents read and written."""
    read: list[str] = []
    written: list[str] = []
    status, warnings = StringIO(), StringIO()
    app = SphinxTestApp("html", srcdir=root, builddir=root / "build", status=status,
                        warning=warnings)
    try:
        app.connect("env-before-read-docs", lambda _app, _env, names: read.extend(names))
        app.connect("doctree-resolved", lambda _app, _tree, name: written.append(name))
        app.build()
    finally:
        app.cleanup()
    return Build(sorted(read), sorted(written), status.getvalue(), warnings.getvalue())


def service_pages(root: Path, name: str) -> list[str]:
    return sorted(f"services/{name}/{p.stem}" for p in (root / "services" / name).glob("*.rst"))


def make_center(center: Path) -> Path:
    for name in ("alpha", "beta", "gamma"):
        add_service(center, name, "--api-version", "1.0")
    first = build(center)
    assert first.warnings == ""
    assert "services/alpha/index" in first.written
    return center


def test_a_second_build_reads_and_writes_nothing(center: Path) -> None:
    make_center(center)
    again = build(center)
    assert again.read == [] and again.written == []
    assert "configuration has changed" not in again.log
    assert again.warnings == ""


def test_editing_one_page_rereads_and_rewrites_only_that_page(center: Path) -> None:
    make_center(center)
    page = center / "services/beta/history.rst"
    page.write_text(page.read_text() + "\n2026-12-01\n   A change.\n")
    build(center)  # no longer as generated: the dashboard's stub count changes
    page.write_text(page.read_text() + "\n2026-12-02\n   Another change.\n")
    again = build(center)
    # Not the status dashboard (its figures did not change), nor the service's landing page
    # (its toctree shows the page's title, which did not change either).
    assert again.read == ["services/beta/history"]
    assert again.written == ["services/beta/history"]
    assert "configuration has changed" not in again.log


def test_the_status_dashboard_is_written_again_when_its_figures_change(center: Path) -> None:
    make_center(center)
    page = center / "services/beta/history.rst"
    page.write_text(page.read_text() + "\nXXX Say what changed.\n")
    again = build(center)
    # The dashboard is filled in as its page is written: no need to read it again.
    assert again.read == ["services/beta/history"]
    # The front page lists the dashboard, but its title did not change: not rewritten.
    assert again.written == ["services/beta/history", "source/status"]
    status = (center / "build/html/source/status.html").read_text()
    assert "placeholder" in status
    # A page no longer as the template generated it is no longer counted as a stub.
    api = center / "services/gamma/apis-1.0.rst"
    api.write_text(api.read_text() + "\nMore about the API.\n")
    again = build(center)
    assert again.read == ["services/gamma/apis-1.0"]
    assert "source/status" in again.written
    assert (center / "build/html/source/status.html").read_text() != status
    # Adding a page always counts.
    (center / "services/gamma/extra.rst").write_text("Extra\n=====\n\nText.\n")
    assert "source/status" in build(center).written


def test_editing_service_toml_rewrites_that_service_and_the_catalogue(center: Path) -> None:
    make_center(center)
    toml = center / "services/beta/service.toml"
    toml.write_text(toml.read_text().replace("Ada Lovelace", "Grace Hopper"))
    again = build(center)
    assert again.read == ["services/beta/index", "source/index", "source/status"]
    assert again.written == sorted({*service_pages(center, "beta"), "source/index",
                                    "source/status"})
    assert "Grace Hopper" in (center / "build/html/services/beta/history.html").read_text()


def test_renaming_a_page_rewrites_the_pages_showing_its_service_expanded(center: Path) -> None:
    make_center(center)
    page = center / "services/gamma/history.rst"
    page.write_text(page.read_text().replace("History\n=======", "Changes\n======="))
    again = build(center)
    assert again.written == sorted({*service_pages(center, "gamma"), "source/status"})
    sidebar = (center / "build/html/services/gamma/index.html").read_text()
    assert ">Changes</a>" in sidebar


def test_renaming_a_service_rewrites_every_page(center: Path) -> None:
    make_center(center)
    toml = center / "services/alpha/service.toml"
    toml.write_text(toml.read_text().replace('title = "Alpha"', 'title = "Alpha Prime"'))
    page = center / "services/alpha/index.rst"
    page.write_text(page.read_text().replace("Alpha\n=====", "Alpha Prime\n==========="))
    again = build(center)
    # Every page lists the services in its sidebar.
    assert set(service_pages(center, "gamma")) <= set(again.written)
    assert ">Alpha Prime</a>" in (center / "build/html/services/gamma/apis-1.0.html").read_text()
    assert "services/gamma/apis-1.0" not in again.read
