"""Build-time cost of docscenter: a generated center of 100 services x 5 pages against a plain
Sphinx project with the same pages, and how many documents an edit of one service page makes
Sphinx re-read.

    python bench/build.py [--services 100] [--jobs 2]

Targets: center build <= 1.15x the plain project; <= 3 documents re-read after an edit.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from docscenter.core.center import Center
from docscenter.scaffold import render_center, render_service, write_tree

EXTRA_PAGE = """\
User flow
=========

A client first calls the :term:`service` with a fresh token, then polls for changes.

.. code-block:: text

   client -> token server -> storage node
"""


def make_center(root: Path, services: int) -> None:
    write_tree(render_center("Bench Center"), root)
    center = Center(root)
    for number in range(services):
        name = f"svc{number:03d}"
        files = render_service(center, name, title=f"Service {number}",
                               summary=f"Does thing {number}.",
                               owners=[f"Owner {number} <o{number}@example.org>"],
                               api_versions=["1.0", "1.1"], lifecycle="production")
        files["user-flow.rst"] = EXTRA_PAGE
        files["index.rst"] = files["index.rst"].replace("   history", "   history\n   user-flow")
        write_tree(files, root / "services" / name)


def make_plain(center_root: Path, plain_root: Path) -> None:
    """The same pages as a plain Sphinx project: docscenter directives replaced by the static
    reST a writer would have typed by hand."""
    shutil.copytree(center_root, plain_root)
    conf = (plain_root / "conf.py").read_text()
    conf = conf.replace('extensions = ["docscenter"]', 'extensions = ["sphinxcontrib.httpdomain"]')
    (plain_root / "conf.py").write_text(conf)
    names = sorted(p.name for p in (plain_root / "services").iterdir() if p.is_dir())
    index = plain_root / "source/index.rst"
    table = "\n".join(f"   /services/{n}/index" for n in names)
    index.write_text(index.read_text().replace(
        ".. docscenter:catalogue::", f".. toctree::\n   :maxdepth: 1\n\n{table}"))
    status = plain_root / "source/status.rst"
    if status.exists():
        status.write_text(re.sub(r"\.\. docscenter:status::.*", "", status.read_text()))
    for name in names:
        page = plain_root / "services" / name / "index.rst"
        resources = ("- **Owners**: Owner\n- **Lifecycle**: production\n"
                     "- **API versions**: :doc:`apis-1.0`, :doc:`apis-1.1`")
        page.write_text(page.read_text().replace(".. docscenter:resources::", resources))


def build(root: Path, jobs: int, out: Path) -> tuple[float, list[str], str]:
    """Build ``root``; returns (seconds, docnames read, warnings)."""
    read: list[str] = []
    warnings = StringIO()
    start = time.perf_counter()
    # A fresh docutils registry per build, as sphinx-build has (several builds, one process).
    with docutils_namespace():
        app = Sphinx(str(root), str(root), str(out / "html"), str(out / "doctrees"), "html",
                     status=None, warning=warnings, parallel=jobs)
        app.connect("env-before-read-docs", lambda _a, _e, names: read.extend(names))
        app.build()
    return time.perf_counter() - start, read, warnings.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        center, plain = Path(tmp) / "center", Path(tmp) / "plain"
        make_center(center, args.services)
        make_plain(center, plain)
        pages = len(list((center / "services").rglob("*.rst")))
        print(f"{args.services} services, {pages} service pages, -j {args.jobs}")
        plain_time, _, plain_warnings = build(plain, args.jobs, Path(tmp) / "out-plain")
        center_time, _, center_warnings = build(center, args.jobs, Path(tmp) / "out-center")
        ratio = center_time / plain_time
        print(f"plain Sphinx project : {plain_time:6.2f} s")
        print(f"docscenter center    : {center_time:6.2f} s")
        print(f"ratio                : {ratio:6.2f}x  (target <= 1.15x)")
        edited = center / "services" / f"svc{args.services // 2:03d}" / "history.rst"
        edited.write_text(edited.read_text() + "\n2026-12-01\n   Edited for the benchmark.\n")
        again, reread, _ = build(center, args.jobs, Path(tmp) / "out-center")
        print(f"after editing one page: {len(reread)} document(s) re-read "
              f"({', '.join(reread)}) in {again:.2f} s  (target <= 3)")
        for label, text in (("plain", plain_warnings), ("center", center_warnings)):
            if text.strip():
                print(f"{label} build warnings:\n{text}", file=sys.stderr)
        return 0 if ratio <= 1.15 and len(reread) <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
