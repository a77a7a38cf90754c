"""The database: sources' fetch state and log, articles, and the alert outbox.

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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from extractors.records import AnalysedArticle

MAX_ARTICLE_ATTEMPTS = 3


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
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_ok_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)


class FetchLogRow(Base):
    __tablename__ = "fetch_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
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
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    score: Mapped[float | None] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    passage: Mapped[str | None] = mapped_column(Text)
    terms: Mapped[list[str] | None] = mapped_column(JSON)
    model: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    raw_path: Mapped[str | None] = mapped_column(Text)


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_to: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


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
    id: int
    key: str
    recipient: str
    attempts: int
    article: ArticleRow


def now() -> datetime:
    return datetime.now(UTC)


class Store:
    def __init__(self, url: str, raw_dir: Path | None = None) -> None:
        self.engine = make_engine(url)
        self.raw_dir = raw_dir
        Base.metadata.create_all(self.engine)
        _add_missing_columns(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    # Sources and the fetch log

    def source_state(self, name: str) -> SourceRow | None:
        with self.session() as session:
            return session.get(SourceRow, name)

    def record_fetch(self, outcome: FetchOutcome, outlet: str, url: str, new: int) -> None:
        with self.session() as session:
            row = session.get(SourceRow, outcome.source)
            if row is None:
                row = SourceRow(name=outcome.source, outlet=outlet, url=url, consecutive_failures=0)
                session.add(row)
            row.outlet, row.url, row.last_run_at = outlet, url, outcome.started_at
            if outcome.outcome == "error":
                row.last_error = outcome.error
                row.consecutive_failures = (row.consecutive_failures or 0) + 1
            else:
                row.last_error, row.consecutive_failures = None, 0
                row.last_ok_at = outcome.started_at
            session.add(
                FetchLogRow(
                    run_id=outcome.run_id,
                    source=outcome.source,
                    started_at=outcome.started_at,
                    duration_ms=outcome.duration_ms,
                    outcome=outcome.outcome,
                    http_status=outcome.http_status,
                    error=outcome.error,
                    entries=outcome.entries,
                    new_articles=new,
                )
            )

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

    # Articles

    def unseen(self, keys: Sequence[str]) -> list[str]:
        """The canonical URLs not stored yet (as an article's own canonical URL or as the URL
        it was fetched by), or that failed fewer than MAX_ARTICLE_ATTEMPTS times."""
        if not keys:
            return []
        finished = (ArticleRow.status == "stored") | (ArticleRow.attempts >= MAX_ARTICLE_ATTEMPTS)
        with self.session() as session:
            done = set(
                session.scalars(
                    select(ArticleRow.canonical_url).where(
                        ArticleRow.canonical_url.in_(keys), finished
                    )
                )
            )
            done |= set(
                session.scalars(
                    select(ArticleRow.request_key).where(ArticleRow.request_key.in_(keys), finished)
                )
            )
            done |= set(
                session.scalars(select(AliasRow.request_key).where(AliasRow.request_key.in_(keys)))
            )
        return [key for key in dict.fromkeys(keys) if key not in done]

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
        Returns the canonical URLs of the articles newly stored."""
        stored = []
        for article in articles:
            raw_path = self._keep_raw(article)
            try:
                if self._save_one(article, raw_path, recipients if alert else ()):
                    stored.append(article.canonical_url)
            except IntegrityError:
                # Another poller stored it first: theirs stands, with its alerts.
                continue
        return stored

    def _save_one(
        self, article: AnalysedArticle, raw_path: str | None, recipients: Sequence[str]
    ) -> bool:
        with self.session() as session:
            row = session.scalar(
                select(ArticleRow).where(ArticleRow.canonical_url == article.canonical_url)
            ) or session.scalar(
                select(ArticleRow).where(
                    ArticleRow.request_key == article.request_key, ArticleRow.status == "failed"
                )
            )
            if row is not None and row.status == "stored":
                if row.request_key != article.request_key and not article.error:
                    session.merge(AliasRow(request_key=article.request_key, article_id=row.id))
                return False
            if row is not None and article.error:
                row.attempts, row.error = row.attempts + 1, article.error
                return False
            if row is None:
                row = ArticleRow(attempts=0)
                session.add(row)
            _fill(row, article, raw_path)
            session.flush()
            if row.flagged:
                for recipient in recipients:
                    session.add(
                        AlertRow(
                            key=alert_key(article.canonical_url, recipient),
                            article_id=row.id,
                            recipient=recipient,
                            created_at=now(),
                        )
                    )
            return row.status == "stored"

    def _keep_raw(self, article: AnalysedArticle) -> str | None:
        if self.raw_dir is None or not article.raw_html:
            return None
        digest = hashlib.sha256(article.canonical_url.encode()).hexdigest()[:32]
        path = self.raw_dir / digest[:2] / f"{digest}.html.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(article.raw_html))
        return str(path)

    # The alert outbox

    def pending_alerts(self) -> list[PendingAlert]:
        with self.session() as session:
            rows = session.execute(
                select(AlertRow, ArticleRow)
                .join(ArticleRow, AlertRow.article_id == ArticleRow.id)
                .where(AlertRow.sent_at.is_(None))
                .order_by(AlertRow.id)
            ).all()
            return [PendingAlert(a.id, a.key, a.recipient, a.attempts, art) for a, art in rows]

    def mark_sent(self, alert_id: int, delivered_to: str) -> None:
        with self.session() as session:
            row = session.get_one(AlertRow, alert_id)
            row.sent_at, row.delivered_to = now(), delivered_to
            row.attempts += 1

    def mark_failed(self, alert_id: int, error: str) -> None:
        with self.session() as session:
            row = session.get_one(AlertRow, alert_id)
            row.attempts += 1
            row.last_error = error

    # Reports

    def status(self) -> dict[str, Any]:
        """Counts for `newsmon status`: articles, failures by reason, alerts, sources."""
        with self.session() as session:
            by_source: dict[str, Counter[str]] = defaultdict(Counter)
            for source, state, count in session.execute(
                select(ArticleRow.source, ArticleRow.status, func.count()).group_by(
                    ArticleRow.source, ArticleRow.status
                )
            ):
                by_source[source][state] = count
            reasons = Counter(
                _reason(error)
                for error in session.scalars(
                    select(ArticleRow.error).where(ArticleRow.status == "failed")
                )
            )
            flagged = session.scalar(select(func.count()).where(ArticleRow.flagged)) or 0
            sent = session.scalar(select(func.count()).where(AlertRow.sent_at.is_not(None))) or 0
            queued = session.scalar(select(func.count()).where(AlertRow.sent_at.is_(None))) or 0
            sources = [
                {
                    "name": row.name,
                    "outlet": row.outlet,
                    "url": row.url,
                    "last_run_at": _iso(row.last_run_at),
                    "last_ok_at": _iso(row.last_ok_at),
                    "last_error": row.last_error,
                    "consecutive_failures": row.consecutive_failures,
                    "articles": by_source[row.name]["stored"],
                    "failed_articles": by_source[row.name]["failed"],
                }
                for row in session.scalars(select(SourceRow).order_by(SourceRow.name))
            ]
        return {
            "articles": sum(c["stored"] for c in by_source.values()),
            "failed_articles": sum(reasons.values()),
            "failed_by_reason": dict(reasons.most_common()),
            "flagged": flagged,
            "alerts": {"sent": sent, "queued": queued},
            "sources": sources,
        }

    def sent_alerts(self, limit: int = 20) -> list[tuple[str, str, str]]:
        """(recipient, article title, where it was delivered) of the latest sent alerts."""
        with self.session() as session:
            rows = session.execute(
                select(AlertRow.recipient, ArticleRow.title, AlertRow.delivered_to)
                .join(ArticleRow, AlertRow.article_id == ArticleRow.id)
                .where(AlertRow.sent_at.is_not(None))
                .order_by(AlertRow.id.desc())
                .limit(limit)
            )
            return [(recipient, title, where or "") for recipient, title, where in rows]

    def articles(self, limit: int = 50) -> list[ArticleRow]:
        with self.session() as session:
            return list(
                session.scalars(select(ArticleRow).order_by(ArticleRow.id.desc()).limit(limit))
            )


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Several task threads write; wait for the lock rather than fail.
        return create_engine(url, connect_args={"timeout": 30})
    return create_engine(url, pool_pre_ping=True)


def alert_key(canonical_url: str, recipient: str) -> str:
    """Idempotency key of one alert: the same article and recipient give the same key."""
    return hashlib.sha256(f"{canonical_url}\n{recipient.lower()}".encode()).hexdigest()[:40]


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
    row.author = article.author
    row.lang = article.language.code if article.language else None
    row.lang_method = article.language.method if article.language else None
    row.score = topic.score if topic else None
    row.flagged = bool(topic and topic.flag)
    row.passage = topic.passage if topic else None
    row.terms = list(topic.terms) if topic else None
    row.model = topic.model if topic else None
    row.note = "; ".join(n for n in (article.note, topic.note if topic else None) if n) or None


def _reason(error: str | None) -> str:
    """The kind of a failure without its details: "HTTP 404", "timed out", "unparseable"."""
    return (error or "unknown").split(" (after")[0].split(":")[0]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _add_missing_columns(engine: Engine) -> None:
    """Columns added since a database was created (nullable, so old rows stay valid):
    ``create_all`` makes missing tables only."""
    inspector = inspect(engine)
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            if not inspector.has_table(table.name):
                continue
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present and column.nullable:
                    kind = column.type.compile(dialect=engine.dialect)
                    connection.execute(
                        text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')
                    )
