"""Sharded builds: ``build --shard``/``--part`` and ``assemble`` make the site a whole build
makes: every page, every link between services and to the glossary leading to the same
place, one inventory, one search index that finds the pages of every shard; and whatever
cannot be joined is refused in one line."""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from docscenter.core.center import Center
from docscenter.shards.plan import split
from docscenter.shards.search import read_index
from docscenter.sphinxext.partial import documents_endpoints
from helpers import add_service, append, run_cli

SERVICES = ("alpha", "beta", "gamma", "delta")


def make_center(root: Path) -> Path:
    """Four services that refer to each other (pages, labels, terms, an endpoint), and a
    center page that refers to them."""
    run_cli("init", root, "--title", "Sharded", "--no-hg")
    for name in SERVICES:
        add_service(root, name, "--api-version", "1.0")
        history = root / "services" / name / "history.rst"
        history.write_text(history.read_text() + f"\nSearchable word zq{name}x.\n")
    append(root / "services/alpha/history.rst", """
2030-01-01
   Talks to :doc:`/services/beta/index` and :ref:`service-gamma`, see
   :ref:`Gamma's history <service-gamma-history>` and :doc:`the delta API <../delta/apis-1.0>`.
   Every :term:`service` has one; the :ref:`front-page` lists them.
""")
    append(root / "services/beta/apis-1.0.rst", """
.. http:get:: /beta/1.0/(username)/info

   What it returns; :ref:`service-alpha` calls it.

   :statuscode 200: success
""")
    append(root / "source/contributing.rst", """
The :ref:`service-alpha` and :doc:`/services/delta/index` pages are examples, and so is
:http:get:`/beta/1.0/(username)/info`.
""")
    return root


def build_sharded(root: Path, parts: int = 2) -> None:
    for part in range(1, parts + 1):
        run_cli("-C", root, "build", "--part", f"{part}/{parts}", "-j", "1")
    run_cli("-C", root, "assemble", "-j", "1")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(the center, its whole build, its sharded build)."""
    root = make_center(tmp_path_factory.mktemp("shards") / "center")
    run_cli("-C", root, "build", "-j", "1")
    whole = root.parent / "whole"
    shutil.copytree(root / "build/html", whole)
    build_sharded(root)
    return root, whole, root / "build/html"


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def links(site: Path, page: str, scope: str) -> list[tuple[str, str]]:
    """Where the links of ``page``'s main text (``article``) or navigation lead (from the
    site's root, with the anchor), with their text."""
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    part = soup.find("article") if scope == "main" else soup.find(class_="sidebar-tree")
    found = []
    for link in part.find_all("a", href=True) if part is not None else ():
        href = link["href"]
        path, _, anchor = href.partition("#")
        if path and ":" not in path:
            href = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
            href += f"#{anchor}" if anchor else ""
        found.append((href, link.get_text(" ", strip=True)))
    return found


def inventory(site: Path) -> set[str]:
    data = (site / "objects.inv").read_bytes().split(b"\n", 4)[4]
    return set(zlib.decompress(data).decode().splitlines())


def test_every_page_is_there(sites: tuple[Path, Path, Path]) -> None:
    _root, whole, sharded = sites
    assert pages(sharded) == pages(whole)
    assert {f"services/{name}/history.html" for name in SERVICES} <= pages(sharded)


def test_every_link_leads_where_it_leads_in_a_whole_build(
        sites: tuple[Path, Path, Path]) -> None:
    _root, whole, sharded = sites
    for page in sorted(pages(whole)):
        for scope in ("main", "navigation"):
            assert links(sharded, page, scope) == links(whole, page, scope), (page, scope)
    alpha = dict(links(sharded, "services/alpha/history.html", "main"))
    assert alpha["services/beta/index.html"] == "Beta"
    assert alpha["services/gamma/index.html#service-gamma"] == "Gamma"
    assert alpha["services/gamma/history.html#service-gamma-history"] == "Gamma’s history"
    assert alpha["services/delta/apis-1.0.html"] == "the delta API"
    assert alpha["source/glossary.html#term-service"] == "service"
    glossary = links(sharded, "source/glossary.html", "main")
    assert ("services/alpha/index.html", "Alpha") in glossary  # "Used by" from a shard
    assert "docscenter-pending" not in (sharded / "services/alpha/history.html").read_text()


def test_one_inventory_and_one_search_index(sites: tuple[Path, Path, Path]) -> None:
    _root, whole, sharded = sites
    assert inventory(sharded) == inventory(whole)
    index = read_index(sharded / "searchindex.js")
    assert sorted(index["docnames"]) == sorted(read_index(whole / "searchindex.js")["docnames"])
    for name in SERVICES:
        found = index["terms"][f"zq{name}x"]
        assert index["docnames"][found] == f"services/{name}/history"
    routes = (sharded / "http-routingtable.html").read_text()
    assert "/beta/1.0/(username)/info" in routes


def test_the_dashboard_and_catalogue_count_every_shard(sites: tuple[Path, Path, Path]) -> None:
    _root, whole, sharded = sites
    for page in ("source/status.html", "source/index.html"):
        text = BeautifulSoup((sharded / page).read_text(), "html.parser").find("article")
        same = BeautifulSoup((whole / page).read_text(), "html.parser").find("article")
        assert text.get_text(" ", strip=True) == same.get_text(" ", strip=True)


def test_a_reference_no_shard_resolves_fails_the_assembly(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center")
    append(root / "services/gamma/history.rst", "\nSee :ref:`no-such-label`.\n")
    line = (root / "services/gamma/history.rst").read_text().count("\n")
    for part in ("1/2", "2/2"):
        run_cli("-C", root, "build", "--part", part, "-j", "1")
    result = run_cli("-C", root, "assemble", "-j", "1", check=1)
    assert (f"services/gamma/history.rst:{line}: WARNING: undefined label: 'no-such-label'"
            in result.stderr)
    page = (root / "build/html/services/gamma/history.html").read_text()
    assert "docscenter-pending" not in page and "no-such-label" in page


def test_what_cannot_be_assembled_is_refused(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center")
    result = run_cli("-C", root, "assemble", check=2)
    assert "no shards to assemble" in result.stderr
    run_cli("-C", root, "build", "--shard", "alpha", "beta", "-j", "1")
    result = run_cli("-C", root, "assemble", check=2)
    assert "no shard builds 'delta', 'gamma'" in result.stderr
    run_cli("-C", root, "build", "--shard", "gamma", "delta", "beta", "-j", "1")
    result = run_cli("-C", root, "assemble", check=2)
    assert "service 'beta' is also built by" in result.stderr
    shutil.rmtree(root / "build/shards/beta+delta+gamma")
    run_cli("-C", root, "build", "--shard", "gamma", "delta", "-j", "1")
    append(root / "conf.py", "\n# changed after the shards were built\n")
    result = run_cli("-C", root, "assemble", check=2)
    assert "built with another docscenter, conf.py or templates folder" in result.stderr
    manifest = root / "build/shards/delta+gamma/shard.json"
    manifest.write_text('{"schema": "docscenter-shard", "version": 1, "inputs": 3}')
    result = run_cli("-C", root, "assemble", check=2)
    assert f"{manifest}: not a usable shard manifest" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (root / "build/html").exists()  # nothing half-assembled


def test_a_shard_from_elsewhere_cannot_bring_in_other_files(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center")
    for part in ("1/2", "2/2"):
        run_cli("-C", root, "build", "--part", part, "-j", "1")
    shard = next(p for p in (root / "build/shards").iterdir() if "alpha" in p.name)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the site\n")
    (shard / "html/services/alpha/notes.html").symlink_to(secret)
    result = run_cli("-C", root, "assemble", "-j", "1", check=2)
    assert "notes.html: a symbolic link in a shard" in result.stderr
    assert not (root / "build/html").exists()
    (shard / "html/services/alpha/notes.html").unlink()
    manifest = json.loads((shard / "shard.json").read_text())
    manifest["titles"]["source/index"] = "Planted"
    (shard / "shard.json").write_text(json.dumps(manifest))
    result = run_cli("-C", root, "assemble", "-j", "1", check=2)
    assert "page 'source/index' is not in one of the shard's services" in result.stderr


def test_shard_options_are_checked(center: Path) -> None:
    add_service(center, "alpha")
    for args, message in [
        (["--part", "3/2"], "--part '3/2': expected K/N"),
        (["--shard", "nope"], "no service 'nope'"),
        (["--shard"], "needs the services to build"),
        (["alpha"], "name services with --shard"),
        (["--part", "1/2", "alpha"], "name no service"),
        (["--shard", "alpha", "-b", "linkcheck"], "shards are built as HTML only"),
    ]:
        result = run_cli("-C", center, "build", *args, check=2)
        assert message in result.stderr, (args, result.stderr)


def test_parts_split_the_services_evenly_and_the_same_way(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center")
    for name in ("epsilon", "zeta", "eta"):
        add_service(root, name)
    center = Center.load(root)
    parts = split(center, 3)
    assert sorted(name for part in parts for name in part) == sorted(
        meta.name for meta in center.services())
    weight = {meta.name: len(list(meta.path.glob("*.rst"))) for meta in center.services()}
    loads = [sum(weight[name] for name in part) for part in parts]
    assert max(loads) - min(loads) <= max(weight.values())  # about the same number of pages
    assert split(center, 3) == parts
    assert split(center, 10)[7:] == [[], [], []]  # more parts than services: empty ones
    result = run_cli("-C", root, "build", "--part", "10/10", "-j", "1")
    assert "part 10/10: no services, nothing to build" in result.stderr
    assert not (root / "build/shards").exists()


def test_a_shard_built_again_keeps_the_links_of_the_pages_it_did_not_rewrite(
        tmp_path: Path) -> None:
    root = make_center(tmp_path / "center")
    build_sharded(root)
    first = (root / "build/html/services/alpha/history.html").read_text()
    shard = next(p for p in (root / "build/shards").iterdir() if "alpha" in p.name)
    append(root / "services/alpha/index.rst", "\nOne more sentence.\n")
    run_cli("-C", root, "build", "--shard", *shard.name.split("+"), "-j", "1")
    refs = json.loads((shard / "shard.json").read_text())["references"]
    assert {ref["doc"] for ref in refs} == {"services/alpha/history"}
    run_cli("-C", root, "assemble", "-j", "1")
    assert (root / "build/html/services/alpha/history.html").read_text() == first
    assert "One more sentence." in (root / "build/html/services/alpha/index.html").read_text()


def test_the_ci_script_builds_shards_one_after_the_other(tmp_path: Path) -> None:
    root = make_center(tmp_path / "center")
    env = {**os.environ, "DOCSCENTER": f"{sys.executable} -m docscenter",
           "DOCSCENTER_SHARDS": "3"}
    env.pop("DOCSCENTER_LINKCHECK", None)
    result = subprocess.run(["ci/build"], cwd=root, env=env, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert len(list((root / "build/shards").glob("*/shard.json"))) == 3
    assert result.stdout.rstrip().endswith("ci/build: the HTML is in build/html")
    assert (root / "build/html/services/delta/history.html").is_file()
    result = subprocess.run(["ci/build"], cwd=root, env={**env, "DOCSCENTER_SHARDS": "x"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "DOCSCENTER_SHARDS must be a number" in result.stderr


def test_endpoints_in_comments_do_not_count(tmp_path: Path) -> None:
    folder = tmp_path / "svc"
    folder.mkdir()
    (folder / "apis.rst").write_text("Endpoints\n=========\n\n..\n   .. http:get:: /a\n\n"
                                     "      Not published.\n\n.. note::\n\n   http: text\n")
    assert not documents_endpoints(folder, ".rst")
    (folder / "more.rst").write_text(".. note::\n\n   .. http:post:: /b\n\n      Live.\n")
    assert documents_endpoints(folder, ".rst")
