"""How much of a page's text its reST kept: an estimate, so that a page losing content is
reported by the importer instead of losing it silently.

The words of the wikitext's visible text (:func:`visible_words`: its markup left out, as
:func:`.wikinodes.plain_text` reads it — link texts, cell texts, code, unknown template calls
with the parameters that have a value, the text of known templates) are counted before the
page is converted, and compared with the words of the reST the converter wrote
(:func:`share_kept`: inline markup left out): the share of the wiki's words found there,
counted with their repeats. Words the reST adds (link targets, labels, directive names)
cannot hide a loss larger than they are; on real pages the estimate stays near 1.0 unless
text was dropped.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping

from mwparserfromhell.nodes import Heading, Node, Tag, Template, Text
from mwparserfromhell.wikicode import Wikicode

from ..options import TemplateRule
from ..titles import template_key
from .context import SplitTable
from .wikinodes import (
    BLOCK_TAGS,
    HIDDEN_TAGS,
    TEXT_TAGS,
    plain_text,
    tag_name,
    template_name,
)

_WORD = re.compile(r"[^\W_]+")  # letters and digits ("a_b" is two words: templates show "a b")
# The same words in ASCII text (most pages), split apart more than twice as fast as found.
_ASCII_APART = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
_LIFTED = re.compile(r"\x01T\d+\x01")  # where wiki_tables.lift_tables took a table out
# Tags whose contents stand apart from the text around them (words never run across).
_APART = BLOCK_TAGS | {"li", "dt", "dd", "tr", "td", "th", "br", "caption"}
# Inline markup of the reST: role names, escaped spaces ("H\ :sub:`2`\ O" is the word "H2O"),
# backquotes and emphasis marks (all left out), backslashes (apart).
_ROLE_NAME = re.compile(r":[\w.+-]+:(?=`)")
_RST_APART = str.maketrans({**{chr(c): " " for c in range(128) if not chr(c).isalnum()},
                            "`": None, "*": None})
_NOWIKI_TAG = re.compile(r"</?nowiki\s*/?>", re.I)  # inside <pre>: no text of its own
_ATTRIBUTES = re.compile(r"^[^|\[\]{}<>]*=[^|\[\]{}<>]*\|(?!\|)")  # "style=x | text"
_TAG = re.compile(r"<[^<>]*>")
_APART_MARK = "\x02"  # between texts counted apart (preclean removes it from wikitext)


def visible_words(code: Wikicode, lifted: list[SplitTable],
                  templates: Mapping[str, TemplateRule]) -> Counter[str]:
    """The words of the page's visible text (count them before converting: the conversion
    changes some nodes, a link taking the letters after it)."""
    texts: list[str] = []
    _count_words(code.nodes, templates, texts)
    for caption, rows in lifted:  # tables taken out before parsing (see wiki_tables)
        texts.append(_raw_text(caption or ""))
        for row in rows:
            for _header, raw in row:
                texts.append(_raw_text(raw))
    # The texts are read apart (no word runs across two): one pass over them all, joined by
    # a character no word, entity, tag or placeholder holds.
    return Counter(_words(_APART_MARK.join(texts)))


def share_kept(words: Counter[str], rst_text: str) -> float:
    """The share (0..1) of ``words`` (see :func:`visible_words`) found in ``rst_text``."""
    total = sum(words.values())
    if not total:
        return 1.0
    text = _ROLE_NAME.sub("", rst_text) if ":`" in rst_text else rst_text
    text = text.replace("\\ ", "")
    if text.isascii():  # markup left out and words split apart in one pass
        written = Counter(text.translate(_RST_APART).split())
    else:
        written = Counter(_WORD.findall(
            text.replace("`", "").replace("*", "").replace("\\", " ")))
    return sum((words & written).values()) / total


def _words(text: str) -> list[str]:
    # Each substitution only where its first character is (most text has none of them).
    if "\x01" in text:
        text = _LIFTED.sub(" ", text)
    if "<" in text:
        text = _NOWIKI_TAG.sub("", text)
    return _find_words(html.unescape(text) if "&" in text else text)


def _find_words(text: str) -> list[str]:
    if text.isascii():
        return text.translate(_ASCII_APART).split()
    return _WORD.findall(text)


def _raw_text(raw: str) -> str:
    """The text of a simple table cell as written (its attributes and tags left out)."""
    return _TAG.sub(" ", _ATTRIBUTES.sub("", raw, count=1))


def _count_words(nodes: list[Node], templates: Mapping[str, TemplateRule],
                 texts: list[str]) -> None:
    """Gather the texts of ``nodes``; block tags and templates are read apart."""
    run: list[Node] = []
    for node in nodes:
        if type(node) is Text:  # most nodes: text is never apart
            run.append(node)
            continue
        apart = isinstance(node, Tag) and node.contents is not None and (
            tag_name(node) in _APART or _is_shown_as_text(node))
        if not apart and not isinstance(node, Template | Heading):
            run.append(node)
            continue
        texts.append(plain_text(run))
        run = []
        if isinstance(node, Heading):
            _count_words(node.title.nodes, templates, texts)
        elif isinstance(node, Template):
            _template_words(node, templates, texts)
        elif isinstance(node, Tag) and tag_name(node) != "gallery":  # a gallery: file names
            if _is_shown_as_text(node):  # the tags show, what they hold is converted
                texts.append(f"{node.tag} {''.join(map(str, node.attributes))}")
            _count_words(node.contents.nodes, templates, texts)
    texts.append(plain_text(run))


def _is_shown_as_text(tag: Tag) -> bool:
    """HTML the wiki does not allow: shown as text around its converted contents."""
    name = tag_name(tag)
    return (name not in TEXT_TAGS and name not in HIDDEN_TAGS and not tag.wiki_markup
            and name not in ("ref", "references", "nowiki", "pre", "br")
            and not tag.self_closing and tag.closing_tag is not None)


def _template_words(node: Template, templates: Mapping[str, TemplateRule],
                    texts: list[str]) -> None:
    """A known template shows its text; an unknown one its name and the parameters that
    have a value (an empty one shows nothing)."""
    if template_key(template_name(node)) in templates:
        texts.append(plain_text([node], templates))
        return
    texts.append(template_name(node))
    for param in node.params:
        if str(param.value).strip():
            if param.showkey:
                texts.append(str(param.name))
            _count_words(param.value.nodes, templates, texts)
