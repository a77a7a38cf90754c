"""The backfill progress bar as the terminal shows it."""

from __future__ import annotations

import re
from io import StringIO

from rich.console import Console

from newsmon.progress import ProgressBar


class _Clock:
    """Rich's time source, moved by the test: the rate and times are exact."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _screen(output: StringIO) -> list[str]:
    """The last frame's lines, without colours and cursor moves."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output.getvalue())
    return [line.strip() for line in text.splitlines()[-2:]]


def test_bar_moves_per_article_with_rate_elapsed_and_time_left() -> None:
    output, clock = StringIO(), _Clock()
    console = Console(file=output, force_terminal=True, width=150)
    with ProgressBar(True, 100, console=console, clock=clock) as bar:
        bar.passed(10)
        for _ in range(10):
            clock.now += 1.0
            bar.read()
        bar.done(5)
        clock.now += 1.0
    read, done = _screen(output)
    # 20 of 100 read in 11 s, at 1 a second lately: 80 left, 80 s.
    assert re.search(r"backfill read .* 20/100 1\.0 articles/s 0:00:11 elapsed 0:01:20 left", read)
    # 15 done, 5 of them in the 10 s since the first step: 85 left at 0.5 a second.
    assert re.search(r"backfill done .* 15/100 0\.5 articles/s 0:00:11 elapsed 0:02:50 left", done)


def test_first_batch_has_a_rate_before_rich_has_two_samples() -> None:
    output, clock = StringIO(), _Clock()
    console = Console(file=output, force_terminal=True, width=150)
    with ProgressBar(True, 100, console=console, clock=clock) as bar:
        clock.now += 4.0
        bar.done(8)
    _, done = _screen(output)
    # The average since the start: 8 in 4 s, so 92 left take 46 s.
    assert re.search(r" 8/100 2\.0 articles/s 0:00:04 elapsed 0:00:46 left", done)


def test_hidden_bar_prints_nothing() -> None:
    output = StringIO()
    console = Console(file=output, force_terminal=True)
    with ProgressBar(False, 10, console=console) as bar:
        bar.read(3)
    assert output.getvalue() == ""
