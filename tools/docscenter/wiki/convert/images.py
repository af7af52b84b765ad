"""Images: ``[[File:x.png|thumb|Caption]]`` and ``<gallery>`` become figures of the files the
importer placed in the service (``ConvertOptions.files``): an image its own ``figure``, any
other file a ``:download:`` link. A file the importer did not place is a visible "File not
imported" box holding the caption: never a link to the old wiki."""

from __future__ import annotations

import re

from mwparserfromhell.nodes import Node, Tag, Text, Wikilink
from mwparserfromhell.wikicode import Wikicode

from ... import rst
from ...rst import Block, join_blocks
from ..options import LocalFile
from ..titles import normalise_title
from .context import Context
from .inline import NO_STYLE, Styles, Token, paragraph
from .parsing import parse
from .wikinodes import is_file, plain_text, raw_contents, split_nodes, tag_name

NOT_IMPORTED = "File not imported: "  # the title of the box standing for a file not placed
NOT_IMPORTED_MARK = "[file not imported]"  # after the text of a link to a file not placed
_IMAGE_OPTION = re.compile(
    r"^(thumb|thumbnail|frame|framed|frameless|border|left|right|center|centre|none|baseline|"
    r"sub|super|top|text-top|middle|bottom|text-bottom|upright(=.*)?|\d*(x\d+)?px|"
    r"(alt|link|page|class|lang|thumbtime|start|end)=.*)$",
    re.I | re.S,
)


_FRAMED = re.compile(r"^(thumb|thumbnail|frame|framed)(=.*)?$", re.I | re.S)


def is_image(link: Wikilink) -> bool:
    """True for ``[[File:x]]``, not ``[[:File:x]]`` (a link to the file's page)."""
    target = str(link.title).strip()
    return not target.startswith(":") and is_file(target)


def figure(node: Wikilink, ctx: Context) -> list[Block]:
    """A figure for an image link; its caption is the last parameter that is no option."""
    return _figure(node, ctx, None)


def gallery(tag: Tag, ctx: Context) -> list[Block]:
    """``<gallery>``: one figure per line ("File:x.png|caption")."""
    blocks: list[Block] = []
    for line in raw_contents(tag).split("\n"):
        target, _, caption = line.strip().partition("|")
        if not target.strip():
            continue
        if ":" not in target:
            target = "File:" + target
        link = parse(f"[[{target}]]").nodes[0]
        if isinstance(link, Wikilink):
            blocks.extend(_figure(link, ctx, parse(caption).nodes))
    return blocks


def _figure(node: Wikilink, ctx: Context, caption_nodes: list[Node] | None) -> list[Block]:
    name = normalise_title(str(node.title)).partition(":")[2]
    ctx.images.append(name)
    caption: list[Node] = []
    alt = shown = ""
    framed = False
    for part in _split_params(node.text):
        value = plain_text(part).strip()
        if value.lower().startswith("alt="):
            alt = value[4:]
        elif not _IMAGE_OPTION.match(value):
            caption = part
        framed = framed or bool(_FRAMED.match(value))
    if caption_nodes is not None:
        caption = caption_nodes
    elif not framed:
        # Without thumb or frame the wiki shows the image alone: the caption is its title
        # and, without an alt=, its alternative text; of a missing file, the wiki shows it.
        shown = " ".join(plain_text(caption).split())
        alt = alt or shown
        caption = []
    # A figure caption must be one paragraph: line breaks become spaces.
    caption = [Text(" ") if isinstance(n, Tag) and tag_name(n) == "br" else n for n in caption]
    caption_lines = ctx.paragraph([caption]) if caption else []
    caption_text = " ".join(plain_text(caption).split())
    local = ctx.options.files.get(name)
    if local is None:
        body = join_blocks(caption_lines, False) if caption_lines else []
        return not_imported(name, body or [rst.escape_line(shown or alt or name)])
    if not local.inline:
        return download_paragraph(name, local, caption, ctx)
    # Option values are not inline markup, but a backslash still escapes the line's end.
    alt = " ".join((alt or caption_text or name).replace("\\", "").split()) or name
    lines = [f".. figure:: {rst.escape_url(local.path)}", f"   :alt: {alt}"]
    if caption_lines:
        body = join_blocks(caption_lines, False)
        lines += [""] + rst.indent(body, 3)
    return [("directive", lines)]


def not_imported(name: str, body: list[str]) -> list[Block]:
    """The box standing for a file the importer did not place: titled with its name, holding
    ``body`` (reST lines: the caption, else the alt text or the name)."""
    title = rst.escape_inline(NOT_IMPORTED + " ".join(name.split()))
    return [("directive", [f".. admonition:: {title}", ""] + rst.indent(body, 3))]


def download_paragraph(name: str, local: LocalFile, caption: list[Node],
                       ctx: Context) -> list[Block]:
    """A file that is not shown inline (SVG, PDF, archives...): a link to download it,
    then its caption."""
    words: list[Token] = [("a", rst.role("download", name, rst.escape_url(local.path)),
                           NO_STYLE)]
    if caption:
        words += [("t", " — ", NO_STYLE)] + ctx.tokens(caption)
    return paragraph(words)


def media_link(name: str, text: str, ctx: Context, styles: Styles) -> list[Token]:
    """``[[Media:x.pdf|text]]``: a link to download the file the importer placed, else the
    text marked "[file not imported]"."""
    ctx.images.append(name)
    local = ctx.options.files.get(name)
    if local is None:
        return [("t", f"{text} {NOT_IMPORTED_MARK}", styles)]
    return [("a", rst.role("download", text, rst.escape_url(local.path)), styles)]


def _split_params(code: Wikicode | None) -> list[list[Node]]:
    """Split link text at top-level pipes."""
    return split_nodes(code.nodes if code is not None else [], "|")
