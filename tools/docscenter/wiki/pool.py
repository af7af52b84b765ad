"""Converting pages on every core, with a bound on the time one page may take.

mwparserfromhell can take minutes on some malformed pages; a page that exceeds the bound is
reported, its worker killed and the other pages carry on.

Each worker is a forked process with a pipe of its own and one task at a time: the parent
knows when each task started (when it sent it) and waits on the pipes alone, with no thread
of its own (``multiprocessing.Pool``'s three threads cost the parent a core's tenth here).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


class TimedOut:
    """The result of a task that hit the time bound."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class WorkerDied(Exception):
    """The worker running a task ended without an answer (killed, out of memory...)."""


def _serve(connection: Connection, function: Callable[[Any, Any], Any], shared: Any) -> None:
    """A worker: run ``function(shared, task)`` for every task received, until told to stop
    (``None``) or the parent is gone."""
    # Parsing makes many short-lived objects: the default thresholds run the cycle collector
    # constantly (about 10% of the time). Objects inherited from the parent are frozen.
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    try:
        while (task := connection.recv()) is not None:
            try:
                answer = function(shared, task)
            except Exception as exc:  # reported per task by the caller
                answer = exc
            connection.send(answer)
    except (EOFError, KeyboardInterrupt, BrokenPipeError):
        pass


class _Worker(Generic[T]):
    """One forked worker and the task it runs, if any, since when."""

    def __init__(self, context: Any, function: Callable[[Any, T], Any], shared: Any) -> None:
        self.context, self.function, self.shared = context, function, shared
        self.connection, theirs = multiprocessing.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, function, shared),
                                       daemon=True)
        self.process.start()
        theirs.close()
        self.task: T | None = None
        self.started = 0.0
        self.alive = True

    def give(self, task: T) -> None:
        self.task, self.started = task, time.monotonic()
        self.connection.send(task)

    def take(self) -> tuple[T, Any]:
        """The task it ran and its answer (the worker is free again)."""
        task = self.task
        assert task is not None
        try:
            answer = self.connection.recv()
        except (EOFError, OSError):
            self.process.join()
            self.alive = False
            answer = WorkerDied(f"the worker ended (exit status {self.process.exitcode})")
        self.task = None
        return task, answer

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except OSError:
                self.process.kill()
        self.process.join()
        self.connection.close()

    def renewed(self) -> _Worker[T]:
        """Another worker in its place (it is killed)."""
        self.stop(kill=True)
        return _Worker(self.context, self.function, self.shared)


def run_bounded(
    function: Callable[[S, T], R], tasks: Iterable[T], *, shared: S, timeout: float,
    workers: int | None = None,
) -> Iterator[tuple[T, R | TimedOut | Exception]]:
    """Yield ``(task, function(shared, task))`` as results arrive; a task running longer
    than ``timeout`` seconds yields ``(task, TimedOut)`` (its worker is killed and another
    one started); an exception is yielded, not raised.

    ``function`` must be a module-level function. ``shared`` (options, link targets...) is
    handed to each worker once, as it forks, rather than sent with every task."""
    context = multiprocessing.get_context("fork")
    count = max(1, workers or os.cpu_count() or 1)
    queue = iter(tasks)
    pool: list[_Worker[T]] = []
    try:
        pool = [_Worker(context, function, shared) for _ in range(count)]
        more = True
        answers: list[tuple[T, Any]] = []
        while True:
            for index, worker in enumerate(pool):
                if worker.task is None and more:
                    task = next(queue, None)
                    if task is None:
                        more = False
                        break
                    try:
                        worker.give(task)
                    except OSError:  # it died while idle: another one takes its place
                        pool[index] = worker.renewed()
                        pool[index].give(task)
            # The workers have their next tasks before the caller reads these answers.
            yield from answers
            answers = []
            busy = [worker for worker in pool if worker.task is not None]
            if not busy:
                return
            now = time.monotonic()
            deadline = min(worker.started for worker in busy) + timeout
            ready = wait([worker.connection for worker in busy], max(0.0, deadline - now))
            now = time.monotonic()
            for index, worker in enumerate(pool):
                if worker.connection in ready:
                    answer = worker.take()
                elif worker.task is not None and now - worker.started > timeout:
                    answer = worker.task, TimedOut(timeout)
                    worker.alive = False
                else:
                    continue
                if not worker.alive:  # another one takes its place
                    pool[index] = worker.renewed()
                answers.append(answer)
    finally:
        for worker in pool:
            worker.stop(kill=worker.task is not None)
