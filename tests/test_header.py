"""The service header under the title of every service page, kept current incrementally."""

from __future__ import annotations

from pathlib import Path

from helpers import add_service, sphinx_build


def test_every_service_page_shows_the_header_and_follows_service_toml(center: Path) -> None:
    add_service(center, "alpha", "--api-version", "1.0")
    sphinx_build(center)
    api = center / "build/html/services/alpha/apis-1.0.html"
    html = api.read_text()
    assert 'class="docscenter-service-header' in html and "Ada Lovelace" in html
    assert 'href="index.html"' in html.split("docscenter-service-header", 1)[1]
    assert "docscenter-service-header" not in (
        center / "build/html/source/glossary.html").read_text()

    toml = center / "services/alpha/service.toml"
    toml.write_text(toml.read_text().replace("Ada Lovelace", "Grace Hopper"))
    read, warnings = sphinx_build(center)
    # The API page is rewritten with the new owner without being read again.
    assert "services/alpha/apis-1.0" not in read and warnings == ""
    assert "Grace Hopper" in api.read_text()
