"""A build and an import never overlap: the build finishes or rolls back an import that was
interrupted, then holds the center's lock shared until it is done (an import waits for it, and
it waits for an import). The state folder, ``.docscenter/``, is never read as a source."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ..locking import CenterLock, command_line
from ..state import STATE_DIR, state_dir
from ..wiki.transaction import recover_if_needed

logger = logging.getLogger(__name__)
_KEY = "_docscenter_center_lock"


def exclude_state(app: Sphinx, config: Config) -> None:
    """``config-inited``: leave the state folder out, whatever ``exclude_patterns`` says."""
    patterns = list(config.exclude_patterns)
    if STATE_DIR not in patterns:
        config.exclude_patterns = [*patterns, STATE_DIR]


def take_lock(app: Sphinx) -> None:
    """``builder-inited``: recover an interrupted import, then hold the lock shared. A center
    where no import ever ran has no state folder and nothing to lock."""
    root = app.srcdir
    if not state_dir(root).is_dir():
        return
    recovered = recover_if_needed(root, on_wait=logger.info)
    if recovered is not None:
        logger.info("docscenter: %s", recovered.message())
    lock = CenterLock(root, command_line(), shared=True).acquire(on_wait=logger.info)
    setattr(app, _KEY, lock)


def release_lock(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: let go of the lock."""
    lock = getattr(app, _KEY, None)
    if isinstance(lock, CenterLock):
        lock.release()


def setup_center_lock(app: Sphinx) -> None:
    app.connect("config-inited", exclude_state)
    app.connect("builder-inited", take_lock)
    app.connect("build-finished", release_lock)
