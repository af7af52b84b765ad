"""The fidelity figures, for people (text) and for CI (JSON), and the targets they are held to."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any, TextIO

from .fidelity import KINDS, token_diff
from .fidelity_run import LOSSY_RECALL, MODES, PageResult, Summary, summarise

#: Mean text F1 each mode must reach, and how far a structure total may be from MediaWiki's.
TARGETS = {"as is": 0.97, "templates removed": 0.99}
STRUCTURE_TOLERANCE = 0.02
STRUCTURE_MODE = "templates removed"


def groups(results: list[PageResult]) -> dict[str, list[PageResult]]:
    found: dict[str, list[PageResult]] = {}
    for result in results:
        found.setdefault(result.group, []).append(result)
    return found


def targets_missed(results: list[PageResult]) -> list[str]:
    """One line per missed target (empty when every target is met)."""
    missed = []
    for group, members in groups(results).items():
        for mode, target in TARGETS.items():
            figure = summarise(members, mode).mean_f1
            if figure < target:
                missed.append(f"{group}, {mode}: mean text F1 {figure:.4f} < {target}")
        summary = summarise(members, STRUCTURE_MODE)
        for kind in KINDS:
            if summary.structure_gap(kind) > STRUCTURE_TOLERANCE:
                reference, other = summary.structure[kind]
                missed.append(f"{group}, {kind}: {other} against MediaWiki's {reference}")
    return missed


def _gap(reference: int, other: int) -> str:
    if reference == 0:
        return "   =" if other == 0 else "   new"
    return f"{(other - reference) / reference:+7.1%}"


def _tokens(pairs: list[tuple[str, int]]) -> str:
    return ", ".join(f"{token!r}×{count}" if count > 1 else repr(token)
                     for token, count in pairs) or "-"


def _text_lines(members: list[PageResult], pandoc: bool) -> Iterator[str]:
    head = f"  {'':<18} {'F1':>6} {'P':>6} {'R':>6} {'micro':>6}  target"
    yield head + (f"      | pandoc {'F1':>6} {'P':>6} {'R':>6}" if pandoc else "")
    for mode in MODES:
        own = summarise(members, mode)
        verdict = "met" if own.mean_f1 >= TARGETS[mode] else "MISSED"
        line = (f"  {mode:<18} {own.mean_f1:6.4f} {own.mean_precision:6.4f} "
                f"{own.mean_recall:6.4f} {own.micro_f1:6.4f}  >={TARGETS[mode]} {verdict:<6}")
        if pandoc:
            other = summarise(members, mode, "pandoc")
            line += (f"|        {other.mean_f1:6.4f} {other.mean_precision:6.4f} "
                     f"{other.mean_recall:6.4f}")
        yield line


def _structure_lines(members: list[PageResult], pandoc: bool) -> Iterator[str]:
    own = summarise(members, STRUCTURE_MODE)
    other = summarise(members, STRUCTURE_MODE, "pandoc") if pandoc else Summary()
    yield (f"  {'kind':<17} {'MediaWiki':>9} {'docscenter':>10} {'gap':>7}"
           + (f" {'pandoc':>8} {'gap':>7}" if pandoc else ""))
    for kind in KINDS:
        reference, mine = own.structure[kind]
        flag = " MISSED" if own.structure_gap(kind) > STRUCTURE_TOLERANCE else ""
        line = f"  {kind:<17} {reference:>9} {mine:>10} {_gap(reference, mine)}"
        if pandoc:
            theirs = other.structure[kind][1]
            line += f" {theirs:>8} {_gap(reference, theirs)}"
        yield line + flag


def _worst_lines(members: list[PageResult], worst: int) -> Iterator[str]:
    mode = STRUCTURE_MODE
    ranked = sorted(members, key=lambda r: (r.score(mode).f1, r.title))[:worst]
    for result in ranked:
        score = result.score(mode)
        lacks, adds = token_diff(result.mediawiki[mode], result.docscenter[mode])
        yield (f"  {score.f1:.3f} F1 (P {score.precision:.3f}, R {score.recall:.3f}, "
               f"{score.reference} tokens)  {result.title}")
        yield f"        missing: {_tokens(lacks)}"
        yield f"        extra:   {_tokens(adds)}"


def _kind_lines(members: list[PageResult], worst: int) -> Iterator[str]:
    mode = STRUCTURE_MODE
    for kind in KINDS:
        def gap(result: PageResult, kind: str = kind) -> int:
            return abs(result.docscenter[mode].counts[kind] - result.mediawiki[mode].counts[kind])

        differing = sorted((r for r in members if gap(r)), key=lambda r: (-gap(r), r.title))
        if not differing:
            continue
        yield f"  {kind}: {len(differing)} pages differ"
        for result in differing[:max(1, worst // 3)]:
            reference = result.mediawiki[mode].counts[kind]
            mine = result.docscenter[mode].counts[kind]
            lacks, adds = token_diff(result.mediawiki[mode], result.docscenter[mode], 5)
            yield (f"    MediaWiki {reference}, docscenter {mine}: {result.title}"
                   f"  (missing {_tokens(lacks)}; extra {_tokens(adds)})")


def print_report(results: list[PageResult], facts: dict[str, Any], worst: int = 10,
                 out: TextIO = sys.stdout) -> None:
    """The human-readable report: figures per group, then what to fix first."""
    pandoc = bool(facts.get("pandoc"))
    print(f"Fidelity against MediaWiki {facts.get('mediawiki', '?')} (action=parse)", file=out)
    for group, members in groups(results).items():
        sections = [
            (f"{group}: {len(members)} pages — visible text, mean per page", _text_lines(
                members, pandoc)),
            (f"{group}: structure totals ({STRUCTURE_MODE}; target within "
             f"{STRUCTURE_TOLERANCE:.0%})", _structure_lines(members, pandoc)),
        ]
        lossy = summarise(members, STRUCTURE_MODE).lossy
        sections.append((f"{group}: pages showing < {LOSSY_RECALL:.0%} of MediaWiki's tokens "
                         f"({STRUCTURE_MODE}): {len(lossy)}",
                         (f"  recall {recall:.3f}  {title}" for title, recall in lossy)))
        sections.append((f"{group}: worst pages ({STRUCTURE_MODE})",
                         _worst_lines(members, worst)))
        sections.append((f"{group}: pages that differ most, per structure kind",
                         _kind_lines(members, worst)))
        for heading, lines in sections:
            print(f"\n{heading}", file=out)
            for line in lines:
                print(line, file=out)
    for title, texts in facts.get("shown", {}).items():
        for renderer, text in texts.items():
            print(f"\n--- {title}: what {renderer} shows ({STRUCTURE_MODE})\n{text}", file=out)
    timings = facts.get("timings", {})
    print("\ntime (wall-clock, CPU):", file=out)
    for name, seconds in timings.items():
        print(f"  {name:<28} {seconds['wall']:7.1f} s {seconds['cpu']:7.1f} s", file=out)
    print(f"  {'total':<28} {facts.get('total seconds', 0):7.1f} s", file=out)
    missed = targets_missed(results)
    print("targets: " + ("all met" if not missed else f"{len(missed)} missed"), file=out)
    for line in missed:
        print(f"  {line}", file=out)


def _summary_json(summary: Summary) -> dict[str, Any]:
    return {"pages": summary.pages, "mean_f1": summary.mean_f1,
            "mean_precision": summary.mean_precision, "mean_recall": summary.mean_recall,
            "micro_f1": summary.micro_f1,
            "structure": {kind: {"mediawiki": ref, "other": other}
                          for kind, (ref, other) in summary.structure.items()},
            "lossy": [{"title": title, "recall": recall} for title, recall in summary.lossy]}


def _page_json(result: PageResult, top: int) -> dict[str, Any]:
    modes = {}
    for mode in MODES:
        score = result.score(mode)
        lacks, adds = token_diff(result.mediawiki[mode], result.docscenter[mode], top)
        entry: dict[str, Any] = {
            "tokens": {"mediawiki": score.reference, "docscenter": score.candidate},
            "f1": score.f1, "precision": score.precision, "recall": score.recall,
            "missing": dict(lacks), "extra": dict(adds),
            "structure": {kind: {"mediawiki": result.mediawiki[mode].counts[kind],
                                 "docscenter": result.docscenter[mode].counts[kind]}
                          for kind in KINDS},
        }
        if result.pandoc is not None:
            entry["pandoc_f1"] = result.score(mode, "pandoc").f1
            for kind in KINDS:
                entry["structure"][kind]["pandoc"] = result.pandoc.counts[kind]
        modes[mode] = entry
    return {"title": result.title, "group": result.group, "modes": modes}


def as_json(results: list[PageResult], facts: dict[str, Any], top: int = 10) -> dict[str, Any]:
    """Everything the text report shows, per group, mode and page, as one JSON object."""
    renderers = ("docscenter", "pandoc") if facts.get("pandoc") else ("docscenter",)
    return {
        **facts,
        "targets": {"mean_f1": TARGETS, "structure_tolerance": STRUCTURE_TOLERANCE,
                    "lossy_recall": LOSSY_RECALL, "missed": targets_missed(results)},
        "groups": {group: {mode: {renderer: _summary_json(summarise(members, mode, renderer))
                                  for renderer in renderers} for mode in MODES}
                   for group, members in groups(results).items()},
        "pages": [_page_json(result, top) for result in results],
    }
