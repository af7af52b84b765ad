"""The bases of re-import merges: kept in packs an import writes once, read back whole or not
at all, bases of earlier versions (a file each) still read, and only what stubs record kept."""

from __future__ import annotations

from pathlib import Path

from test_reimport import center_with, reimport

from docscenter.core.provenance import digest, split_stub
from docscenter.state import bases_dir
from docscenter.wiki.bases import BaseStore
from helpers import Page


def recorded(root: Path) -> dict[str, str]:
    """Body by the SHA-256 each stub of the center records."""
    found = {}
    for path in (root / "services").rglob("*.rst"):
        parts = split_stub(path.read_text(encoding="utf-8"))
        if parts is not None and "sha256" in parts[0]:
            found[parts[0]["sha256"]] = parts[1]
    return found


def test_an_import_keeps_its_bases_in_one_pack(tmp_path: Path) -> None:
    pages = [Page(f"Page {n}", f"Text of page {n}.\n\n* an item\n") for n in range(6)]
    root, dump = center_with(tmp_path, *pages)
    folder = bases_dir(root)
    assert [p.name.startswith("pack-") for p in folder.iterdir()] == [True]
    bodies = recorded(root)
    assert len(bodies) == 6 and BaseStore(root).stored() == set(bodies)
    assert all(BaseStore(root).load(sha) == body for sha, body in bodies.items())
    # The same wiki again: nothing new to keep, no new pack.
    reimport(root, dump, *pages)
    assert len(list(folder.iterdir())) == 1
    # One page moves on: its new base joins, in a pack of its own. Its old base stays in the
    # first pack until most of that pack is bases no stub records (then it is written again).
    reimport(root, dump, *pages[:5], Page("Page 5", "Text, revised.\n", revision=101))
    now = recorded(root)
    assert len(now) == 6 and set(now) < BaseStore(root).stored()
    assert len(BaseStore(root).stored() - set(now)) == 1 and len(list(folder.iterdir())) == 2
    assert all(BaseStore(root).load(sha) == body for sha, body in now.items())


def test_a_pack_cut_short_loses_its_last_record_only(tmp_path: Path) -> None:
    store = BaseStore(tmp_path)
    first, last = store.add("The first body.\n"), store.add("The last body, ünïcode.\n")
    store.put_in_place()
    [pack] = bases_dir(tmp_path).iterdir()
    pack.write_bytes(pack.read_bytes()[:-5])
    assert BaseStore(tmp_path).load(first) == "The first body.\n"
    assert BaseStore(tmp_path).load(last) is None
    # A record whose body is not what its name says is not read either.
    pack.write_bytes(pack.read_bytes().replace(b"first", b"forst"))
    assert BaseStore(tmp_path).load(first) is None


def test_only_recorded_bases_are_kept(tmp_path: Path) -> None:
    folder = bases_dir(tmp_path)
    folder.mkdir(parents=True)
    old, gone = "A base kept by an earlier version.\n", "An old base no stub records.\n"
    for body in (old, gone):
        (folder / digest(body)).write_text(body, encoding="utf-8")
    store = BaseStore(tmp_path)
    live = [store.add(f"Live body {n}.\n") for n in range(2)]
    dead = [store.add(f"Dead body {n}.\n") for n in range(3)]
    store.put_in_place()
    unfinished = BaseStore(tmp_path)
    unfinished.add("An import that never finished.\n")  # left as .pack-*.part
    assert BaseStore(tmp_path).load(digest(old)) == old

    removed = BaseStore(tmp_path).prune({digest(old), *live})
    assert removed == 4  # the old file and the three dead bodies of the pack
    assert BaseStore(tmp_path).stored() == {digest(old), *live}
    assert [BaseStore(tmp_path).load(sha) for sha in live] == ["Live body 0.\n",
                                                               "Live body 1.\n"]
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 and names[1].startswith("pack-")  # rewritten, nothing unfinished
    assert BaseStore(tmp_path).load(dead[0]) is None
    BaseStore(tmp_path).prune(set())
    assert list(folder.iterdir()) == []
