"""What the review page shows, as frozen records built from stored rows: no I/O here."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from extractors.dates import day_shown
from newsmon.messages import given_day_only, reader_link
from newsmon.store import ArticleRow, LabelRow, story_lead

VERDICTS = ("right", "wrong")
# The chart shows at most this many days, the latest ones.
MAX_CHART_DAYS = 92


class FilterError(ValueError):
    """A filter value the page cannot use; the message names it."""


@dataclass(frozen=True)
class Filters:
    """The page's GET query: one language, one source, a range of days (both included)."""

    lang: str = ""
    source: str = ""
    since: date | None = None
    until: date | None = None

    def query(self) -> str:
        """The query string that asks for these filters again ("" for none)."""
        pairs = {
            "lang": self.lang,
            "source": self.source,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return urlencode({k: v for k, v in pairs.items() if v})


def parse_filters(params: Mapping[str, str]) -> Filters:
    """Filters from a query; FilterError for a date that is not YYYY-MM-DD or a range that
    ends before it starts."""
    since, until = _day(params, "since"), _day(params, "until")
    if since and until and until < since:
        raise FilterError(f"until {until} is before since {since}")
    lang, source = params.get("lang", "").strip(), params.get("source", "").strip()
    return Filters(lang[:16], source[:200], since, until)


def _day(params: Mapping[str, str], name: str) -> date | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise FilterError(f"{name}: expected a date as YYYY-MM-DD, got {value[:40]!r}") from exc


def window(filters: Filters, today: date, days: int) -> tuple[date, date]:
    """The first and last day shown: the filter's, else the last ``days`` days (and a range
    from a day after today ends on that day, not before it starts)."""
    last = filters.until or max(today, filters.since or today)
    return filters.since or last - timedelta(days=days - 1), last


def instants(first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) in UTC covering the days from ``first`` to ``last``."""
    start = datetime.combine(first, time(), UTC)
    return start, datetime.combine(last + timedelta(days=1), time(), UTC)


@dataclass(frozen=True)
class Mark:
    verdict: str
    who: str
    when: str


@dataclass(frozen=True)
class Copy:
    """One outlet's article of a story."""

    outlet: str
    lang: str
    link: str
    when: str


@dataclass(frozen=True)
class Item:
    """A story (or a near miss, an article alone) as the editor judges it. A mark names
    ``article_id`` and is stored for every article of ``article_ids``."""

    article_id: int
    article_ids: tuple[int, ...]
    title: str
    link: str  # the reader's link of the article whose title is shown
    score: float | None
    flagged: bool
    languages: tuple[str, ...]
    copies: tuple[Copy, ...]
    passage: str
    terms: tuple[str, ...]
    against: tuple[str, ...]
    mark: Mark | None


def stories(
    rows: Sequence[ArticleRow],
    story_rows: Mapping[int, tuple[ArticleRow, ...]],
    marks: Mapping[int, LabelRow],
) -> list[Item]:
    """The flagged rows as stories, newest first: each story once, with all its articles."""
    seen: set[int] = set()
    items = []
    for row in rows:
        if not row.flagged or row.story_id in seen:
            continue
        if row.story_id is not None:
            seen.add(row.story_id)
        articles = story_rows.get(row.story_id or -1) or (row,)
        items.append(item(articles, marks))
    return items


def near_misses(rows: Sequence[ArticleRow], marks: Mapping[int, LabelRow]) -> list[Item]:
    """The rows not flagged, highest score first."""
    missed = sorted((r for r in rows if not r.flagged), key=lambda r: -(r.score or 0.0))
    return [item((row,), marks) for row in missed]


def item(articles: Sequence[ArticleRow], marks: Mapping[int, LabelRow]) -> Item:
    first, lead = articles[0], story_lead(articles)
    mark = marks.get(first.id)
    return Item(
        article_id=first.id,
        article_ids=tuple(a.id for a in articles),
        title=lead.title or lead.url,
        link=reader_link(lead),
        score=max((a.score for a in articles if a.score is not None), default=None),
        flagged=bool(first.flagged),
        languages=tuple(dict.fromkeys(a.lang or "und" for a in articles)),
        copies=tuple(
            Copy(a.outlet, a.lang or "und", reader_link(a), _published(a)) for a in articles
        ),
        passage=lead.passage or "",
        terms=tuple(lead.terms or ()),
        against=tuple(lead.terms_against or ()),
        mark=Mark(mark.verdict, mark.who, _moment(mark.marked_at)) if mark else None,
    )


def _published(article: ArticleRow) -> str:
    if article.published_at and given_day_only(article):
        return day_shown(article.published_at)
    return _moment(article.published_at or article.fetched_at)


def _moment(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


@dataclass(frozen=True)
class DayCounts:
    day: date
    by_lang: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.by_lang)


def per_day(rows: Sequence[ArticleRow], first: date, last: date) -> list[DayCounts]:
    """Flagged articles per day fetched and language, every day of the range (the latest
    MAX_CHART_DAYS), days without any too."""
    counts: dict[date, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row.flagged:
            counts[row.fetched_at.astimezone(UTC).date()][row.lang or "und"] += 1
    first = max(first, last - timedelta(days=MAX_CHART_DAYS - 1))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [DayCounts(day, tuple(sorted(counts[day].items()))) for day in days]


@dataclass(frozen=True)
class SourceHealth:
    name: str
    outlet: str
    health: str
    last_run_at: str
    failures: int
    last_error: str


def source_health(status_rows: Sequence[Mapping[str, Any]]) -> list[SourceHealth]:
    """Store.status()'s per-source rows, failing first."""
    rows = [
        SourceHealth(
            str(r["name"]),
            str(r["outlet"]),
            str(r["health"]),
            str(r["last_run_at"] or ""),
            int(r["consecutive_failures"]),
            str(r["last_error"] or ""),
        )
        for r in status_rows
    ]
    return sorted(rows, key=lambda r: (not r.last_error, r.health == "ok"))


@dataclass(frozen=True)
class Page:
    """Everything one page shows."""

    filters: Filters
    first: date
    last: date
    threshold: float
    near_miss_floor: float
    stories: tuple[Item, ...]
    near_misses: tuple[Item, ...]
    days: tuple[DayCounts, ...]
    sources: tuple[SourceHealth, ...]
    languages: tuple[str, ...]
    source_names: tuple[str, ...]
    csrf: str
    editor: str
