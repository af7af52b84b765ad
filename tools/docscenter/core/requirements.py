"""What the service template requires of every service: its pages and their sections.

The requirements are read off the template itself, rendered for an example service (the
center's override of it, if it has one), then adjusted by ``docscenter_required_pages`` and
``docscenter_required_sections``.
"""

from __future__ import annotations

from collections.abc import Mapping

from .config import CenterConfig
from .index import Requirements
from .rst_scan import scan_text

#: The API version the example service is rendered with; its page stands for apis-{version}.
EXAMPLE_VERSION = "1.0"


def _required_sections(text: str) -> tuple[str, ...]:
    """The section titles of a rendered page below its title, except those whose template
    text asks to be removed when empty ("remove this section"), such as "Assumptions"."""
    sections = scan_text("", text).sections
    lines = text.splitlines()
    required = []
    for index, (title, line) in enumerate(sections[1:], start=1):
        start = line or 0
        end = (sections[index + 1][1] or 0) if index + 1 < len(sections) else len(lines) + 1
        body = " ".join(lines[start:end - 1]).lower()
        if "remove this section" not in body:
            required.append(title)
    return tuple(required)


def requirements(example: Mapping[str, str], config: CenterConfig) -> Requirements:
    """The requirements read off ``example`` (file name -> text of a service rendered from the
    template with API version :data:`EXAMPLE_VERSION`), adjusted by ``config``."""
    derived: dict[str, tuple[str, ...]] = {}
    for name, text in example.items():
        if name.endswith(".rst"):
            page = name.removesuffix(".rst").replace(f"apis-{EXAMPLE_VERSION}", "apis-{version}")
            derived[page] = _required_sections(text)
    pages = config.required_pages if config.required_pages is not None else tuple(derived)
    sections = {**derived, **(config.required_sections or {})}
    return Requirements(pages, {page: sections.get(page, ()) for page in pages})
