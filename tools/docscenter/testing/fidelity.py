"""What readers see of one wiki page, as MediaWiki, docscenter and pandoc render it, and how far
two renderings differ.

Each renderer's HTML is cut down to its article body (:func:`mediawiki_body`,
:func:`docscenter_body`, :func:`pandoc_body`) and read as a :class:`Rendering`:

- **text**: the visible text, split into tokens — runs of letters/digits/underscore, and
  every other non-space character on its own (so ``Template:Flags`` and ``Template: Flags``
  are the same three tokens, while ``'`` and ``’`` differ). Block elements separate words.
- **structure**: counts per kind (:data:`KINDS`); a Sphinx object description (the ``<dl>``
  of an HTTP endpoint directive) is a signature, not a definition list.

Like is compared with like: MediaWiki's edit-section links, table of contents, hidden
(``display:none``) elements, Cite's back-links and error messages go; so do docscenter's
page chrome (the page title, heading permalinks "¶", every element with a ``docscenter-*``
class — service header, the line naming the wiki page it was imported from, page history,
glossary notes; but the boxes and outlines showing ``XXX``/``TODO`` placeholders keep the
page's own text, only their "To be written" title goes), footnote labels and
back-references, the note standing in a footnote the wiki gave no text (where MediaWiki shows
its citation error), and pandoc's footnote back-links.

Files: the reference wiki holds no uploaded files, so MediaWiki's link standing for a missing
image (to the file page or the upload form; a red ``[[:File:…]]`` link stays a link) and a
gallery box naming a file count as the image the wiki showed; the text such a link shows
stays (the caption of an image without thumb or frame, the text of a ``[[Media:]]`` link),
the file's own name goes. So does docscenter's "File not imported" box (its title goes, its
caption stays) and the "[file not imported]" mark after the text of a link to a file.

Missing templates (:func:`remove_missing_templates`): MediaWiki renders the call of a
template the wiki lacks as a red link to ``Template:Name``; docscenter keeps the call visibly
(an inline ``{{Name…}}`` literal, or a "Template: Name" box holding the parameters; a call
with no parameter holding a value is written as the wiki shows it, a link to
``Template:Name``). "As is" compares the renderings like that; "templates removed" first
takes out, on both sides, every call of a template MediaWiki showed as missing on that page:
the red links into the Template namespace (as many as the page's wikitext has calls of that
template, so a link written as ``[[Template:Name]]`` stays), and docscenter's literals,
``Template:Name`` links (as many as the calls left) and boxes for the same names, including
the boxes of templates it maps to an admonition (``Note``). Templates it maps to inline code
or text stay. Pandoc drops templates by itself, so its rendering is the same in both modes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

import mwparserfromhell
from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from ..wiki.convert.images import NOT_IMPORTED, NOT_IMPORTED_MARK
from ..wiki.convert.references import NO_TEXT
from ..wiki.options import DEFAULT_TEMPLATES

KINDS = ("headings", "tables", "rows", "cells", "list items", "definition lists", "terms",
         "indented blocks", "pre blocks", "links", "footnotes", "images")

_TOKEN = re.compile(r"\w+|[^\w\s]")
_BLOCKS = frozenset("address article aside blockquote br caption dd div dl dt figcaption figure "
                    "h1 h2 h3 h4 h5 h6 hr li ol p pre section table tbody td tfoot th thead tr "
                    "ul".split())
_HIDDEN = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(-->|\Z)", re.DOTALL)
_CALL_NAME = re.compile(r"\A\{\{\s*([^|{}]*?)\s*(?:\||\}\}\Z)", re.DOTALL)


@dataclass
class Rendering:
    """One renderer's view of one page: tokens of visible text and structure counts."""

    tokens: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def size(self) -> int:
        return sum(self.tokens.values())


def template_key(name: str) -> str:
    """A template name as the wiki files it: no ``Template:``, "_" as space, first letter up."""
    name = " ".join(name.replace("_", " ").split())
    if name.lower().startswith("template:"):
        name = name[9:].lstrip()
    return name[:1].upper() + name[1:]


# -- cutting each renderer's HTML down to the article body ------------------------------------


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _drop(root: Tag, selector: str) -> None:
    for element in root.select(selector):
        element.decompose()


def mediawiki_body(html: str) -> Tag:
    """The body of an ``action=parse`` answer, without MediaWiki's reader furniture."""
    soup = _soup(html)
    root = soup.select_one("div.mw-parser-output") or soup
    _drop(root, "#toc, .toc, .mw-editsection, .mw-cite-backlink, .mw-ext-cite-error, "
                "style, script, link, meta")
    for element in root.find_all(style=_HIDDEN):
        if not element.decomposed:
            element.decompose()
    # The reference wiki has no files: what stands for a missing file becomes the image the
    # wiki showed (a link to the file page, or a gallery box naming the file).
    for link in root.find_all("a", href=True):
        text = _file_name(link)
        if text is not None:
            link.replace_with(_image(text), *([text] if _shows_text(link, text) else []))
    for box in root.select("li.gallerybox div.thumb"):
        if box.find("img") is None:
            name = box.get_text().strip()
            box.clear()
            box.append(_image(name))
    return root


def _image(name: str) -> Tag:
    return BeautifulSoup("", "html.parser").new_tag("img", alt=name)


def _file_name(link: Tag) -> str | None:
    """What a MediaWiki link to a missing file shows (its alt text), or None for other links."""
    if link.find("img") is not None or "external" in (link.get("class") or []):
        return None
    href = unquote(str(link["href"]))
    # A missing image links to its file page or to the upload form; a link written as a
    # link ([[:File:X]]) to a file page that does not exist is a red link (redlink=1).
    if "redlink=1" in href or not any(part in href for part in ("/File:", "wpDestFile=")):
        return None
    return " ".join(link.get_text().split())


def _shows_text(link: Tag, text: str) -> bool:
    """Whether MediaWiki's link to a missing file shows text of the page (the caption of an
    image without thumb or frame, the text of a ``[[Media:]]`` link), not the file's name."""
    title = str(link.get("title") or "")
    bare = title.partition(":")[2] if title.startswith("File:") else title
    return text not in (title, bare, f"File:{bare}", f"Image:{bare}")


def docscenter_body(html: str) -> Tag:
    """The article of a page docscenter built, without the page chrome around the content."""
    soup = _soup(html)
    root = soup.select_one("[role=main]") or soup.body or soup
    title = root.find("h1")
    if title is not None:
        title.decompose()
    _drop(root, "a.headerlink, aside.footnote > span.label, span.backrefs, script, style, "
                ".docscenter-placeholder > p.admonition-title")
    for shown in root.select(".docscenter-placeholder, .docscenter-placeholder-mark"):
        shown.unwrap()  # the page's own text, shown as a placeholder
    for element in root.find_all(class_=re.compile(r"^docscenter-")):
        if not element.decomposed:
            element.decompose()
    _files_not_imported(root)
    # The note standing for a footnote without text stands where MediaWiki shows a citation
    # error, which goes too.
    for para in root.select("aside.footnote > p"):
        if " ".join(para.get_text().split()) == NO_TEXT:
            para.decompose()
    return root


def _files_not_imported(root: Tag) -> None:
    """docscenter's box for a file it did not place stands where MediaWiki links to the
    missing file: both count as the image, without text (the box's caption stays, as
    MediaWiki's does; a box holding only the file's name has no caption)."""
    for box in root.select("div.admonition"):
        head = box.select_one("p.admonition-title")
        text = " ".join(head.get_text().split()) if head is not None else ""
        if head is None or not text.startswith(NOT_IMPORTED):
            continue
        name = text[len(NOT_IMPORTED):]
        head.replace_with(_image(name))
        for para in box.find_all("p"):
            if " ".join(para.get_text().split()) == name:
                para.decompose()
    # A link to a file not placed shows its text and a mark: the mark stands for the file.
    for text in root.find_all(string=re.compile(re.escape(NOT_IMPORTED_MARK))):
        parts = str(text).split(NOT_IMPORTED_MARK)
        text.replace_with(*[piece for part in parts[:-1] for piece in (part, _image(part))],
                          parts[-1])


def pandoc_body(html: str) -> Tag:
    """``pandoc -f mediawiki -t html`` output (a fragment: all of it is the body)."""
    root = _soup(html)
    _drop(root, "a.footnote-back, script, style")
    return root


# -- missing templates -------------------------------------------------------------------------


def _template_links(mediawiki: Tag) -> Iterator[tuple[str, Tag]]:
    """MediaWiki's red links into the Template namespace, with the template's name."""
    for link in mediawiki.select("a.new[href]"):
        title = parse_qs(urlsplit(str(link["href"])).query).get("title", [""])[0]
        if title.startswith("Template:"):
            yield template_key(title), link


def template_calls(wikitext: str) -> Counter[str]:
    """How often the wikitext calls each template (parser functions and transclusions of
    other namespaces count under names no red link has, so they never match one)."""
    calls: Counter[str] = Counter()
    for node in mwparserfromhell.parse(wikitext).filter_templates(recursive=True):
        calls[template_key(_COMMENT.sub("", str(node.name)))] += 1
    return calls


def remove_missing_templates(mediawiki: Tag, docscenter: Tag,
                             calls: Counter[str] | None = None) -> None:
    """Take the calls of missing templates out of both bodies (see the module docstring).

    MediaWiki renders ``{{Name}}`` and a link ``[[Template:Name]]`` alike; with the page's
    ``calls`` (:func:`template_calls`) only as many red links as calls are taken out, so a
    link written as a link stays on both sides."""
    names: set[str] = set()
    left = Counter(calls) if calls is not None else None
    for name, link in list(_template_links(mediawiki)):
        names.add(name)
        if left is None or left[name] > 0:
            link.decompose()
            if left is not None:
                left[name] -= 1
    # Templates the converter maps to a box: the box's class is the admonition's name.
    boxes = {DEFAULT_TEMPLATES[n].admonition for n in names
             if n in DEFAULT_TEMPLATES and DEFAULT_TEMPLATES[n].kind == "admonition"}
    for box in docscenter.select("div.admonition"):
        if box.decomposed:  # inside a box already taken out
            continue
        head = box.select_one(".admonition-title")
        text = " ".join(head.get_text().split()) if head else ""
        mapped = boxes & set(box.get("class") or [])
        if mapped or (text.startswith("Template: ") and template_key(text[10:]) in names):
            box.decompose()
    shown = Counter(calls) if calls is not None else None
    for code in docscenter.find_all("code"):
        if code.decomposed:
            continue
        call = _CALL_NAME.match(" ".join(code.get_text().split()))
        if call and template_key(call[1]) in names:
            code.decompose()
            if shown is not None:
                shown[template_key(call[1])] -= 1
    # A call with nothing to show is written as the wiki shows it: "Template:Name" (as many
    # as the calls left, as on MediaWiki's side: a link written as a link stays).
    for link in docscenter.find_all("a"):
        text = " ".join(link.get_text().split())
        name = template_key(text[9:]) if text.startswith("Template:") else ""
        if name in names and (shown is None or shown[name] > 0):
            link.decompose()
            if shown is not None:
                shown[name] -= 1


# -- reading a body -----------------------------------------------------------------------------


def visible_text(root: Tag) -> str:
    """The text a reader sees, with block elements (and <br>) separating words."""
    parts: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not comments, CDATA, doctype
                    parts.append(str(child))
            elif isinstance(child, Tag):
                block = child.name in _BLOCKS
                if block:
                    parts.append("\n")
                walk(child)
                if block:
                    parts.append("\n")

    walk(root)
    return "".join(parts)


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text))


def _is_footnote(element: Tag) -> bool:
    """A footnote of any of the three renderers (not a list item or a link of the text)."""
    if element.name == "aside" and "footnote" in (element.get("class") or []):
        return True
    parent = element.parent
    return element.name == "li" and parent is not None and (
        "references" in (parent.get("class") or [])
        or (parent.parent is not None and "footnotes" in (parent.parent.get("class") or [])))


def _is_signature(element: Tag | None) -> bool:
    """A Sphinx object description (an HTTP endpoint's ``dl.http``): written as a ``<dl>``,
    read as a signature and its description, not as a definition list."""
    return element is not None and element.name == "dl" and any(
        "sig" in (dt.get("class") or []) for dt in element.find_all("dt", recursive=False))


def structure(root: Tag) -> Counter[str]:
    """How many of each kind of :data:`KINDS` the body holds."""
    counts: Counter[str] = Counter()
    for element in root.find_all(True):
        name = element.name
        if re.fullmatch(r"h[1-6]", name):
            counts["headings"] += 1
        elif name in ("table", "tr", "img"):
            counts[{"table": "tables", "tr": "rows", "img": "images"}[name]] += 1
        elif name in ("td", "th"):
            counts["cells"] += 1
        elif name in ("li", "aside"):
            if _is_footnote(element):
                counts["footnotes"] += 1
            elif name == "li" and "gallerybox" not in (element.get("class") or []):
                counts["list items"] += 1
        elif name == "dl" and not _is_signature(element):
            has_terms = element.find("dt", recursive=False) is not None
            counts["definition lists" if has_terms else "indented blocks"] += 1
        elif name == "dt" and not _is_signature(element.parent):
            counts["terms"] += 1
        elif name == "blockquote":
            counts["indented blocks"] += 1
        elif name == "pre":
            counts["pre blocks"] += 1
        elif name == "a" and element.get("href") and element.get_text().strip():
            classes = set(element.get("class") or [])
            marker = classes & {"footnote-reference", "footnote-ref"} or (
                element.parent is not None and "reference" in (element.parent.get("class") or []))
            if not marker and element.get("role") != "doc-backlink":
                counts["links"] += 1
    return counts


def read(root: Tag) -> Rendering:
    """The tokens and structure of a body already cut down by one of the ``*_body`` functions."""
    return Rendering(tokens(visible_text(root)), structure(root))


# -- comparing two renderings ------------------------------------------------------------------


@dataclass(frozen=True)
class TextScore:
    """Multiset overlap of two token bags: ``reference`` (MediaWiki) and ``candidate``."""

    reference: int
    candidate: int
    overlap: int

    @property
    def precision(self) -> float:
        return self.overlap / self.candidate if self.candidate else float(self.reference == 0)

    @property
    def recall(self) -> float:
        return self.overlap / self.reference if self.reference else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def text_score(reference: Rendering, candidate: Rendering) -> TextScore:
    overlap = sum((reference.tokens & candidate.tokens).values())
    return TextScore(reference.size, candidate.size, overlap)


def token_diff(reference: Rendering, candidate: Rendering,
               top: int = 8) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The tokens the candidate lacks and the ones it adds, most frequent first."""
    missing = reference.tokens - candidate.tokens
    extra = candidate.tokens - reference.tokens
    return missing.most_common(top), extra.most_common(top)
