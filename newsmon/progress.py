"""A backfill's progress bar on stderr, or nothing when not wanted.

Two rows, each with count, rate and time left: pages read (fetched, or taken from an
archive), which moves with every article, and articles done (analysed and stored), which
moves a batch at a time because a batch is analysed as one task, possibly on another
machine, that reports only when it ends.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn
from rich.text import Text


class ProgressBar:
    def __init__(
        self,
        shown: bool,
        total: int,
        label: str = "articles",
        console: Console | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._progress = Progress(
            TextColumn("[bold]backfill"),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(label),
            ElapsedColumn(),
            LeftColumn(),
            console=console or Console(stderr=True),
            disable=not shown,
            get_time=clock,
        )
        self._read = self._progress.add_task("read", total=total or None)
        self._done = self._progress.add_task("done", total=total or None)

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def read(self, count: int = 1) -> None:
        """Pages fetched or taken from an archive, ready for analysis."""
        self._progress.advance(self._read, count)

    def done(self, count: int) -> None:
        """Articles analysed and stored (or failed, or out of the date range)."""
        self._progress.advance(self._done, count)

    def passed(self, count: int) -> None:
        """Candidates needing no work (skipped, or stored before): read and done at once."""
        self.read(count)
        self.done(count)


def rate(task: Task) -> float | None:
    """Items per second: rich's recent speed, or the average since the start while rich has
    too few samples (the first batch) or once the task is finished."""
    speed = task.finished_speed or task.speed
    if speed:
        return speed
    elapsed = task.finished_time or task.elapsed
    return task.completed / elapsed if task.completed and elapsed else None


class RateColumn(ProgressColumn):
    def __init__(self, label: str) -> None:
        super().__init__()
        self._label = label

    def render(self, task: Task) -> Text:
        speed = rate(task)
        shown = f"{speed:.1f}" if speed else "?"
        return Text(f"{shown} {self._label}/s", style="progress.data.speed")


class ElapsedColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        elapsed = task.finished_time or task.elapsed
        return Text(f"{_clock(elapsed)} elapsed", style="progress.elapsed")


class LeftColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{_clock(_left(task))} left", style="progress.remaining")


def _left(task: Task) -> float | None:
    if task.finished:
        return 0.0
    speed = rate(task)
    return task.remaining / speed if speed and task.remaining is not None else None


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours:d}:{minute:02d}:{second:02d}"
