"""The backfill flow: URL files, sitemaps or WARC archives through the live stages, in a date
range, resumable, writing a report instead of sending alerts.

Work goes in batches of ``backfill_batch``: each batch is analysed and classified as one task
(on threads or a Dask cluster) and stored as soon as it is done, so an interrupted backfill
redoes at most the batches in flight, and a rerun finds everything else already stored.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import chain, islice
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from extractors.analyse import analyse_page
from extractors.records import AnalysedArticle, FeedEntry, FetchedPage
from extractors.urls import canonical_url, is_web_address, same_site
from flows.backfill_inputs import (
    Candidate,
    DateRange,
    InputProblems,
    archived_candidates,
    archived_total,
    listed_urls,
    sitemap_candidates,
)
from flows.collect import fetch_page
from flows.tasks import score_articles, settle_or_log
from newsmon.alerts import deliver_pending
from newsmon.fetch import Fetcher
from newsmon.progress import ProgressBar
from newsmon.report import write_report
from newsmon.settings import ConfigError, Settings, load_settings
from newsmon.store import SETTLE_AFTER, ArticleRow, Store, failure_reason, now, open_store

BACKFILL_SOURCE = "backfill"
IN_FLIGHT = 4


@dataclass(frozen=True)
class BackfillRequest:
    since: datetime | None = None
    until: datetime | None = None
    source: str | None = None
    urls_file: str | None = None
    sitemaps: tuple[str, ...] = ()
    warcs: tuple[str, ...] = ()
    report_dir: str | None = None
    alert: bool = False
    # Pages given up after MAX_ARTICLE_ATTEMPTS failed tries get their tries back (what failed
    # them, a setting or a site down for days, has been fixed).
    retry_given_up: bool = False

    @property
    def job_id(self) -> str:
        """The same inputs and range are the same job, however often it is run."""
        named = (self.since, self.until, self.source, self.urls_file, self.sitemaps, self.warcs)
        return hashlib.sha256(repr(named).encode()).hexdigest()[:12]


@dataclass
class BackfillSummary:
    job_id: str
    run_id: str
    candidates: int = 0
    already_stored: int = 0
    # Pages that failed MAX_ARTICLE_ATTEMPTS times before: not fetched again.
    given_up: int = 0
    # Pages extracted and analysed: those stored, failed, out of the range or another
    # URL of a page already stored.
    analysed: int = 0
    stored: int = 0
    failed: int = 0
    flagged: int = 0
    out_of_range: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    input_errors: list[str] = field(default_factory=list)
    report: dict[str, str] = field(default_factory=dict)
    digests_sent: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class _Origin:
    """Who an article is filed under: a configured source, or the site it is on."""

    source: str
    outlet: str | None = None
    language: str | None = None
    site: str | None = None

    def outlet_of(self, url: str) -> str:
        if self.outlet:
            return self.outlet
        return url.split("/")[2] if url.count("/") >= 2 else url


@dataclass(frozen=True)
class WorkItem:
    """One candidate ready for analysis: its page, or the article its failed fetch became;
    an archived page's capture time stands in for an unknown publication date."""

    entry: FeedEntry
    got: FetchedPage | AnalysedArticle
    outlet: str
    captured: datetime | None = None


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def analyse_batch(
    work: list[WorkItem], language: str | None, settings: Settings
) -> list[AnalysedArticle]:
    """Extraction, language and topic score of one batch: the CPU-heavy part."""
    articles = [
        analyse_page(item.got, item.entry, item.outlet, language, item.captured)
        if isinstance(item.got, FetchedPage)
        else item.got
        for item in work
    ]
    return score_articles(articles, settings)


@flow(name="newsmon-backfill", task_runner=ThreadPoolTaskRunner(max_workers=2))
def backfill(
    request: BackfillRequest, config_file: str | None = None, show_progress: bool = False
) -> dict[str, object]:
    """Backfill the request's inputs; store, report, and send no alert unless asked."""
    settings = load_settings(Path(config_file) if config_file else None)
    return run_backfill(settings, request, show_progress).as_dict()


def run_backfill(
    settings: Settings, request: BackfillRequest, show_progress: bool = False
) -> BackfillSummary:
    store = open_store(settings)
    origin = _origin(settings, request.source)
    dates = DateRange(request.since, request.until)
    run_id = str(flow_run.get_id() or uuid.uuid4().hex)
    summary = BackfillSummary(request.job_id, run_id)
    problems = InputProblems(summary.input_errors)
    keys: dict[str, None] = {}
    warcs = [Path(path) for path in request.warcs]
    with (
        Fetcher(settings, store.take_turn) as fetcher,
        _fetching_pool(settings, fetcher) as pool,
    ):
        listed = _listed(request, origin, fetcher, dates, problems)
        # Counting an archive's records costs a pass over it: only for a bar that shows it.
        total = len(listed) + (archived_total(warcs) if show_progress else 0)
        bar = ProgressBar(show_progress, total)
        archived = archived_candidates(warcs, origin.source, settings.max_bytes, problems)
        wanted = _wanted(chain(listed, archived), origin, keys, summary, bar.passed)
        in_flight: deque[tuple[list[WorkItem], PrefectFuture[list[AnalysedArticle]]]] = deque()
        with bar:
            for batch in _batches(wanted, settings.backfill_batch):
                work = _fetched(
                    store, batch, origin, fetcher, pool, summary, bar, request.retry_given_up
                )
                if work:
                    # Not quoted: prefect-dask mangles quoted arguments (lists become lists
                    # of lists), and a batch is small to walk.
                    future = analyse_batch.submit(work, origin.language, settings)
                    in_flight.append((work, future))
                # Finished batches are stored at once; a few ahead keep the workers busy
                # and bound what a crash redoes.
                while in_flight and (
                    len(in_flight) > IN_FLIGHT or in_flight[0][1].state.is_final()
                ):
                    _store_batch(store, *in_flight.popleft(), dates, summary, bar.done)
            while in_flight:
                _store_batch(store, *in_flight.popleft(), dates, summary, bar.done)
    stored = store.lookup(list(keys))
    if told := [r.published_at or r.fetched_at for r in stored if r.story_id is not None]:
        # The range's stories that have settled, as polls settle them as they go.
        settle_or_log(store, since=min(told), until=min(max(told) + SETTLE_AFTER, now()))
        stored = store.lookup(list(keys))
    rows = [r for r in stored if dates.holds(r.published_at)]
    folder = Path(request.report_dir) if request.report_dir else settings.home / "reports"
    summary.report = write_report(folder, f"backfill-{request.job_id}", rows, summary.as_dict())
    if request.alert:
        _queue_digest(store, settings, request, rows)
        summary.digests_sent = len(deliver_pending(store, settings).sent)
    get_run_logger().info("backfill %s: %s", summary.job_id, summary.as_dict())
    return summary


def _origin(settings: Settings, name: str | None) -> _Origin:
    if name is None:
        return _Origin(BACKFILL_SOURCE)
    for source in settings.sources:
        if source.name == name:
            return _Origin(source.name, source.outlet, source.language, source.url)
    raise ConfigError(f"--source {name}: no configured source of that name")


def _listed(
    request: BackfillRequest,
    origin: _Origin,
    fetcher: Fetcher,
    dates: DateRange,
    problems: InputProblems,
) -> list[Candidate]:
    found = listed_urls(Path(request.urls_file), problems) if request.urls_file else []
    for sitemap in request.sitemaps:
        found += sitemap_candidates(sitemap, fetcher, origin.source, dates, problems)
    return found


def _wanted(
    candidates: Iterable[Candidate],
    origin: _Origin,
    keys: dict[str, None],
    summary: BackfillSummary,
    advance: Callable[[int], None],
) -> Iterator[Candidate]:
    """Candidates worth a look: article pages, on the source's site, each URL once."""
    for candidate in candidates:
        summary.candidates += 1
        url = candidate.entry.url
        reason = candidate.skipped or (None if is_web_address(url) else "not a web address")
        if reason is None and origin.site and not same_site(url, origin.site):
            reason = f"not on {origin.source}'s site"
        key = canonical_url(url) if reason is None else ""
        if reason is None and key in keys:
            reason = "listed twice"
        if reason is not None:
            summary.skipped[reason] = summary.skipped.get(reason, 0) + 1
            advance(1)
            continue
        keys[key] = None
        yield candidate


def _batches(items: Iterable[Candidate], size: int) -> Iterator[list[Candidate]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@contextmanager
def _fetching_pool(settings: Settings, fetcher: Fetcher) -> Iterator[ThreadPoolExecutor]:
    """Threads fetching a batch's pages. Once the backfill ends (a stop, a failure) they
    ask for no more pages: leaving the pool waits for every page submitted, those waiting
    for their host's turn included, and a batch is stored only once fetched whole."""
    pool = ThreadPoolExecutor(settings.max_workers)
    try:
        yield pool
    finally:
        fetcher.stop()
        pool.shutdown(cancel_futures=True)


def _fetched(
    store: Store,
    batch: list[Candidate],
    origin: _Origin,
    fetcher: Fetcher,
    pool: ThreadPoolExecutor,
    summary: BackfillSummary,
    bar: ProgressBar,
    retry: bool,
) -> list[WorkItem]:
    """The batch's unstored candidates with their pages: archived, or fetched now; with
    ``retry``, those given up on too."""
    keys = [canonical_url(c.entry.url) for c in batch]
    if retry:
        store.try_again(keys)
    todo = set(store.unseen(keys))
    fresh = [c for c, key in zip(batch, keys, strict=True) if key in todo]
    dropped = store.given_up([key for key in keys if key not in todo])
    given_up = sum(key in dropped for key in keys)
    summary.given_up += given_up
    summary.already_stored += len(batch) - len(fresh) - given_up
    bar.passed(len(batch) - len(fresh))

    def item(candidate: Candidate) -> WorkItem:
        entry, outlet = candidate.entry, origin.outlet_of(candidate.entry.url)
        if candidate.page is not None:
            work = WorkItem(entry, candidate.page, outlet, candidate.page.fetched_at)
        else:
            work = WorkItem(entry, fetch_page(entry, origin.source, outlet, fetcher), outlet)
        # Each page as it comes: fetches take seconds each, the batch's analysis comes later.
        bar.read()
        return work

    return list(pool.map(item, fresh))


def _store_batch(
    store: Store,
    work: list[WorkItem],
    future: PrefectFuture[list[AnalysedArticle]],
    dates: DateRange,
    summary: BackfillSummary,
    advance: Callable[[int], None],
) -> None:
    articles = future.result()
    summary.analysed += len(articles)
    kept = []
    for item, article in zip(work, articles, strict=True):
        when = article.published or item.entry.published or item.captured
        if article.error is None and not dates.holds(when):
            summary.out_of_range += 1
        else:
            kept.append(article)
    new = set(store.save(kept, (), alert=False))
    summary.stored += len(new)
    counted: set[str] = set()
    for article in kept:
        if article.error:
            reason = failure_reason(article.error)
            summary.failures[reason] = summary.failures.get(reason, 0) + 1
            summary.failed += 1
        elif article.canonical_url not in new or article.canonical_url in counted:
            # Another URL of a page already stored (its canonical link says so).
            reason = "same page as one stored"
            summary.skipped[reason] = summary.skipped.get(reason, 0) + 1
        else:
            counted.add(article.canonical_url)
            summary.flagged += bool(article.topic and article.topic.flag)
    advance(len(work))


def _queue_digest(
    store: Store, settings: Settings, request: BackfillRequest, rows: list[ArticleRow]
) -> None:
    stories = list(dict.fromkeys(row.story_id for row in rows if row.flagged and row.story_id))
    dated = [when for row in rows if (when := row.published_at)]
    start = request.since or min(dated, default=None)
    end = request.until or max(dated, default=None)
    for recipient in settings.digest_to or settings.alert_to:
        store.queue_backfill_digest(request.job_id, recipient, start, end, stories)
