"""Prefect tasks: each one retryable unit of I/O or one batch of work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, replace
from datetime import datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from extractors.records import AnalysedArticle
from extractors.topic import Document
from flows.collect import Collected, collect
from newsmon.alerts import Delivery, deliver_pending
from newsmon.classifier import build_classifier
from newsmon.fetch import Fetcher
from newsmon.settings import Settings, Source
from newsmon.store import Store

CLASSIFY_BATCH = 200


# Arguments are big or hold locks (clients, models): never hash them for a cache key.
@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def collect_source(
    source: Source,
    fetcher: Fetcher,
    store: Store,
    run_id: str,
    max_articles: int,
    budget_seconds: float,
) -> Collected:
    return collect(source, fetcher, store, run_id, max_articles, budget_seconds)


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def classify_batch(
    articles: Sequence[AnalysedArticle], settings: Settings
) -> list[AnalysedArticle]:
    return score_articles(articles, settings)


def score_articles(
    articles: Sequence[AnalysedArticle], settings: Settings
) -> list[AnalysedArticle]:
    """The topic score of every readable article (the model is loaded once per process)."""
    classifier = build_classifier(settings)
    readable = [a for a in articles if a.error is None]
    scores = iter(
        classifier.score(
            [Document(a.title, a.text, a.language.code if a.language else "und") for a in readable]
        )
    )
    return [a if a.error else replace(a, topic=next(scores)) for a in articles]


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[2, 5, 15])
def save_articles(
    articles: Sequence[AnalysedArticle], store: Store, recipients: Sequence[str], alert: bool = True
) -> list[str]:
    return store.save(articles, recipients, alert=alert)


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[2, 5, 15])
def record_stored(store: Store, source: Source, result: Collected, new: int) -> None:
    """After the articles are stored: the ``new`` ones counted in the source's log, and its
    validators remembered (a crash before this leaves the next poll unconditional). Both
    overwrite, so a retry changes nothing twice."""
    if result.log_id is not None:
        store.count_new(result.log_id, new)
    if result.validators is not None:
        store.remember_validators(source.name, source.url, *astuple(result.validators))


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[2, 5, 15])
def check_health(store: Store, settings: Settings) -> list[tuple[str, str]]:
    """After the sources were polled: warn the admin of sources that went bad or recovered."""
    sources = [(s.name, s.expected_interval_hours) for s in settings.sources if s.enabled]
    return store.update_health(sources, settings.health_failures, settings.admin_to)


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[2, 5, 15])
def settle_stories(store: Store, since: datetime | None, until: datetime | None) -> int:
    """After articles were stored: make one story of the stories settled since that report
    one event (``Store.settle_stories``); how many were made part of another."""
    return store.settle_stories(since, until)


def settle_or_log(
    store: Store, since: datetime | None = None, until: datetime | None = None
) -> None:
    """``settle_stories``, whose failure is logged and leaves the run's work standing:
    stories left unsettled settle at a later poll or backfill."""
    try:
        settle_stories(quote(store), since, until)
    except Exception as exc:
        get_run_logger().error("settling stories failed: %s: %s", type(exc).__name__, exc)


@task(cache_policy=NO_CACHE)
def deliver_alerts(store: Store, settings: Settings) -> Delivery:
    # Failures stay queued in the outbox table for the next run: no task-level retries.
    return deliver_pending(store, settings)
