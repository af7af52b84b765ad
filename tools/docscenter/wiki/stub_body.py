"""The body of a stub besides the converted page: endpoint paths under the service, and the
page kept as wiki text when its conversion took too long."""

from __future__ import annotations

import re

from .. import rst
from .planning import PlannedPage

_ENDPOINT = re.compile(r"^(\s*\.\. http:(?:get|put|post|delete|patch|head|options)::\s+)/",
                       re.M)


def prefix_endpoints(text: str, service: str) -> str:
    """Endpoint paths in a center start with the service's name, so the routing table groups
    them per service and API version."""
    return _ENDPOINT.sub(lambda m: f"{m[1]}/{service}/", text)


def timed_out_body(page: PlannedPage, text: str, seconds: float) -> str:
    """A stub for a page the converter gave up on: its wikitext, kept verbatim."""
    heading = page.heading or page.title
    lines = [f".. _{page.label}:", "", *rst.heading(rst.escape_line(heading), "="), "",
             f".. note:: This page took longer than {seconds:g} seconds to convert; its wiki "
             "text is kept below as it was.", "", "::", ""]
    lines += [("   " + line) if line.strip() else "" for line in text.splitlines()]
    return "\n".join(lines) + "\n"
