"""Converting pages on every core, with a bound on the time one page may take.

mwparserfromhell can take minutes on some malformed pages; a page that exceeds the bound is
reported, its worker killed and the other pages carry on."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
_END = object()  # a task may be None; this marks the end of the tasks


class TimedOut:
    """The result of a task that hit the time bound."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


def run_bounded(
    function: Callable[[T], Any], tasks: Iterable[T], *, timeout: float,
    workers: int | None = None,
) -> Iterator[tuple[T, Any]]:
    """Yield ``(task, function(task))`` as results arrive; a task running longer than
    ``timeout`` seconds yields ``(task, TimedOut)``; an exception is yielded, not raised.

    ``function`` must be a module-level function. Workers are forked, so they share the
    parent's module state as it was when the pool started."""
    workers = max(1, workers or os.cpu_count() or 1)
    context = multiprocessing.get_context("fork")
    queue = iter(tasks)
    pool = context.Pool(workers, initializer=_tune_gc)
    # Set by the pool's result thread when any task finishes: the loop wakes at once instead
    # of polling, so a worker never waits long for its next page.
    finished_one = threading.Event()

    def submit(task: T) -> tuple[T, Any, float]:
        result = pool.apply_async(_call, (function, task),
                                  callback=lambda _value: finished_one.set())
        return task, result, time.monotonic()

    running: list[tuple[T, Any, float]] = []
    try:
        exhausted = False
        while True:
            while not exhausted and len(running) < workers:
                task = next(queue, _END)
                if task is _END:
                    exhausted = True
                    break
                running.append(submit(task))
            if not running:
                return
            finished_one.clear()
            finished = [entry for entry in running if entry[1].ready()]
            for entry in finished:
                running.remove(entry)
                yield entry[0], entry[1].get()
            if finished:
                continue
            now = time.monotonic()
            late = [entry for entry in running if now - entry[2] > timeout]
            if late:
                # Kill every worker; tasks that were merely waiting start again on a new pool.
                pool.terminate()
                pool.join()
                pool = context.Pool(workers, initializer=_tune_gc)
                for entry in late:
                    running.remove(entry)
                    yield entry[0], TimedOut(timeout)
                running = [submit(task) for task, _result, _start in running]
                continue
            finished_one.wait(min(start for _task, _result, start in running) + timeout - now)
    finally:
        pool.terminate()
        pool.join()


def _tune_gc() -> None:
    # Parsing makes many short-lived objects: the default thresholds run the cycle collector
    # constantly (about 10% of the time). Objects inherited from the parent are frozen.
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def _call(function: Callable[[T], Any], task: T) -> Any:
    try:
        return function(task)
    except Exception as exc:  # reported per page by the caller
        return exc
