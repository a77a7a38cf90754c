"""The `newsmon` command: thin wrappers over the same functions and flows scheduled runs use."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from newsmon.settings import ConfigError, Settings, load_settings

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Watch news outlets, flag coverage of a topic, alert a desk once.",
)
sources_app = typer.Typer(no_args_is_help=True, help="Inspect the configured sources.")
app.add_typer(sources_app, name="sources")

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", envvar="NEWSMON_CONFIG", help="A TOML file overriding the shipped config."
    ),
]


class _State:
    config: Path | None = None


_state = _State()


@app.callback()
def main(config: ConfigOption = None) -> None:
    """Every command honours NEWSMON_HOME (data directory) and NEWSMON_* settings."""
    _state.config = config


def _settings() -> Settings:
    try:
        return load_settings(_state.config)
    except ConfigError as exc:
        _fail(f"configuration error: {exc}")


def _fail(message: str, code: int = 2) -> Any:
    typer.echo(f"newsmon: {message}", err=True)
    raise typer.Exit(code)


def _prefect(settings: Settings) -> None:
    from newsmon.prefect_env import configure_prefect

    configure_prefect(settings.prefect_home)


@app.command()
def run() -> None:
    """Poll every configured source once now, store, and send alerts.

    Example: NEWSMON_SMTP_URL=smtp://127.0.0.1:8025 newsmon run
    """
    settings = _settings()
    _prefect(settings)
    from flows.poll import poll

    summary = _guarded(lambda: poll(config_file=_config_arg()))
    _print_summary(summary)


@app.command()
def demo() -> None:
    """Serve seed-like pages on 127.0.0.1, poll them once, show what was stored and alerted.

    Example: NEWSMON_HOME=/tmp/newsmon-demo newsmon demo
    """
    from newsmon.demo import DemoServer, demo_config

    settings = _settings()
    _prefect(settings)
    from flows.poll import poll

    with DemoServer() as server:
        config = settings.home / "demo.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(demo_config(server.base_url), encoding="utf-8")
        typer.echo(f"demo pages on {server.base_url}; config {config}")
        summary = _guarded(lambda: poll(config_file=str(config)))
    _print_summary(summary)
    _print_articles(settings)


@app.command()
def serve() -> None:
    """Run polls on the config's schedule until interrupted.

    Starts and supervises a local Prefect server (127.0.0.1, state under NEWSMON_HOME) unless
    PREFECT_API_URL points at one. Example: newsmon serve
    """
    settings = _settings()
    _prefect(settings)
    from newsmon.server import LocalPrefectServer, ServerError

    # A service manager stops us with SIGTERM: unwind so the local server is stopped too
    # (Prefect's runner installs its own handler once serving; this covers start-up).
    signal.signal(signal.SIGTERM, _exit_on_signal)
    if os.environ.get("PREFECT_API_URL"):
        _serve(settings)
        return
    try:
        with LocalPrefectServer(Path(os.environ["PREFECT_HOME"])) as server:
            typer.echo(f"local Prefect server at {server.api_url} (log: {server.log_path})")
            os.environ["PREFECT_API_URL"] = server.api_url
            _serve(settings)
    except ServerError as exc:
        _fail(str(exc), code=1)


def _exit_on_signal(signum: int, frame: object) -> None:
    # Prefect's runner shuts down cleanly on KeyboardInterrupt, as on Ctrl-C.
    raise KeyboardInterrupt


def _serve(settings: Settings) -> None:
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
        interval=settings.interval_seconds,
        parameters={"config_file": _config_arg()},
    )
    typer.echo(f"polling {len(settings.sources)} sources every {settings.interval_seconds} s")
    try:
        asyncio.run(runner.start())
    except KeyboardInterrupt:
        typer.echo("stopping")


@app.command()
def backfill(
    urls: Annotated[Path, typer.Option(help="A file with one article URL a line.")],
) -> None:
    """Fetch, analyse, classify and store listed article URLs; no alert emails.

    Example: newsmon backfill --urls missed.txt
    """
    settings = _settings()
    lines = [line.strip() for line in _read(urls).splitlines()]
    wanted = [line for line in lines if line.startswith(("http://", "https://"))]
    _prefect(settings)
    from flows.backfill import backfill as backfill_flow

    rows = _guarded(lambda: backfill_flow(urls=wanted, config_file=_config_arg()))
    typer.echo(f"{'flag':4} {'score':>6} {'lang':4} title / url")
    for row in rows:
        mark = "YES" if row["flag"] else ("ERR" if row["error"] else "")
        score = f"{row['score']:.3f}" if row["score"] is not None else "-"
        typer.echo(
            f"{mark:4} {score:>6} {row['lang'] or '-':4} "
            f"{row['title'] or row['error']} <{row['url']}>"
        )
    skipped = len(wanted) - len(rows)
    typer.echo(
        f"{sum(bool(r['flag']) for r in rows)} flagged of {len(rows)} processed; "
        f"{skipped} already stored"
    )


@app.command()
def classify(
    input: Annotated[
        Path, typer.Option("--input", help="JSON lines with text, optional title and url.")
    ],
) -> None:
    """Score texts: one JSON line out (lang, score, flag, why) per line in, in order.

    Example: newsmon classify --input articles.jsonl > scores.jsonl
    """
    from extractors.language import detect_language
    from extractors.topic import Document

    classifier = _classifier(_settings())
    for batch in _batches(_read(input).splitlines(), 64):
        docs, errors = _documents(batch)
        scores = iter(classifier.score([d for d in docs if d is not None]))
        for doc, error in zip(docs, errors, strict=True):
            if doc is None:
                typer.echo(json.dumps({"error": error}))
                continue
            score = next(scores)
            lang = detect_language(f"{doc.title}\n{doc.text}").code
            typer.echo(
                json.dumps(
                    {
                        "lang": lang,
                        "score": score.score,
                        "flag": score.flag,
                        "why": {
                            "passage": score.passage,
                            "terms": list(score.terms),
                            "model": score.model,
                            "note": score.note,
                        },
                    },
                    ensure_ascii=False,
                )
            )
    del Document


def _documents(lines: list[str]) -> tuple[list[Any], list[str | None]]:
    from extractors.topic import Document

    docs: list[Any] = []
    errors: list[str | None] = []
    for line in lines:
        try:
            row = json.loads(line)
            docs.append(Document(str(row.get("title") or ""), str(row["text"])))
            errors.append(None)
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            docs.append(None)
            errors.append(f"not a JSON object with text: {exc}")
    return docs, errors


@app.command()
def train(
    labels: Annotated[Path, typer.Option(help="JSON lines: text, label, optional title and lang.")],
    output: Annotated[
        Path | None,
        typer.Option(help="Where to save the classifier (default: the config's classifier_file)."),
    ] = None,
) -> None:
    """Train the topic classifier from labelled examples and save it.

    Example: newsmon train --labels seeds/labels.jsonl
    """
    import hashlib

    from extractors.topic import Head
    from extractors.training import fit_head
    from newsmon.classifier import build_classifier, save_head
    from newsmon.labels import LabelError, read_labelled

    settings = _settings()
    try:
        examples = read_labelled(labels)
    except LabelError as exc:
        _fail(str(exc))
    untrained = build_classifier(settings, head=Head(settings.model, (), 0.0))
    try:
        head = fit_head(untrained, examples)
    except ValueError as exc:
        _fail(str(exc))
    target = output or settings.classifier_file
    digest = hashlib.sha256(labels.read_bytes()).hexdigest()[:16]
    save_head(
        target,
        head,
        {
            "file": labels.name,
            "sha256": digest,
            "examples": len(examples),
            "positives": sum(e.label for e in examples),
        },
    )
    typer.echo(f"trained on {len(examples)} examples; saved {target}")


@app.command(name="eval")
def evaluate(
    labels: Annotated[Path, typer.Option(help="JSON lines: text, label, optional title and lang.")],
) -> None:
    """Precision, recall and F1 per language, a threshold sweep and the worst mistakes.

    Example: newsmon eval --labels desk-labels.jsonl
    """
    from newsmon.labels import LabelError, read_labelled, report

    settings = _settings()
    try:
        examples = read_labelled(labels)
    except LabelError as exc:
        _fail(str(exc))
    classifier = _classifier(settings)
    scores = [s.score for s in classifier.score([e.doc for e in examples])]
    typer.echo(report(examples, scores, settings.threshold))


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Saved HTML pages (.html or .html.gz).")],
    url: Annotated[str | None, typer.Option(help="The page's URL.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Show what the pipeline would store for saved pages.

    Example: newsmon extract page.html.gz --url https://civil.ge/archives/1 --json
    """
    from extractors.analyse import analyse_page
    from extractors.records import FeedEntry, FetchedPage
    from newsmon.store import now

    for path in paths:
        page_url = url or path.resolve().as_uri()
        try:
            raw = path.read_bytes()
            content = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        except (OSError, EOFError) as exc:
            _emit_extract({"path": str(path), "error": str(exc)}, as_json)
            continue
        page = FetchedPage(page_url, page_url, content, now(), "extract")
        article = analyse_page(page, FeedEntry(url=page_url), "")
        _emit_extract(
            {
                "path": str(path),
                "url": page_url,
                "title": article.title,
                "text": article.text,
                "lang": article.language.code if article.language else None,
                "published": article.published.isoformat() if article.published else None,
                "note": article.note,
                "error": article.error,
            },
            as_json,
        )


def _emit_extract(row: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(
            json.dumps(
                {
                    k: v
                    for k, v in row.items()
                    if v is not None or k in ("title", "text", "lang", "published")
                },
                ensure_ascii=False,
            )
        )
        return
    if row.get("error"):
        typer.echo(f"== {row['path']}: ERROR {row['error']}\n")
        return
    typer.echo(
        f"== {row['path']}\ntitle: {row['title']}\nlang: {row['lang']}\n"
        f"published: {row['published']}\n\n{row['text']}\n"
    )


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Per-source last fetch, errors and counts; articles and alerts stored.

    Example: newsmon status --json
    """
    from newsmon.store import Store

    settings = _settings()
    report = Store(settings.database).status()
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    alerts = report["alerts"]
    typer.echo(
        f"articles: {report['articles']} stored, {report['failed_articles']} failed, "
        f"{report['flagged']} flagged; alerts: {alerts['sent']} sent, "  # type: ignore[index]
        f"{alerts['queued']} queued"
    )  # type: ignore[index]
    for source in report["sources"]:  # type: ignore[attr-defined]
        state = (
            f"ERROR x{source['consecutive_failures']}: {source['last_error']}"
            if source["last_error"]
            else "ok"
        )
        typer.echo(
            f"  {source['name']:28} {source['articles']:5d} articles  "
            f"last run {source['last_run_at'] or 'never'}  {state}"
        )


@sources_app.command("check")
def sources_check() -> None:
    """Fetch each source once and report whether it answers and parses; stores nothing.

    Example: newsmon sources check
    """
    from flows.collect import parse_links
    from newsmon.fetch import FEED_TYPES, Fetcher, FetchError, NotModified

    settings = _settings()
    failures = 0
    with Fetcher(settings) as fetcher:
        for source in settings.sources:
            try:
                page = fetcher.get(source.url, source.name, FEED_TYPES)
            except FetchError as exc:
                failures += 1
                typer.echo(f"FAIL {source.name:24} {source.url}  {exc}")
                continue
            assert not isinstance(page, NotModified)
            parsed = parse_links(source, page)
            ok = bool(parsed.entries)
            failures += not ok
            typer.echo(
                f"{'OK' if ok else 'FAIL':4} {source.name:24} {source.url}  "
                f"{len(parsed.entries)} entries" + (f"; {parsed.error}" if parsed.error else "")
            )
    if failures:
        raise typer.Exit(1)


def _classifier(settings: Settings) -> Any:
    from newsmon.classifier import build_classifier

    try:
        return build_classifier(settings)
    except ConfigError as exc:
        _fail(f"configuration error: {exc}")


def _guarded(call: Any) -> Any:
    try:
        return call()
    except ConfigError as exc:
        _fail(f"configuration error: {exc}")


def _config_arg() -> str | None:
    return str(_state.config) if _state.config else None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror}")
    return ""


def _batches(lines: list[str], size: int) -> Iterator[list[str]]:
    lines = [line for line in lines if line.strip()]
    for start in range(0, len(lines), size):
        yield lines[start : start + size]


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


def _print_articles(settings: Settings) -> None:
    from newsmon.store import Store

    for row in Store(settings.database).articles(limit=20):
        score = f"{row.score:.3f}" if row.score is not None else "  -  "
        mark = "FLAG" if row.flagged else ("ERR " if row.status == "failed" else "    ")
        when = (
            row.published_at.date().isoformat() if isinstance(row.published_at, datetime) else "?"
        )
        typer.echo(
            f"  {mark} {score} {row.lang or '-':3} {when} {row.outlet}: {row.title or row.error}"
        )


if __name__ == "__main__":
    sys.exit(app())
