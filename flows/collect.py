"""Collecting one source: fetch its feed or listing, find new entries, fetch and analyse them.
Plain functions; flows/tasks.py wraps them as Prefect tasks."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from extractors.analyse import analyse_page, failed_article
from extractors.feeds import parse_feed
from extractors.listing import ListingRule, extract_links
from extractors.records import AnalysedArticle, FeedEntry, FeedParse, FetchedPage
from extractors.sitemaps import parse_sitemap
from extractors.urls import canonical_url
from newsmon.fetch import FEED_TYPES, Fetcher, FetchError, NotModified, Validators
from newsmon.settings import Source
from newsmon.store import FetchOutcome, Store, failure_reason, now, pages_verdict

# An index lists sitemaps newest first; new articles are in the first few.
SITEMAPS_PER_INDEX = 3
# What an article page answers when the article was removed.
_GONE = ("HTTP 404", "HTTP 410")


@dataclass(frozen=True)
class Collected:
    outcome: str
    articles: tuple[AnalysedArticle, ...]
    error: str | None = None
    # To remember once the articles are stored; None when entries were left for later.
    validators: Validators | None = None
    # The source's log row of this collection, which learns how many articles were new once
    # they are stored (`Store.count_new`).
    log_id: int | None = None


def collect(
    source: Source,
    fetcher: Fetcher,
    store: Store,
    run_id: str,
    max_articles: int,
    budget_seconds: float,
) -> Collected:
    """Poll one source; every failure is recorded against it, never raised past it. Article
    pages are fetched until ``budget_seconds`` have passed since it started: a slow host
    leaves the rest unseen for the next poll rather than hold up the alerts."""
    started, clock = now(), time.monotonic()
    deadline = clock + budget_seconds
    state = store.source_state(source.name)
    # Validators belong to the URL they came from; a source moved to a new URL starts afresh.
    same_url = state is not None and state.url == source.url
    validators = (
        Validators(state.etag, state.last_modified, state.content_hash)
        if same_url and state
        else None
    )

    def outcome(kind: str, status: int | None, error: str | None = None) -> FetchOutcome:
        elapsed = int((time.monotonic() - clock) * 1000)
        return FetchOutcome(source.name, run_id, started, elapsed, kind, status, error)

    try:
        response = fetcher.get(source.url, source.name, FEED_TYPES, validators)
    except FetchError as exc:
        failed = outcome("error", exc.status, str(exc))
        log_id, _ = _record(store, fetcher, source, failed, ())
        return Collected("error", (), str(exc), log_id=log_id)
    # Servers that ignore conditional requests, or send an unchanged ETag for a changed
    # feed, are judged by the body itself.
    digest = None if isinstance(response, NotModified) else content_hash(response.content)
    if isinstance(response, NotModified) or (validators and digest == validators.content_hash):
        retries = _fresh((), store, source.name)[:max_articles]
        articles = fetch_articles(retries, source, fetcher, deadline)
        note = _left_note(len(retries), len(articles), budget_seconds)
        unchanged = outcome("not_modified", response.status, note)
        log_id, logged = _record(store, fetcher, source, unchanged, articles)
        return Collected("not_modified", articles, _failed(logged), log_id=log_id)
    parsed = parse_links(source, response, fetcher)
    fresh = _fresh(parsed.entries, store, source.name)
    articles = fetch_articles(fresh[:max_articles], source, fetcher, deadline)
    kind = "error" if parsed.error and not parsed.entries else "ok"
    note = _left_note(min(len(fresh), max_articles), len(articles), budget_seconds)
    errors = "; ".join(e for e in (parsed.error, note) if e) or None
    log_id, logged = _record(
        store,
        fetcher,
        source,
        replace(outcome(kind, response.status, errors), entries=len(parsed.entries)),
        articles,
    )
    # Entries left for later (the cap, the budget) must be read again: no validators then.
    complete = len(articles) == len(fresh) and kind == "ok"
    validators = Validators(response.etag, response.last_modified, digest) if complete else None
    error = _failed(logged) if logged.outcome != kind else parsed.error
    return Collected(kind, articles, error, validators, log_id)


def fetch_articles(
    entries: Sequence[FeedEntry], source: Source, fetcher: Fetcher, deadline: float
) -> tuple[AnalysedArticle, ...]:
    """One page after another until ``deadline`` (monotonic) or the run stops: the rest
    stay unseen."""
    articles = []
    for entry in entries:
        if time.monotonic() >= deadline or fetcher.stopped:
            break
        articles.append(fetch_article(entry, source.name, source.outlet, fetcher, source.language))
    return tuple(articles)


def _left_note(wanted: int, fetched: int, budget_seconds: float) -> str | None:
    """Why entries were left for the next poll, for `newsmon status`."""
    if fetched >= wanted:
        return None
    return (
        f"source budget of {budget_seconds:g} s spent: {wanted - fetched} of {wanted} "
        "article pages left for the next poll"
    )


def _record(
    store: Store,
    fetcher: Fetcher,
    source: Source,
    outcome: FetchOutcome,
    articles: Sequence[AnalysedArticle],
) -> tuple[int | None, FetchOutcome]:
    """Log the collection at once, so that a poll that fails later still has it; none of
    its articles counts as new until stored (a failed store keeps none). A failed article
    page is not a page read, and health counts it against the source unless it answered
    404 or 410: an article removed, not a host that refuses pages (one dead link in a feed
    would otherwise fail its source at every retry). The log's row and what it says, which
    the poll's summary says too."""
    errors = [article.error for article in articles if article.error is not None]
    refused = [error for error in errors if failure_reason(error) not in _GONE]
    read = len(articles) - len(errors)
    logged = pages_verdict(outcome, read, len(refused), refused[0] if refused else None)
    if fetcher.stopped:
        # Cut short, not failed: the next poll fetches it again.
        return None, logged
    return store.record_fetch(logged, source.outlet, source.url), logged


def _failed(logged: FetchOutcome) -> str | None:
    return logged.error if logged.outcome == "error" else None


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def parse_links(source: Source, page: FetchedPage, fetcher: Fetcher) -> FeedParse:
    """The entries a source's page lists; a sitemap index's newest sitemaps are fetched."""
    if source.kind == "sitemap":
        return _sitemap_links(source, page, fetcher)
    if source.kind == "listing":
        rule = ListingRule(
            source.links_css,
            source.links_xpath,
            source.link_pattern,
            title_css=source.title_css,
            date_css=source.date_css,
        )
        return extract_links(page.content, page.final_url, rule, page.content_type)
    return parse_feed(page.content, page.final_url, page.content_type)


def _sitemap_links(source: Source, page: FetchedPage, fetcher: Fetcher) -> FeedParse:
    parsed = parse_sitemap(page.content)
    entries, errors = list(parsed.links.entries), [parsed.links.error] if parsed.links.error else []
    for child in parsed.children[:SITEMAPS_PER_INDEX]:
        try:
            response = fetcher.get(child.url, source.name, FEED_TYPES)
        except FetchError as exc:
            errors.append(f"{child.url}: {exc}")
            continue
        if isinstance(response, NotModified):
            continue
        found = parse_sitemap(response.content)
        entries.extend(found.links.entries)
        if found.links.error:
            errors.append(f"{child.url}: {found.links.error}")
    return FeedParse(tuple(entries), "; ".join(errors) or None)


def _fresh(entries: tuple[FeedEntry, ...], store: Store, source: str) -> list[FeedEntry]:
    """Entries not stored yet, plus earlier failures of this source still worth a retry."""
    first: dict[str, FeedEntry] = {}
    for entry in entries:
        first.setdefault(canonical_url(entry.url), entry)
    for url in store.retryable(source):
        first.setdefault(canonical_url(url), FeedEntry(url=url))
    return [first[key] for key in store.unseen(list(first))]


def fetch_article(
    entry: FeedEntry, source: str, outlet: str, fetcher: Fetcher, language: str | None = None
) -> AnalysedArticle:
    """Fetch and analyse one article page; a failure becomes an article carrying its error."""
    page = fetch_page(entry, source, outlet, fetcher)
    return analyse_page(page, entry, outlet, language) if isinstance(page, FetchedPage) else page


def fetch_page(
    entry: FeedEntry, source: str, outlet: str, fetcher: Fetcher
) -> FetchedPage | AnalysedArticle:
    """One article page, or the article its failed fetch becomes."""
    try:
        page = fetcher.get(entry.url, source)
    except FetchError as exc:
        return failed_article(entry.url, source, outlet, str(exc), now())
    if isinstance(page, NotModified):
        return failed_article(
            entry.url, source, outlet, "unexpected 304 for an unconditional request", now()
        )
    return page
