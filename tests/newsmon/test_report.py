"""The backfill report as people read it: summary values as text, whole-article axes."""

from __future__ import annotations

from collections import Counter
from datetime import date
from html.parser import HTMLParser

from newsmon.report import chart, report_html


class _Cells(HTMLParser):
    """The text of each table cell, nested tables' cells on their own."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._open: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            self._open.append([])
        elif tag == "br" and self._open:
            self._open[-1].append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._open:
            self.cells.append("".join(self._open.pop()))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1].append(data)


def test_summary_counts_and_lists_read_as_text() -> None:
    summary = {
        "candidates": 5,
        "skipped": {"HTTP 404": 1, "listed twice": 2},
        "failures": {},
        "input_errors": ["cut.warc.gz: damaged archive"],
        "report": {"csv": "r.csv"},
    }
    parser = _Cells()
    parser.feed(report_html([], summary, {}, "chart.png"))
    cells = parser.cells
    assert cells[cells.index("skipped") + 1] == "HTTP 404: 1\nlisted twice: 2"
    assert cells[cells.index("failures") + 1] == "none"
    assert cells[cells.index("input errors") + 1] == "cut.warc.gz: damaged archive"
    assert not any(mark in cell for cell in cells for mark in "{}[]'")


def test_chart_counts_whole_articles() -> None:
    counts = {date(2025, 4, 1): Counter(en=1), date(2025, 4, 2): Counter(en=1, ka=2)}
    ticks = chart(counts).axes[0].get_yticks()
    assert len(ticks) >= 2 and all(tick == int(tick) for tick in ticks)
