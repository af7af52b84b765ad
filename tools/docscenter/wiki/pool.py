"""Converting pages on every core, with a bound on the time one page may take.

mwparserfromhell can take minutes on some malformed pages; a page that exceeds the bound is
reported, its worker killed and the other pages carry on."""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
QUEUED_PER_WORKER = 3  # tasks waiting per worker, so no worker idles between pages


class TimedOut:
    """The result of a task that hit the time bound."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class _Slots:
    """What each worker is doing, in memory shared with the workers: the number of the task
    it runs and since when (0: idle). Tasks wait in the pool's queue, so only the workers
    know when a task really starts; the bound counts from there."""

    def __init__(self, context: Any, workers: int) -> None:
        self.started = context.Array("d", workers, lock=False)
        self.task = context.Array("q", workers, lock=False)
        self.next_slot = context.Value("i", 0)

    def running(self) -> list[tuple[int, float]]:
        return [(self.task[i], start) for i, start in enumerate(self.started) if start]


_SLOTS: _Slots | None = None  # in a worker: the shared slots
_SLOT = 0  # in a worker: its own slot
_SHARED: Any = None  # in a worker: what run_bounded was given to share


def _init_worker(slots: _Slots, shared: Any) -> None:
    global _SLOTS, _SLOT, _SHARED
    _SLOTS = slots
    _SHARED = shared
    with slots.next_slot.get_lock():
        _SLOT = slots.next_slot.value
        slots.next_slot.value += 1
    # Parsing makes many short-lived objects: the default thresholds run the cycle collector
    # constantly (about 10% of the time). Objects inherited from the parent are frozen.
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def _call(function: Callable[[Any, T], R], number: int, task: T) -> R | Exception:
    assert _SLOTS is not None
    _SLOTS.task[_SLOT] = number
    _SLOTS.started[_SLOT] = time.monotonic()
    try:
        return function(_SHARED, task)
    except Exception as exc:  # reported per page by the caller
        return exc
    finally:
        _SLOTS.started[_SLOT] = 0.0


class _Workers:
    """Forked workers running ``function``, and the slots telling what each one runs."""

    def __init__(self, function: Callable[[Any, T], Any], workers: int, shared: Any) -> None:
        self.function, self.workers, self.shared = function, workers, shared
        self.context = multiprocessing.get_context("fork")
        # Set by the pool's result thread when any task finishes: the loop wakes at once.
        self.finished_one = threading.Event()
        self._start()

    def _start(self) -> None:
        self.slots = _Slots(self.context, self.workers)
        self.pool = self.context.Pool(self.workers, initializer=_init_worker,
                                      initargs=(self.slots, self.shared))

    def submit(self, number: int, task: T) -> Any:
        return self.pool.apply_async(_call, (self.function, number, task),
                                     callback=lambda _value: self.finished_one.set())

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()

    def restart(self) -> None:
        """Kill every worker and start new ones."""
        self.close()
        self._start()


def run_bounded(
    function: Callable[[S, T], R], tasks: Iterable[T], *, shared: S, timeout: float,
    workers: int | None = None,
) -> Iterator[tuple[T, R | TimedOut | Exception]]:
    """Yield ``(task, function(shared, task))`` as results arrive; a task running longer
    than ``timeout`` seconds yields ``(task, TimedOut)``; an exception is yielded, not raised.

    ``function`` must be a module-level function. ``shared`` (options, link targets...) is
    handed to each worker once, as it forks, rather than sent with every task."""
    count = max(1, workers or os.cpu_count() or 1)
    pool = _Workers(function, count, shared)
    queue = iter(tasks)
    numbers = itertools.count()
    running: dict[int, tuple[T, Any]] = {}
    try:
        while True:
            for task in itertools.islice(queue, count * QUEUED_PER_WORKER - len(running)):
                number = next(numbers)
                running[number] = (task, pool.submit(number, task))
            if not running:
                return
            pool.finished_one.clear()
            finished = [number for number, (_task, result) in running.items() if result.ready()]
            for number in finished:
                task, result = running.pop(number)
                yield task, result.get()
            if finished:
                continue
            now = time.monotonic()
            busy = [(number, start) for number, start in pool.slots.running()
                    if number in running]
            late = [number for number, start in busy if now - start > timeout]
            if late:
                # Kill every worker; the other tasks start again on a new pool.
                pool.restart()
                for number in late:
                    yield running.pop(number)[0], TimedOut(timeout)
                running = {number: (task, pool.submit(number, task))
                           for number, (task, _result) in running.items()}
                continue
            deadline = min((start + timeout for _number, start in busy), default=now + 0.05)
            pool.finished_one.wait(max(0.001, min(deadline - now, 0.05)))
    finally:
        pool.close()
