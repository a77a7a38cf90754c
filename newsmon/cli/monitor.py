"""Commands that poll, serve, backfill and report."""

from __future__ import annotations

import json
import os
import signal
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from newsmon.cli.common import (
    config_file,
    existing_store,
    fail,
    guarded,
    in_prefect,
    invocation,
    prepare_prefect,
    settings,
    warn,
)
from newsmon.cli.web import DemoOption, binding_allowed, review_settings
from newsmon.messages import plural
from newsmon.settings import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from flows.poll import PollSummary

# What the demo takes from the desk: where its home is, and the converted model to reuse.
_DEMO_KEEPS = ("NEWSMON_HOME", "NEWSMON_MODEL_CACHE")
# Failed articles named one per line after a poll; `status` counts the rest by reason.
FAILED_ARTICLES_SHOWN = 5


def run(ctx: typer.Context) -> None:
    """Poll every configured source once now, store, and send alerts. Exits 1 when a source
    or an alert failed (each named).

    Example: NEWSMON_SMTP_URL=smtp://127.0.0.1:8025 newsmon run
    """
    current = settings(ctx)
    summary = _poll(current, config_file(ctx))
    _print_summary(summary)
    if summary.source_errors or summary.alerts_failed:
        raise typer.Exit(1)


def demo(ctx: typer.Context) -> None:
    """Serve seed-like pages on 127.0.0.1, poll them once, show what was stored and alerted.

    Everything stays under NEWSMON_HOME/demo: its own store and outbox folder;
    no NEWSMON_* setting of the desk (database, SMTP server, recipients, --config)
    applies.

    Example: NEWSMON_HOME=/tmp/newsmon-demo newsmon demo
    """
    from newsmon.demo import DemoServer, demo_config, demo_settings
    from newsmon.store import now

    desk = _desk_of_demo(ctx)
    started = now()
    with demo_settings(desk) as home, DemoServer() as server:
        config = home / "demo.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(demo_config(server.base_url), encoding="utf-8")
        typer.echo(f"demo pages on {server.base_url}; config {config}")
        current = guarded(lambda: load_settings(config))
        summary = _poll(current, str(config))
        _print_summary(summary)
        _print_articles(current, started)


def _desk_of_demo(ctx: typer.Context) -> Settings:
    """The desk's settings, of which the demo uses only its home and model cache: a desk
    configuration that does not load is named on one line and left out."""
    try:
        return load_settings(invocation(ctx).config)
    except ConfigError as exc:
        warn(f"the demo goes on without the desk's configuration, which has an error: {exc}")
    kept = {name: os.environ[name] for name in _DEMO_KEEPS if name in os.environ}
    return guarded(lambda: load_settings(None, kept))


def _poll(current: Settings, config: str | None) -> PollSummary:
    """One poll through Prefect: the configured API, else a server this process owns."""
    prepare_prefect(current)
    from flows.poll import PollSummary, poll

    return PollSummary(**in_prefect(current, lambda: poll(config_file=config)))


def serve(ctx: typer.Context) -> None:
    """Run polls on the config's schedule until Ctrl-C or SIGTERM (exit 130 or 143).

    Starts a local Prefect server (127.0.0.1, state under NEWSMON_HOME, with its
    UI) unless PREFECT_API_URL points at one; prints one line per poll.

    Example: newsmon serve
    """
    current = settings(ctx)
    if current.web_port:
        binding_allowed(current.web_host, current.web_token)
    prepare_prefect(current)
    from newsmon.serve import serve as serve_polls
    from newsmon.server import ServerError, prefect_api

    log_path = current.home / "logs" / "polls.log"
    try:
        # Until the polling loop takes them over: a signal during start-up unwinds (the
        # server is stopped), and SIGINT works even where a shell started us with it ignored.
        signal.signal(signal.SIGTERM, _raise_interrupt)
        signal.signal(signal.SIGINT, _raise_interrupt)
        with prefect_api(current.prefect_home, scheduling=True) as server:
            ui = f"; Prefect UI at {server.address}" if server else ""
            typer.echo(
                f"polling {len(current.sources)} sources every {current.interval_seconds} s"
                f"{ui}; poll logs in {log_path}"
            )
            code = serve_polls(
                current.interval_seconds, config_file(ctx), log_path, server, typer.echo
            )
    except ServerError as exc:
        fail(str(exc), code=1)
    except _Interrupted as exc:
        code = 128 + exc.signum
    typer.echo(f"newsmon: stopped by {signal.Signals(code - 128).name}", err=True)
    raise typer.Exit(code)


class _Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_interrupt(signum: int, frame: object) -> None:
    raise _Interrupted(signum)


def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    demo: DemoOption = False,
) -> None:
    """Per-source last fetch, errors and counts; articles and alerts stored; messages
    given up on (dead) and why.

    Example: newsmon status --json
    """
    current = review_settings(ctx, demo)
    report = existing_store(current).status(current.sources)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    alerts = report["alerts"]
    typer.echo(
        f"articles: {report['articles']} stored, {report['failed_articles']} failed, "
        f"{report['flagged']} flagged; alerts: {alerts['sent']} sent, {alerts['queued']} queued"
    )
    delivery = report["delivery"]
    if delivery["last_error"]:
        typer.echo(
            f"  last delivery error {delivery['last_error_at']}: "
            f"{delivery['last_error_headline']} ({delivery['last_error_recipient']}): "
            f"{delivery['last_error']}"
        )
    if delivery["dead"]:
        typer.echo(
            f"  dead messages (given up after {current.delivery_attempts} tries; "
            f"`newsmon alerts retry` requeues them): {delivery['dead']}; "
            f"last {delivery['last_dead_at']}: {delivery['last_dead_reason']}"
        )
    for reason, count in report["failed_by_reason"].items():
        typer.echo(f"  failed articles, {reason}: {count}")
    for source in report["sources"]:
        state = "ok" if source["health"] == "ok" else source["health"].upper()
        if source["last_error"]:
            state = f"ERROR x{source['consecutive_failures']}: {source['last_error']}"
        ran = f"last run {source['last_run_at']}  " if source["last_run_at"] else ""
        typer.echo(
            f"  {source['name']:28} {source['articles']:5d} articles "
            f"{source['failed_articles']:3d} failed  {ran}{state}"
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
        fail(f"sources check: {failures} of {len(current.sources)} sources failed", code=1)


def _print_summary(summary: PollSummary) -> None:
    typer.echo(summary.line())
    for name, error in summary.source_errors.items():
        warn(f"source {name}: {error}")
    shown = summary.article_failures[:FAILED_ARTICLES_SHOWN]
    for failure in shown:
        warn(f"article failed, {failure}")
    if hidden := len(summary.article_failures) - len(shown):
        warn(f"and {hidden} more failed {plural('article', hidden)} (`newsmon status` counts them)")
    for failure in summary.alert_failures:
        warn(f"alert failed: {failure}")


def _print_articles(current: Settings, since: datetime) -> None:
    from newsmon.store import open_store

    store = open_store(current)
    typer.echo("stored articles (last stored first):")
    for row in store.articles(limit=20):
        score = f"{row.score:.3f}" if row.score is not None else "  -  "
        mark = "FLAG" if row.flagged else ("ERR " if row.status == "failed" else "    ")
        when = (
            row.published_at.date().isoformat() if isinstance(row.published_at, datetime) else "?"
        )
        typer.echo(
            f"  {mark} {score} {row.lang or '-':3} {when} {row.outlet}: {row.title or row.error}"
        )
    sent = store.sent_alerts(since=since)
    typer.echo("alerts delivered by this run:" if sent else "no alert delivered by this run")
    for recipient, title, where in sent:
        typer.echo(f"  to {recipient}: {title}\n    -> {where}")
