"""The tree of a page from mwparserfromhell's tokens: the library's own tree, built for less.

mwparserfromhell's builder makes each node through its public constructor, whose setters read
every part again through ``parse_anything`` (which imports inside the function on each call):
on the corpus that was a fifth of the whole conversion. :class:`TreeBuilder` reads the tokens
as the library's builder does and makes the common nodes (text, tags, links, templates and
their parameters, headings, wikicode) by setting the attributes their constructors would set;
the rare ones (comments, entities, arguments, tag attributes) still go through their
constructors. Whether the installed mwparserfromhell keeps its nodes as assumed is checked
once, on a sample holding every kind of token (:func:`builds_as_library`); when it does not,
:func:`builder` gives the library's own builder.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Node,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.nodes.extras import Attribute, Parameter
from mwparserfromhell.parser import ParserError, tokens
from mwparserfromhell.parser.builder import Builder
from mwparserfromhell.smart_list import SmartList
from mwparserfromhell.wikicode import Wikicode


def _code(nodes: list[Any]) -> Wikicode:
    # SmartList(nodes), its __new__ (which only gives it no children yet) run in line.
    held = list.__new__(SmartList)
    held._children = {}  # type: ignore[attr-defined]
    list.extend(held, nodes)
    code = Wikicode.__new__(Wikicode)
    code._nodes = held
    return code


N = TypeVar("N")


def _made(kind: type[N], fields: dict[str, Any]) -> N:
    """A node of ``kind`` holding ``fields``, its constructor not run."""
    node: N = object.__new__(kind)
    node.__dict__.update(fields)  # the instance's own dict stays a compact, key-sharing one
    return node


def _malformed(message: str) -> Exception:
    return ParserError(message)  # type: ignore[no-untyped-call]


_TEMPLATE_ENDS = (tokens.TemplateParamSeparator, tokens.TemplateClose)
_PARAMETER_ENDS = (tokens.TemplateParamEquals, *_TEMPLATE_ENDS)
_TAG_PARTS = (tokens.TagAttrStart, tokens.TagCloseOpen, tokens.TagOpenClose,
              tokens.TagCloseSelfclose, tokens.TagCloseClose)
_ATTRIBUTE_PARTS = (tokens.TagAttrEquals, tokens.TagAttrQuote, tokens.TagAttrStart,
                    tokens.TagCloseOpen, tokens.TagCloseSelfclose)


class TreeBuilder:
    """Builds a :class:`Wikicode` tree out of the tokenizer's tokens (see the module)."""

    def __init__(self) -> None:
        self._tokens: list[Any] = []  # the tokens still to read, the next one last

    def build(self, stream: list[Any]) -> Wikicode:
        # Read from the end, each token dropped once read (memory stays as the library's).
        stream.reverse()
        self._tokens = stream
        nodes, _end = self._until(())
        self._tokens = []
        return _code(nodes)

    def _until(self, ends: tuple[type[Any], ...]) -> tuple[list[Node], Any]:
        """The nodes up to the first token of a type in ``ends``, and that token (read)."""
        stream, text, new = self._tokens, tokens.Text, object.__new__
        nodes: list[Node] = []
        while stream:
            token = stream.pop()
            kind = type(token)
            if kind is text:  # most tokens: a text node made here
                node = new(Text)
                node._value = token["text"]
                nodes.append(node)
            elif kind in ends:
                return nodes, token
            else:
                handler = _HANDLERS.get(kind)
                if handler is None:
                    raise _malformed(f"unexpected {kind.__name__} token")
                nodes.append(handler(self, token))
        if ends:
            raise _malformed(f"no {ends[-1].__name__} token")
        return nodes, None

    def _back(self, token: Any) -> None:
        """Read ``token`` again (it ends what the caller reads, too)."""
        self._tokens.append(token)

    def _template(self, _token: Any) -> Template:
        nodes, end = self._until(_TEMPLATE_ENDS)
        name = _code(nodes)
        params: list[Parameter] = []
        default = 1
        while type(end) is tokens.TemplateParamSeparator:
            param = self._parameter(default)
            params.append(param)
            default += not param.showkey
            _nothing, end = self._until(_TEMPLATE_ENDS)
        return _made(Template, {"_name": name, "_params": params})

    def _parameter(self, default: int) -> Parameter:
        key, showkey = None, False
        nodes, end = self._until(_PARAMETER_ENDS)
        while type(end) is tokens.TemplateParamEquals:
            key, showkey = _code(nodes), True
            nodes, end = self._until(_PARAMETER_ENDS)
        self._back(end)
        if key is None:
            key = _code([_made(Text, {"_value": str(default)})])
        return _made(Parameter, {"_name": key, "_value": _code(nodes), "_showkey": showkey})

    def _parts(self, separator: type[Any], close: type[Any]) -> tuple[Wikicode | None,
                                                                       Wikicode, Any]:
        """The nodes up to ``close``: those before the (last) ``separator`` token (None
        without one) and those after it; and that separator token."""
        first, mark = None, None
        nodes, end = self._until((separator, close))
        while type(end) is separator:
            first, mark = _code(nodes), end
            nodes, end = self._until((separator, close))
        return first, _code(nodes), mark

    def _argument(self, _token: Any) -> Argument:
        name, rest, _mark = self._parts(tokens.ArgumentSeparator, tokens.ArgumentClose)
        return Argument(rest) if name is None else Argument(name, rest)

    def _wikilink(self, _token: Any) -> Wikilink:
        title, rest, _mark = self._parts(tokens.WikilinkSeparator, tokens.WikilinkClose)
        if title is None:
            return _made(Wikilink, {"_title": rest, "_text": None})
        return _made(Wikilink, {"_title": title, "_text": rest})

    def _external_link(self, token: Any) -> ExternalLink:
        url, rest, mark = self._parts(tokens.ExternalLinkSeparator, tokens.ExternalLinkClose)
        fields = {"_url": rest, "_title": None} if url is None else {"_url": url, "_title": rest}
        return _made(ExternalLink, {**fields, "_brackets": bool(token.get("brackets")),
                                    "suppress_space": mark is not None
                                    and mark.get("suppress_space") is True})

    def _entity(self, _token: Any) -> HTMLEntity:
        read = self._tokens.pop
        first = read()
        if type(first) is tokens.HTMLEntityNumeric:
            second = read()
            if type(second) is tokens.HTMLEntityHex:
                text, _end = read(), read()
                return HTMLEntity(text["text"], named=False, hexadecimal=True,
                                  hex_char=second.get("char"))
            read()  # the end
            return HTMLEntity(second["text"], named=False, hexadecimal=False)
        read()  # the end
        return HTMLEntity(first["text"], named=True, hexadecimal=False)

    def _heading(self, token: Any) -> Heading:
        nodes, _end = self._until((tokens.HeadingEnd,))
        return _made(Heading, {"_title": _code(nodes), "_level": token["level"]})

    def _comment(self, _token: Any) -> Comment:
        nodes, _end = self._until((tokens.CommentEnd,))
        return Comment(_code(nodes))

    def _attribute(self, start: Any) -> Attribute:
        name, quotes = None, None
        nodes, end = self._until(_ATTRIBUTE_PARTS)
        while True:
            kind = type(end)
            if kind is tokens.TagAttrEquals:
                name = _code(nodes)
                nodes, end = self._until(_ATTRIBUTE_PARTS)
            elif kind is tokens.TagAttrQuote:
                quotes = end.get("char")
                more, end = self._until(_ATTRIBUTE_PARTS)
                nodes += more
            else:
                break
        self._back(end)
        value: Wikicode | None = _code(nodes)
        if not name:
            name, value = value, None
        return Attribute(name, value, quotes, start.get("pad_first"),
                         start.get("pad_before_eq"), start.get("pad_after_eq"))

    def _tag(self, token: Any) -> Tag:
        markup: str | None = token.get("wiki_markup")
        closing_markup = markup
        name = contents = closing = None
        separator = padding = None
        attrs: list[Attribute] = []
        held: list[Node] = []
        while True:
            nodes, end = self._until(_TAG_PARTS)
            held += nodes
            kind = type(end)
            if kind is tokens.TagAttrStart:
                attrs.append(self._attribute(end))
            elif kind is tokens.TagCloseOpen:
                separator, padding = end.get("wiki_markup"), end.get("padding") or ""
                name, held = _code(held), []
            elif kind is tokens.TagOpenClose:
                closing_markup = end.get("wiki_markup")
                contents, held = _code(held), []
            else:
                break
        self_closing = kind is tokens.TagCloseSelfclose
        if self_closing:
            closing_markup = end.get("wiki_markup")
            name, padding = _code(held), end.get("padding") or ""
        else:
            closing = _code(held)
        if name is None or padding is None:
            raise _malformed("a tag closed before its name")
        return _made(Tag, {
            "_tag": name, "_closing_tag": name if closing is None else closing,
            "_contents": _code([]) if contents is None else contents,
            "_attrs": attrs, "_wiki_markup": markup or None,
            "_closing_wiki_markup": markup or None if closing_markup is None
            else closing_markup or None,
            "_self_closing": self_closing, "_invalid": bool(token.get("invalid")),
            "_implicit": self_closing and bool(end.get("implicit")), "_padding": padding,
            "_wiki_style_separator": separator or None,
        })


_HANDLERS: dict[type[Any], Any] = {
    tokens.TemplateOpen: TreeBuilder._template,
    tokens.ArgumentOpen: TreeBuilder._argument,
    tokens.WikilinkOpen: TreeBuilder._wikilink,
    tokens.ExternalLinkOpen: TreeBuilder._external_link,
    tokens.HTMLEntityStart: TreeBuilder._entity,
    tokens.HeadingStart: TreeBuilder._heading,
    tokens.CommentStart: TreeBuilder._comment,
    tokens.TagOpenOpen: TreeBuilder._tag,
}


def same_tree(ours: Any, theirs: Any) -> bool:
    """Whether two trees (or nodes, or parts of them) are alike in every attribute."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, list):
        return len(ours) == len(theirs) and all(map(same_tree, ours, theirs))
    if hasattr(ours, "__dict__"):
        mine, yours = vars(ours), vars(theirs)
        return mine.keys() == yours.keys() and all(same_tree(mine[k], yours[k]) for k in mine)
    return bool(ours == theirs)


# Every kind of token the tokenizer makes, as the converter parses (style quotes as text).
SAMPLE = """== Head <!-- c --> ==
Text ''quoted'' &amp; &#65; &#x42; {{T|a|k=v|2=two|=empty|x=y=z}} {{{arg}}} {{{arg|def}}}
[[Page]] [[Page|text [[inner]]]] [http://example.org] [http://example.org title]
http://example.org/bare <b class="x" id='y' z=w empty>bold</b> <br/> <br> </br> <hr />
<ref name=a>note</ref> <span title="{{T}}">s</span><nowiki>[[n]]</nowiki>
* item
## item
; term : definition
----
{| class="t"
|+ caption
|- style="x"
! h1 !! h2
| c1 || style="s" | c2
|}
<pre>pre</pre>"""


def builds_as_library(text: str = SAMPLE) -> bool:
    """Whether :class:`TreeBuilder` builds the tree mwparserfromhell's builder builds."""
    from mwparserfromhell.parser import Parser

    parser = Parser()  # type: ignore[no-untyped-call]
    stream = parser._tokenizer.tokenize(text, 0, True)
    theirs = Builder().build(list(stream))  # type: ignore[no-untyped-call]
    try:
        ours = TreeBuilder().build(list(stream))
    except (ParserError, KeyError, TypeError, IndexError):
        return False
    # A slice of a node list is a view the list keeps track of.
    return (str(ours) == text and same_tree(ours, theirs)
            and str(ours.nodes[1:3]) == str(theirs.nodes[1:3]))


@functools.cache
def _checked() -> bool:
    return builds_as_library()


def builder() -> Any:
    """The builder to use: :class:`TreeBuilder` when it builds the library's tree (checked
    once per process)."""
    return TreeBuilder() if _checked() else Builder()  # type: ignore[no-untyped-call]
