"""The build's safety net for addresses: in every document, a link, a hyperlink target, an
image or a download whose URI scheme is not in ``docscenter_allowed_uri_schemes`` (relative
addresses always are) is taken out, its text kept, with a ``docscenter.unsafe_uri`` warning
naming the file and line.

It runs twice: as a transform when a document is read (before Sphinx collects its images and
downloads, so no such file is looked for or copied), and when the document is resolved for
writing, after every other extension has added its nodes. Whatever the importer or a page
lets through, a ``javascript:`` or ``data:`` address never reaches the HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from ..core.findings import Subtype
from ..core.text import printable
from .log import warn
from .state import build_state

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# A browser drops these from an address before it reads the scheme ("java\tscript:").
_IGNORED = re.compile(r"[\x00-\x20\x7f]+")


def scheme_of(uri: str) -> str | None:
    """The scheme of ``uri`` as a browser reads it, lower case; None for a relative address."""
    match = _SCHEME.match(_IGNORED.sub("", uri))
    return match[1].lower() if match else None


def _addresses(node: nodes.Element) -> Iterable[tuple[str, str]]:
    """(what, address) of every address ``node`` holds."""
    if isinstance(node, nodes.image):
        yield "image", str(node.get("uri", ""))
        for candidate in (node.get("candidates") or {}).values():
            yield "image", str(candidate)
    elif isinstance(node, addnodes.download_reference):
        yield "download", str(node.get("reftarget", ""))
    if "refuri" in node.attributes:
        kind = "hyperlink target" if isinstance(node, nodes.target) else "link"
        yield kind, str(node["refuri"])


#: Set on the links a shard makes for references the assembly resolves (see
#: :mod:`.shard`): a node attribute no source text can set.
SHARD_LINK = "docscenter_shard_link"


def _unsafe(node: nodes.Element, allowed: frozenset[str]) -> tuple[str, str, str] | None:
    """(what, address, scheme) of the first address of ``node`` the center does not allow."""
    if node.get(SHARD_LINK):
        return None
    for kind, uri in _addresses(node):
        scheme = scheme_of(uri)
        if scheme is not None and scheme not in allowed:
            return kind, uri, scheme
    return None


def _neutralise(node: nodes.Element) -> None:
    """Take the address out: a link or download keeps its text, an image its alternative
    text, a target its name."""
    if isinstance(node, nodes.target):
        node.attributes.pop("refuri", None)
        return
    if isinstance(node, nodes.image):
        text = str(node.get("alt", ""))
        inline = isinstance(node.parent, nodes.TextElement)
        node.replace_self(nodes.inline(text, text) if inline else nodes.paragraph(text, text))
        return
    node.replace_self(nodes.inline(node.rawsource, "", *node.children))


def guard(doctree: nodes.Node, allowed: frozenset[str]) -> int:
    """Neutralise every address of ``doctree`` whose scheme is not ``allowed``, warning once
    for each; returns how many there were."""
    found = [(node, bad) for node in doctree.findall(nodes.Element)
             if (bad := _unsafe(node, allowed)) is not None]
    for node, (kind, uri, scheme) in found:
        shown = printable(uri if len(uri) <= 60 else uri[:57] + "...")
        warn(Subtype.unsafe_uri, f"{kind} to {shown!r} left out: the center does not link "
             f"{scheme}: addresses (docscenter_allowed_uri_schemes)", node)
        _neutralise(node)
    return len(found)


def _allowed(env: Any) -> frozenset[str]:
    return frozenset(build_state(env).center.config.allowed_uri_schemes)


class UnsafeUris(SphinxTransform):
    """At reading: after docutils has resolved hyperlink targets to addresses, before
    Sphinx's collectors look for image and download files."""

    default_priority = 800

    def apply(self, **kwargs: Any) -> None:
        guard(self.document, _allowed(self.env))


def guard_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``, after the other handlers: what resolving and the extensions
    added."""
    guard(doctree, _allowed(app.env))


def setup_uri_guard(app: Sphinx) -> None:
    """Register the transform and the last look before writing."""
    app.add_transform(UnsafeUris)
    app.connect("doctree-resolved", guard_resolved, priority=900)
