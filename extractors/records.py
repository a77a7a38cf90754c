"""The typed records passed between pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FeedEntry:
    """One link to an article, found in a feed, a listing page or a sitemap."""

    url: str
    title: str = ""
    summary: str = ""
    published: datetime | None = None


@dataclass(frozen=True)
class FeedParse:
    """What a feed or listing yielded; ``error`` is set when the input was damaged."""

    entries: tuple[FeedEntry, ...]
    error: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class FetchedPage:
    """Raw bytes of one HTTP response (or one archived record), before any parsing."""

    requested_url: str
    final_url: str
    content: bytes
    fetched_at: datetime
    source: str
    content_type: str = ""
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class ExtractedArticle:
    """Main text and metadata of one article page."""

    title: str
    text: str
    published: datetime | None
    canonical_url: str | None
    site_name: str | None
    html_lang: str | None
    note: str | None = None
    author: str | None = None
    # Where ``published`` came from: "page", "listing" (feed, listing page or sitemap) or
    # "archive" (the capture time); None when nothing gave a date.
    published_from: str | None = None


@dataclass(frozen=True)
class Language:
    """A language guess: ISO 639-1 code or ``und`` when nothing is conclusive."""

    code: str
    confidence: float
    method: str


@dataclass(frozen=True)
class TopicScore:
    """A calibrated topic probability with the reasons behind it: the passage the model
    relied on, and the evidence terms found for the topic and against it."""

    score: float
    flag: bool
    passage: str
    terms: tuple[str, ...] = field(default_factory=tuple)
    model: str = ""
    note: str | None = None
    against: tuple[str, ...] = field(default_factory=tuple)
    # The title-and-lead window's embedding (float16 bytes; empty when nothing was read):
    # what reports of one event in other languages are matched by (extractors/stories.py).
    vector: bytes = field(default=b"", repr=False)


@dataclass(frozen=True)
class AnalysedArticle:
    """Everything the pipeline learned about one article URL, or why it could not."""

    source: str
    outlet: str
    url: str
    request_key: str
    canonical_url: str
    fetched_at: datetime
    title: str = ""
    text: str = ""
    language: Language | None = None
    author: str | None = None
    published: datetime | None = None
    published_from: str | None = None
    topic: TopicScore | None = None
    note: str | None = None
    error: str | None = None
    raw_html: bytes = field(default=b"", repr=False)
