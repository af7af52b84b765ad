"""Templates: ``ConvertOptions.templates`` maps a template's name to a rule (Note ->
admonition "note", Code -> code, Clear -> drop...), and each rule kind has a handler in the
table. Unknown templates are counted and stay visible, their parameters converted."""

from __future__ import annotations

import re

from mwparserfromhell.nodes import Comment, Node, Template

from ... import rst
from ...rst import Block, join_blocks
from ..options import TemplateRule
from ..titles import wiki_url
from .context import Context
from .inline import NO_STYLE, Styles, Token, paragraph
from .parser_functions import expand
from .wikinodes import is_blank, plain_text, template_text, unknown_key


def starts_block(node: Template, line: list[Node], ctx: Context) -> bool:
    """True when the template makes blocks: its kind is a block kind (a box), or it stands
    alone on its line, or spans lines."""
    _key, rule = ctx.template_rule(node)
    if rule is not None and rule.kind in ctx.handlers.block_templates:
        return True
    alone = all(n is node or is_blank([n]) or isinstance(n, Comment) for n in line)
    return alone or "\n" in str(node)


# -- inline ---------------------------------------------------------------------------------------


def template_tokens(node: Template, ctx: Context, styles: Styles,
                    after: Node | None) -> list[Token]:
    """A template inside a line: by its rule's kind; unknown ones stay as written."""
    key, rule = ctx.template_rule(node)
    if rule is None:
        _count_unknown(key, ctx)
        if _shows_nothing_more(node, key):
            return missing_template(key, ctx, styles)
        return [("a", rst.literal(str(node)), styles)]
    handler = ctx.handlers.inline_templates.get(rule.kind, inline_text)
    return handler(node, key, rule, ctx, styles)


def box_as_written(node: Template, key: str, rule: TemplateRule, ctx: Context,
               styles: Styles) -> list[Token]:
    """A box where only inline text may go (a heading, a term): shown as written."""
    return [("a", rst.literal(str(node)), styles)]


def dropped(node: Template, key: str, rule: TemplateRule, ctx: Context,
            styles: Styles) -> list[Token]:
    """Layout templates ({{Clear}}, {{TOC}}): nothing."""
    return []


def code(node: Template, key: str, rule: TemplateRule, ctx: Context,
         styles: Styles) -> list[Token]:
    """{{Code|x}}, {{Kbd|x}}: a literal of the text."""
    value = template_text(node, rule)
    return [] if value is None else [("a", rst.literal(plain_text(value.nodes)), styles)]


def inline_text(node: Template, key: str, rule: TemplateRule, ctx: Context,
                styles: Styles) -> list[Token]:
    """Templates that only show their text."""
    value = template_text(node, rule)
    return [] if value is None else ctx.tokens(expand(value.nodes, ctx), styles)


def _count_unknown(key: str, ctx: Context) -> None:
    """Note an unknown template for the report (a page "{{:Page}}" the import lacks is none:
    no template rule could map it)."""
    if not key.startswith(":"):
        ctx.unknown[unknown_key(key)] += 1


def missing_template(key: str, ctx: Context, styles: Styles) -> list[Token]:
    """What the wiki shows for a template it lacks: a link to ``Template:Name`` (at the wiki,
    when its address is known); for a page it lacks (``{{:Page}}``), a link to the page."""
    title = key[1:].strip() if key.startswith(":") else "Template:" + key
    url = wiki_url(ctx.options.wiki_url, title, "")
    return [("a", rst.anonymous_link(title, url), styles)] if url else [("t", title, styles)]


def _shows_nothing_more(node: Template, key: str) -> bool:
    """True for an unknown template whose call holds nothing to show (no parameter with a
    value): "Template:Name" says all the call does. Parser functions and names no title can
    have stay as written."""
    # "{{formatnum:1}}", "{{Ns:Page}}": a parser function or another page, not a template.
    if key.startswith("#") or ":" in key[1:] or not key.strip(":") or _NOT_A_TITLE.search(key):
        return False
    return not any(str(param.value).strip() for param in node.params)


_NOT_A_TITLE = re.compile(r"[<>\[\]{}|#\x00-\x1f]")


# -- blocks ---------------------------------------------------------------------------------------


def template_block(node: Template, ctx: Context) -> list[Block]:
    """A template on a line of its own (or a box): by its rule's kind; a kind without a
    block handler makes a paragraph of the template's inline form."""
    key, rule = ctx.template_rule(node)
    if rule is None:
        return unknown_box(node, key, ctx)
    handler = ctx.handlers.block_templates.get(rule.kind)
    if handler is None:
        return ctx.paragraph([[node]])
    return handler(node, key, rule, ctx)


def admonition(node: Template, key: str, rule: TemplateRule, ctx: Context) -> list[Block]:
    """{{Note|text}} and the like: an admonition directive (a generic one with a title)."""
    value = template_text(node, rule)
    body = join_blocks(ctx.blocks(value.nodes), False) if value else []
    if not body:
        ctx.warnings.append(f"template {key}: no text, dropped")
        return []
    name = rule.admonition or "note"
    head = f".. {name}::"
    if name == "admonition" or rule.title:
        head = f".. admonition:: {rst.escape_inline(rule.title or key)}"
    return [("directive", [head, ""] + rst.indent(body, 3))]


def unknown_box(node: Template, key: str, ctx: Context) -> list[Block]:
    """An unknown template, kept visible: a box titled with its name, its parameters
    converted (named ones as a definition list), so no content is lost."""
    _count_unknown(key, ctx)
    if _shows_nothing_more(node, key):
        return paragraph(missing_template(key, ctx, NO_STYLE))
    if not node.params or key.startswith("#"):
        return [("para", [rst.literal(str(node))])]
    box: list[Block] = []
    for param in node.params:
        value = join_blocks(ctx.blocks(param.value.nodes), False)
        if not value:
            continue
        if not param.showkey:
            box.append(("para", value))
            continue
        # A name can span lines ("|a \n b=c"): a term is one line.
        term = rst.escape_line(" ".join(str(param.name).split()))
        item = [term.replace(" : ", " \\: ") or "\\ "] + rst.indent(value, 3)
        if box and box[-1][0] == "dl":
            box[-1][1].extend([""] + item)
        else:
            box.append(("dl", item))
    lines = join_blocks(box, False)
    if not lines:
        return [("para", [rst.literal(str(node))])]
    title = rst.escape_inline("Template: " + key)
    return [("directive", [f".. admonition:: {title}", ""] + rst.indent(lines, 3))]
