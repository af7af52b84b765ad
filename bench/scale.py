"""How build time grows with the size of a center: generated centers of N services x 5 pages,
each against a plain Sphinx project of the same pages, measured side by side in one run.

    python bench/scale.py [--services 100 500 1000] [--jobs 2] [--shards 4]

For each size it prints the documents, the read time, the write time per page, the full
build, a rebuild after editing one page (first an untouched stub, which changes the status
dashboard's figures, then the same page again, which does not) and after editing one
service.toml (documents re-read / written), ``docscenter check`` (without its cache, then
with it after a one-page edit: what the commit hook pays), and the sharded build (``build
--part K/N`` for each part, one after the other, then ``assemble``); then the ratios
docscenter / plain Sphinx, sharded / whole, and the growth of the per-page write time
against the smallest size. The sharded build on N runners takes its slowest shard plus the
assembly: that is the figure compared with the whole build.

The plain project has the same pages with the docscenter directives replaced by static reST
(see bench/build.py), sphinxcontrib-httpdomain, and Sphinx's ``basic`` theme: a theme with a
site-wide sidebar (furo, alabaster) resolves the whole toctree on every page, so its write
time per page itself grows with the project and would be no baseline.

Targets: write time per page at the largest size within 1.2x of the smallest; a 1,000-service
full build under 15 minutes (2 cores); a one-page edit rebuilt in seconds; ``check`` with its
cache under 3 s at 1,000 services.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build import make_center, make_plain

EDIT = "\n2026-12-01\n   Edited for the benchmark.\n"


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the parallel writers): unlike
    wall time, it does not grow when other work shares the machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure_build(root: Path, out: Path, jobs: int) -> dict:
    """One build of ``root`` in this process: phase times and the documents read/written."""
    from io import StringIO

    from sphinx.application import Sphinx

    marks: dict[str, float] = {}
    read: list[str] = []
    written: list[str] = []
    warnings = StringIO()
    start = time.perf_counter()
    app = Sphinx(str(root), str(root), str(out / "html"), str(out / "doctrees"), "html",
                 status=None, warning=warnings, parallel=jobs)
    app.connect("env-before-read-docs", lambda *_: marks.setdefault(
        "read", time.perf_counter()))
    app.connect("env-before-read-docs", lambda _a, _e, names: read.extend(names))
    app.connect("write-started", lambda *_: marks.update(
        write=time.perf_counter(), write_cpu=_cpu()))
    app.connect("doctree-resolved", lambda _a, _tree, name: written.append(name))
    app.build()
    end, cpu = time.perf_counter(), _cpu()
    reading = marks.get("write", end) - marks.get("read", start)
    return {"total": end - start, "read_time": reading, "write_time": end - marks["write"],
            "write_cpu": cpu - marks["write_cpu"],
            "docs": len(app.env.found_docs), "read": sorted(read), "written": len(written),
            "warnings": warnings.getvalue()}


def build(root: Path, out: Path, jobs: int) -> dict:
    """``measure_build`` in a fresh interpreter, as a real build runs."""
    command = [sys.executable, __file__, "--one-build", str(root), str(out), str(jobs)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def docscenter(root: Path, *args: str) -> dict:
    """``docscenter -C root ARGS``: wall and CPU seconds (its own and its workers')."""
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "docscenter", "-C", str(root), *args],
                          capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"docscenter {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return {"wall": time.perf_counter() - start, "cpu": _children_cpu() - cpu}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_check(root: Path, services: int) -> dict:
    """``check`` with no cache (the first run), then after editing one page (the cache
    spares every other page): what a commit hook costs."""
    shutil.rmtree(root / ".docscenter", ignore_errors=True)
    cold = docscenter(root, "check")
    page = root / "services" / f"svc{services // 4:03d}" / "user-flow.rst"
    page.write_text(page.read_text() + "\nEdited for the benchmark.\n")
    return {"cold": cold, "warm": docscenter(root, "check")}


def measure_shards(root: Path, parts: int, jobs: int) -> dict:
    """Each part built as a shard, one after the other, then the assembly."""
    shutil.rmtree(root / "build", ignore_errors=True)
    shards = [docscenter(root, "build", "--part", f"{k}/{parts}", "-j", str(jobs))
              for k in range(1, parts + 1)]
    return {"shards": shards, "assemble": docscenter(root, "assemble", "-j", str(jobs))}


def measure(tmp: Path, services: int, jobs: int, parts: int) -> dict:
    """Every figure for one size, docscenter and plain Sphinx side by side."""
    center, plain = tmp / f"center-{services}", tmp / f"plain-{services}"
    make_center(center, services)
    make_plain(center, plain)
    conf = plain / "conf.py"
    conf.write_text(conf.read_text().replace('html_theme = "furo"', 'html_theme = "basic"'))
    figures: dict = {"services": services}
    for label, root in (("plain", plain), ("center", center)):
        out = tmp / f"out-{label}-{services}"
        full = build(root, out, jobs)
        page = root / "services" / f"svc{services // 2:03d}" / "history.rst"
        page.write_text(page.read_text() + EDIT)
        edit = build(root, out, jobs)
        # Edited again: no longer a stub, so the dashboard's figures stay the same.
        page.write_text(page.read_text() + EDIT.replace("12-01", "12-02"))
        again = build(root, out, jobs)
        figures[label] = {"full": full, "edit": edit, "again": again}
        print(f"  {label:6} built: {full['total']:.1f} s, edit rebuilt: {edit['total']:.1f} s",
              file=sys.stderr, flush=True)
    toml = center / "services" / f"svc{services // 3:03d}" / "service.toml"
    toml.write_text(toml.read_text().replace("Owner ", "Renamed Owner "))
    figures["center"]["toml"] = build(center, tmp / f"out-center-{services}", jobs)
    figures["check"] = measure_check(center, services)
    if parts > 1:
        print(f"  sharded in {parts} parts ...", file=sys.stderr, flush=True)
        figures["sharded"] = measure_shards(center, parts, jobs)
    return figures


def _row(label: str, run: dict) -> str:
    full, edit = run["full"], run["edit"]
    per_page = full["write_time"] / full["docs"]
    cpu_page = full["write_cpu"] / full["docs"]
    return (f"{label:11} {full['docs']:6d} {full['read_time']:8.1f} {per_page * 1000:10.1f} "
            f"{cpu_page * 1000:9.1f} "
            f"{full['total']:9.1f} {edit['total']:8.1f} {len(edit['read']):4d}/"
            f"{edit['written']:<4d}")


def report(results: list[dict]) -> bool:
    print(f"{'':11} {'docs':>6} {'read s':>8} {'write ms/p':>10} {'cpu ms/p':>9} {'full s':>9} "
          f"{'edit s':>8} re-read/written")
    for figures in results:
        n = figures["services"]
        print(_row(f"plain {n}", figures["plain"]))
        print(_row(f"center {n}", figures["center"]))
        toml = figures["center"]["toml"]
        again = figures["center"]["again"]
        print(f"{'':11} same page edited again: {again['total']:.1f} s, {len(again['read'])} "
              f"re-read, {again['written']} written (plain: "
              f"{figures['plain']['again']['total']:.1f} s)")
        check = figures["check"]
        print(f"{'':11} service.toml edit: {toml['total']:.1f} s, {len(toml['read'])} re-read, "
              f"{toml['written']} written")
        print(f"{'':11} docscenter check: {check['cold']['wall']:.2f} s "
              f"({check['cold']['cpu']:.2f} s CPU) without its cache, "
              f"{check['warm']['wall']:.2f} s ({check['warm']['cpu']:.2f} s CPU) with it after "
              "a one-page edit")
    print("\nratios docscenter / plain Sphinx (same run):")
    per_page, cpu_page = {}, {}
    for figures in results:
        n, center, plain = figures["services"], figures["center"], figures["plain"]
        per_page[n] = center["full"]["write_time"] / center["full"]["docs"]
        cpu_page[n] = center["full"]["write_cpu"] / center["full"]["docs"]
        plain_page = plain["full"]["write_time"] / plain["full"]["docs"]
        plain_cpu = plain["full"]["write_cpu"] / plain["full"]["docs"]
        print(f"  {n:5d} services: write per page {per_page[n] / plain_page:5.2f}x "
              f"(CPU {cpu_page[n] / plain_cpu:5.2f}x), "
              f"full build {center['full']['total'] / plain['full']['total']:5.2f}x, "
              f"one-page edit {center['edit']['total'] / plain['edit']['total']:5.2f}x")
    _report_shards(results)
    sizes = sorted(per_page)
    growth = per_page[sizes[-1]] / per_page[sizes[0]]
    cpu_growth = cpu_page[sizes[-1]] / cpu_page[sizes[0]]
    largest = next(f for f in results if f["services"] == sizes[-1])
    full = largest["center"]["full"]["total"]
    print(f"\nwrite time per page, {sizes[-1]} vs {sizes[0]} services: {growth:.2f}x wall, "
          f"{cpu_growth:.2f}x CPU (target <= 1.2x)")
    print(f"full build at {sizes[-1]} services: {full / 60:.1f} min (target < 15 min at 1000)")
    warnings = [f["center"]["full"]["warnings"] for f in results if f["center"]["full"]["warnings"]]
    if warnings:
        print("docscenter build warnings:\n" + warnings[0], file=sys.stderr)
    check_ok = all(f["check"]["warm"]["wall"] < 3 for f in results if f["services"] >= 1000)
    return cpu_growth <= 1.2 and (sizes[-1] < 1000 or full < 15 * 60) and check_ok


def _report_shards(results: list[dict]) -> None:
    sharded = [f for f in results if "sharded" in f]
    if not sharded:
        return
    print("\nsharded build / whole build (same run; on N runners: slowest shard + assembly):")
    for figures in sharded:
        shards, assembly = figures["sharded"]["shards"], figures["sharded"]["assemble"]
        whole = figures["center"]["full"]["total"]
        slowest = max(s["wall"] for s in shards)
        one_by_one = sum(s["wall"] for s in shards) + assembly["wall"]
        print(f"  {figures['services']:5d} services, {len(shards)} shards: slowest shard "
              f"{slowest:.1f} s + assembly {assembly['wall']:.1f} s = "
              f"{slowest + assembly['wall']:.1f} s vs whole {whole:.1f} s: "
              f"{(slowest + assembly['wall']) / whole:.2f}x; one after the other "
              f"{one_by_one:.1f} s ({one_by_one / whole:.2f}x)")


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--one-build":
        root, out, jobs = Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
        print(json.dumps(measure_build(root, out, jobs)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--shards", type=int, default=4,
                        help="parts of the sharded build (0: not measured)")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores), "
          f"-j {args.jobs}", flush=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for services in sorted(args.services):
            print(f"{services} services ...", file=sys.stderr, flush=True)
            results.append(measure(Path(tmp), services, args.jobs, args.shards))
    ok = report(results)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
