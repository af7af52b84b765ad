"""The Sphinx extension on small centers: resources, catalogue, incremental rebuilds,
warnings with type and subtype."""

from __future__ import annotations

from pathlib import Path

from docscenter.core.services import load_service
from helpers import add_service, sphinx_build


def test_editing_service_toml_rereads_only_the_pages_showing_it(center: Path) -> None:
    add_service(center, "alpha", "--api-version", "1.0")
    add_service(center, "beta", "--api-version", "1.0")
    first, warnings = sphinx_build(center)
    assert "services/alpha/index" in first and warnings == ""
    toml = center / "services/alpha/service.toml"
    toml.write_text(toml.read_text().replace("The alpha service.", "Alpha, renamed."))
    second, warnings = sphinx_build(center)
    # The landing page, the catalogue and the status dashboard show service.toml.
    assert second == ["services/alpha/index", "source/index", "source/status"]
    assert "Alpha, renamed." in (center / "build/html/source/index.html").read_text()
    assert warnings == ""
    third, _ = sphinx_build(center)
    assert third == []


def test_a_new_service_appears_without_editing_a_toctree(center: Path) -> None:
    add_service(center, "alpha")
    sphinx_build(center)
    add_service(center, "gamma", "--title", "Gamma Rays")
    read, warnings = sphinx_build(center)
    assert "source/index" in read and "services/gamma/index" in read
    assert warnings == ""
    assert "Gamma Rays" in (center / "build/html/source/index.html").read_text()
    # The sidebar navigation of an unrelated page lists it too.
    assert "Gamma Rays" in (center / "build/html/source/glossary.html").read_text()


def test_catalogue_groups_the_navigation_by_lifecycle(center: Path) -> None:
    add_service(center, "old", "--lifecycle", "deprecated")
    add_service(center, "live", "--lifecycle", "production")
    sphinx_build(center)
    html = (center / "build/html/source/index.html").read_text()
    assert html.index("Services in production") < html.index("Deprecated services")
    assert "docscenter-deprecated" in html


def test_service_toml_warning_can_be_suppressed(center: Path) -> None:
    add_service(center, "alpha")
    toml = center / "services/alpha/service.toml"
    toml.write_text(toml.read_text().replace('ci_url = ""', 'ci_url = "not a url"'))
    _, warnings = sphinx_build(center)
    assert "ci_url: not a well-formed URL" in warnings
    assert "service.toml:" in warnings
    _, warnings = sphinx_build(center, confoverrides={
        "suppress_warnings": ["docscenter.service_toml"]})
    assert "ci_url" not in warnings


def test_load_service_reports_each_problem(tmp_path: Path) -> None:
    folder = tmp_path / "svc"
    folder.mkdir()
    (folder / "service.toml").write_text(
        'title = "Svc"\nsummary = ""\nlifecycle = "later"\n'
        'owners = [{ name = "Ann", email = "ann-at-example" }, { email = "x@y.z" }]\n'
        'server_repo = "ftp:/x"\napi_versions = ["1.0", "one"]\n'
        '[[wiki_pages]]\nurl = "https://wiki.example.org/x"\n'
    )
    meta = load_service(folder)
    found = {(p.field, p.line) for p in meta.problems}
    assert ("summary", None) in found
    assert ("lifecycle", 3) in found
    assert ("server_repo", 5) in found
    assert ("api_versions", 6) in found
    messages = " | ".join(str(p) for p in meta.problems)
    assert "malformed e-mail address 'ann-at-example'" in messages
    assert "entry 2 needs a name" in messages
    assert "wiki_pages: entry 1 needs a title" in messages
    assert meta.api_versions == ("1.0",)
    assert [o.name for o in meta.owners] == ["Ann"]


def test_missing_service_toml_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "svc"
    folder.mkdir()
    (folder / "index.rst").write_text("Svc\n===\n")
    meta = load_service(folder)
    assert [str(p) for p in meta.problems] == [f"{folder}/service.toml: service.toml: "
                                               "file is missing"]
