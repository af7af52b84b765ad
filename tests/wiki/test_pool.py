"""The worker pool of the importer: every task answered once, exceptions handed back, a task
past the time bound and a worker that dies reported for that task alone, and no worker left
behind however the caller stops."""

from __future__ import annotations

import multiprocessing
import os
import time

from docscenter.wiki.pool import TimedOut, WorkerDied, run_bounded


def _job(shared: int, task: str) -> object:
    if task == "slow":
        time.sleep(60)
    if task == "fail":
        raise ValueError("bad task")
    if task == "die":
        os._exit(3)
    return f"{task}:{shared}"


def test_every_task_is_answered_once() -> None:
    tasks = [f"t{i}" for i in range(40)]
    results = dict(run_bounded(_job, tasks, shared=7, timeout=60, workers=3))
    assert results == {task: f"{task}:7" for task in tasks}
    assert not multiprocessing.active_children()


def test_failures_are_answers_for_their_task_alone() -> None:
    tasks = ["a", "fail", "b", "slow", "c", "die", "d"]
    results = dict(run_bounded(_job, tasks, shared=1, timeout=1.0, workers=2))
    assert {task: results[task] for task in "abcd"} == {t: f"{t}:1" for t in "abcd"}
    assert isinstance(results["fail"], ValueError) and str(results["fail"]) == "bad task"
    assert isinstance(results["slow"], TimedOut) and results["slow"].seconds == 1.0
    assert isinstance(results["die"], WorkerDied) and "exit status 3" in str(results["die"])
    assert not multiprocessing.active_children()


def test_a_worker_that_died_while_idle_is_replaced() -> None:
    def tasks():
        yield "a"
        for worker in multiprocessing.active_children():  # the one worker, idle now
            worker.kill()
            worker.join()
        yield "b"

    assert dict(run_bounded(_job, tasks(), shared=2, timeout=60, workers=1)) == {
        "a": "a:2", "b": "b:2"}
    assert not multiprocessing.active_children()


def test_a_caller_stopping_early_leaves_no_worker() -> None:
    answers = run_bounded(_job, ["a", "slow", "b", "c"], shared=0, timeout=60, workers=2)
    first = next(answers)
    assert first in (("a", "a:0"), ("b", "b:0"))
    answers.close()  # "slow" still runs: its worker is killed
    assert not multiprocessing.active_children()
