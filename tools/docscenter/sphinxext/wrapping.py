"""Long titles and API paths wrap where a reader expects: after a ``/``, never mid-word.

Imported pages are titled like their wiki pages ("Services/Accounts/Authentication") and API
paths are long runs of segments; without a break opportunity a browser either overflows a
phone screen or breaks them anywhere. A ``<wbr>`` (a line-break opportunity, invisible
otherwise) after each ``/`` of page headings and HTTP endpoint paths lets them wrap between
segments; docscenter.css keeps browsers from breaking words inside them. The sidebar puts the
same opportunities in its titles (:func:`slash_breaks_html`).
"""

from __future__ import annotations

import html

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

WBR = "<wbr>"


def slash_breaks_html(text: str) -> str:
    """``text`` escaped for HTML, with a line-break opportunity after every ``/``."""
    return html.escape(text).replace("/", "/" + WBR)


def _split(text: nodes.Text) -> list[nodes.Node]:
    parts = str(text).split("/")
    out: list[nodes.Node] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part or not last:
            out.append(nodes.Text(part if last else part + "/"))
        if not last:
            out.append(nodes.raw("", WBR, format="html"))
    return out


def _break_slashes(node: nodes.Element) -> None:
    for text in list(node.findall(nodes.Text)):
        if "/" in text and not isinstance(text.parent, nodes.raw):  # raw: our own <wbr>
            parent = text.parent
            index = parent.index(text)
            parent[index:index + 1] = _split(text)


def add_breaks(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: break opportunities in headings and endpoint paths (HTML only)."""
    if app.builder.format != "html":
        return
    for title in doctree.findall(nodes.title):
        if isinstance(title.parent, nodes.section):
            _break_slashes(title)
    for signature in doctree.findall(addnodes.desc_signature):
        if signature.parent.get("domain") == "http":
            _break_slashes(signature)


def setup_wrapping(app: Sphinx) -> None:
    """Register this component with Sphinx."""
    app.connect("doctree-resolved", add_breaks)
