"""Timestamps keep their instant on SQLite as on PostgreSQL: stored in UTC, read back aware."""

from __future__ import annotations

import gzip
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from extractors.records import AnalysedArticle
from newsmon.migrate import _config
from newsmon.store import ArticleRow, Store, StoryRow, make_engine
from tests.conftest import FIXTURES
from tests.newsmon.records import article

pytestmark = pytest.mark.usefixtures("database_url")

# One instant, 06:00 UTC, as pages in three zones write it.
AT_SIX_UTC = {
    "+03:00": "2025-06-10T09:00:00+03:00",
    "+04:00": "2025-06-10T10:00:00+04:00",
    "-05:00": "2025-06-10T01:00:00-05:00",
}
SIX_UTC = datetime(2025, 6, 10, 6, 0, tzinfo=UTC)
OFFSETS = sorted(AT_SIX_UTC)


def _store(tmp_path: Path, window: timedelta = timedelta(hours=72)) -> Store:
    return Store(os.environ["NEWSMON_DATABASE_URL"], tmp_path / "raw", window)


def _published(
    url: str, when: str, title: str = "Kremlin ready", outlet: str = "Civil.ge", text: str = "Text."
) -> AnalysedArticle:
    page = article(url, title=title, outlet=outlet, text=text)
    return replace(page, published=datetime.fromisoformat(when))


@pytest.mark.parametrize("offset", OFFSETS)
def test_page_time_is_stored_and_read_back_as_its_utc_instant(tmp_path: Path, offset: str) -> None:
    store = _store(tmp_path)
    store.save([_published("https://civil.ge/1", AT_SIX_UTC[offset])], ["desk@x.org"])
    [row] = store.articles()
    assert row.published_at == SIX_UTC and row.published_at.utcoffset() == timedelta(0)
    assert row.fetched_at.tzinfo is not None


def test_published_range_query_selects_instants_whatever_the_pages_zone(tmp_path: Path) -> None:
    """Three pages published an hour apart in three zones: a --since/--until range in UTC
    selects by instant, not by the wall-clock time each page wrote."""
    store = _store(tmp_path)
    pages = {
        "https://a.example/1": "2025-06-10T09:00:00+03:00",  # 06:00 UTC
        "https://b.example/1": "2025-06-10T11:00:00+04:00",  # 07:00 UTC
        "https://c.example/1": "2025-06-10T03:00:00-05:00",  # 08:00 UTC
    }
    for number, (url, when) in enumerate(pages.items()):
        store.save([_published(url, when, title=f"Story {number}")], [])

    def between(since: datetime, until: datetime) -> list[str]:
        with store.session() as session:
            query = select(ArticleRow.url).where(
                ArticleRow.published_at >= since, ArticleRow.published_at < until
            )
            return sorted(session.scalars(query))

    assert between(SIX_UTC + timedelta(minutes=30), SIX_UTC + timedelta(minutes=90)) == [
        "https://b.example/1"
    ]
    assert len(between(SIX_UTC - timedelta(hours=1), SIX_UTC + timedelta(hours=3))) == 3
    # The same range written in another zone selects the same.
    tbilisi = timezone(timedelta(hours=4))
    since = (SIX_UTC + timedelta(minutes=30)).astimezone(tbilisi)
    assert between(since, since + timedelta(hours=1)) == ["https://b.example/1"]


@pytest.mark.parametrize("offset", OFFSETS)
def test_story_window_is_read_on_instants(tmp_path: Path, offset: str) -> None:
    """A copy published 90 minutes after the first, with a 2-hour story window, joins its
    story whatever zone the first page wrote its time in."""
    store = _store(tmp_path, window=timedelta(hours=2))
    wire = (FIXTURES / "stories" / "tass_like.txt").read_text(encoding="utf-8")
    first = _published("https://tass.com/1", AT_SIX_UTC[offset], outlet="TASS", text=wire)
    later = _published("https://agenda.ge/1", "2025-06-10T07:30:00+00:00", text=wire)
    store.save([first, later], ["desk@x.org"])
    rows = store.articles()
    assert len({row.story_id for row in rows}) == 1
    with store.session() as session:
        assert session.scalars(select(StoryRow.story_time)).one() == SIX_UTC


def test_naive_time_is_refused_rather_than_guessed(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with pytest.raises(StatementError, match="naive datetime"):
        store.queue_digest("ed@x.org", datetime(2025, 6, 10, 6), datetime(2025, 6, 11, 6))


PAGE = """<html><head><title>Kremlin ready</title>
<meta property="article:published_time" content="{when}"></head>
<body><article><p>Peskov said Russia is ready.</p></article></body></html>"""


def test_migration_rereads_shifted_page_times_from_kept_pages(tmp_path: Path) -> None:
    """Rows written before times were converted: on SQLite 10:00+04:00 was kept as 10:00
    and read as 10:00 UTC. The page kept on disk gives its offset back; a time from a feed,
    whose offset is lost, stays as it was."""
    url = os.environ["NEWSMON_DATABASE_URL"]
    engine = make_engine(url)
    with engine.connect() as connection:
        command.upgrade(_config(connection), "0004")
        connection.commit()
    raw = tmp_path / "page.html.gz"
    raw.write_bytes(gzip.compress(PAGE.format(when=AT_SIX_UTC["+04:00"]).encode()))
    kept = datetime.fromisoformat(AT_SIX_UTC["+04:00"])
    from_feed = datetime.fromisoformat("2025-06-10T01:00:00-05:00")
    with engine.begin() as connection:
        # Written the old way: SQLAlchemy's DateTime, which drops the offset on SQLite.
        story = _old_insert(connection, "stories", key="https://civil.ge/1", story_time=kept)
        _old_insert(connection, "articles", **_old_article("https://civil.ge/1", kept, raw, story))
        _old_insert(connection, "articles", **_old_article("https://civil.ge/2", from_feed, None))
    engine.dispose()

    store = _store(tmp_path)
    rows = {row.canonical_url: row for row in store.articles()}
    assert rows["https://civil.ge/1"].published_at == SIX_UTC
    with store.session() as session:
        assert session.scalars(select(StoryRow.story_time)).one() == SIX_UTC
    # Unknowable on SQLite (left shifted); PostgreSQL kept the offset all along.
    sqlite = store.engine.dialect.name == "sqlite"
    feed_time = from_feed.replace(tzinfo=UTC) if sqlite else from_feed
    assert rows["https://civil.ge/2"].published_at == feed_time


def _old_article(
    canonical: str, published: datetime, raw: Path | None, story: int | None = None
) -> dict[str, object]:
    return {
        "canonical_url": canonical,
        "request_key": canonical,
        "url": canonical,
        "source": "civil-ge-en",
        "outlet": "Civil.ge",
        "status": "stored",
        "attempts": 1,
        "title": "Kremlin ready",
        "text": "Peskov said Russia is ready.",
        "published_at": published,
        "published_from": "page" if raw else "listing",
        "fetched_at": datetime(2025, 6, 10, 9, tzinfo=UTC),
        "flagged": True,
        "raw_path": str(raw) if raw else None,
        "story_id": story,
    }


def _old_insert(connection: sa.Connection, table: str, **values: object) -> int:
    if table == "stories":
        values |= {"normalized_title": "kremlin ready", "signature": [1, 2]}
        values["first_seen_at"] = values["story_time"]
    columns = [
        sa.column(name, sa.DateTime(timezone=True))
        if name.endswith(("_at", "_time"))
        else sa.column(name, sa.JSON() if name == "signature" else None)
        for name in values
    ]
    target = sa.table(table, *columns, sa.column("id"))
    inserted = connection.execute(sa.insert(target).values(values).returning(target.c.id))
    return int(inserted.scalar_one())
