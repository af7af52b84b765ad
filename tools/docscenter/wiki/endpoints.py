"""HTTP endpoints described in wiki prose, found before conversion.

``split(wikitext)`` cuts a page into plain wikitext segments and ``Endpoint``
segments; ``render(endpoint, convert_fragment)`` turns one endpoint into a
sphinxcontrib-httpdomain directive. (Initial placeholder: detects nothing.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Endpoint:
    method: str  # lower case: get, put, post, delete, patch, head
    path: str  # normalised: /1.1/(username)/info/collections
    description: str  # wikitext of the description that followed
    queries: list[tuple[str, str]] = field(default_factory=list)  # (name, wikitext)
    reqheaders: list[tuple[str, str]] = field(default_factory=list)
    resheaders: list[tuple[str, str]] = field(default_factory=list)
    statuscodes: list[tuple[str, str]] = field(default_factory=list)


def split(wikitext: str) -> list[str | Endpoint]:
    """Cut ``wikitext`` into plain segments and endpoint descriptions."""
    return [wikitext]


def render(endpoint: Endpoint, convert_fragment: Callable[[str], str]) -> str:
    """Render ``endpoint`` as an ``http:<method>`` directive (reST, no trailing blank)."""
    raise NotImplementedError
