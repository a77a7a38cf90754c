"""The database: sources' fetch state and log, articles, stories, and the alert outbox.

SQLite in NEWSMON_HOME by default; any SQLAlchemy URL (Postgres) through database_url.
Uniqueness is enforced by constraints, so two pollers never store an article or queue an
alert twice.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import CursorResult, Dialect, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from extractors.records import AnalysedArticle
from extractors.stories import (
    StoryKey,
    closest_story,
    one_event_groups,
    report_names,
    stories_of_one_event,
    story_key,
)
from newsmon.database_url import check_reachable, sqlite_file
from newsmon.locks import exclusive, lock_key
from newsmon.migrate import upgrade
from newsmon.settings import Settings, Source

MAX_ARTICLE_ATTEMPTS = 3
STORY_WINDOW = timedelta(hours=72)
# A story is settled a day after its latest report: an event's reports in the languages that
# carry it have mostly come by then, and how alike each is to its nearest reports can be
# read (``settle_stories``). On the development reports half a day let two events of one
# day join (pairwise precision 0.94) where a day and three days did not.
SETTLE_AFTER = timedelta(hours=24)
# A message that failed waits this long before its next try, doubling each time, up to a cap.
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=1)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp kept as UTC on every database, read back aware in UTC.

    SQLite's DateTime keeps the wall-clock time and drops the offset, so 10:00+04:00 would
    come back as 10:00 UTC; converting on the way in makes SQLite and PostgreSQL agree, and
    makes range queries compare instants. A naive time is refused rather than taken as UTC:
    everything newsmon reads applies its zone rule (UTC when none is named) where it is read,
    so a naive value here is a bug that would otherwise shift an instant silently."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()}: give it a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else utc(value).astimezone(UTC)


class Base(DeclarativeBase):
    pass


class SourceRow(Base):
    __tablename__ = "sources"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    outlet: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    # Since the source was first polled, then since its latest new article.
    last_new_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    health: Mapped[str | None] = mapped_column(String(16))  # ok | failing | silent
    health_since: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FetchLogRow(Base):
    __tablename__ = "fetch_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(32))
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    new_articles: Mapped[int] = mapped_column(Integer, default=0)


class ArticleRow(Base):
    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    request_key: Mapped[str] = mapped_column(String(2048), index=True)
    url: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200), index=True)
    outlet: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # stored | failed
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    error: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str | None] = mapped_column(String(16))
    lang_method: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Where published_at came from: page, listing or archive.
    published_from: Mapped[str | None] = mapped_column(String(16))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the saving transaction wrote it: what decides its digest period (see digests.py).
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    passage: Mapped[str | None] = mapped_column(Text)
    terms: Mapped[list[str] | None] = mapped_column(JSON)
    terms_against: Mapped[list[str] | None] = mapped_column(JSON)
    model: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    raw_path: Mapped[str | None] = mapped_column(Text)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), index=True)
    # Stored without alerts (a backfill): in no digest, and no follow-up is sent for it.
    quiet: Mapped[bool | None] = mapped_column(Boolean)
    # A flagged article's title-and-lead embedding (float16): reports of its event in other
    # languages are matched to its story by it.
    lead_vector: Mapped[bytes | None] = mapped_column(LargeBinary)


class StoryRow(Base):
    """Flagged articles that are one piece of coverage; known by its first article's URL."""

    __tablename__ = "stories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(2048), unique=True)
    normalized_title: Mapped[str] = mapped_column(Text)
    signature: Mapped[list[int]] = mapped_column(JSON)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The first article's publication time (else its fetch time): what the window is read on,
    # so a backfill groups by when things were published.
    story_time: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The story whose articles this one's joined, once a report showed both one event.
    merged_into: Mapped[int | None] = mapped_column(Integer)
    # Its latest report's time when it was last weighed as settled (``Store.settle_stories``):
    # weighed again only once a later report has joined it and settled.
    settled_through: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AliasRow(Base):
    """Another URL an already stored article was reached by: not fetched again."""

    __tablename__ = "url_aliases"
    request_key: Mapped[str] = mapped_column(String(2048), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))


class AlertRow(Base):
    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("article_id", "recipient"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    recipient: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_to: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Backing off after a failure until then; given up on (not pending) once dead.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "alert" (a new story; None in databases made before stories) or "followup" (another
    # outlet's copy, after the story's alert went out); the articles the sent message listed.
    kind: Mapped[str | None] = mapped_column(String(16))
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), index=True)
    covers: Mapped[list[int] | None] = mapped_column(JSON)


class DigestRow(Base):
    """One digest to one recipient: the stories of a period, fixed when it was queued."""

    __tablename__ = "digests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime())
    period_end: Mapped[datetime] = mapped_column(UTCDateTime())
    story_ids: Mapped[list[int]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_to: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Backing off after a failure until then; given up on (not pending) once dead.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NoticeRow(Base):
    """A message to the admin about a source's health, written when the health changed."""

    __tablename__ = "notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_to: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Backing off after a failure until then; given up on (not pending) once dead.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class HostTurnRow(Base):
    """When a host was last asked (or is booked to be): requests are spaced by every poller
    sharing the store."""

    __tablename__ = "host_turns"
    host: Mapped[str] = mapped_column(String(300), primary_key=True)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeliveryErrorRow(Base):
    """The latest message that could not be delivered, and why: one row, replaced by the
    next failure, so `newsmon status` can say it after a restart."""

    __tablename__ = "delivery_errors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    key: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(320))
    headline: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class LabelRow(Base):
    """An editor's mark on an article from the review page: whether the flag (or its absence)
    was right, the topic label that makes (``relevant``), who said so and when. Marks are
    kept, not replaced: the latest per article counts."""

    __tablename__ = "labels"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(8))  # right | wrong
    relevant: Mapped[bool] = mapped_column(Boolean)
    who: Mapped[str] = mapped_column(String(200))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class DeliveryFailure:
    """A message that was not delivered (it stays queued): which, to whom, and why, in the
    SMTP server's words or the network error's."""

    key: str
    headline: str
    recipient: str
    reason: str

    def describe(self) -> str:
        """One line for people: "<headline> (<recipient>): <reason>"."""
        return f"{self.headline} ({self.recipient}): {self.reason}"


@dataclass(frozen=True)
class FetchOutcome:
    source: str
    run_id: str
    started_at: datetime
    duration_ms: int
    outcome: str  # ok | not_modified | error
    http_status: int | None = None
    error: str | None = None
    entries: int = 0


@dataclass(frozen=True)
class PendingAlert:
    """A queued message and what it is about: the story's articles, first seen first."""

    id: int
    key: str
    recipient: str
    attempts: int
    article: ArticleRow
    story: tuple[ArticleRow, ...]
    kind: str
    # The key of the story's first alert to this recipient, which follow-ups answer, and
    # the articles that alert listed (none when it has not gone).
    thread_key: str
    thread_story: tuple[ArticleRow, ...]


@dataclass(frozen=True)
class PendingDigest:
    """A queued digest: each story's articles, first seen first, in order of first sighting."""

    id: int
    key: str
    recipient: str
    attempts: int
    period_start: datetime
    period_end: datetime
    stories: tuple[tuple[ArticleRow, ...], ...]


def now() -> datetime:
    return datetime.now(UTC)


class Store:
    def __init__(
        self, url: str, raw_dir: Path | None = None, story_window: timedelta = STORY_WINDOW
    ) -> None:
        self.engine = make_engine(url)
        self.raw_dir = raw_dir
        self.story_window = story_window
        check_reachable(self.engine)
        upgrade(self.engine)

    @contextmanager
    def exclusive(self, name: str, timeout: float | None = None) -> Iterator[None]:
        """One process at a time, across every machine using this database; LockTimeout
        after ``timeout`` seconds of waiting (None: wait as long as it takes)."""
        with exclusive(self.engine, name, timeout):
            yield

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def take_turn(self, host: str, spacing: float) -> float:
        """Reserve the next request to ``host``, ``spacing`` seconds after the one before
        whichever process or machine made it; the seconds to wait before making it. Nothing
        is held while waiting: the reservation is the host's last request from then on.
        The spacing is this request's (a Crawl-delay learnt meanwhile counts at once)."""
        with self.session() as session:
            _lock_host(session, host)
            moment = now()
            row = session.get(HostTurnRow, host)
            if row is None:
                session.add(HostTurnRow(host=host, last_at=moment))
                return 0.0
            row.last_at = max(moment, row.last_at + timedelta(seconds=spacing))
            return (row.last_at - moment).total_seconds()

    # Sources and the fetch log

    def source_state(self, name: str) -> SourceRow | None:
        with self.session() as session:
            return session.get(SourceRow, name)

    def record_fetch(self, outcome: FetchOutcome, outlet: str, url: str) -> int:
        """Log a run of a source, with no article new yet (`count_new` gives the number once
        its articles are stored), and update its state; the log row's id."""
        with self.session() as session:
            row = session.get(SourceRow, outcome.source)
            if row is None:
                row = SourceRow(name=outcome.source, outlet=outlet, url=url, consecutive_failures=0)
                row.last_new_at = outcome.started_at
                session.add(row)
            row.outlet, row.url, row.last_run_at = outlet, url, outcome.started_at
            if outcome.outcome == "error":
                row.last_error = outcome.error
                row.consecutive_failures = (row.consecutive_failures or 0) + 1
            else:
                # A damaged but readable feed worked, and its damage stays visible.
                row.last_error, row.consecutive_failures = outcome.error, 0
                row.last_ok_at = outcome.started_at
            log = FetchLogRow(
                run_id=outcome.run_id,
                source=outcome.source,
                started_at=outcome.started_at,
                duration_ms=outcome.duration_ms,
                outcome=outcome.outcome,
                http_status=outcome.http_status,
                error=outcome.error,
                entries=outcome.entries,
                new_articles=0,
            )
            session.add(log)
            session.flush()
            return log.id

    def count_new(self, log_id: int, new: int) -> None:
        """Set how many articles of a logged run were new, once they are stored."""
        with self.session() as session:
            log = session.get_one(FetchLogRow, log_id)
            log.new_articles = new
            source = session.get(SourceRow, log.source)
            if new and source is not None:
                source.last_new_at = max(source.last_new_at or log.started_at, log.started_at)

    def remember_validators(
        self,
        source: str,
        url: str,
        etag: str | None,
        last_modified: str | None,
        content_hash: str | None,
    ) -> None:
        """Keep a source's ETag, Last-Modified and body hash for the next poll. Called only
        once every entry of that response is stored: a crash or a per-poll cap before then
        must not turn the next poll into "not modified" and lose the rest."""
        with self.session() as session:
            row = session.get(SourceRow, source)
            if row is not None and row.url == url:
                row.etag, row.last_modified = etag, last_modified
                row.content_hash = content_hash

    def update_health(
        self, sources: Sequence[tuple[str, float | None]], failures: int, admins: Sequence[str]
    ) -> list[tuple[str, str]]:
        """Judge each (source, expected hours between new articles) and, where health
        changed, queue one notice per admin naming every source that changed: a warning when
        one goes bad, a notice when it recovers (an outage fails them all at once: one mail,
        not one a source). Returns the (source, new health) that changed."""
        changed, paragraphs = [], []
        moment = now()
        with self.session() as session:
            for name, expected_hours in sources:
                row = session.get(SourceRow, name)
                if row is None:
                    continue
                health = _health(row, failures, expected_hours, moment)
                if health == (row.health or "ok"):
                    continue
                paragraphs.append(_health_paragraph(row, health, expected_hours))
                row.health, row.health_since = health, moment
                changed.append((name, health))
            if not changed:
                return changed
            subject, body = _health_notice(changed, paragraphs)
            which = ",".join(f"{name}:{health}" for name, health in changed)
            for admin in admins:
                session.add(
                    NoticeRow(
                        key=_key("health", which, moment.isoformat(), admin.lower()),
                        recipient=admin,
                        subject=subject,
                        body=body,
                        created_at=moment,
                    )
                )
        return changed

    def pending_notices(self, waiting: bool = False) -> list[NoticeRow]:
        """Health notices due to be tried now (with ``waiting``, those backing off too)."""
        with self.session() as session:
            return list(
                session.scalars(
                    select(NoticeRow).where(_unsent(NoticeRow, waiting)).order_by(NoticeRow.id)
                )
            )

    def mark_notice_sent(self, notice_id: int, delivered_to: str) -> None:
        self._record_attempt(NoticeRow, notice_id, delivered_to=delivered_to)

    def mark_notice_failed(
        self, notice_id: int, error: str, counted: bool = True, give_up_after: int | None = None
    ) -> None:
        self._record_failure(NoticeRow, notice_id, error, counted, give_up_after)

    # Articles

    def unseen(self, keys: Sequence[str]) -> list[str]:
        """The canonical URLs not stored yet (as an article's own canonical URL or as the URL
        it was fetched by), or that failed fewer than MAX_ARTICLE_ATTEMPTS times."""
        if not keys:
            return []
        finished = (ArticleRow.status == "stored") | (ArticleRow.attempts >= MAX_ARTICLE_ATTEMPTS)
        with self.session() as session:
            done = _articles_keyed(session, keys, finished)
            done |= set(
                session.scalars(select(AliasRow.request_key).where(AliasRow.request_key.in_(keys)))
            )
        return [key for key in dict.fromkeys(keys) if key not in done]

    def lookup(self, keys: Sequence[str]) -> list[ArticleRow]:
        """The stored articles these canonical URLs name (as their own URL, the URL they were
        fetched by, or another URL that reached them), each once."""
        found: dict[int, ArticleRow] = {}
        with self.session() as session:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                aliased = select(AliasRow.article_id).where(AliasRow.request_key.in_(chunk))
                rows = session.scalars(
                    select(ArticleRow).where(
                        ArticleRow.canonical_url.in_(chunk)
                        | ArticleRow.request_key.in_(chunk)
                        | ArticleRow.id.in_(aliased)
                    )
                )
                found.update((row.id, row) for row in rows)
        return [found[i] for i in sorted(found)]

    def given_up(self, keys: Sequence[str]) -> set[str]:
        """Of these canonical URLs, those of an article that failed MAX_ARTICLE_ATTEMPTS
        times and is not fetched again (``unseen`` leaves them out with the stored ones)."""
        if not keys:
            return set()
        failed = (ArticleRow.status == "failed") & (ArticleRow.attempts >= MAX_ARTICLE_ATTEMPTS)
        with self.session() as session:
            return _articles_keyed(session, keys, failed)

    def try_again(self, keys: Sequence[str]) -> None:
        """Give the failed articles of these canonical URLs their tries back."""
        if not keys:
            return
        with self.session() as session:
            failed = ArticleRow.status == "failed"
            session.execute(
                update(ArticleRow)
                .where(
                    failed, ArticleRow.canonical_url.in_(keys) | ArticleRow.request_key.in_(keys)
                )
                .values(attempts=0)
            )

    def retryable(self, source: str) -> list[str]:
        """URLs of this source that failed but have attempts left."""
        with self.session() as session:
            return list(
                session.scalars(
                    select(ArticleRow.url).where(
                        ArticleRow.source == source,
                        ArticleRow.status == "failed",
                        ArticleRow.attempts < MAX_ARTICLE_ATTEMPTS,
                    )
                )
            )

    def save(
        self, articles: Sequence[AnalysedArticle], recipients: Sequence[str], alert: bool = True
    ) -> list[str]:
        """Store articles; a flagged one queues its alerts in the same transaction.
        Returns the canonical URLs of the articles newly stored, counting those an earlier
        try of this save stored (the same address fetched at the same time) before it failed."""
        stored = []
        for article in articles:
            raw_path = self._keep_raw(article)
            try:
                if self._save_one(article, raw_path, recipients if alert else (), not alert):
                    stored.append(article.canonical_url)
            except IntegrityError:
                # Another poller stored it first: theirs stands, with its alerts.
                continue
        return stored

    def _save_one(
        self,
        article: AnalysedArticle,
        raw_path: str | None,
        recipients: Sequence[str],
        quiet: bool = False,
    ) -> bool:
        with self.session() as session:
            row = session.scalar(
                select(ArticleRow).where(ArticleRow.canonical_url == article.canonical_url)
            ) or session.scalar(
                select(ArticleRow).where(
                    ArticleRow.request_key == article.request_key, ArticleRow.status == "failed"
                )
            )
            # This very fetch, saved by an earlier try of this save that failed later on.
            saved = row is not None and (row.url, row.fetched_at) == (
                article.url,
                article.fetched_at,
            )
            if row is not None and row.status == "stored":
                if saved:
                    return True
                if row.request_key != article.request_key and not article.error:
                    session.merge(AliasRow(request_key=article.request_key, article_id=row.id))
                return False
            if row is not None and article.error:
                if not saved:
                    row.attempts, row.error = row.attempts + 1, article.error
                    row.fetched_at = article.fetched_at
                    _give_up_if_gone(row)
                return False
            if row is None:
                row = ArticleRow(attempts=0)
                session.add(row)
            _fill(row, article, raw_path)
            _give_up_if_gone(row)
            row.quiet = quiet or None
            # Set in the transaction that commits it; digests allow for the gap (DIGEST_GRACE).
            row.committed_at = now()
            session.flush()
            if row.flagged:
                _lock_stories(session)
                story = self._story_for(session, row)
                row.story_id = story.id
                # A later copy is not a new alert (follow-ups and digests list it), unless
                # the story was only ever stored quietly.
                family = _family(story.id, _merged_stories(session))
                alerted = set(
                    session.scalars(select(AlertRow.recipient).where(AlertRow.story_id.in_(family)))
                )
                for recipient in [r for r in recipients if r not in alerted]:
                    session.add(_alert_row(row, recipient, "alert", story.id))
            return row.status == "stored"

    def settle_stories(self, since: datetime | None = None, until: datetime | None = None) -> int:
        """Make one story of the settled stories that report one event
        (``one_event_groups``): a story is settled SETTLE_AFTER its latest report, by
        ``until`` (default now). Read one story window at a time from ``since`` (default:
        ``until``), each with the stories around it; the number of stories made part of
        another. Alerts already sent stay as they went: later copies follow up in the thread
        of the first, and digests and the review page list the story once."""
        until = until or now()
        step = self.story_window
        joined = 0
        end = min(since or until, until)
        while True:
            joined += self._settle_window(end)
            if end >= until:
                return joined
            end = min(end + step, until)

    def _settle_window(self, until: datetime) -> int:
        """``settle_stories`` as of ``until``, among the stories with a report in the two
        story windows before their settled time (those with one since count as neighbours
        only). A story is weighed against the others once for each latest report: passes
        that find nothing new settled change nothing."""
        settled_by = until - SETTLE_AFTER
        start = settled_by - 2 * self.story_window
        with self.session() as session:
            _lock_stories(session)
            when = func.coalesce(ArticleRow.published_at, ArticleRow.fetched_at)
            nearby = select(ArticleRow.story_id).where(when.between(start, until))
            stories = session.scalars(
                select(StoryRow)
                .where(StoryRow.merged_into.is_(None), StoryRow.id.in_(nearby))
                .order_by(StoryRow.id)
            ).all()
            latest: dict[int, datetime] = {}
            for story_id, published, fetched in session.execute(
                select(ArticleRow.story_id, ArticleRow.published_at, ArticleRow.fetched_at).where(
                    ArticleRow.story_id.in_([story.id for story in stories])
                )
            ):
                moment = published or fetched
                latest[story_id] = max(latest.get(story_id, moment), moment)
            ripe = [s for s in stories if s.id in latest and latest[s.id] <= settled_by]
            fresh = {
                story
                for story in ripe
                if story.settled_through is None or story.settled_through < latest[story.id]
            }
            if not fresh:
                return 0
            groups: list[list[StoryRow]] = []
            # One settled story has nothing to join: it is weighed with no margin read.
            if len(ripe) > 1:
                leads = _leads(session, [story.id for story in stories])
                ripe_ids = {story.id for story in ripe}
                groups = one_event_groups(
                    [(story, leads[story.id]) for story in ripe],
                    [k for story in stories if story.id not in ripe_ids for k in leads[story.id]],
                    fresh,
                )
            for story in fresh:
                story.settled_through = latest[story.id]
            for group in groups:
                _merged(session, group).settled_through = max(latest[s.id] for s in group)
            return sum(len(group) - 1 for group in groups)

    def _story_for(self, session: Session, row: ArticleRow) -> StoryRow:
        """The story a flagged article belongs to, made for it if it is new coverage."""
        when = row.published_at or row.fetched_at
        key = story_key(
            row.title,
            row.text,
            row.outlet,
            row.lead_vector or b"",
            row.lang or "und",
            _publication(row.published_at, row.published_from),
        )
        merged = _merged_stories(session)
        # A story made one with another answers by its title and text through that one.
        titles: dict[int, list[StoryKey]] = defaultdict(list)
        for story in session.scalars(
            select(StoryRow)
            .where(StoryRow.story_time.between(when - self.story_window, when + self.story_window))
            .order_by(StoryRow.id)
        ):
            first = _first_of(story.id, merged)
            titles[first].append(StoryKey(story.normalized_title, tuple(story.signature)))
        nearby = [session.get_one(StoryRow, story_id) for story_id in sorted(titles)]
        # Its title and text are the first article's; each article's lead is its own.
        leads = _leads(session, [story.id for story in nearby])
        found = closest_story(key, [(s, [*titles[s.id], *leads[s.id]]) for s in nearby])
        if found is not None and key.vector:
            others = [(s, leads[s.id]) for s in nearby if s.id != found.id]
            return _merged(session, [found, *stories_of_one_event([key, *leads[found.id]], others)])
        if found is not None:
            return found
        story = StoryRow(
            key=row.canonical_url,
            normalized_title=key.title,
            signature=list(key.signature),
            first_seen_at=row.fetched_at,
            story_time=when,
        )
        session.add(story)
        session.flush()
        return story

    def _keep_raw(self, article: AnalysedArticle) -> str | None:
        if self.raw_dir is None or not article.raw_html:
            return None
        digest = hashlib.sha256(article.canonical_url.encode()).hexdigest()[:32]
        path = self.raw_dir / digest[:2] / f"{digest}.html.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(article.raw_html))
        return str(path)

    # The alert outbox

    def pending_alerts(self, waiting: bool = False) -> list[PendingAlert]:
        """Alerts due to be tried now: not sent, not given up on, not backing off (with
        ``waiting``, those backing off too)."""
        with self.session() as session:
            rows = session.execute(
                select(AlertRow, ArticleRow)
                .join(ArticleRow, AlertRow.article_id == ArticleRow.id)
                .where(_unsent(AlertRow, waiting))
                .order_by(AlertRow.id)
            ).all()
            merged = _merged_stories(session)
            pending = (self._pending(session, a, art, merged) for a, art in rows)
            return [alert for alert in pending if alert is not None]

    def _pending(
        self, session: Session, alert: AlertRow, article: ArticleRow, merged: dict[int, int]
    ) -> PendingAlert | None:
        """The alert as it is to be sent, or None while it waits for another. Its thread is
        the recipient's first alert of the story (the first sent, else the first queued), of
        the stories made one with it too. An alert of a story made one with another after
        both were queued waits for the first, which lists its article (``queue_followups``
        then marks it told), or follows it as a follow-up."""
        # Alerts queued before stories existed are about their article alone.
        story = self._story_articles(session, article.story_id) or (article,)
        first = _first_alert(session, alert.recipient, article.story_id, merged)
        kind = alert.kind or "alert"
        if first is not None and first.id != alert.id:
            if first.sent_at is None:
                return None
            kind = "followup"
        elif first is None:
            first = alert
        listed = set(first.covers or ())
        told = tuple(a for a in story if a.id in listed)
        return PendingAlert(
            alert.id, alert.key, alert.recipient, alert.attempts, article, story, kind, first.key,
            told,
        )  # fmt: skip

    def queue_followups(self) -> int:
        """Queue a follow-up for each story article that no message sent to a recipient has
        listed yet: a copy that came after the story's alert went out. Returns how many.
        An unsent alert whose article a sent message of its story listed is marked sent
        (told there)."""
        queued = 0
        with self.session() as session:
            # A copy is grouped only within the story window, so older alerts get none.
            recent = now() - 2 * self.story_window
            sent = session.scalars(
                select(AlertRow).where(
                    AlertRow.sent_at.is_not(None),
                    AlertRow.story_id.is_not(None),
                    AlertRow.created_at >= recent,
                )
            ).all()
            merged = _merged_stories(session)
            listed: dict[tuple[int, str], set[int]] = defaultdict(set)
            for alert in sent:
                story_id = _first_of(alert.story_id or 0, merged)
                listed[(story_id, alert.recipient)].update(alert.covers or [])
            stories = {story_id: self._story_articles(session, story_id) for story_id, _ in listed}
            queued_for = set(
                session.execute(
                    select(AlertRow.article_id, AlertRow.recipient).where(
                        AlertRow.article_id.in_([a.id for s in stories.values() for a in s])
                    )
                )
            )
            told = session.scalars(
                select(AlertRow).where(
                    _queued(AlertRow),
                    AlertRow.story_id.is_not(None),
                    AlertRow.kind.is_distinct_from("followup"),
                )
            ).all()
            for alert in told:
                # An alert whose article a message of its story sent since listed (stories
                # made one, or a first alert given up on and requeued): it was told there.
                story_id = _first_of(alert.story_id or 0, merged)
                if alert.article_id in listed.get((story_id, alert.recipient), ()):
                    alert.sent_at, alert.covers = now(), [alert.article_id]
                    alert.delivered_to = "listed in an earlier message of its story"
            for (story_id, recipient), covered in listed.items():
                for article in stories[story_id]:
                    done = article.id in covered or (article.id, recipient) in queued_for
                    if done or article.quiet:
                        continue
                    session.add(_alert_row(article, recipient, "followup", story_id))
                    queued += 1
        return queued

    def _story_articles(self, session: Session, story_id: int | None) -> tuple[ArticleRow, ...]:
        if story_id is None:
            return ()
        return tuple(
            session.scalars(
                select(ArticleRow).where(ArticleRow.story_id == story_id).order_by(ArticleRow.id)
            )
        )

    def mark_sent(self, alert_id: int, delivered_to: str, covers: Sequence[int] = ()) -> None:
        self._record_attempt(AlertRow, alert_id, delivered_to=delivered_to, covers=list(covers))

    def mark_failed(
        self, alert_id: int, error: str, counted: bool = True, give_up_after: int | None = None
    ) -> None:
        """Record a failed try: the alert backs off, and is dead (no longer pending) once
        ``give_up_after`` tries have failed (settings.delivery_attempts; None: never).
        ``counted=False``: the mail server could not be reached, which says nothing of the
        message; only the error is kept, and the next run tries it again."""
        self._record_failure(AlertRow, alert_id, error, counted, give_up_after)

    def _record_attempt(
        self, model: type[AlertRow | DigestRow | NoticeRow], row_id: int, **changes: Any
    ) -> None:
        """Count a delivery attempt; one that names where it was delivered marks it sent."""
        with self.session() as session:
            row = _outbox_row(session, model, row_id)
            row.attempts += 1
            if "delivered_to" in changes:
                row.sent_at = now()
            for name, value in changes.items():
                setattr(row, name, value)

    def _record_failure(
        self,
        model: type[AlertRow | DigestRow | NoticeRow],
        row_id: int,
        error: str,
        counted: bool,
        give_up_after: int | None,
    ) -> None:
        """Count a failed try: back off, doubling from FIRST_BACKOFF up to MAX_BACKOFF, or
        give up once ``give_up_after`` tries failed, so a refused message stops being sent."""
        with self.session() as session:
            row = _outbox_row(session, model, row_id)
            row.last_error = error
            if not counted:
                return
            row.attempts += 1
            moment = now()
            if give_up_after is not None and row.attempts >= give_up_after:
                row.dead_at, row.next_attempt_at = moment, None
            else:
                row.next_attempt_at = moment + backoff(row.attempts)

    def due_now(self) -> int:
        """Make every message backing off due now (an explicit `newsmon alerts flush`); its
        tries still count, and dead ones stay dead. Returns how many."""
        made_due = 0
        with self.session() as session:
            for model in OUTBOX:
                result = session.execute(
                    update(model)
                    .where(_queued(model), model.next_attempt_at.is_not(None))
                    .values(next_attempt_at=None)
                )
                made_due += cast(CursorResult[Any], result).rowcount
        return made_due

    def requeue(self) -> int:
        """Put every unsent message that is dead or backing off back in the queue, due now,
        its tries counted afresh (`newsmon alerts retry`). Returns how many."""
        requeued = 0
        with self.session() as session:
            for model in OUTBOX:
                waiting = model.dead_at.is_not(None) | model.next_attempt_at.is_not(None)
                result = session.execute(
                    update(model)
                    .where(model.sent_at.is_(None), waiting)
                    .values(dead_at=None, next_attempt_at=None, attempts=0)
                )
                requeued += cast(CursorResult[Any], result).rowcount
        return requeued

    def record_delivery_error(self, failure: DeliveryFailure) -> None:
        """Keep the latest failure for `newsmon status`, in place of the one before."""
        with self.session() as session:
            session.execute(delete(DeliveryErrorRow))
            session.add(
                DeliveryErrorRow(
                    failed_at=now(),
                    key=failure.key,
                    recipient=failure.recipient,
                    headline=failure.headline,
                    reason=failure.reason,
                )
            )

    # Digests

    def queue_digest(self, recipient: str, start: datetime, end: datetime) -> bool:
        """Queue the digest of a period for a recipient, once; a period without stories
        queues nothing. Returns whether it was queued now."""
        with self.session() as session:
            story_ids = self.period_story_ids(session, start, end)
            return self._queue_digest(
                session, digest_key(recipient, end), recipient, start, end, story_ids
            )

    def last_digest_end(self, recipient: str) -> datetime | None:
        """The end of the latest scheduled period queued for a recipient (a backfill's
        digest is not one), or None."""
        with self.session() as session:
            rows = session.execute(
                select(DigestRow.key, DigestRow.period_end)
                .where(DigestRow.recipient == recipient)
                .order_by(DigestRow.period_end.desc())
            )
            # A scheduled digest is named by its period's end; a backfill's by its job.
            return next((end for key, end in rows if key == digest_key(recipient, end)), None)

    def queue_backfill_digest(
        self,
        job_id: str,
        recipient: str,
        start: datetime | None,
        end: datetime | None,
        story_ids: Sequence[int],
    ) -> bool:
        """The one digest of a backfill job's flagged stories, however often it is run."""
        key = _key("backfill", job_id, recipient.lower())
        with self.session() as session:
            return self._queue_digest(
                session, key, recipient, start or now(), end or now(), story_ids
            )

    def _queue_digest(
        self,
        session: Session,
        key: str,
        recipient: str,
        start: datetime,
        end: datetime,
        story_ids: Sequence[int],
    ) -> bool:
        if not story_ids or session.scalar(select(DigestRow.id).where(DigestRow.key == key)):
            return False
        session.add(
            DigestRow(
                key=key,
                recipient=recipient,
                period_start=start,
                period_end=end,
                story_ids=list(story_ids),
                created_at=now(),
            )
        )
        return True

    def period_story_ids(self, session: Session, start: datetime, end: datetime) -> list[int]:
        """Stories that gained an article in the period (new, or carried by another outlet),
        each once, by first sighting. An article belongs to the period it was committed in,
        not fetched in: a poll saves its articles minutes after fetching them."""
        return list(
            session.scalars(
                select(ArticleRow.story_id)
                .where(
                    ArticleRow.story_id.is_not(None),
                    ArticleRow.quiet.is_not(True),
                    ArticleRow.committed_at > start,
                    ArticleRow.committed_at <= end,
                )
                .group_by(ArticleRow.story_id)
                .order_by(func.min(ArticleRow.id))
            )
        )

    def period_stories(self, start: datetime, end: datetime) -> tuple[tuple[ArticleRow, ...], ...]:
        with self.session() as session:
            ids = self.period_story_ids(session, start, end)
            return tuple(self._story_articles(session, i) for i in ids)

    def pending_digests(self, waiting: bool = False) -> list[PendingDigest]:
        """Digests due to be tried now (with ``waiting``, those backing off too)."""
        with self.session() as session:
            rows = session.scalars(
                select(DigestRow).where(_unsent(DigestRow, waiting)).order_by(DigestRow.id)
            ).all()
            return [
                PendingDigest(
                    d.id,
                    d.key,
                    d.recipient,
                    d.attempts,
                    d.period_start,
                    d.period_end,
                    tuple(self._story_articles(session, i) for i in _current(session, d.story_ids)),
                )
                for d in rows
            ]

    def mark_digest_sent(self, digest_id: int, delivered_to: str) -> None:
        self._record_attempt(DigestRow, digest_id, delivered_to=delivered_to)

    def mark_digest_failed(
        self, digest_id: int, error: str, counted: bool = True, give_up_after: int | None = None
    ) -> None:
        self._record_failure(DigestRow, digest_id, error, counted, give_up_after)

    # Reports

    def status(self, configured: Sequence[Source] = ()) -> dict[str, Any]:
        """Counts for `newsmon status`: articles, failures by reason, alerts, delivery, and
        a row per configured source (run or not), then per stored source no longer
        configured. Times are ISO 8601 in UTC, to the second."""
        with self.session() as session:
            by_source: dict[str, Counter[str]] = defaultdict(Counter)
            for source, state, count in session.execute(
                select(ArticleRow.source, ArticleRow.status, func.count()).group_by(
                    ArticleRow.source, ArticleRow.status
                )
            ):
                by_source[source][state] = count
            reasons = Counter(
                failure_reason(error)
                for error in session.scalars(
                    select(ArticleRow.error).where(ArticleRow.status == "failed")
                )
            )
            flagged = session.scalar(select(func.count()).where(ArticleRow.flagged)) or 0
            sent = session.scalar(select(func.count()).where(AlertRow.sent_at.is_not(None))) or 0
            queued = session.scalar(select(func.count()).where(_queued(AlertRow))) or 0
            stored = {row.name: row for row in session.scalars(select(SourceRow))}
            delivery = _delivery_status(session)
        return {
            "articles": sum(c["stored"] for c in by_source.values()),
            "failed_articles": sum(reasons.values()),
            "failed_by_reason": dict(reasons.most_common()),
            "flagged": flagged,
            "alerts": {"sent": sent, "queued": queued},
            "delivery": delivery,
            "sources": _sources_status(configured, stored, by_source),
        }

    def sent_alerts(
        self, limit: int = 20, since: datetime | None = None
    ) -> list[tuple[str, str, str]]:
        """(recipient, headline, where it was delivered) of the latest sent alerts, only
        those sent at or after ``since`` when given (what one run delivered)."""
        query = (
            select(AlertRow, ArticleRow)
            .join(ArticleRow, AlertRow.article_id == ArticleRow.id)
            .where(AlertRow.sent_at.is_not(None))
            .order_by(AlertRow.id.desc())
            .limit(limit)
        )
        if since is not None:
            query = query.where(AlertRow.sent_at >= since)
        with self.session() as session:
            sent = []
            for alert, article in session.execute(query).tuples():
                # As the message was headed: an alert by its story's lead.
                if alert.kind != "followup":
                    article = story_lead(
                        self._story_articles(session, article.story_id) or (article,)
                    )
                sent.append((alert.recipient, article.title or "", alert.delivered_to or ""))
            return sent

    def articles(self, limit: int = 50) -> list[ArticleRow]:
        with self.session() as session:
            return list(
                session.scalars(select(ArticleRow).order_by(ArticleRow.id.desc()).limit(limit))
            )

    # Review marks (the review page and `newsmon labels export`)

    def review_articles(
        self,
        since: datetime,
        until: datetime,
        min_score: float,
        lang: str | None = None,
        source: str | None = None,
        limit: int = 1000,
    ) -> list[ArticleRow]:
        """Stored articles fetched in [since, until), flagged or scoring at least
        ``min_score``, of one language and source when given; newest first."""
        query = select(ArticleRow).where(
            ArticleRow.status == "stored",
            ArticleRow.fetched_at >= since,
            ArticleRow.fetched_at < until,
            ArticleRow.flagged | (ArticleRow.score >= min_score),
        )
        if lang:
            query = query.where(ArticleRow.lang == lang)
        if source:
            query = query.where(ArticleRow.source == source)
        with self.session() as session:
            return list(session.scalars(query.order_by(ArticleRow.id.desc()).limit(limit)))

    def article_languages(self) -> list[str]:
        """The languages of stored articles, for a filter."""
        query = select(ArticleRow.lang).where(ArticleRow.lang.is_not(None)).distinct()
        with self.session() as session:
            return sorted(lang for lang in session.scalars(query) if lang)

    def story_articles(self, story_ids: Sequence[int]) -> dict[int, tuple[ArticleRow, ...]]:
        """Every article of these stories, first stored first."""
        found: dict[int, list[ArticleRow]] = defaultdict(list)
        with self.session() as session:
            rows = session.scalars(
                select(ArticleRow)
                .where(ArticleRow.story_id.in_(list(story_ids)))
                .order_by(ArticleRow.id)
            )
            for row in rows:
                found[row.story_id or 0].append(row)
        return {story_id: tuple(rows) for story_id, rows in found.items()}

    def mark(self, article_id: int, verdict: str, who: str) -> int:
        """Record an editor's verdict ("right" or "wrong") on an article's flag, for every
        article of its story, in one transaction; how many were marked (0: no such stored
        article). The label it makes: relevant when a flag is right or a miss is wrong."""
        moment = now()
        with self.session() as session:
            row = session.get(ArticleRow, article_id)
            if row is None or row.status != "stored":
                return 0
            articles = self._story_articles(session, row.story_id) or (row,)
            session.add_all(
                LabelRow(
                    article_id=a.id,
                    verdict=verdict,
                    relevant=bool(a.flagged) == (verdict == "right"),
                    who=who,
                    marked_at=moment,
                )
                for a in articles
            )
            return len(articles)

    def latest_labels(self, article_ids: Sequence[int] | None = None) -> dict[int, LabelRow]:
        """The latest mark of each article (of these articles, when given)."""
        query = select(LabelRow).order_by(LabelRow.id)
        if article_ids is not None:
            query = query.where(LabelRow.article_id.in_(list(article_ids)))
        with self.session() as session:
            return {row.article_id: row for row in session.scalars(query)}

    def labelled_articles(self) -> list[tuple[LabelRow, ArticleRow]]:
        """Each marked article with its latest mark, in order of marking."""
        latest = self.latest_labels()
        with self.session() as session:
            articles = {
                row.id: row
                for row in session.scalars(
                    select(ArticleRow).where(ArticleRow.id.in_(list(latest)))
                )
            }
        marks = sorted(latest.values(), key=lambda row: row.id)
        return [(mark, articles[mark.article_id]) for mark in marks]


def open_store(settings: Settings) -> Store:
    return Store(settings.database, settings.raw_dir, timedelta(hours=settings.story_window_hours))


def _articles_keyed(
    session: Session, keys: Sequence[str], condition: ColumnElement[bool]
) -> set[str]:
    """Those of the keys that are the canonical URL, or the URL it was fetched by, of an
    article meeting ``condition``."""
    return set(
        session.scalars(
            select(ArticleRow.canonical_url).where(ArticleRow.canonical_url.in_(keys), condition)
        )
    ) | set(
        session.scalars(
            select(ArticleRow.request_key).where(ArticleRow.request_key.in_(keys), condition)
        )
    )


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        if path := sqlite_file(url):
            path.parent.mkdir(parents=True, exist_ok=True)
        # Several task threads write; wait for the lock rather than fail.
        return create_engine(url, connect_args={"timeout": 30})
    return create_engine(url, pool_pre_ping=True)


def _lock_host(session: Session, host: str) -> None:
    """One reservation per host at a time: PostgreSQL's transaction-scoped advisory lock;
    on SQLite a write (matching no row) takes the database's write lock before the read."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(f"host:{host}")}
        )
    else:
        session.execute(text("DELETE FROM host_turns WHERE 0"))


def story_lead(story: Sequence[ArticleRow]) -> ArticleRow:
    """The article a story is told by: its best-scored, the first stored of equals (the
    order copies were stored in varies from poll to poll; their scores do not)."""
    return max(story, key=lambda a: a.score or 0.0)


def _merged_stories(session: Session) -> dict[int, int]:
    """Each story made one with an older one, and that one."""
    rows = session.execute(
        select(StoryRow.id, StoryRow.merged_into).where(StoryRow.merged_into.is_not(None))
    )
    return {story_id: first for story_id, first in rows.tuples() if first is not None}


def _first_of(story_id: int, merged: dict[int, int]) -> int:
    """The story this one is part of: itself, or the one it was made one with."""
    while story_id in merged:
        story_id = merged[story_id]
    return story_id


def _family(story_id: int, merged: dict[int, int]) -> list[int]:
    """The story and those made one with it."""
    return [story_id, *(other for other in merged if _first_of(other, merged) == story_id)]


def _first_alert(
    session: Session, recipient: str, story_id: int | None, merged: dict[int, int]
) -> AlertRow | None:
    """The recipient's alert of the story (or of one made one with it) that its thread
    answers: the first sent, else the first queued that no try has failed (one failing
    holds no other back); None when there is neither."""
    if story_id is None:
        return None
    alerts = session.scalars(
        select(AlertRow)
        .where(
            AlertRow.story_id.in_(_family(story_id, merged)),
            AlertRow.recipient == recipient,
            AlertRow.kind.is_distinct_from("followup"),
            AlertRow.dead_at.is_(None),
        )
        .order_by(AlertRow.id)
    ).all()
    sent = [alert for alert in alerts if alert.sent_at is not None]
    if sent:
        return min(sent, key=lambda alert: (alert.sent_at, alert.id))
    return next((alert for alert in alerts if not alert.attempts), None)


def _current(session: Session, story_ids: list[int]) -> list[int]:
    """The stories a digest listed, each as the story it was made one with since, once."""
    merged = _merged_stories(session)
    return list(dict.fromkeys(_first_of(story_id, merged) for story_id in story_ids))


def _leads(session: Session, story_ids: Sequence[int]) -> dict[int, list[StoryKey]]:
    """The keys of the stories' articles that have a lead vector, by story."""
    leads: dict[int, list[StoryKey]] = defaultdict(list)
    for story_id, vector, language, title, body, outlet, published, dated_by in session.execute(
        select(
            ArticleRow.story_id,
            ArticleRow.lead_vector,
            ArticleRow.lang,
            ArticleRow.title,
            ArticleRow.text,
            ArticleRow.outlet,
            ArticleRow.published_at,
            ArticleRow.published_from,
        ).where(ArticleRow.story_id.in_(story_ids), ArticleRow.lead_vector.is_not(None))
    ):
        language = language or "und"
        names, uncertain = report_names(title, body, outlet, language)
        leads[story_id].append(
            StoryKey(
                title="",
                signature=(),
                vector=vector,
                language=language,
                names=names,
                published=_publication(published, dated_by),
                uncertain_names=uncertain,
            )
        )
    return leads


def _merged(session: Session, stories: list[StoryRow]) -> StoryRow:
    """The oldest of the stories, which the others' articles join. Their alert rows stay as
    they were (a delivery may hold them); the recipient's first alert of the story decides
    how each unsent one goes (``_first_alert``)."""
    first, *others = sorted(stories, key=lambda story: story.id)
    if not others:
        return first
    ids = [story.id for story in others]
    session.execute(
        update(ArticleRow).where(ArticleRow.story_id.in_(ids)).values(story_id=first.id)
    )
    for story in others:
        story.merged_into = first.id
    session.flush()
    return first


def _lock_stories(session: Session) -> None:
    """Story lookup, creation and settling one transaction at a time, so two pollers storing
    two copies of one new story make one story (and one alert), and no story is merged
    from a read another merge made stale. PostgreSQL takes a transaction-scoped advisory
    lock; on SQLite a write (matching no row) takes the database's write lock, which a save
    holds already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key("stories")})
    else:
        session.execute(text("DELETE FROM stories WHERE 0"))


def alert_key(canonical_url: str, recipient: str) -> str:
    """Idempotency key of one alert: the same article and recipient give the same key."""
    return _key(canonical_url, recipient.lower())


def _key(*parts: str) -> str:
    """An idempotency key (and Message-ID) from what names a message."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]


def _publication(published: datetime | None, dated_by: str | None) -> datetime | None:
    """When a report was published, for telling events days apart: the page's or the feed's
    time, not an archive's capture time, nor when a source catching up fetched it."""
    return published if dated_by in ("page", "listing") else None


def _alert_row(article: ArticleRow, recipient: str, kind: str, story_id: int) -> AlertRow:
    return AlertRow(
        key=alert_key(article.canonical_url, recipient),
        article_id=article.id,
        recipient=recipient,
        created_at=now(),
        kind=kind,
        story_id=story_id,
    )


def digest_key(recipient: str, period_end: datetime) -> str:
    """One digest per recipient and period, named by the period's end."""
    return _key("digest", recipient.lower(), period_end.astimezone(UTC).isoformat())


def pages_verdict(
    outcome: FetchOutcome, read: int, failed_pages: int, page_error: str | None
) -> FetchOutcome:
    """An answering listing whose article pages all failed is a failed run: a host that
    serves its feed but refuses every page would otherwise look healthy. ``read`` counts the
    pages read fine, stored or not (a copy of a stored article, one another poller stored
    first); ``page_error`` says why the first failed page failed."""
    if outcome.outcome == "error" or read or not failed_pages:
        return outcome
    reason = f"all {failed_pages} article pages failed"
    reason += f": {page_error}" if page_error else ""
    error = "; ".join(e for e in (reason, outcome.error) if e)
    return replace(outcome, outcome="error", error=error)


def _health(row: SourceRow, failures: int, expected_hours: float | None, moment: datetime) -> str:
    if (row.consecutive_failures or 0) >= failures:
        return "failing"
    since = row.last_new_at
    if expected_hours and since and moment - since > timedelta(hours=expected_hours):
        return "silent"
    return "ok"


# How a notice's subject says each new health.
_HEALTH_WORDS = {"failing": "failing", "silent": "silent", "ok": "recovered"}


def _health_paragraph(row: SourceRow, health: str, expected_hours: float | None) -> str:
    """What a notice says of one source whose health became ``health`` (``row`` still holds
    the health it had)."""
    since = _iso(row.last_new_at) or "never"
    if health == "failing":
        runs = row.consecutive_failures or 0
        detail = f"{runs} run{'s' * (runs != 1)} in a row failed; last error: {row.last_error}"
    elif health == "silent":
        detail = f"no new article since {since}, expected every {expected_hours:g} hours"
    else:
        detail = f"working again (was {row.health}); last new article {since}"
    return f"{row.name}: {row.outlet} ({row.url})\n{detail}"


def _health_notice(changed: list[tuple[str, str]], paragraphs: list[str]) -> tuple[str, str]:
    """Subject and text of the notice for the sources whose health changed together."""
    if len(changed) == 1:
        [(name, health)] = changed
        subject = f"[newsmon] source {_HEALTH_WORDS[health]}: {name}"
    else:
        counts = Counter(_HEALTH_WORDS[health] for _, health in changed)
        subject = f"[newsmon] {len(changed)} sources: " + ", ".join(
            f"{count} {word}" for word, count in counts.items()
        )
    body = "\n\n".join(paragraphs) + "\n\nSee `newsmon status` for every source.\n"
    return subject, body


def _fill(row: ArticleRow, article: AnalysedArticle, raw_path: str | None) -> None:
    row.url, row.source, row.outlet = article.url, article.source, article.outlet
    row.canonical_url, row.request_key = article.canonical_url, article.request_key
    row.fetched_at, row.raw_path = article.fetched_at, raw_path
    row.attempts = (row.attempts or 0) + 1
    if article.error:
        row.status, row.error = "failed", article.error
        return
    topic = article.topic
    row.status, row.error = "stored", None
    row.title, row.text, row.published_at = article.title, article.text, article.published
    row.published_from = article.published_from
    row.author = article.author
    row.lang = article.language.code if article.language else None
    row.lang_method = article.language.method if article.language else None
    row.score = topic.score if topic else None
    row.flagged = bool(topic and topic.flag)
    row.passage = topic.passage if topic else None
    row.terms = list(topic.terms) if topic else None
    row.terms_against = list(topic.against) if topic else None
    row.model = topic.model if topic else None
    row.lead_vector = topic.vector if topic and topic.flag and topic.vector else None
    row.note = "; ".join(n for n in (article.note, topic.note if topic else None) if n) or None


def _give_up_if_gone(row: ArticleRow) -> None:
    """A page answered 410 Gone was removed for good: not asked for again."""
    if row.status == "failed" and failure_reason(row.error) == "HTTP 410":
        row.attempts = max(row.attempts, MAX_ARTICLE_ATTEMPTS)


def failure_reason(error: str | None) -> str:
    """The kind of a failure without its details: "HTTP 404", "timed out", "unparseable"."""
    return (error or "unknown").split(" (after")[0].split(":")[0]


def utc(value: datetime) -> datetime:
    """SQLite gives back the UTC times it was given without their zone (read through
    UTCDateTime, which applies this)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _iso(value: datetime | None) -> str | None:
    """A time for people and JSON: UTC with its zone, to the second."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat() if value else None


OUTBOX: tuple[type[AlertRow | DigestRow | NoticeRow], ...] = (AlertRow, DigestRow, NoticeRow)


def backoff(attempts: int) -> timedelta:
    """How long a message waits after its ``attempts``-th failed try."""
    doubled: timedelta = FIRST_BACKOFF * 2 ** min(attempts - 1, 12)
    return min(doubled, MAX_BACKOFF)


def _outbox_row(
    session: Session, model: type[AlertRow | DigestRow | NoticeRow], row_id: int
) -> AlertRow | DigestRow | NoticeRow:
    return cast(AlertRow | DigestRow | NoticeRow, session.get_one(model, row_id))


def _unsent(model: type[AlertRow | DigestRow | NoticeRow], waiting: bool) -> Any:
    """Queued and due now, or with ``waiting`` queued at all (backing off or not)."""
    if waiting:
        return _queued(model)
    due = model.next_attempt_at.is_(None) | (model.next_attempt_at <= now())
    return _queued(model) & due


def _queued(model: type[AlertRow | DigestRow | NoticeRow]) -> Any:
    """Not sent and not given up on."""
    return model.sent_at.is_(None) & model.dead_at.is_(None)


def _delivery_status(session: Session) -> dict[str, Any]:
    """Messages of every kind still queued, the latest delivery, and the latest failure."""
    queued = sum(session.scalar(select(func.count()).where(_queued(m))) or 0 for m in OUTBOX)
    sent = [session.scalar(select(func.max(model.sent_at))) for model in OUTBOX]
    error = session.scalars(select(DeliveryErrorRow).order_by(DeliveryErrorRow.id.desc())).first()
    return {
        "queued": queued,
        **_dead_status(session),
        "last_sent_at": _iso(max((when for when in sent if when), default=None)),
        "last_error": error.reason if error else None,
        "last_error_at": _iso(error.failed_at) if error else None,
        "last_error_headline": error.headline if error else None,
        "last_error_recipient": error.recipient if error else None,
    }


def _dead_status(session: Session) -> dict[str, Any]:
    """Messages given up on, and why the latest of them was."""
    dead = sum(
        session.scalar(select(func.count()).where(m.dead_at.is_not(None), m.sent_at.is_(None))) or 0
        for m in OUTBOX
    )
    latest = [
        session.execute(
            select(m.dead_at, m.last_error)
            .where(m.dead_at.is_not(None), m.sent_at.is_(None))
            .order_by(m.dead_at.desc())
            .limit(1)
        ).first()
        for m in OUTBOX
    ]
    last = max((row for row in latest if row), key=lambda row: row[0], default=None)
    return {
        "dead": dead,
        "last_dead_reason": last[1] if last else None,
        "last_dead_at": _iso(last[0]) if last else None,
    }


def _sources_status(
    configured: Sequence[Source],
    stored: dict[str, SourceRow],
    articles: dict[str, Counter[str]],
) -> list[dict[str, Any]]:
    """Configured sources in their configured order, then stored ones no longer configured."""
    names = {source.name for source in configured}
    none: Counter[str] = Counter()
    rows = [
        _source_status(s.name, stored.get(s.name), articles.get(s.name, none), s)
        for s in configured
    ]
    rows += [
        _source_status(name, row, articles.get(name, none), None)
        for name, row in sorted(stored.items())
        if name not in names
    ]
    return rows


def _source_status(
    name: str, row: SourceRow | None, articles: Counter[str], source: Source | None
) -> dict[str, Any]:
    if source is None:
        health = "not configured"
    elif not source.enabled:
        health = "disabled"
    else:
        health = (row.health or "ok") if row else "never run"
    # The configuration says where a source is now; a stored row, where it was polled.
    where = source or row
    return {
        "name": name,
        "outlet": where.outlet if where else "",
        "url": where.url if where else "",
        "configured": source is not None,
        "enabled": bool(source and source.enabled),
        "health": health,
        "last_run_at": _iso(row.last_run_at) if row else None,
        "last_ok_at": _iso(row.last_ok_at) if row else None,
        "last_error": row.last_error if row else None,
        "consecutive_failures": (row.consecutive_failures or 0) if row else 0,
        "last_new_at": _iso(row.last_new_at) if row else None,
        "articles": articles["stored"],
        "failed_articles": articles["failed"],
    }
