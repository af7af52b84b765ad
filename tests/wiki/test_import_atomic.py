"""Writing the stubs is all or nothing: a write that fails part-way puts back what it had
already replaced, so the center is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_import import Page, make_center, snapshot, write_dump

from docscenter.state import import_dir, journal_path
from docscenter.wiki.transaction import Transaction
from helpers import run_cli


def _outside_state(tree: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in tree.items() if not k.startswith(".docscenter")}


def test_a_failing_install_rolls_back_what_it_had_installed(tmp_path: Path) -> None:
    old = tmp_path / "old.txt"
    old.write_text("before")
    blocked = tmp_path / "blocked"
    blocked.mkdir()  # a folder where a file should go: the write fails
    before = snapshot(tmp_path)
    with pytest.raises(OSError), Transaction(tmp_path) as txn:
        txn.install(old, "after")
        txn.install(tmp_path / "new/deep/file.txt", "new")
        assert journal_path(tmp_path).is_file()  # written before anything is replaced
        txn.install(blocked, "x")
    assert _outside_state(snapshot(tmp_path)) == _outside_state(before)
    assert not (tmp_path / "new").exists()
    assert not import_dir(tmp_path).exists()


def test_finished_installs_stay_and_leave_no_journal(tmp_path: Path) -> None:
    with Transaction(tmp_path) as txn:
        staged = txn.staging / "staged.txt"
        staged.write_text("from staging")
        txn.install(tmp_path / "a" / "b.txt", staged)
        txn.install(tmp_path / "c.txt", "text")
        txn.finish()
        txn.install(tmp_path / "c.txt", "second step, not finished")
    assert (tmp_path / "a/b.txt").read_text() == "from staging"
    assert (tmp_path / "c.txt").read_text() == "text"  # the unfinished step rolled back
    assert not import_dir(tmp_path).exists()


def test_failed_write_leaves_the_center_as_it_was(tmp_path: Path) -> None:
    center = make_center(tmp_path / "center", "auth")
    (center / "tools/wiki.toml").write_text(
        '[[pages]]\ntitle = "Alpha"\nservice = "auth"\npage = "alpha"\n\n'
        '[[pages]]\ntitle = "Beta"\nservice = "auth"\npage = "beta"\n')
    # Larger pages are written first: Alpha is replaced before Beta fails.
    pages = [Page("Alpha", "First page. " * 50), Page("Beta", "Second page.")]
    dump = write_dump(tmp_path / "dump.xml", pages)
    run_cli("-C", center, "import-wiki", dump)
    write_dump(dump, [Page("Alpha", "First, revised. " * 50, 101),
                      Page("Beta", "Second, revised.", 101)])
    beta = center / "services/auth/beta.rst"
    beta.unlink()
    beta.mkdir()  # a folder where the stub goes: its write fails
    (beta / "keep.txt").write_text("a file in the way")
    before = snapshot(center)
    result = run_cli("-C", center, "import-wiki", dump, "--force", check=2)
    assert result.stderr.count("\n") == 1 and "left as it was" in result.stderr
    assert "beta.rst" in result.stderr
    assert snapshot(center) == before
