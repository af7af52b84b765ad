"""The importer's vocabulary (``docscenter.core.vocabulary``): exactly what the converter
writes, held to its source; every fixture stays within it for both readers of it (the
importer's docutils parse and the fast text scan of ``check``); a stub holding anything else
is refused by the importer, and the same markup on an untouched stub is reported by ``check``
and shown as text by the build."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docscenter.core import markup_scan, vocabulary
from docscenter.rst import LINK_SCHEMES
from docscenter.wiki import importer, stub_check, stub_screen
from docscenter.wiki.convert import ConvertOptions, convert_fragment, convert_page
from docscenter.wiki.convert.endpoints import METHODS
from docscenter.wiki.manifest import ADMONITIONS
from docscenter.wiki.options import DEFAULT_TEMPLATES
from docscenter.wiki.stubs import Provenance
from rstcases import Case, all_cases

CONVERTER = Path(importer.__file__).parent / "convert"
CASES = all_cases()


def converter_source() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(CONVERTER.glob("*.py")))


def test_the_vocabulary_is_what_the_converter_writes() -> None:
    source = converter_source() + Path(importer.__file__).read_text(encoding="utf-8")
    # Directives written by name, and those named at run time: admonitions of template
    # rules (the defaults and what a manifest may map to) and endpoints by method.
    written = set(re.findall(r"\.\. ([a-z][\w-]*)::", source))
    named = {rule.admonition for rule in DEFAULT_TEMPLATES.values() if rule.admonition}
    endpoints = {f"http:{method.lower()}" for method in METHODS}
    assert written | named | set(ADMONITIONS) | endpoints == set(vocabulary.DIRECTIVES)
    # Options, per directive.
    options = {(d, o) for d, o in re.findall(r"\.\. ([a-z][\w-]*)::[^\n]*\n[^\n]*?:([a-z-]+):",
                                             source)}
    options |= {("http:get", "noindex")} if ":noindex:" in source else set()
    allowed = {(d, o) for d, names in vocabulary.DIRECTIVES.items() for o in names}
    assert {(d, o) for d, o in options} <= allowed
    assert {o for _d, o in allowed} == {"alt", "header-rows", "noindex"}
    # Roles: rst.role("name", ...), <sub>/<sup> by tag name, rst.literal's :literal:.
    roles = set(re.findall(r'rst\.role\("([a-z]+)"', source)) | {"sub", "sup", "literal"}
    # :download: is written only of a file the import placed (see the next test).
    assert roles == vocabulary.ROLES | {vocabulary.DOWNLOAD_ROLE}


def _converted(case: Case) -> str:
    options = case.convert_options()
    if "page" in case.options:
        return convert_page(case.wikitext + "\n", case.options["page"], options).rst
    return convert_fragment(case.wikitext + "\n", options)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_fixture_stays_within_the_vocabulary(case: Case) -> None:
    out = _converted(case)
    assert stub_check.foreign_markup(out, LINK_SCHEMES) == []
    assert markup_scan.foreign_markup(out) == []


HOSTILE = """\
.. include:: /etc/hostname

Some :download:`file </etc/hostname>` and a :doc:`page </x>`.

.. figure:: ../../../../etc/hostname
   :alt: picture
   :target: javascript:alert(1)

.. note:: A :file:`x` in a note.

   .. raw:: html

      <script>alert(2)</script>

+---+-------------------------+
| a | .. only:: html          |
+---+-------------------------+

.. code-block:: text

   .. include:: /etc/hostname (literal text, not markup)

A `link <javascript:alert(3)>`__.

.. |s| image:: /etc/hostname
"""


PLACED = """\
.. figure:: _files/status-dashboard.png
   :alt: The dashboard

A :download:`runbook <../_files/runbook-2.pdf>` and :download:`../_files/notes.txt`.
"""

NOT_PLACED = [
    ".. figure:: _files/../../../conf.py\n",
    ".. figure:: ../../../_files/x.png\n",
    ".. figure:: _files/.hidden.png\n",
    ".. figure:: /_files/x.png\n",
    "A :download:`x <_files/../conf.py>`.\n",
    "A :download:`x <../../../../etc/_files/x.png>`.\n",
    "A :download:`_files/sub/x.png`.\n",
    "A :download:`x <_files/X.PNG>`.\n",
]


def test_files_the_import_placed_are_the_only_files_a_stub_shows() -> None:
    assert stub_check.foreign_markup(PLACED, LINK_SCHEMES) == []
    assert markup_scan.foreign_markup(PLACED) == []
    for text in NOT_PLACED:
        assert stub_check.foreign_markup(text, LINK_SCHEMES), text
        assert markup_scan.foreign_markup(text), text


def test_both_readers_find_what_the_converter_never_writes() -> None:
    parsed = stub_check.foreign_markup(HOSTILE, LINK_SCHEMES)
    assert {(m.kind, m.name) for m in parsed} == {
        ("directive", "include"), ("role", "download"), ("option", "figure:target"),
        ("image", "figure"), ("role", "file"), ("directive", "raw"), ("directive", "only"),
        ("link", "javascript"), ("directive", "image")}
    scanned = markup_scan.foreign_markup(HOSTILE)
    # The text scan does not judge link schemes (the build's unsafe_uri guard does).
    assert {(m.kind, m.name) for m in scanned} == {
        (kind, name) for kind, name in {(m.kind, m.name) for m in parsed} if kind != "link"}
    lines = {(m.kind, m.name): m.line for m in scanned}
    assert lines[("directive", "include")] == 1 and lines[("role", "download")] == 3
    assert lines[("image", "figure")] == 5 and lines[("directive", "raw")] == 11


def test_the_importer_refuses_a_stub_outside_the_vocabulary(tmp_path: Path) -> None:
    """A converter bug stands in here as an interwiki prefix leading to a script: the stub
    holding the link is refused, not written, and the reason is reported."""
    options = ConvertOptions(label="", interwiki={"evil": "javascript:alert('$1')"})
    path, staged = tmp_path / "page.rst", tmp_path / "staged.rst"
    task = importer._Task("Page", "See [[evil:x]] and [[Other]].", "wiki-s-page", "Page", "s",
                          Provenance("Page"), path, staged, force=False, files={})
    done = importer._convert(importer._Shared(options, tmp_path), task)
    # The stub's line 11: the paragraph under the provenance header and the title.
    assert (done.decision.action, done.reason) == (
        "refused", "a link to a javascript: address at line 11")
    assert not staged.exists()
    fine = importer._convert(importer._Shared(replace(options, interwiki={}), tmp_path), task)
    assert fine.decision.action == "new" and staged.exists()


# -- the quick screen clears only what the full check would clear ---------------------------

NAMES = ["note", "figure", "code-block", "include", "raw", "only", "csv-table", "image",
         "http:get", "list-table", "NOTE", "meta", "download", "doc", "ref", "file", "term",
         "std:term", "sub", "literal"]
PIECES = st.one_of(
    st.sampled_from(NAMES).map(lambda n: f".. {n}:: x"),
    st.sampled_from(NAMES).map(lambda n: f".. {n}::"),
    st.sampled_from(NAMES).map(lambda n: f":{n}:`x`"),
    st.sampled_from(NAMES).map(lambda n: f"`x`:{n}:"),
    st.sampled_from(NAMES).map(lambda n: f"\\:{n}:`x`"),
    st.sampled_from(["alt", "target", "header-rows", "noindex", "file", "class"]).map(
        lambda o: f"   :{o}: x"),
    st.sampled_from(["https://w.example/a.png", "../etc/x", "javascript:x", ""]).map(
        lambda a: f".. figure:: {a}"),
    st.sampled_from(["javascript", "data", "https", "file", "java script", "mailto"]).map(
        lambda s: f"`t <{s}:x>`__"),
    st.sampled_from(["javascript:x", "javascript\\:x", "a-data:x", "ftp://x", "about: x"]),
    st.sampled_from([".. _t: javascript:x", ".. _t:", "__ data:x", ".. |s| image:: x",
                     ".. [#r] text", "::", "text::", "", "   ", "* ", "| ", "+---+", "#. ",
                     ":field: ", "- ", "..", "`", "\\"]),
    st.sampled_from([".. code-block:: text", ".. code-block::", "   .. code-block:: x",
                     "   javascript:x", "     .. raw:: html", "   :file:`x`", "  data:x", "\t",
                     "`t <https://x.example/File:a>`__", "<https://x/javascript:y>`__",
                     "`t <https://x.example/a>`_ data:x", "<x data:y>`_"]),
    st.text(alphabet=" .:`<>*|-_\\abcx\n", max_size=8),
)
TEXTS = st.lists(st.lists(PIECES, min_size=1, max_size=3).map("".join), max_size=10).map(
    "\n".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_the_screen_clears_only_what_parsing_clears(text: str) -> None:
    if not stub_screen.needs_full_check(text, LINK_SCHEMES):
        assert stub_check.parsed_markup(text, LINK_SCHEMES) == []


def test_the_screen_reads_past_what_docutils_never_reads() -> None:
    code = "   javascript:alert(1)\n   .. raw:: html\n   :file:`/etc/passwd`\n"
    literal = f"Text.\n\n.. code-block:: text\n\n{code}\nMore text.\n"
    target = "See `the file <https://w.example/File:a.png>`__ and `t <https://w.example/>`_.\n"
    for text in (literal, target):
        assert not stub_screen.needs_full_check(text, LINK_SCHEMES), text
        assert stub_check.parsed_markup(text, LINK_SCHEMES) == []
    # Right under a paragraph line the directive is that paragraph's text, and what is
    # indented below it is a block quote docutils reads: screened, and refused.
    under = f"Text.\n.. code-block:: text\n\n{code}"
    # Before the first blank line, lines are the directive's arguments and options.
    options = ".. code-block:: text\n   :caption: javascript:alert(1)\n\n   code\n"
    for text in (under, options):
        assert stub_screen.needs_full_check(text, LINK_SCHEMES), text
    assert stub_check.parsed_markup(under, LINK_SCHEMES) != []


def test_the_screen_sends_every_hostile_piece_to_the_full_check() -> None:
    pieces = [block for block in HOSTILE.split("\n\n") if "literal text" not in block]
    for piece in pieces:
        if stub_check.parsed_markup(piece, LINK_SCHEMES):
            assert stub_screen.needs_full_check(piece, LINK_SCHEMES), piece
    out = [_converted(case) for case in CASES]
    cleared = sum(not stub_screen.needs_full_check(text, LINK_SCHEMES) for text in out)
    assert cleared > 0.8 * len(out)  # the screen is what keeps the import fast
