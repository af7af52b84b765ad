"""A few pages to read again in a large center are read in one process.

Sphinx reads in parallel by handing the pages to worker processes in chunks; each worker
sends its whole environment back, and the main process loads it and merges it. That costs
time in proportion to the environment, once per chunk, whatever the chunk holds: with three
pages read again in a center of 5,000 (one ``service.toml`` edited), each of the three
chunks moved an 11 MB environment, and the read took many seconds where reading the three
pages takes one. Reading is parallel again when at least as many pages are read as kept
(a first build, a changed configuration): then the work of reading dominates.

The write phase is not touched: Sphinx's parallel writers receive only their pages.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .state import app_state


def serial_when_few(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: one reading process when fewer pages are read than kept."""
    kept = len(env.all_docs) - len(set(docnames) & env.all_docs.keys())
    if app.parallel > 1 and len(docnames) < kept:
        app_state(app).reading_jobs, app.parallel = app.parallel, 1


def restore_jobs(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: the parallel jobs back, for writing."""
    state = app_state(app)
    if state.reading_jobs:
        app.parallel, state.reading_jobs = state.reading_jobs, 0


def setup_reading(app: Sphinx) -> None:
    """Register these handlers with Sphinx."""
    app.connect("env-before-read-docs", serial_when_few)
    app.connect("env-updated", restore_jobs, priority=100)  # before the others' handlers
