"""Parser functions and magic variables evaluated during conversion ({{#if:}}, {{PAGENAME}},
{{DISPLAYTITLE:}}, ...); anything depending on template parameters stays as it is.

The handler table maps each function and variable name to one function below.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from urllib.parse import quote_plus

from mwparserfromhell.nodes import Node, Template

from ..titles import normalise_title, upper_first, wiki_url
from .context import Context
from .parsing import parse
from .wikinodes import plain_text


def expand(nodes: Iterable[Node], ctx: Context) -> list[Node]:
    """Replace parser functions and magic variables we can evaluate by their result."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Template):
            result = evaluate(node, ctx)
            if result is not None:
                out.extend(expand(parse(result).nodes, ctx) if result else [])
                continue
        out.append(node)
    return out


def evaluate(node: Template, ctx: Context) -> str | None:
    """The wikitext a parser function yields, or None when it cannot be evaluated here."""
    name = str(node.name).strip()
    head, colon, arg = name.partition(":")
    if not colon:
        variable = ctx.handlers.variables.get(name.upper())
        return variable(ctx) if variable is not None else None
    function = ctx.handlers.parser_functions.get(head.strip().lower())
    if function is None:
        return None
    params = [str(p.value).strip() for p in node.params]
    if _has_arguments(arg) or any(_has_arguments(p) for p in params[:1]):
        return None  # depends on template parameters we do not have: keep it visible
    return function(arg.strip(), params, ctx)


def _has_arguments(text: str) -> bool:
    return "{{{" in text


def _param(params: list[str], index: int) -> str:
    return params[index] if index < len(params) else ""


# -- variables ------------------------------------------------------------------------------------


def page_name(ctx: Context) -> str:
    """{{PAGENAME}}, {{BASEPAGENAME}}...: the title without its namespace."""
    return ctx.title.partition(":")[2] if ":" in ctx.title else ctx.title


def full_page_name(ctx: Context) -> str:
    """{{FULLPAGENAME}}: the title with its namespace."""
    return ctx.title


def pipe(ctx: Context) -> str:
    """{{!}}: a "|" that separates nothing."""
    return "&#124;"


def equals(ctx: Context) -> str:
    """{{=}}: an "=" that names nothing."""
    return "&#61;"


# -- functions ------------------------------------------------------------------------------------


def display_title(arg: str, params: list[str], ctx: Context) -> str:
    """{{DISPLAYTITLE:x}}: the page's title becomes x."""
    ctx.display_title = plain_text(parse(arg).nodes)
    return ""


def page_setting(arg: str, params: list[str], ctx: Context) -> str:
    """{{DEFAULTSORT:x}} and other page settings: nothing on the page."""
    return ""


def if_(arg: str, params: list[str], ctx: Context) -> str:
    """{{#if: test | then | else}}."""
    return _param(params, 0) if arg else _param(params, 1)


def if_equal(arg: str, params: list[str], ctx: Context) -> str:
    """{{#ifeq: a | b | then | else}}."""
    same = arg == _param(params, 0)
    return _param(params, 1) if same else _param(params, 2)


def switch(arg: str, params: list[str], ctx: Context) -> str:
    """{{#switch: value | case = result | ... | #default = result}}."""
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


def url_encode(arg: str, params: list[str], ctx: Context) -> str:
    """{{urlencode:x}}."""
    return html.escape(quote_plus(plain_text(parse(arg).nodes)))


def full_url(arg: str, params: list[str], ctx: Context) -> str:
    """{{fullurl:Page|query}} and its kin: the page's URL on the wiki."""
    url = wiki_url(ctx.options.wiki_url, normalise_title(arg), "")
    if url and params:
        url += "?" + params[0]
    return url or arg


def lower(arg: str, params: list[str], ctx: Context) -> str:
    """{{lc:x}}."""
    return arg.lower()


def upper(arg: str, params: list[str], ctx: Context) -> str:
    """{{uc:x}}."""
    return arg.upper()


def lower_first(arg: str, params: list[str], ctx: Context) -> str:
    """{{lcfirst:x}}."""
    return arg[:1].lower() + arg[1:]


def upper_first_letter(arg: str, params: list[str], ctx: Context) -> str:
    """{{ucfirst:x}}."""
    return upper_first(arg)
