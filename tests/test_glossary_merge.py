"""Glossary merge: wiki terms are written escaped and their converted definitions are indented
as a whole, so nothing from a wiki becomes a directive, a role or a link in the glossary."""

from __future__ import annotations

from pathlib import Path

from docscenter.glossary_merge import glossary_spellings, merge_terms, plain_term, term_line

GLOSSARY = """\
Glossary
========

.. glossary::
   :sorted:

   lifecycle
      Where a service stands.
"""

DEFINITION = ".. code-block:: text\n\n   .. literalinclude:: ../../../../etc/hostname\n      :x:"


def test_definitions_keep_their_own_indentation(tmp_path: Path) -> None:
    path = tmp_path / "glossary.rst"
    path.write_text(GLOSSARY)
    report = merge_terms(path, [("Hostfile", DEFINITION)])
    assert report.added == ["Hostfile"]
    lines = path.read_text().splitlines()
    start = lines.index("   Hostfile")
    # The literal block's content stays deeper than its directive: never a directive itself.
    assert lines[start + 1:start + 5] == [
        "      .. code-block:: text", "",
        "         .. literalinclude:: ../../../../etc/hostname", "            :x:"]


def test_terms_are_written_escaped_and_compared_as_read(tmp_path: Path) -> None:
    path = tmp_path / "glossary.rst"
    path.write_text(GLOSSARY)
    hostile = [":download:`../../../../etc/hostname`", "javascript:alert(1)", "a : b",
               ".. include:: x", "Lifecycle"]
    report = merge_terms(path, [(term, "Text.") for term in hostile])
    assert sorted(report.added) == sorted(hostile[:4])  # "Lifecycle" is already there
    text = path.read_text()
    assert "   \\:download:\\`../../../../etc/hostname\\`\n" in text
    assert "   javascript\\:alert(1)\n" in text
    assert "   a \\: b\n" in text
    assert "   \\.. include:: x\n" in text
    assert set(glossary_spellings(path).values()) == {"lifecycle", *hostile[:4]}
    # A second merge finds every term again, whatever its escapes.
    again = merge_terms(path, [(term, "Text.") for term in hostile])
    assert again.added == [] and sorted(again.unchanged) == sorted(hostile[:4])
    assert [term for term, _ours, _theirs in again.differing] == ["lifecycle"]


def test_plain_term_undoes_term_line() -> None:
    for term in ["x_", "*a*", "`b`", "javascript:x", "a : b", "\\", "|s|", ".. x", "1. y"]:
        assert plain_term(term_line(term)) == term
