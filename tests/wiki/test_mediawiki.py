"""The reference wiki itself (docscenter.testing.mediawiki): installed from a dump with the
dump's namespaces, served on 127.0.0.1 only, stopped with its workers, and the MediaWiki
installation left exactly as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docscenter.testing.mediawiki import (
    MediaWiki,
    WikiError,
    WikiServer,
    dump_namespaces,
    install_wiki,
    living_members,
)
from helpers import Page, write_dump

pytestmark = pytest.mark.mediawiki


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (from /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def folder_times(root: Path) -> dict[str, int]:
    """The modification time of every folder under ``root`` (following its top symlinks,
    as Debian links images/, cache/ and extensions/ into /var/lib/mediawiki)."""
    times = {}
    for top in [root, *root.iterdir()]:
        if top.is_dir():
            for folder, _dirs, _files in os.walk(top):
                times[folder] = os.stat(folder).st_mtime_ns
    for name in ("LocalSettings.php",):
        times[name] = os.lstat(root / name).st_mtime_ns if (root / name).exists() else 0
    return times


def test_namespaces_come_from_the_dump(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "d.xml", [Page("Ops:Runbook", "x", namespace=3010),
                                           Page("Team notes:Plan", "y", namespace=3020),
                                           Page("Help:Editing", "z", namespace=12)])
    found = dump_namespaces([dump])
    assert found.sitename == "Services Wiki"
    assert dict(found.extra) == {3010: "Ops", 3020: "Team notes"}
    hostile = write_dump(tmp_path / "h.xml", [Page("x';phpinfo();//:A", "x", namespace=3000)])
    with pytest.raises(WikiError, match="is not a namespace name"):
        dump_namespaces([hostile])


def test_served_on_loopback_only_and_stopped_with_its_workers(mediawiki: WikiServer) -> None:
    server = mediawiki.wiki.serve(workers=2)
    try:
        assert listening_addresses(server.port) == {"0100007F"}  # 127.0.0.1, nothing else
        assert server.api({"action": "query", "meta": "siteinfo"})["query"]["general"][
            "sitename"] == "Services Wiki"
        assert len(living_members(server.pid)) >= 3  # the server and its two workers
    finally:
        server.stop()
    assert listening_addresses(server.port) == set()
    assert living_members(server.pid) == []


def test_mediawiki_folder_is_only_read(mediawiki_install: MediaWiki, tmp_path: Path) -> None:
    before = folder_times(mediawiki_install.docroot)
    dump = write_dump(tmp_path / "d.xml", [Page("Ops:Runbook", "== Restart ==\nNow.",
                                                namespace=3010)])
    wiki = install_wiki(tmp_path / "wiki", mediawiki_install, [dump])
    with wiki.serve() as server:
        html = server.parse("Ops:Runbook")
        assert 'id="Restart"' in html
        assert list(server.titles(3010)) == ["Ops:Runbook"]
    assert folder_times(mediawiki_install.docroot) == before
