"""Wiki titles, section anchors, reST labels and wiki URLs: names, with no parsing."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from urllib.parse import quote, unquote

_NAMESPACES = {
    ns.lower(): ns
    for ns in ("Talk", "User", "User talk", "Project", "Project talk", "File", "File talk",
               "Image", "MediaWiki", "Template", "Template talk", "Help", "Help talk",
               "Category", "Category talk", "Special", "Media", "Module")
}


def upper_first(text: str) -> str:
    """``text`` with its first letter in upper case (MediaWiki's first-letter rule)."""
    return text[:1].upper() + text[1:]


def normalise_title(title: str) -> str:
    """Normalise a wiki title the way MediaWiki does ("_" is a space, first letter upper)."""
    title = " ".join(title.replace("_", " ").split()).lstrip(":").strip()
    ns, sep, rest = title.partition(":")
    canonical = _NAMESPACES.get(" ".join(ns.split()).lower()) if sep else None
    if canonical:
        return f"{canonical}:{upper_first(rest.strip())}"
    return upper_first(title)


def anchor_of(text: str) -> str:
    """The anchor MediaWiki gives a heading or a link fragment (spaces become "_")."""
    return "_".join(unquote(text).replace("_", " ").split())


def section_label(page_label: str, anchor: str) -> str:
    """The reST label a heading with ``anchor`` gets on the page labelled ``page_label``."""
    slug = re.sub(r"[\W_]+", "-", anchor.lower()).strip("-")
    if not slug:
        slug = "s" + hashlib.sha1(anchor.encode()).hexdigest()[:8]
    # "--" cannot occur in a page label made of slugs, so a section label never equals the
    # label of another page (a page "A" with a section "B" against a page "A/B").
    return f"{page_label}--{slug}"


def next_anchor(seen: Counter[str], text: str) -> str:
    """The anchor of the next heading titled ``text``; ``seen`` counts the page's anchors so
    far (duplicates are numbered "_2", "_3" as MediaWiki does)."""
    base = anchor_of(text)
    seen[base] += 1
    return base if seen[base] == 1 else f"{base}_{seen[base]}"


def template_key(name: str) -> str:
    """The name a template is looked up by ("Template:note_box" -> "Note box")."""
    name = " ".join(name.replace("_", " ").split())
    if name.lower().startswith("template:"):
        name = name[9:].strip()
    return upper_first(name)


def wiki_url(article_path: str | None, title: str, anchor: str) -> str | None:
    """The wiki's own URL of a page (``article_path`` holds "$1"), or None without one."""
    if not article_path:
        return None
    url = article_path.replace("$1", quote(title.replace(" ", "_"), safe="/:()!,;*@$'"))
    return url + ("#" + quote(anchor, safe="/:()!,;*@$'.") if anchor else "")
