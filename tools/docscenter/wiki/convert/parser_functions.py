"""Parser functions and magic variables evaluated during conversion ({{#if:}}, {{PAGENAME}},
{{DISPLAYTITLE:}}, ...); anything depending on template parameters stays as it is."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from urllib.parse import quote_plus

from mwparserfromhell.nodes import Node, Template

from ..titles import _upper_first, _wiki_url, normalise_title
from .context import _Ctx
from .parsing import _parse
from .wikinodes import _plain

_PAGENAME_VARS = {"PAGENAME", "FULLPAGENAME", "PAGENAMEE", "FULLPAGENAMEE", "BASEPAGENAME",
                  "SUBPAGENAME", "ROOTPAGENAME", "ARTICLEPAGENAME"}


def _expand(nodes: Iterable[Node], ctx: _Ctx) -> list[Node]:
    """Replace parser functions and magic variables we can evaluate by their result."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Template):
            result = _evaluate(node, ctx)
            if result is not None:
                out.extend(_expand(_parse(result).nodes, ctx) if result else [])
                continue
        out.append(node)
    return out


def _evaluate(node: Template, ctx: _Ctx) -> str | None:
    """The wikitext a parser function yields, or None when it cannot be evaluated here."""
    name = str(node.name).strip()
    head, colon, arg = name.partition(":")
    key = head.strip().lower()
    params = [str(p.value).strip() for p in node.params]
    if not colon:
        if name.upper() in _PAGENAME_VARS:
            title = ctx.title.partition(":")[2] if ":" in ctx.title else ctx.title
            return title if name.upper().startswith(("PAGE", "BASE", "SUB", "ROOT")) else ctx.title
        if name == "!":
            return "&#124;"
        if name == "=":
            return "&#61;"
        return None
    if _has_arguments(arg) or any(_has_arguments(p) for p in params[:1]):
        return None  # depends on template parameters we do not have: keep it visible
    arg = arg.strip()
    if key == "displaytitle":
        ctx.display_title = _plain(_parse(arg).nodes)
        return ""
    if key in ("defaultsort", "defaultsortkey", "defaultcategorysort"):
        return ""
    if key == "#if":
        return _param(params, 0) if arg else _param(params, 1)
    if key == "#ifeq":
        same = arg == _param(params, 0)
        return _param(params, 1) if same else _param(params, 2)
    if key == "#switch":
        default = ""
        for p in params:
            case, eq, value = p.partition("=")
            if not eq:
                default = p
            elif case.strip() == arg:
                return value.strip()
            elif case.strip() == "#default":
                default = value.strip()
        return default
    if key == "urlencode":
        return html.escape(quote_plus(_plain(_parse(arg).nodes)))
    if key in ("fullurl", "localurl", "canonicalurl", "fullurle", "localurle"):
        url = _wiki_url(ctx.options.wiki_url, normalise_title(arg), "")
        if url and params:
            url += "?" + params[0]
        return url or arg
    if key in ("lc", "uc", "lcfirst", "ucfirst"):
        funcs: dict[str, Callable[[str], str]] = {
            "lc": str.lower, "uc": str.upper, "ucfirst": _upper_first,
            "lcfirst": lambda s: s[:1].lower() + s[1:],
        }
        return funcs[key](arg)
    return None


def _param(params: list[str], index: int) -> str:
    return params[index] if index < len(params) else ""


def _has_arguments(text: str) -> bool:
    return "{{{" in text
