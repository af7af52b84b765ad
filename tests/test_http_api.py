"""HTTP API pages: hand-written httpdomain endpoints and endpoints imported from wiki prose
land in one routing table, grouped per service and API version; the template's example
endpoint is not one of them."""

from __future__ import annotations

import html
import re
from pathlib import Path

from helpers import Page, add_service, run_cli, write_dump

WIKITEXT = """\
Version 1.1 of the protocol.

'''GET''' ''https://server/pathname/1.1/username/info/collections''

Returns the collections of the user.

Possible HTTP status codes:
* 200: Success
* 401: Unauthorized

'''PUT''' ''https://server/pathname/1.1/username/storage/collection/id''

Stores one record.

You can GET the resource again later; that sentence is not an endpoint.
"""


def test_routing_table_lists_hand_written_and_imported_endpoints(center: Path,
                                                                  tmp_path: Path) -> None:
    add_service(center, "storage", "--api-version", "1.1")
    add_service(center, "tokens", "--api-version", "1.0")
    dump = write_dump(tmp_path / "dump.xml", [Page("Storage protocol", WIKITEXT, 7)])
    run_cli("-C", center, "import-wiki", dump, "--service", "storage")
    stub = next((center / "services/storage/wiki").glob("storage-protocol.rst")).read_text()
    assert ".. http:get:: /storage/1.1/(username)/info/collections" in stub
    assert ".. http:put:: /storage/1.1/(username)/storage/(collection)/(id)" in stub
    assert ":statuscode 401: Unauthorized" in stub
    assert stub.count(".. http:") == 2  # the sentence mentioning GET stays prose

    apis = center / "services/tokens/apis-1.0.rst"
    apis.write_text(apis.read_text().replace(
        "Endpoints\n---------\n",
        "Endpoints\n---------\n\n.. http:post:: /tokens/1.0/(username)/token\n\n"
        "   Issues a token.\n"), encoding="utf-8")

    run_cli("-C", center, "build")
    table = html.unescape((center / "build/html/http-routingtable.html").read_text())
    text = re.sub(r"<[^>]+>", "", table)
    # Hand-written and imported endpoints, grouped per service and version.
    for path in ("/storage/1.1/(username)/info/collections",
                 "/storage/1.1/(username)/storage/(collection)/(id)",
                 "/tokens/1.0/(username)/token"):
        assert path in text, path
    assert "/storage/1.1" in text and "/tokens/1.0" in text
    # The template's example (GET /<service>/<version>/(username)/info) is a comment only.
    assert not re.search(r"/(storage/1\.1|tokens/1\.0)/\(username\)/info(?!/)", text)
    front = (center / "build/html/source/index.html").read_text()
    assert "http-routingtable.html" in front
