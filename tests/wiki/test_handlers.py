"""The converter's handler table is complete and agrees with the tag vocabularies: every node
type has an inline handler, every block tag an inline fallback, every tag with a handler is
text for ``plain_text``."""

from __future__ import annotations

import mwparserfromhell.nodes

from docscenter.wiki.convert import wikinodes
from docscenter.wiki.convert.handlers import HANDLERS
from docscenter.wiki.options import DEFAULT_TEMPLATES


def test_every_node_type_has_an_inline_handler() -> None:
    node_types = {getattr(mwparserfromhell.nodes, name)
                  for name in mwparserfromhell.nodes.__all__ if name not in ("Node", "extras")}
    # Tags go by name, through the tag handlers.
    assert set(HANDLERS.inline_nodes) | {mwparserfromhell.nodes.Tag} == node_types


def test_block_tags_are_the_vocabulary_and_have_an_inline_fallback() -> None:
    assert set(HANDLERS.block_tags) == wikinodes.BLOCK_TAGS
    # Inside a heading or a term a block tag still converts (to its text), never to raw HTML.
    assert wikinodes.BLOCK_TAGS <= set(HANDLERS.inline_tags)


def test_tags_with_handlers_are_text_for_plain_text() -> None:
    special = wikinodes.HIDDEN_TAGS | {"br", "nowiki", "ref"}  # plain_text drops or reads them
    assert set(HANDLERS.inline_tags) <= wikinodes.TEXT_TAGS | special


def test_every_default_template_kind_has_handlers() -> None:
    kinds = {rule.kind for rule in DEFAULT_TEMPLATES.values()}
    assert kinds <= set(HANDLERS.inline_templates)
    # A block kind (a box) where only inline text may go still has an inline form.
    assert set(HANDLERS.block_templates) <= set(HANDLERS.inline_templates)
