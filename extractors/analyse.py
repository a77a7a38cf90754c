"""From a fetched page to an analysed article: extraction, fallback, language.

The same function serves live polling, backfills and `newsmon extract`, so everything after
fetching is shared.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

from extractors.article import Unparseable, extract_article, with_feed_fallback
from extractors.language import detect_language
from extractors.records import AnalysedArticle, FeedEntry, FetchedPage
from extractors.urls import canonical_url, is_named_site, same_site


def analyse_page(
    page: FetchedPage,
    entry: FeedEntry,
    outlet: str,
    language_hint: str | None = None,
    captured: datetime | None = None,
) -> AnalysedArticle:
    """Extract and identify one page; an unparseable page becomes an article with an error.

    The article is known by the page's canonical link (or its final URL), so the same
    article linked with tracking parameters or through a redirect is one article; the
    request key ties it to the URL that was asked for, so a failed fetch and its later
    success are one row. ``captured``: an archived page's capture time, its date of last
    resort."""
    request_key = canonical_url(page.requested_url)
    base = AnalysedArticle(
        source=page.source,
        outlet=outlet,
        url=page.requested_url,
        request_key=request_key,
        canonical_url=canonical_url(page.final_url),
        fetched_at=page.fetched_at,
        raw_html=page.content,
    )
    try:
        extracted = with_feed_fallback(
            extract_article(page.content, page.final_url, page.content_type), entry, captured
        )
    except Unparseable as exc:
        return replace(base, error=f"unparseable: {exc}")
    if not extracted.text:
        return replace(base, error="unparseable: no text after extraction")
    language = detect_language(
        f"{extracted.title}\n{extracted.text}", extracted.html_lang or language_hint
    )
    return replace(
        base,
        title=extracted.title,
        author=extracted.author,
        text=extracted.text,
        language=language,
        published=extracted.published,
        published_from=extracted.published_from,
        note=extracted.note,
        canonical_url=_identity(extracted.canonical_url, page.final_url),
    )


def failed_article(
    url: str, source: str, outlet: str, error: str, fetched_at: datetime
) -> AnalysedArticle:
    """An article whose page could not be had; stored so the failure is visible and retried."""
    key = canonical_url(url)
    return AnalysedArticle(
        source=source,
        outlet=outlet,
        url=url,
        request_key=key,
        canonical_url=key,
        fetched_at=fetched_at,
        error=error,
    )


def _identity(declared: str | None, page_url: str) -> str:
    """The declared canonical link, unless it points at a site's front page (a common CMS
    mistake that would make every article one) or at another site: a syndicated copy names
    the original as canonical, yet it is its outlet's own coverage and stays its own article.
    A page on an address or on localhost (a mirror, the demo) has no site to be another
    outlet's: it takes the name it declares."""
    if not declared or not urlsplit(declared).path.strip("/"):
        return canonical_url(page_url)
    if same_site(declared, page_url) or not is_named_site(page_url):
        return canonical_url(declared)
    return canonical_url(page_url)
