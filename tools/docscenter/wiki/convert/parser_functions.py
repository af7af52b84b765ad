"""Parser functions and magic variables evaluated during conversion ({{#if:}}, {{PAGENAME}},
{{DISPLAYTITLE:}}, ...); anything depending on template parameters stays as it is.

The handler table maps each function and variable name to one function below.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from urllib.parse import quote_plus, urlsplit, urlunsplit

from mwparserfromhell.nodes import Node, Template

from ..titles import normalise_title, upper_first, wiki_url
from . import transclusion
from .context import Context
from .parsing import LITERAL_SPANS, parse
from .wikinodes import plain_text, template_name

# A call holding no other call: "{{urlencode:x}}", "{{PAGENAME}}" (never "{{{1}}}").
_INNERMOST = re.compile(r"(?<!\{)\{\{(?!\{)([^{}]*)\}\}")
_BRACES = re.compile(r"\{\{!\}\}|\{\{|\}\}")
_PASSES = 8  # calls nested deeper than this stay for the node pass


def expand_text(text: str, ctx: Context) -> str:
    """Evaluate, in the page's text before it is parsed, the parser functions and variables
    this converter knows and the pages of the import it transcludes, innermost first, as
    MediaWiki expands them before it reads links and tables:
    ``[{{fullurl:Page|q={{urlencode:x y}}}} label]`` becomes an external link, and ``{{!}}``
    outside any call is the ``|`` of table markup. Literal text (``<nowiki>``, ``<pre>``,
    comments...) is left alone."""

    def call(match: re.Match[str]) -> str:
        if match[1].strip() in ("!", "="):
            return match[0]  # see _top_level_pipes; "{{=}}" stays for the node pass
        name, params = _call_parts(match[1])
        # Pages are transcluded in the text only: each pass goes one level deeper, so a
        # page transcluding itself stops after _PASSES levels.
        result = evaluate_call(name, params, ctx, transclude=True)
        return match[0] if result is None else result

    def innermost(chunk: str) -> str:
        if "{{{" in chunk:
            chunk = transclusion.own_arguments(chunk)
        return _INNERMOST.sub(call, chunk)

    for _ in range(_PASSES):
        if "{{" not in text:
            return text
        expanded = _outside_literals(text, innermost)
        if expanded == text:
            break
        text = expanded
    return _outside_literals(text, _top_level_pipes) if "{{!}}" in text else text


def _outside_literals(text: str, change: Callable[[str], str]) -> str:
    """``text`` with ``change`` applied to every part outside literal spans."""
    out: list[str] = []
    start = 0
    for literal in LITERAL_SPANS.finditer(text):
        out += [change(text[start:literal.start()]), literal.group()]
        start = literal.end()
    out.append(change(text[start:]))
    return "".join(out)


def _top_level_pipes(chunk: str) -> str:
    """``{{!}}`` outside any template call is a ``|`` (table and link markup); inside a
    call's parameters it stays, so it separates nothing there."""
    out: list[str] = []
    depth = start = 0
    for match in _BRACES.finditer(chunk):
        token = match.group()
        if token == "{{!}}" and depth == 0:
            out += [chunk[start:match.start()], "|"]
            start = match.end()
        elif token == "{{":
            depth += 1
        elif token == "}}":
            depth = max(0, depth - 1)
    out.append(chunk[start:])
    return "".join(out)


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
    # A parser function gets each parameter whole: "b=2" of a #switch is a case and a result.
    return evaluate_call(template_name(node), [str(p).strip() for p in node.params], ctx)


def evaluate_call(name: str, params: list[str], ctx: Context,
                  transclude: bool = False) -> str | None:
    """The wikitext ``{{name|params...}}`` yields as a parser function or variable (or, with
    ``transclude``, as another page of the import), or None when it is none this converter
    knows or depends on template parameters."""
    head, colon, arg = name.partition(":")
    if not colon:
        variable = ctx.handlers.variables.get(name.upper())
        return variable(ctx) if variable is not None and not params else None
    function = ctx.handlers.parser_functions.get(head.strip().lower())
    if function is None:
        # "{{:Page}}", "{{Namespace:Page}}": another page of the import, shown here.
        if not transclude or _has_arguments(name):
            return None
        return transclusion.page(name, params, ctx)
    if _has_arguments(arg) or any(_has_arguments(p) for p in params[:1]):
        return None  # depends on template parameters we do not have: keep it visible
    return function(arg.strip(), params, ctx)


def _call_parts(inner: str) -> tuple[str, list[str]]:
    """The name and parameters of a call's inside ("fullurl:A|q=1"): split at the pipes
    that stand outside links."""
    parts = [""]
    for piece in re.split(r"(\[\[|\]\]|\|)", inner):
        if piece == "|" and parts[-1].count("[[") <= parts[-1].count("]]"):
            parts.append("")
        else:
            parts[-1] += piece
    return parts[0].strip(), [p.strip() for p in parts[1:]]


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
    """{{urlencode:x}}: the text as written, encoded for a query string."""
    return quote_plus(arg)


def anchor_encode(arg: str, params: list[str], ctx: Context) -> str:
    """{{anchorencode:x}}: the anchor a heading "x" gets (spaces as "_")."""
    return html.escape("_".join(plain_text(parse(arg).nodes).split()))


def full_url(arg: str, params: list[str], ctx: Context) -> str:
    """{{fullurl:Page|query}} and its kin: the page's URL on the wiki."""
    url = wiki_url(ctx.options.wiki_url, normalise_title(arg), "")
    if url and params:
        url += "?" + params[0]
    return url or arg


def local_url(arg: str, params: list[str], ctx: Context) -> str:
    """{{localurl:Page|query}}: the page's path on the wiki, without scheme and host (so
    "[{{localurl:X}} text]" is no link, as on the wiki)."""
    url = full_url(arg, params, ctx)
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, "")) if parts.netloc else url


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
