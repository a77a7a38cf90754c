"""Where a run's time goes: wall-clock intervals of named stages, from any thread.

Stages of different threads overlap (a batch is classified while the next is read), so each
stage's seconds are summed over threads, and "outside every stage" is the wall time during
which no stage ran on any thread: orchestration, queues and waiting.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any


class StageClock:
    def __init__(self) -> None:
        self._intervals: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self._lock = threading.Lock()

    def _record(self, stage: str, start: float) -> None:
        with self._lock:
            self._intervals[stage].append((start, time.perf_counter()))

    def timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._record(stage, start)

        return wrapper

    def timed_iterator(
        self, stage: str, function: Callable[..., Iterator[Any]]
    ) -> Callable[..., Iterator[Any]]:
        """For a generator: the time spent producing each item counts, not the consumer's."""

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
            items = function(*args, **kwargs)
            while True:
                start = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    self._record(stage, start)
                yield item

        return wrapper

    def split(self, start: float, end: float) -> dict[str, float]:
        """Seconds per stage (summed over threads) and outside every stage, in [start, end]."""
        result = {
            stage: sum(min(b, end) - max(a, start) for a, b in spans if b > start and a < end)
            for stage, spans in self._intervals.items()
        }
        result["outside every stage"] = (end - start) - _covered(
            [span for spans in self._intervals.values() for span in spans], start, end
        )
        return {stage: round(seconds, 1) for stage, seconds in result.items()}


def _covered(spans: list[tuple[float, float]], start: float, end: float) -> float:
    """The length of the union of the spans, clipped to [start, end]."""
    total, reach = 0.0, start
    for a, b in sorted(spans):
        a, b = max(a, reach), min(b, end)
        if b > a:
            total += b - a
            reach = b
    return total
