"""The ``.mwtest`` loaders fail loudly: a typo in a fixture's section or key would otherwise
make its expectation vacuous (an "--- rts" section never compared, a "catgories:" never
checked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rstcases import CASES, FixtureError, all_cases, load_case, load_endpoint_case

GOOD_CASE = """--- name
A good case.
--- options
page: Some page
--- wikitext
Text.
--- rst
Text.
--- meta
title: Some page
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.mwtest"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_case_loads(tmp_path: Path) -> None:
    case = load_case(write(tmp_path, GOOD_CASE))
    assert (case.wikitext, case.rst) == ("Text.", "Text.")
    assert case.options == {"page": "Some page"}
    assert case.meta == {"title": "Some page"}


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD_CASE.replace("--- rst", "--- rts"), "case.mwtest:7: unknown section 'rts'"),
        (GOOD_CASE.replace("--- meta", "--- wikitext"), "case.mwtest:9: section 'wikitext' "
                                                        "repeated"),
        (GOOD_CASE.replace("--- rst\nText.\n", ""), "missing section rst"),
        ("Stray text.\n" + GOOD_CASE, "case.mwtest:1: text before the first section"),
        (GOOD_CASE.replace("page: Some page", "pgae: Some page"), "options: 'pgae: Some page'"),
        (GOOD_CASE.replace("title: Some page", "catgories: A"), "meta: 'catgories: A'"),
        (GOOD_CASE.replace("title: Some page", "title Some page"), "meta: 'title Some page'"),
    ],
    ids=["section", "repeated", "missing", "before", "option", "meta", "colon"],
)
def test_a_broken_case_fails_naming_the_file_and_the_problem(
    tmp_path: Path, broken: str, message: str
) -> None:
    with pytest.raises(FixtureError, match="^case.mwtest") as error:
        load_case(write(tmp_path, broken))
    assert message in str(error.value)


def test_endpoint_cases_take_comments_and_their_own_sections(tmp_path: Path) -> None:
    good = "# What it shows.\n--- wikitext\nGET /1.0/x\n--- rst\nx\n--- remainder\n"
    assert set(load_endpoint_case(write(tmp_path, good))) == {"wikitext", "rst", "remainder"}
    with pytest.raises(FixtureError, match="unknown section 'remainders'"):
        load_endpoint_case(write(tmp_path, good.replace("remainder", "remainders")))
    with pytest.raises(FixtureError, match="missing section rst"):
        load_endpoint_case(write(tmp_path, "--- wikitext\nGET /1.0/x\n"))


def test_every_committed_fixture_loads() -> None:
    assert len(all_cases()) == len(list(CASES.glob("*.mwtest")))
    endpoint_cases = sorted((CASES.parent / "endpoint_cases").glob("*.mwtest"))
    assert endpoint_cases
    for path in endpoint_cases:
        load_endpoint_case(path)
