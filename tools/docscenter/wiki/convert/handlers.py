"""The handler table: every wiki construct the converter knows, and the one function that
converts it. A new construct is one handler in its family's module, one entry here and one
fixture in ``tests/wiki/cases/`` (see the contributing guide).

Nodes are dispatched by type, tags by name, templates by the kind of rule their name maps to
in ``ConvertOptions.templates``, parser functions and magic variables by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Template,
    Text,
    Wikilink,
)

from . import (
    code,
    formatting,
    headings,
    images,
    layout,
    links,
    lists,
    parser_functions,
    references,
    templates,
    transclusion,
    walker,
    wiki_tables,
)
from .context import BlockTagHandler, Handlers, InlineTagHandler
from .wikinodes import (
    BLOCK_TAGS,
    BOLD_TAGS,
    CODE_TAGS,
    HIDDEN_TAGS,
    ITALIC_TAGS,
    LIST_TAGS,
    RAW_CODE_TAGS,
    TRANSPARENT_TAGS,
)

H = TypeVar("H")


def _one_each(*groups: tuple[Iterable[str], H]) -> dict[str, H]:
    """A table from (names, handler) groups; a name in two groups is a mistake."""
    table: dict[str, H] = {}
    for names, handler in groups:
        for name in names:
            if name in table:
                raise ValueError(f"{name!r} has two handlers")
            table[name] = handler
    return table


# Block tags (wikinodes.BLOCK_TAGS): where a line holds one, it makes blocks of its own.
BLOCK_TAG_HANDLERS: Mapping[str, BlockTagHandler] = _one_each(
    (["table"], wiki_tables.table),
    (["pre"], code.pre_block),
    (["source", "syntaxhighlight"], code.source_block),
    (["blockquote"], layout.blockquote),
    (["div", "center", "noinclude", "onlyinclude"], layout.container),
    (["dl"], lists.html_definition_list),
    (["poem"], layout.poem),
    (["hr"], layout.rule),
    (["ul", "ol"], lists.html_list),
    (["h1", "h2", "h3", "h4", "h5", "h6"], headings.html_heading),
    (["references"], references.references),
    (["gallery"], images.gallery),
)

# Inline tags spanning lines of block markup (see walker.starts_block): the lines make blocks
# there, as MediaWiki reads them line by line whatever inline tag is open.
SPANNING_TAG_HANDLERS: Mapping[str, BlockTagHandler] = _one_each(
    (TRANSPARENT_TAGS - BLOCK_TAGS | BOLD_TAGS | ITALIC_TAGS, layout.container),
    (CODE_TAGS, code.preformatted_code),
)

# Inline tags: inside paragraph text, headings, terms, captions.
INLINE_TAG_HANDLERS: Mapping[str, InlineTagHandler] = _one_each(
    (LIST_TAGS, formatting.list_marker),
    (BOLD_TAGS, formatting.bold),
    (ITALIC_TAGS, formatting.italic),
    (CODE_TAGS, formatting.code_span),
    (RAW_CODE_TAGS, formatting.raw_code_span),
    (["sub", "sup"], formatting.sub_sup),
    (["br"], formatting.line_break),
    (["nowiki"], formatting.nowiki),
    (["ref"], references.ref),
    (HIDDEN_TAGS, formatting.hidden),
    (TRANSPARENT_TAGS, formatting.transparent),
    # The other block tags, where only inline text may go: their text.
    (BLOCK_TAGS - TRANSPARENT_TAGS - RAW_CODE_TAGS, formatting.flattened),
)

HANDLERS = Handlers(
    walk=walker.walk,
    walk_line=walker.line_blocks,
    inline_nodes={
        Text: formatting.text,
        HTMLEntity: formatting.entity,
        Comment: formatting.comment,
        Argument: formatting.argument,
        Wikilink: links.wikilink,
        ExternalLink: links.external_link,
        Template: templates.template_tokens,
        Heading: headings.heading_text,
    },
    inline_tags=INLINE_TAG_HANDLERS,
    unknown_tag=formatting.unknown_tag,
    block_nodes={
        Wikilink: images.figure,  # only image links make blocks (see walker.starts_block)
        Template: templates.template_block,
    },
    block_tags=BLOCK_TAG_HANDLERS,
    spanning_tags=SPANNING_TAG_HANDLERS,
    # Template rule kinds (options.TemplateRule.kind). A kind without a block handler is
    # inline: on a line of its own it makes a paragraph.
    inline_templates={
        "inline": templates.inline_text,
        "code": templates.code,
        "drop": templates.dropped,
        "admonition": templates.box_as_written,
        "references": templates.box_as_written,
    },
    block_templates={
        "admonition": templates.admonition,
        "references": references.reflist,
    },
    parser_functions=_one_each(
        (["displaytitle"], parser_functions.display_title),
        (["defaultsort", "defaultsortkey", "defaultcategorysort"], parser_functions.page_setting),
        (["#if"], parser_functions.if_),
        (["#ifeq"], parser_functions.if_equal),
        (["#switch"], parser_functions.switch),
        (["urlencode"], parser_functions.url_encode),
        (["anchorencode"], parser_functions.anchor_encode),
        (["fullurl", "canonicalurl", "fullurle"], parser_functions.full_url),
        (["localurl", "localurle"], parser_functions.local_url),
        (["special"], transclusion.special_page),
        (["lc"], parser_functions.lower),
        (["uc"], parser_functions.upper),
        (["lcfirst"], parser_functions.lower_first),
        (["ucfirst"], parser_functions.upper_first_letter),
    ),
    variables=_one_each(
        (["PAGENAME", "PAGENAMEE", "BASEPAGENAME", "SUBPAGENAME", "ROOTPAGENAME"],
         parser_functions.page_name),
        (["FULLPAGENAME", "FULLPAGENAMEE", "ARTICLEPAGENAME"], parser_functions.full_page_name),
        (["!"], parser_functions.pipe),
        (["="], parser_functions.equals),
    ),
)
