"""The timing harness: untimed warm-up runs, then timed runs with `time.perf_counter()`."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Stats:
    runs: int
    median_ms: float
    p95_ms: float
    min_ms: float
    max_ms: float


def summarise(seconds: list[float]) -> Stats:
    """Median and p95 (linear interpolation, numpy's default) of wall times, in milliseconds."""
    ms = sorted(s * 1000 for s in seconds)
    p95 = statistics.quantiles(ms, n=100, method="inclusive")[94] if len(ms) > 1 else ms[0]
    return Stats(runs=len(ms), median_ms=statistics.median(ms), p95_ms=p95, min_ms=ms[0], max_ms=ms[-1])


def measure(run: Callable[[], object], *, warmup: int, reps: int, budget_s: float = 40.0) -> Stats:
    """Time `reps` runs after `warmup` untimed ones; slow cases (a run over budget_s / reps) get
    fewer runs, never fewer than 5 (limits.md §1 used 5-7 for runs that take seconds)."""
    started = time.perf_counter()
    for _ in range(warmup):
        run()
    per_run = (time.perf_counter() - started) / max(warmup, 1)
    reps = max(5, min(reps, int(budget_s / per_run) if per_run > 0 else reps))
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return summarise(times)


def count_queries(run: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


@contextmanager
def full_collections() -> Iterator[list[float]]:
    """The wall time, in seconds, of each full (generation 2) garbage collection in the block."""
    pauses: list[float] = []
    started: list[float] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            pauses.append(time.perf_counter() - started.pop())

    gc.callbacks.append(callback)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(callback)
