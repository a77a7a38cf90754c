"""`newsmon backfill`: a date range of archives, sitemaps or URL lists, with a report."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from newsmon.cli.common import config_file, fail, guarded, prepare_prefect, settings


def backfill(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="Earliest publication date (2025-01-01 or ISO time).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Latest publication date, that whole day included.")
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="File under this configured source; its site only.")
    ] = None,
    urls: Annotated[Path | None, typer.Option(help="A file with one article URL a line.")] = None,
    sitemap: Annotated[
        list[str] | None, typer.Option(help="A sitemap or sitemap index URL (repeatable).")
    ] = None,
    warc: Annotated[
        list[Path] | None,
        typer.Option(help="WARC files (CC-NEWS, web archives); pages are not refetched."),
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Folder for the CSV, HTML and PNG report.")
    ] = None,
    alert: Annotated[
        bool, typer.Option("--alert", help="Send one digest of the flagged stories.")
    ] = False,
    progress: Annotated[
        bool | None, typer.Option(help="Show a progress bar (default: on a terminal).")
    ] = None,
) -> None:
    """Fetch (or read from archives), analyse, classify and store articles of a date range;
    write a report; no alert emails unless --alert. Interrupted, rerun it: it goes on where
    it stopped, and stores nothing twice.

    Example: newsmon backfill --since 2025-01-01 --until 2025-12-31 --warc CC-NEWS-*.warc.gz
    """
    warcs = [*(warc or []), *(Path(extra) for extra in ctx.args)]
    if ctx.args and not warc:
        fail(f"unexpected arguments {' '.join(ctx.args)!r}: WARC files follow --warc")
    if not (urls or sitemap or warcs):
        fail("nothing to backfill: give --urls FILE, --sitemap URL or --warc FILE...")
    for path in [*warcs, *([urls] if urls else [])]:
        if not path.is_file():
            fail(f"cannot read {path}: no such file")
    current = settings(ctx)
    prepare_prefect(current)
    from flows.backfill import BackfillRequest
    from flows.backfill import backfill as backfill_flow
    from flows.runners import task_runner

    request = BackfillRequest(
        since=_moment(since, "--since"),
        until=_moment(until, "--until", end_of_day=True),
        source=source,
        urls_file=str(urls.resolve()) if urls else None,
        sitemaps=tuple(sitemap or ()),
        warcs=tuple(str(path.resolve()) for path in warcs),
        report_dir=str(report.resolve()) if report else None,
        alert=alert,
    )
    shown = sys.stderr.isatty() if progress is None else progress
    run = backfill_flow.with_options(task_runner=task_runner(current))
    summary = guarded(
        lambda: run(request=request, config_file=config_file(ctx), show_progress=shown)
    )
    _print(summary)
    if summary["input_errors"]:
        raise typer.Exit(1)


def _moment(value: str | None, option: str, end_of_day: bool = False) -> datetime | None:
    """A date means its whole day; a time without a zone is UTC."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value) + timedelta(days=1 if end_of_day else 0)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r}: expected a date (2025-01-31) or an ISO time")
    from newsmon.store import utc

    return utc(moment)


def _print(summary: dict[str, Any]) -> None:
    typer.echo(
        f"{summary['candidates']} candidates: {summary['stored']} stored "
        f"({summary['flagged']} flagged), {summary['failed']} failed, "
        f"{summary['already_stored']} already stored, {summary['out_of_range']} outside the range"
    )
    for label, counts in (("failed", summary["failures"]), ("skipped", summary["skipped"])):
        for reason, count in sorted(counts.items(), key=lambda item: -item[1]):
            typer.echo(f"{label} {count}: {reason}")
    for error in summary["input_errors"]:
        typer.echo(f"input error: {error}", err=True)
    report = summary["report"]
    typer.echo(f"report: {report['html']} ({report['csv']}, {report['png']})")
    if summary["digests_sent"]:
        typer.echo(f"digest sent: {summary['digests_sent']}")
