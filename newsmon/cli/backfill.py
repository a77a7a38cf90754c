"""`newsmon backfill`: a date range of archives, sitemaps or URL lists, with a report."""

from __future__ import annotations

import gzip
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from extractors.urls import is_web_address
from newsmon.cli.common import (
    config_file,
    fail,
    in_prefect,
    on_stop,
    prepare_prefect,
    read_text,
    regular_file,
    settings,
    warn,
    writable_folder,
)

if TYPE_CHECKING:
    from newsmon.settings import Settings

# Said when a backfill is stopped: each batch is stored as it finishes.
RESUME = "batches stored so far are kept; run the same command again to go on where it stopped"


def backfill(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Earliest publication date (2025-01-01 or ISO time)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Latest publication date, that whole day included."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="File under this configured source; its site only."),
    ] = None,
    urls: Annotated[
        Path | None, typer.Option(metavar="FILE", help="A file with one article URL a line.")
    ] = None,
    sitemap: Annotated[
        list[str] | None,
        typer.Option(metavar="URL", help="A sitemap or sitemap index URL (repeatable)."),
    ] = None,
    warc: Annotated[
        list[Path] | None,
        typer.Option(
            metavar="FILE...",
            help="WARC files (CC-NEWS, web archives); pages are not refetched.",
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(metavar="FOLDER", help="Folder for the CSV, HTML and PNG report."),
    ] = None,
    alert: Annotated[
        bool, typer.Option("--alert", help="Send one digest of the flagged stories.")
    ] = False,
    progress: Annotated[
        bool | None, typer.Option(help="Show a progress bar (default: on a terminal).")
    ] = None,
    retry_given_up: Annotated[
        bool,
        typer.Option(
            "--retry-given-up",
            help="Try again the pages given up on after 3 failed tries (once what failed "
            "them is fixed).",
        ),
    ] = False,
) -> None:
    """Fetch (or read from archives), analyse, classify and store articles of a date range;
    write a report; no alert emails unless --alert. Interrupted, rerun it: it goes on where
    it stopped, and stores nothing twice. Exit code 1 when an input could not be read or
    every candidate failed.

    Example: newsmon backfill --since 2025-01-01 --until 2025-12-31 --warc CC-NEWS-*.warc.gz
    """
    warcs = [*(warc or []), *(Path(extra) for extra in ctx.args)]
    if ctx.args and not warc:
        fail(f"unexpected arguments {' '.join(ctx.args)!r}: WARC files follow --warc")
    if not (urls or sitemap or warcs):
        fail("nothing to backfill: give --urls FILE, --sitemap URL or --warc FILE...")
    start = _moment(since, "--since")
    end = _moment(until, "--until", end_of_day=True)
    if start and end and start >= end:
        fail(f"--since {since} is not before --until {until}: nothing can be in that range")
    _check_inputs(urls, sitemap or [], warcs)
    if report is not None:
        writable_folder(report, "--report")
    current = settings(ctx)
    if source is not None:
        _check_source(current, source)
    # Only now, every input checked: Prefect takes seconds to start.
    prepare_prefect(current)
    from flows.backfill import BackfillRequest
    from flows.backfill import backfill as backfill_flow
    from flows.runners import task_runner

    request = BackfillRequest(
        since=start,
        until=end,
        source=source,
        urls_file=str(urls.resolve()) if urls else None,
        sitemaps=tuple(sitemap or ()),
        warcs=tuple(str(path.resolve()) for path in warcs),
        report_dir=str(report.resolve()) if report else None,
        alert=alert,
        retry_given_up=retry_given_up,
    )
    shown = sys.stderr.isatty() if progress is None else progress
    run = backfill_flow.with_options(task_runner=task_runner(current))
    on_stop(ctx, RESUME)
    summary = in_prefect(
        current, lambda: run(request=request, config_file=config_file(ctx), show_progress=shown)
    )
    _print(summary)
    if _all_failed(summary):
        warn(f"backfill: all {summary['failed'] + summary['given_up']} candidates failed")
        raise typer.Exit(1)
    if summary["input_errors"]:
        raise typer.Exit(1)


def _check_inputs(urls: Path | None, sitemaps: list[str], warcs: list[Path]) -> None:
    """Refuse, before anything starts, inputs that cannot be what they are given as."""
    for address in sitemaps:
        if not is_web_address(address):
            fail(f"--sitemap {address}: not an http:// or https:// URL")
    if urls is not None:
        lines = read_text(urls, "--urls").splitlines()
        if not any(is_web_address(line) for line in lines):
            fail(f"no URLs in {urls} (one http:// or https:// URL a line)")
    for path in warcs:
        regular_file(path, "--warc")
        if not _looks_like_warc(path):
            fail(f"--warc {path}: not a WARC file (it does not start with 'WARC/', gzipped or not)")


def _looks_like_warc(path: Path) -> bool:
    """A WARC (or old ARC) file, gzipped or not, by its first bytes: a damaged archive is
    found while reading it, but a wrong file should not take a Prefect start to find."""
    try:
        with path.open("rb") as stream:
            head = stream.read(9)
            if head[:2] == b"\x1f\x8b":
                stream.seek(0)
                with gzip.open(stream) as unzipped:
                    head = unzipped.read(9)
    except (OSError, EOFError):
        return False
    return head.startswith((b"WARC/", b"filedesc:"))


def _check_source(current: Settings, name: str) -> None:
    names = [source.name for source in current.sources]
    if name not in names:
        fail(f"--source {name}: no configured source of that name; configured: {', '.join(names)}")


def _all_failed(summary: dict[str, Any]) -> bool:
    """Nothing of what was asked could be had: every candidate failed (refused, 404...)."""
    done = summary["stored"] + summary["already_stored"] + summary["out_of_range"]
    return bool(summary["failed"] + summary["given_up"]) and not done


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
    from newsmon.messages import plural
    from newsmon.store import MAX_ARTICLE_ATTEMPTS

    given_up = summary["given_up"]
    typer.echo(
        f"{summary['candidates']} {plural('candidate', summary['candidates'])}: "
        f"{summary['stored']} stored "
        f"({summary['flagged']} flagged), {summary['failed']} failed, "
        f"{summary['already_stored']} already stored, {summary['out_of_range']} outside the range"
        + (
            f", {given_up} given up after {MAX_ARTICLE_ATTEMPTS} failed tries "
            "(--retry-given-up tries them again)"
            if given_up
            else ""
        )
    )
    for label, counts in (("failed", summary["failures"]), ("skipped", summary["skipped"])):
        for reason, count in sorted(counts.items(), key=lambda item: -item[1]):
            typer.echo(f"{label} {count}: {reason}")
    for error in summary["input_errors"]:
        warn(f"input error: {error}")
    report = summary["report"]
    typer.echo(f"report: {report['html']} ({report['csv']}, {report['png']})")
    if summary["digests_sent"]:
        typer.echo(f"digest sent: {summary['digests_sent']}")
