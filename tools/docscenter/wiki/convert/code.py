"""Code: ``<pre>``, ``<source>``/``<syntaxhighlight lang>`` and preformatted (leading-space)
lines become ``code-block`` directives, with a language only when Pygments lexes the code
cleanly."""

from __future__ import annotations

import html
import re

from mwparserfromhell.nodes import Node, Tag, Text

from ... import rst
from ...rst import Block
from .context import Context
from .wikinodes import CODE_TAGS, plain_text, raw_contents, tag_name

_LANG_ALIASES = {
    "js": "javascript", "html4strict": "html", "html5": "html", "xhtml": "html",
    "sh": "bash", "shell": "bash", "console": "console", "cpp": "cpp", "c++": "cpp",
    "csharp": "csharp", "c#": "csharp", "py": "python", "python3": "python", "rb": "ruby",
    "apache": "apacheconf", "dos": "batch", "bat": "batch", "cmd": "batch", "text": "text",
    "txt": "text", "none": "text", "plain": "text", "mysql": "mysql", "json": "json",
    "xml": "xml", "css": "css", "php": "php", "java": "java", "perl": "perl", "sql": "sql",
    "ini": "ini", "diff": "diff", "make": "make", "makefile": "make", "yaml": "yaml",
    "http": "http", "nginx": "nginx", "go": "go", "rust": "rust", "ts": "typescript",
}


_NOWIKI_TAG = re.compile(r"<(?:/?nowiki\s*|nowiki\s*/)>", re.I)


def pre_block(tag: Tag, ctx: Context) -> list[Block]:
    """``<pre>``: its text, entities resolved, as plain code; ``<nowiki>`` tags inside it
    only mark their text as text (MediaWiki shows the text, not the tags)."""
    text = html.unescape(_NOWIKI_TAG.sub("", raw_contents(tag)))
    return [code_block(text.split("\n"), "text")]


def source_block(tag: Tag, ctx: Context) -> list[Block]:
    """``<source lang>``, ``<syntaxhighlight lang>``: highlighted code."""
    lang = str(tag.get("lang").value).strip() if tag.has("lang") else ""
    code = raw_contents(tag).split("\n")
    return [code_block(code, pygments_lang(lang, "\n".join(code)))]


def is_inline(tag: Tag) -> bool:
    """``<source inline>`` and ``<syntaxhighlight inline>`` are code spans, not blocks."""
    return tag_name(tag) in ("source", "syntaxhighlight") and tag.has("inline")


def holds_preformatted_lines(tag: Tag) -> bool:
    """A ``<code>``/``<tt>``... opening a line of its own whose lines all start with a space:
    MediaWiki shows those lines preformatted (its block pass reads lines whatever inline tag
    is open), not as one run of inline code."""
    if tag_name(tag) not in CODE_TAGS or tag.contents is None:
        return False
    first, newline, rest = str(tag.contents).partition("\n")
    lines = [line for line in rest.split("\n") if line.strip()]
    return bool(newline and lines and not first.strip()
                and all(line.startswith(" ") for line in lines))


def preformatted_code(tag: Tag, ctx: Context) -> list[Block]:
    """The lines of a ``<code>`` holding preformatted lines: code blocks (one leading
    space taken off each line, as from leading-space lines; an empty line ends a block)."""
    blocks: list[list[str]] = [[]]
    for line in plain_text(tag.contents.nodes).split("\n"):
        if line:
            blocks[-1].append(line[1:] if line.startswith(" ") else line)
        elif blocks[-1]:
            blocks.append([])
    return [code_block(lines, "text") for lines in blocks if any(s.strip() for s in lines)]


def preformatted_text(line: list[Node]) -> str:
    """The text of a preformatted line; a footnote inside it stays, in brackets (a literal
    block cannot hold a footnote reference, and nothing may be lost)."""
    kept = [Text(f"[{plain_text(n.contents.nodes)}]")
            if isinstance(n, Tag) and tag_name(n) == "ref" else n
            for n in line]
    return plain_text(kept)


def code_block(lines: list[str], lang: str) -> Block:
    """A ``code-block`` of ``lines`` (tabs expanded, blank lines around dropped)."""
    lines = [part.rstrip().expandtabs(8) for line in lines for part in line.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return ("code", [])
    return ("code", [f".. code-block:: {lang}", ""] + rst.indent(lines, 3))


def pygments_lang(lang: str, code: str) -> str:
    """A Pygments lexer name that lexes ``code`` without errors, else ``text``.

    Sphinx warns when a lexer meets an error token, so wiki code with a wrong or unknown
    language is shown as plain text instead.
    """
    lang = _LANG_ALIASES.get(lang.lower(), lang.lower())
    if not lang or lang == "text":
        return "text"
    try:
        from pygments.lexers import get_lexer_by_name
        from pygments.token import Error

        lexer = get_lexer_by_name(lang)
    except Exception:  # pygments missing or no such lexer
        return "text"
    if any(token is Error for token, _ in lexer.get_tokens(code)):
        return "text"
    return lang if re.fullmatch(r"[\w+#.-]+", lang) else "text"
