"""The poll flow: every source concurrently; each one classified and stored as soon as it is
collected, and alerted once the others are in or the alert hold is over."""

from __future__ import annotations

import queue
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from extractors.records import AnalysedArticle
from flows.collect import Collected
from flows.tasks import (
    CLASSIFY_BATCH,
    check_health,
    classify_batch,
    collect_source,
    deliver_alerts,
    record_stored,
    save_articles,
    settle_or_log,
)
from newsmon.fetch import Fetcher
from newsmon.messages import plural
from newsmon.settings import Settings, Source, load_settings
from newsmon.store import DeliveryFailure, FetchOutcome, Store, now, open_store


@dataclass
class PollSummary:
    run_id: str
    sources: int = 0
    source_errors: dict[str, str] = field(default_factory=dict)
    fetched: int = 0
    failed_articles: int = 0
    # "source: url: error" of each article that failed, for the person who ran the poll.
    article_failures: list[str] = field(default_factory=list)
    new_articles: int = 0
    flagged: list[str] = field(default_factory=list)
    alerts_sent: int = 0
    alerts_failed: int = 0
    alert_failures: list[str] = field(default_factory=list)
    alert_destination: str = ""
    health_changes: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def line(self) -> str:
        """What the poll did, in one line for a person (`run` and `serve` print it)."""
        failed = len(self.source_errors)
        sent = f"{self.alerts_sent} {plural('message', self.alerts_sent)}"
        alerts = f"{sent} sent to {self.alert_destination}"
        if self.alerts_failed:
            alerts += f", {self.alerts_failed} failed (kept queued)"
        return (
            f"{now().isoformat(timespec='seconds')} poll: {self.sources - failed} of "
            f"{self.sources} sources ok, {self.new_articles} new "
            f"{plural('article', self.new_articles)} "
            f"({self.failed_articles} failed), {len(self.flagged)} flagged; {alerts}; "
            f"{self.seconds:.1f} s"
        )


@dataclass
class AlertHold:
    """Until when (monotonic seconds) stored alerts wait for the sources still out."""

    seconds: float
    due: float | None = None

    def start(self) -> None:
        if self.due is None:
            self.due = time.monotonic() + self.seconds

    def over(self) -> bool:
        return self.due is not None and time.monotonic() >= self.due

    def end(self) -> None:
        self.due = None


@flow(name="newsmon-poll", task_runner=ThreadPoolTaskRunner(max_workers=8))
def poll(config_file: str | None = None, announce: bool = False) -> dict[str, object]:
    """One poll of every configured source; ``announce`` prints its summary line (`serve`)."""
    settings = load_settings(Path(config_file) if config_file else None)
    summary = run_poll(settings)
    if announce:
        print(summary.line(), flush=True)
    return summary.as_dict()


def run_poll(settings: Settings) -> PollSummary:
    """Each source is classified and stored as soon as it is collected, so a slow host holds
    back only its own articles. Alerts wait for the sources still out, at most
    ``alert_hold_seconds`` after the first flagged article: copies of a story collected
    meanwhile are listed in its alert, not sent as follow-ups."""
    started = time.monotonic()
    run_id = flow_run.get_id() or uuid.uuid4().hex
    store = open_store(settings)
    summary = PollSummary(run_id=str(run_id))
    failures: dict[str, DeliveryFailure] = {}
    deliver_in_loop = True
    hold = AlertHold(settings.alert_hold_seconds)
    for collected in _collected(settings, store, summary, hold):
        if collected is not None:
            flagged = _store_source(*collected, store, settings, summary)
            if flagged and deliver_in_loop:
                hold.start()
        if hold.over():
            deliver_in_loop = _deliver(store, settings, summary, failures)
            hold.end()
    summary.health_changes = dict(check_health(quote(store), quote(settings)))
    # Held alerts, health notices, due digests, and whatever earlier deliveries left queued.
    _deliver(store, settings, summary, failures)
    # Day-old stories: nothing of theirs is held, so after the deliveries.
    settle_or_log(store)
    summary.alerts_failed = len(failures)
    summary.alert_failures = [failure.describe() for failure in failures.values()]
    summary.seconds = round(time.monotonic() - started, 1)
    get_run_logger().info("poll %s: %s", summary.run_id, summary.as_dict())
    return summary


def _store_source(
    source: Source, result: Collected, store: Store, settings: Settings, summary: PollSummary
) -> int:
    """Classify and store one source's articles, then count the new ones in its log and
    remember its validators; the number of new flagged articles."""
    articles = result.articles
    summary.fetched += sum(a.error is None for a in articles)
    failures = [f"{source.name}: {a.url}: {a.error}" for a in articles if a.error is not None]
    summary.failed_articles += len(failures)
    summary.article_failures += failures
    scored: list[AnalysedArticle] = []
    for start in range(0, len(articles), CLASSIFY_BATCH):
        batch = articles[start : start + CLASSIFY_BATCH]
        scored += classify_batch(quote(batch), quote(settings))
    new = set(save_articles(quote(scored), quote(store), settings.alert_to))
    record_stored(quote(store), quote(source), quote(result), len(new))
    flagged = [a.url for a in scored if a.canonical_url in new and a.topic and a.topic.flag]
    summary.new_articles += len(new)
    summary.flagged += flagged
    return len(flagged)


def _deliver(
    store: Store, settings: Settings, summary: PollSummary, failures: dict[str, DeliveryFailure]
) -> bool:
    """Send what is queued; a message counts as failed if its last try in this poll failed.
    False when mail failed or another poller was delivering: then only the poll's final
    delivery tries again, so neither a failing message nor a wait for the lock comes once per
    source."""
    delivery = deliver_alerts(quote(store), quote(settings))
    summary.alerts_sent += len(delivery.sent)
    summary.alert_destination = delivery.destination
    for key in delivery.sent:
        failures.pop(key, None)
    failures.update((failure.key, failure) for failure in delivery.failed)
    return not delivery.failed and not delivery.note


def _collected(
    settings: Settings, store: Store, summary: PollSummary, hold: AlertHold
) -> Iterator[tuple[Source, Collected] | None]:
    """Every enabled source's collection, in the order they finish; None whenever the hold
    is over with no source finished."""
    sources = [source for source in settings.sources if source.enabled]
    summary.sources = len(sources)
    finished: queue.SimpleQueue[PrefectFuture[Collected]] = queue.SimpleQueue()
    with Fetcher(settings, store.take_turn) as fetcher:
        futures = {
            collect_source.submit(
                quote(source),
                quote(fetcher),
                quote(store),
                summary.run_id,
                settings.max_articles_per_source,
                settings.source_budget_seconds,
            ): source
            for source in sources
        }
        for future in futures:
            future.add_done_callback(finished.put)
        for _ in futures:
            while (future := _next_finished(finished, hold.due)) is None:
                yield None
            source = futures[future]
            result = future.result(raise_on_failure=False)
            if isinstance(result, Collected):
                if result.error:
                    summary.source_errors[source.name] = result.error
                yield source, result
                continue
            # A bug, not a bad source: still recorded against the source, others go on.
            error = f"internal error: {result!r}"
            summary.source_errors[source.name] = error
            store.record_fetch(
                FetchOutcome(source.name, summary.run_id, now(), 0, "error", None, error),
                source.outlet,
                source.url,
            )


def _next_finished(
    finished: queue.SimpleQueue[PrefectFuture[Collected]], due: float | None
) -> PrefectFuture[Collected] | None:
    """The next finished collection, or None if the monotonic time ``due`` came first."""
    try:
        if due is None:
            return finished.get()
        return finished.get(timeout=max(0.0, due - time.monotonic()))
    except queue.Empty:
        return None
