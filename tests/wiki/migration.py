"""What the migration wiki holds: pages with years of edits, the files they show and link to.

Written into a folder by :func:`write_migration_inputs` (a full-history dump and the files),
installed by the ``migration_wiki`` fixture (conftest.py), and read by the migration tests
from the wiki's API, from its own Special:Export, and from the dump and files directly.
"""

from __future__ import annotations

from pathlib import Path

from docscenter.testing.dumps import HistoryPage, Revision, write_history_dump
from helpers import png

DIAGRAM = png(200, 30, 30)
DIAGRAM_V2 = png(30, 200, 30)
SPEC = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Active content: an SVG that runs a script when opened on its own.
FLOW = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
        b'height="10"><rect width="10" height="10"/><script>alert(1)</script></svg>\n')
FILES = {"Architecture_diagram.png": DIAGRAM, "Spec.pdf": SPEC, "Flow.svg": FLOW}

STORAGE_FINAL = """\
== Overview ==
Stores blobs for [[Auth|authenticated]] users.

[[File:Architecture diagram.png|thumb|The ''big'' picture]]

The [[Media:Spec.pdf|specification]] and the [[File:Flow.svg|thumb|request flow]].

[[File:Never uploaded.png|thumb|Lost long ago]]

== Error codes ==
* 404: no such blob
* 507: the quota is full

[[Category:Services]]
[[Category:Storage]]
"""

HISTORY = [
    HistoryPage("Storage API", [
        Revision(101, "2011-05-01T09:00:00Z", "Ada Lovelace", "Start the page",
                 "== Overview ==\nStores blobs.\n\n== Error codes ==\n* 404: no such blob\n"),
        Revision(102, "2013-02-03T10:30:00Z", "Grace Hopper", "Authenticated users; a diagram",
                 "== Overview ==\nStores blobs for [[Auth|authenticated]] users.\n\n"
                 "[[File:Architecture diagram.png|thumb|The ''big'' picture]]\n\n"
                 "== Error codes ==\n* 404: no such blob\n"),
        Revision(103, "2015-07-08T11:45:00Z", "192.0.2.7", "", STORAGE_FINAL.replace(
            "* 507: the quota is full\n", ""), anonymous=True),
        Revision(104, "2016-01-02T08:00:00Z", "Ada Lovelace", "507 & the spec", STORAGE_FINAL),
    ]),
    HistoryPage("Auth", [
        Revision(201, "2012-03-04T12:00:00Z", "Grace Hopper", "Tokens",
                 "Tokens come from the token server.\n"),
        Revision(202, "2014-04-05T13:00:00Z", "Ünïcode Üser", "Link the storage",
                 "Tokens come from the token server; see [[Storage API#Overview]].\n"
                 "[[Category:Services]]\n"),
    ]),
]


def write_migration_inputs(folder: Path) -> tuple[Path, Path]:
    """The full-history dump and the folder of files, written into ``folder``."""
    files = folder / "files"
    files.mkdir(parents=True, exist_ok=True)
    for name, data in FILES.items():
        (files / name).write_bytes(data)
    return write_history_dump(folder / "history.xml", HISTORY), files
