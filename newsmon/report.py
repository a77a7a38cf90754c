"""A backfill's report: every article as CSV, a summary page, and flagged coverage per day
and language as a PNG chart."""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsmon.messages import html_document
from newsmon.store import ArticleRow

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLUMNS = (
    "published_at",
    "fetched_at",
    "source",
    "outlet",
    "lang",
    "score",
    "flagged",
    "status",
    "title",
    "url",
    "error",
    "passage",
)


def write_report(
    folder: Path, name: str, rows: Sequence[ArticleRow], summary: Mapping[str, object]
) -> dict[str, str]:
    """Write ``name``.csv, .html and .png into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {kind: folder / f"{name}.{kind}" for kind in ("csv", "html", "png")}
    paths["csv"].write_text(report_csv(rows), encoding="utf-8")
    counts = flagged_per_day(rows)
    paths["png"].write_bytes(chart_png(counts))
    paths["html"].write_text(
        report_html(rows, summary, counts, paths["png"].name), encoding="utf-8"
    )
    return {kind: str(path) for kind, path in paths.items()}


def report_csv(rows: Sequence[ArticleRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in sorted(rows, key=_when):
        values = {
            "published_at": row.published_at.isoformat() if row.published_at else "",
            "fetched_at": row.fetched_at.isoformat(),
            "score": f"{row.score:.3f}" if row.score is not None else "",
            "flagged": "yes" if row.flagged else "no",
        }
        writer.writerow([values.get(c, getattr(row, c)) or "" for c in COLUMNS])
    return out.getvalue()


def flagged_per_day(rows: Sequence[ArticleRow]) -> dict[date, Counter[str]]:
    """Flagged articles per publication day (fetch day when undated) and language."""
    counts: dict[date, Counter[str]] = {}
    for row in rows:
        if row.flagged:
            counts.setdefault(_when(row).date(), Counter())[row.lang or "und"] += 1
    return dict(sorted(counts.items()))


def chart_png(counts: Mapping[date, Counter[str]]) -> bytes:
    out = io.BytesIO()
    chart(counts).savefig(out, format="png", bbox_inches="tight")
    return out.getvalue()


def chart(counts: Mapping[date, Counter[str]]) -> Figure:
    """Stacked bars, one colour per language; an empty chart says there was nothing."""
    # A Figure of its own, not pyplot's: no display needed, and nothing global to close.
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 4), dpi=100)
    axes = figure.subplots()
    languages = sorted({lang for day in counts.values() for lang in day})
    days = list(counts)
    bottom = [0] * len(days)
    for lang in languages:
        heights = [counts[day][lang] for day in days]
        # Dates are converted by matplotlib's units registry, which its stubs do not know.
        axes.bar(days, heights, bottom=bottom, label=lang, width=0.8)  # type: ignore[arg-type]
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_title("Flagged coverage per day, by language")
    axes.set_ylabel("articles")
    # Articles come whole: no tick at half an article.
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if languages:
        axes.legend(title="language", loc="upper left", fontsize="small")
    else:
        axes.text(0.5, 0.5, "no flagged articles", ha="center", transform=axes.transAxes)
    figure.autofmt_xdate()
    return figure


def report_html(
    rows: Sequence[ArticleRow],
    summary: Mapping[str, object],
    counts: Mapping[date, Counter[str]],
    chart: str,
) -> str:
    flagged = sorted((r for r in rows if r.flagged), key=_when)
    totals = "".join(
        f"<tr><th align='left'>{html.escape(k.replace('_', ' '))}</th><td>{_cell(v)}</td></tr>"
        for k, v in summary.items()
        if k != "report"
    )
    days = "".join(
        f"<tr><td>{day.isoformat()}</td><td>{sum(langs.values())}</td>"
        f"<td>{html.escape(', '.join(f'{k} {v}' for k, v in sorted(langs.items())))}</td></tr>"
        for day, langs in counts.items()
    )
    items = "".join(
        f"<tr><td>{_when(r).date().isoformat()}</td><td>{html.escape(r.outlet)}</td>"
        f"<td>{html.escape(r.lang or '')}</td><td>{r.score or 0:.2f}</td>"
        f"<td><a href='{html.escape(r.url, quote=True)}'>{html.escape(r.title or r.url)}</a>"
        f"<br><small>{html.escape(r.passage or '')}</small></td></tr>"
        for r in flagged
    )
    return html_document(
        f"<h1>Backfill report: {len(flagged)} flagged of {len(rows)} articles</h1>"
        f"<table>{totals}</table>"
        f"<h2>Flagged per day</h2><img src='{html.escape(chart, quote=True)}' "
        "alt='flagged articles per day by language'>"
        f"<table><tr><th>day</th><th>flagged</th><th>languages</th></tr>{days}</table>"
        "<h2>Flagged articles</h2><table><tr><th>date</th><th>outlet</th><th>lang</th>"
        f"<th>score</th><th>title and why</th></tr>{items}</table>"
    )


def _cell(value: object) -> str:
    """A summary value as people read it, never a Python repr: counts by reason one
    "reason: count" a line, lists one item a line."""
    if isinstance(value, Mapping):
        value = [f"{key}: {count}" for key, count in value.items()]
    if isinstance(value, list | tuple):
        return "<br>".join(html.escape(str(item)) for item in value) or "none"
    return html.escape(str(value))


def _when(row: ArticleRow) -> datetime:
    return row.published_at or row.fetched_at
