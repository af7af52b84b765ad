"""Wikitext -> reST, without I/O."""

from .page import (
    DEFAULT_INTERWIKI,
    DEFAULT_TEMPLATES,
    ConvertedPage,
    ConvertOptions,
    PageRef,
    TemplateRule,
    convert_fragment,
    convert_page,
    heading_anchors,
    normalise_title,
    section_label,
)

__all__ = [
    "DEFAULT_INTERWIKI",
    "DEFAULT_TEMPLATES",
    "ConvertOptions",
    "ConvertedPage",
    "PageRef",
    "TemplateRule",
    "convert_fragment",
    "convert_page",
    "heading_anchors",
    "normalise_title",
    "section_label",
]
