"""Commands that poll, serve, backfill and report."""

from __future__ import annotations

import json
import os
import signal
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from newsmon.cli.common import config_file, fail, guarded, prepare_prefect, settings
from newsmon.settings import Settings


def run(ctx: typer.Context) -> None:
    """Poll every configured source once now, store, and send alerts.

    Example: NEWSMON_SMTP_URL=smtp://127.0.0.1:8025 newsmon run
    """
    prepare_prefect(settings(ctx))
    from flows.poll import poll

    _print_summary(guarded(lambda: poll(config_file=config_file(ctx))))


def demo(ctx: typer.Context) -> None:
    """Serve seed-like pages on 127.0.0.1, poll them once, show what was stored and alerted.

    Example: NEWSMON_HOME=/tmp/newsmon-demo newsmon demo
    """
    from newsmon.demo import DemoServer, demo_config

    current = settings(ctx)
    prepare_prefect(current)
    from flows.poll import poll

    with DemoServer() as server:
        config = current.home / "demo.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(demo_config(server.base_url), encoding="utf-8")
        typer.echo(f"demo pages on {server.base_url}; config {config}")
        summary = guarded(lambda: poll(config_file=str(config)))
    _print_summary(summary)
    _print_articles(current)


def serve(ctx: typer.Context) -> None:
    """Run polls on the config's schedule until interrupted.

    Starts and supervises a local Prefect server (127.0.0.1, state under NEWSMON_HOME) unless
    PREFECT_API_URL points at one. Example: newsmon serve
    """
    current = settings(ctx)
    prepare_prefect(current)
    from newsmon.server import LocalPrefectServer, ServerError

    # A service manager stops us with SIGTERM: unwind so the local server is stopped too
    # (the runner installs its own handler once serving; this covers start-up).
    signal.signal(signal.SIGTERM, _exit_on_signal)
    # Shells start background jobs with SIGINT ignored, and children inherit that; asyncio
    # then installs no Ctrl-C handler and the SIGTERM handler below could not stop the runner.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if os.environ.get("PREFECT_API_URL"):
        _serve(current, config_file(ctx))
        return
    try:
        with LocalPrefectServer(Path(os.environ["PREFECT_HOME"])) as server:
            typer.echo(f"local Prefect server at {server.api_url} (log: {server.log_path})")
            os.environ["PREFECT_API_URL"] = server.api_url
            _serve(current, config_file(ctx))
    except ServerError as exc:
        fail(str(exc), code=1)


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _serve(current: Settings, config: str | None) -> None:
    import asyncio

    from prefect.runner import Runner

    from flows.poll import poll

    class DeskRunner(Runner):
        def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
            # Prefect 3.8's own handler leaves its shutdown coroutine unawaited and can hang
            # while a run is in flight. asyncio.run turns SIGINT into a clean cancellation of
            # the runner, as on Ctrl-C.
            signal.raise_signal(signal.SIGINT)

    # One poll at a time: a slow poll delays the next rather than overlapping it.
    runner = DeskRunner(name="newsmon", limit=1, pause_on_shutdown=True)
    runner.add_flow(
        poll,
        name="newsmon-poll",
        interval=current.interval_seconds,
        parameters={"config_file": config},
    )
    typer.echo(f"polling {len(current.sources)} sources every {current.interval_seconds} s")
    try:
        asyncio.run(runner.start())
    except KeyboardInterrupt:
        typer.echo("stopping")


def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Per-source last fetch, errors and counts; articles and alerts stored.

    Example: newsmon status --json
    """
    from newsmon.store import open_store

    report = open_store(settings(ctx)).status()
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    alerts = report["alerts"]
    typer.echo(
        f"articles: {report['articles']} stored, {report['failed_articles']} failed, "
        f"{report['flagged']} flagged; alerts: {alerts['sent']} sent, {alerts['queued']} queued"
    )
    for reason, count in report["failed_by_reason"].items():
        typer.echo(f"  failed articles, {reason}: {count}")
    for source in report["sources"]:
        state = "ok" if source["health"] == "ok" else source["health"].upper()
        if source["last_error"]:
            state = f"ERROR x{source['consecutive_failures']}: {source['last_error']}"
        typer.echo(
            f"  {source['name']:28} {source['articles']:5d} articles "
            f"{source['failed_articles']:3d} failed  "
            f"last run {source['last_run_at'] or 'never'}  {state}"
        )


def sources_check(ctx: typer.Context) -> None:
    """Fetch each source once and report whether it answers and parses; stores nothing.

    Example: newsmon sources check
    """
    from flows.collect import parse_links
    from newsmon.fetch import FEED_TYPES, Fetcher, FetchError, NotModified

    current = settings(ctx)
    failures = 0
    with Fetcher(current) as fetcher:
        for source in current.sources:
            try:
                page = fetcher.get(source.url, source.name, FEED_TYPES)
            except FetchError as exc:
                failures += 1
                typer.echo(f"FAIL {source.name:24} {source.url}  {exc}")
                continue
            # No validators were sent, so the answer is never "not modified".
            assert not isinstance(page, NotModified)
            parsed = parse_links(source, page, fetcher)
            failures += not parsed.entries
            problem = f"; {parsed.error}" if parsed.error else ""
            typer.echo(
                f"{'OK' if parsed.entries else 'FAIL':4} {source.name:24} {source.url}  "
                f"{len(parsed.entries)} entries{problem}"
            )
    if failures:
        raise typer.Exit(1)


def _print_summary(summary: dict[str, Any]) -> None:
    typer.echo(
        f"run {summary['run_id']}: {summary['sources']} sources, "
        f"{summary['fetched']} articles fetched, {summary['new_articles']} new stored, "
        f"{summary['failed_articles']} failed, {len(summary['flagged'])} flagged"
    )
    for name, error in summary["source_errors"].items():
        typer.echo(f"  source {name}: {error}")
    typer.echo(
        f"alerts: {summary['alerts_sent']} new sent to {summary['alert_destination']}, "
        f"{summary['alerts_failed']} failed (kept queued)"
    )


def _print_articles(current: Settings) -> None:
    from newsmon.store import open_store

    store = open_store(current)
    typer.echo("stored articles (newest first):")
    for row in store.articles(limit=20):
        score = f"{row.score:.3f}" if row.score is not None else "  -  "
        mark = "FLAG" if row.flagged else ("ERR " if row.status == "failed" else "    ")
        when = (
            row.published_at.date().isoformat() if isinstance(row.published_at, datetime) else "?"
        )
        typer.echo(
            f"  {mark} {score} {row.lang or '-':3} {when} {row.outlet}: {row.title or row.error}"
        )
    typer.echo("alerts delivered:")
    for recipient, title, where in store.sent_alerts():
        typer.echo(f"  to {recipient}: {title}\n    -> {where}")
