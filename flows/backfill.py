"""The backfill flow: a list of article URLs through the same stages, without alert emails."""

from __future__ import annotations

import uuid
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from extractors.records import AnalysedArticle, FeedEntry
from extractors.urls import canonical_url
from flows.collect import fetch_article
from flows.tasks import CLASSIFY_BATCH, classify_batch, save_articles
from newsmon.fetch import Fetcher
from newsmon.settings import Settings, load_settings
from newsmon.store import open_store

BACKFILL_SOURCE = "backfill"


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def fetch_batch(urls: list[str], fetcher: Fetcher) -> list[AnalysedArticle]:
    return [
        fetch_article(FeedEntry(url=url), BACKFILL_SOURCE, _outlet(url), fetcher) for url in urls
    ]


@flow(name="newsmon-backfill", task_runner=ThreadPoolTaskRunner(max_workers=4))
def backfill(urls: list[str], config_file: str | None = None) -> list[dict[str, object]]:
    """Fetch, analyse, classify and store the given article URLs; send no alerts."""
    settings = load_settings(Path(config_file) if config_file else None)
    return run_backfill(settings, urls)


def run_backfill(settings: Settings, urls: list[str]) -> list[dict[str, object]]:
    store = open_store(settings)
    todo = store.unseen([canonical_url(url) for url in urls])
    wanted = set(todo)
    originals = [url for url in dict.fromkeys(urls) if canonical_url(url) in wanted]
    with Fetcher(settings) as fetcher:
        futures = [
            fetch_batch.submit(originals[i : i + 50], quote(fetcher))
            for i in range(0, len(originals), 50)
        ]
        articles = [article for future in futures for article in future.result()]
    scored: list[AnalysedArticle] = []
    for start in range(0, len(articles), CLASSIFY_BATCH):
        scored += classify_batch(quote(articles[start : start + CLASSIFY_BATCH]), quote(settings))
    save_articles(quote(scored), quote(store), settings.alert_to, alert=False)
    run = flow_run.get_id() or uuid.uuid4().hex
    return [_row(article, str(run)) for article in scored]


def _row(article: AnalysedArticle, run_id: str) -> dict[str, object]:
    topic = article.topic
    return {
        "run_id": run_id,
        "url": article.url,
        "title": article.title,
        "lang": article.language.code if article.language else None,
        "score": topic.score if topic else None,
        "flag": bool(topic and topic.flag),
        "error": article.error,
    }


def _outlet(url: str) -> str:
    return url.split("/")[2] if url.count("/") >= 2 else url
