"""A progress bar on stderr with count, rate and time left, or nothing when not wanted."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class ProgressBar:
    def __init__(self, shown: bool, total: int, label: str = "articles") -> None:
        self._progress = Progress(
            TextColumn("[bold]backfill"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            disable=not shown,
        )
        self._label = label
        self._task = self._progress.add_task("backfill", total=total or None, rate="")

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

    def advance(self, count: int) -> None:
        if count <= 0:
            return
        self._progress.advance(self._task, count)
        speed = self._progress.tasks[0].speed
        rate = f"{speed:.1f} {self._label}/s" if speed else ""
        self._progress.update(self._task, rate=rate)
