"""Transclusion: ``{{:Other page}}`` (and ``{{Namespace:Page}}``) shows another page of the
import in place, and ``{{Special:PrefixIndex/Prefix}}`` lists the imported pages under a
prefix, as MediaWiki shows them.

Both are evaluated with the parser functions, in the page's text before it is parsed (see
:func:`.parser_functions.expand_text`): what they yield is wikitext, read as if written there.
The texts of the pages other pages transclude come with the options
(``ConvertOptions.transclusions``); the titles a prefix index may list are those of the
import (``ConvertOptions.pages``).
"""

from __future__ import annotations

import re

from ..titles import normalise_title
from .context import Context

# Characters MediaWiki refuses in titles: a title holding one is never listed as a link.
_INVALID_TITLE = re.compile(r"[\[\]{}|<>\n#]")
_NOINCLUDE = re.compile(r"<noinclude\s*>.*?(?:</noinclude\s*>|\Z)", re.I | re.S)
_ONLYINCLUDE = re.compile(r"<onlyinclude\s*>(.*?)(?:</onlyinclude\s*>|\Z)", re.I | re.S)
_INCLUDEONLY_TAG = re.compile(r"</?includeonly\s*>", re.I)
_ARGUMENT = re.compile(r"\{\{\{([^{}|]*)(?:\|([^{}]*))?\}\}\}")
# The most text transclusion may add to one page (a page transcluding itself, or pages
# transcluding each other many times over, stop growing there).
MAX_TRANSCLUDED = 2_000_000


_CALL_NAME = re.compile(r"\{\{\s*(:?)\s*([^{}|<>\[\]\n]+?)\s*(?=\||\}\})")


def transcluded_titles(wikitext: str) -> set[str]:
    """Titles a page may transclude: ``{{:Title}}`` and ``{{Namespace:Title}}`` calls (a
    parser function's name found here matches no page of the import)."""
    return {normalise_title(match[2]) for match in _CALL_NAME.finditer(wikitext)
            if match[1] or ":" in match[2]}


def page(name: str, params: list[str], ctx: Context) -> str | None:
    """``{{:Title|params}}`` or ``{{Ns:Title}}``: the page's text, when the import has it."""
    texts = ctx.options.transclusions
    if not texts:
        return None
    text = texts.get(normalise_title(name.strip().lstrip(":")))
    if text is None or ctx.transcluded + len(text) > MAX_TRANSCLUDED:
        return None
    ctx.transcluded += len(text)
    return _with_arguments(_included_part(text), params)


def special_page(arg: str, params: list[str], ctx: Context) -> str | None:
    """``{{Special:PrefixIndex/Prefix}}``: the imported pages whose title starts with
    ``Prefix``, as a list of links (titles shown without their namespace, without the prefix
    with ``stripprefix=1``). Other special pages stay as written."""
    special, _, prefix = arg.partition("/")
    if special.strip().lower() != "prefixindex" or not prefix.strip():
        return None
    wanted = normalise_title(prefix)
    strip = any(p.replace(" ", "").lower() in ("stripprefix=1", "stripprefix=yes")
                for p in params)
    titles = sorted(t for t in ctx.options.pages
                    if t.startswith(wanted) and not _INVALID_TITLE.search(t))
    items = []
    for title in titles:
        shown = title[len(wanted):] if strip and title != wanted else title
        if ":" in prefix and not strip:
            shown = shown.partition(":")[2] or shown  # listed in its namespace: no prefix
        items.append(f"<li>[[:{title}|{shown}]]</li>")
    return "<ul>" + "".join(items) + "</ul>" if items else ""


def _included_part(text: str) -> str:
    """What a page shows where it is transcluded: its <onlyinclude> parts if it has any,
    else all but its <noinclude> parts; <includeonly> text shows."""
    only = _ONLYINCLUDE.findall(text)
    if only:
        text = "".join(only)
    return _INCLUDEONLY_TAG.sub("", _NOINCLUDE.sub("", text))


def own_arguments(text: str) -> str:
    """A page read on its own has no parameters: ``{{{name|default}}}`` shows its default,
    ``{{{name}}}`` stays as written, as MediaWiki shows the page."""
    return _with_arguments(text, [])


def _with_arguments(text: str, params: list[str]) -> str:
    """``{{{1}}}``, ``{{{name|default}}}`` replaced by the call's parameters or defaults;
    one neither gives stays as written, as MediaWiki shows it."""
    named: dict[str, str] = {}
    position = 0
    for param in params:
        key, eq, value = param.partition("=")
        if eq and "[[" not in key:
            named[key.strip()] = value.strip()
        else:
            position += 1
            named[str(position)] = param

    def argument(match: re.Match[str]) -> str:
        value = named.get(match[1].strip())
        if value is not None:
            return value
        return match[2] if match[2] is not None else match[0]

    return _ARGUMENT.sub(argument, text) if "{{{" in text else text
