"""Wikitext to a mwparserfromhell tree: pre-cleaning what the parser handles slowly or wrongly,
then parsing with style tags skipped (quotes are resolved per line later, as MediaWiki does)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from mwparserfromhell import definitions
from mwparserfromhell.parser import Parser
from mwparserfromhell.wikicode import Wikicode

from .tree import builder

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")
_P_TAG = re.compile(r"</?p(?:\s[^<>]*)?/?>", re.I)
_NOWIKI_OPEN = re.compile(r"<nowiki", re.I)
_P_LINE_INDENT = re.compile(r"^[ \t]++(?=[^\n]*</?p(?:\s[^<>]*)?/?>)", re.I | re.M)
_PROTECTED = re.compile(
    r"(<(nowiki|pre|source|syntaxhighlight|math)\b[^>]*>.*?</\2\s*>)", re.I | re.S
)
# Text that is never wikitext structure: literal tags and comments, an unclosed one running to
# the end (so nothing inside is ever taken for a table or a heading).
LITERAL_SPANS = re.compile(
    r"<(nowiki|pre|source|syntaxhighlight|math)\b[^>]*>.*?(?:</\1\s*>|\Z)|<!--.*?(?:-->|\Z)",
    re.I | re.S)
_BALANCED = ("b", "i", "u", "s", "strong", "em", "small", "big", "font", "span", "code", "tt",
             "sub", "sup", "del", "ins", "strike", "center", "div", "blockquote", "cite", "kbd")


_BALANCED_TAG = re.compile(rf"<(/?)({'|'.join(_BALANCED)})(?:\s[^<>]*?)?\s*(/?)>", re.I)


# An opening tag with <nowiki>...</nowiki> in its attributes: the attribute holds the text.
_ATTRIBUTE_NOWIKI = re.compile(
    r"<[A-Za-z][\w-]*\s(?:[^<>]|<nowiki>[^<>]*</nowiki>)*?<nowiki>[^<>]*</nowiki>"
    r"(?:[^<>]|<nowiki>[^<>]*</nowiki>)*>", re.I)


def _attribute_text(match: re.Match[str]) -> str:
    return re.sub(r"</?nowiki>", "", match.group(), flags=re.I)


def preclean(text: str) -> str:
    """Remove what mwparserfromhell parses slowly or wrongly and MediaWiki treats as noise."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Python (and so docutils) also splits lines at these; MediaWiki does not.
    text = _LINE_SEPARATORS.sub(" ", text)
    if "<" not in text:
        return text  # no tag: nothing below has work
    if _NOWIKI_OPEN.search(text):
        text = _ATTRIBUTE_NOWIKI.sub(_attribute_text, text)
    parts = _PROTECTED.split(text)
    # re.split with two groups yields: text, whole-match, tag-name, text, ...
    plain = [parts[i] for i in range(0, len(parts), 3)]
    joined = "\x00".join(plain)
    # A line holding a <p> is never preformatted on the wiki: the tag goes, and its indent.
    if _P_TAG.search(joined):
        joined = _P_TAG.sub("", _P_LINE_INDENT.sub("", joined))
    balance: Counter[str] = Counter()
    for match in _BALANCED_TAG.finditer(joined):
        if not match[3]:  # <br/>-style tags neither open nor close
            balance[match[2].lower()] += -1 if match[1] else 1
    for name, count in balance.items():
        if count:
            # Unbalanced inline tags make parsing quadratic; their text is what matters.
            joined = re.sub(rf"</?{name}(?:\s[^<>]*)?/?>", "", joined, flags=re.I)
    joined += _closed_lists(joined)
    # Attributes of ordinary HTML tags mean nothing in reST and cost parse time.
    joined = _HTML_OPEN.sub(_keep_attributes, joined)
    plain = joined.split("\x00")
    out = []
    for i, chunk in enumerate(plain):
        out.append(chunk)
        if 3 * i + 1 < len(parts):
            out.append(parts[3 * i + 1])
    return "".join(out)


_LIST_TAG = re.compile(r"<(/?)(ol|ul)\b(?:\s[^<>]*)?>", re.I)


def _closed_lists(text: str) -> str:
    """The closing tags of the HTML lists left open (an <ol> with no </ol>): MediaWiki's
    HTML clean-up closes them at the end of the page, and so do we."""
    if not _LIST_TAG.search(text):
        return ""
    open_lists: list[str] = []
    for match in _LIST_TAG.finditer(text):
        name = match[2].lower()
        if not match[1]:
            open_lists.append(name)
        elif name in open_lists:
            del open_lists[len(open_lists) - 1 - open_lists[::-1].index(name)]
    return "".join(f"</{name}>" for name in reversed(open_lists))


_STYLED_HTML = ("div|span|ul|ol|li|dl|dt|dd|table|tr|td|th|thead|tbody|tfoot|caption|font|"
                "small|big|center|b|i|u|s|em|strong|code|tt|sub|sup|blockquote|h[1-6]|abbr|cite")
# Quoted attribute values may hold ">" (style="background:url(a>b)"), never "<".
_HTML_OPEN = re.compile(rf"<({_STYLED_HTML})(\s(?:\"[^\"<]*\"|'[^'<]*'|[^<>\"'])*?)(/?)>", re.I)
_KEPT_ATTRIBUTE = re.compile(r"\b(colspan|rowspan)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]*)", re.I)


def _keep_attributes(match: re.Match[str]) -> str:
    attributes = match.group(2)
    kept = " ".join(m.group(0) for m in _KEPT_ATTRIBUTE.finditer(attributes)) \
        if "span" in attributes.lower() else ""  # most tags: neither colspan nor rowspan
    # A literal span (<math>, <pre>...) inside a dropped attribute stands for one taken out
    # of the text: its place mark stays, after the tag, so every span goes back to its place.
    places = "\x00" * attributes.count("\x00")
    return f"<{match.group(1)}{' ' + kept if kept else ''}{match.group(3)}>{places}"


def parse(text: str) -> Wikicode:
    """Parse wikitext, style tags skipped (quotes are resolved per line, see inline.py)."""
    text, marked = _mark_unclosed(text)
    code: Wikicode = _Parser().parse(text, skip_style_tags=True)  # type: ignore[no-untyped-call]
    if marked:
        for node in code.ifilter_text(recursive=True):
            if _MARK in node.value:
                node.value = node.value.replace(_MARK, "<")
    return code


# -- tags that never close ---------------------------------------------------------------------

# "<nick>" in a pasted chat log opens a tag no "</nick>" closes: mwparserfromhell reads on to
# the end of the page looking for it before taking the "<" as text, once for each such tag
# (quadratic on a long log). Their "<" is parsed as a mark of its own, plain text to the
# parser, and given back in the text nodes: the tree is the one the parser would build. Only
# where nothing else may read the "<": after white space (never inside an address), on a line
# with no "[" or "{" before it (never in a link or template name), outside literal text.
_MARK = "\x04"  # a control character: preclean takes them out of wikitext
_UNCLOSED = re.compile(r"(?<!\S)<([A-Za-z][A-Za-z0-9_-]*)>")
_CLOSING = re.compile(r"</\s*([A-Za-z][A-Za-z0-9_-]*)")
_SPECIAL = frozenset(definitions.SINGLE + definitions.PARSER_BLACKLIST
                     + definitions.INVISIBLE_TAGS)


def _mark_unclosed(text: str) -> tuple[str, bool]:
    """``text`` with the "<" of tags that never close marked (see above), and whether any
    was."""
    if "<" not in text or _MARK in text:
        return text, False
    closed = {name.lower() for name in _CLOSING.findall(text)}
    found = [m for m in _UNCLOSED.finditer(text) if m[1].lower() not in _SPECIAL
             and m[1].lower() not in closed]
    if not found:
        return text, False
    literal = [m.span() for m in LITERAL_SPANS.finditer(text)]  # in order, apart
    starts = [start for start, _end in literal]
    chars = list(text)
    marked = False
    scanned, opened = 0, False  # read up to; a "[" or "{" since the line began
    for match in found:  # in order: each character is read once (linear on hostile pages)
        at = match.start()
        read = text[scanned:at]
        line_break = read.rfind("\n")
        opened = ("[" in read[line_break + 1:] or "{" in read[line_break + 1:]
                  or (opened and line_break < 0))
        scanned = at
        inside = bisect_right(starts, at) - 1
        if opened or (inside >= 0 and at < literal[inside][1]):
            continue
        chars[at] = _MARK
        marked = True
    return "".join(chars), marked


class _Parser(Parser):
    """mwparserfromhell's parser (its tokenizer) with the tree builder of :mod:`.tree`."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._builder = builder()
