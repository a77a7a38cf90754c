"""Schema migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import DateTime, bindparam, inspect, text

from newsmon.migrate import _config, current_revision, head_revision
from newsmon.store import Base, Store, make_engine
from tests.newsmon.records import article

pytestmark = pytest.mark.usefixtures("database_url")


def test_new_database_is_at_the_newest_revision_and_matches_the_models() -> None:
    store = Store(os.environ["NEWSMON_DATABASE_URL"])
    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_database_from_before_migrations_is_adopted_with_its_rows() -> None:
    url = os.environ["NEWSMON_DATABASE_URL"]
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        # A column added after the database was made.
        connection.execute(text("ALTER TABLE articles DROP COLUMN quiet"))
        connection.execute(
            text(
                "INSERT INTO sources (name, outlet, url, consecutive_failures) "
                "VALUES ('civil', 'Civil.ge', 'https://civil.ge/feed/', 2)"
            )
        )
    engine.dispose()

    store = Store(url)
    assert current_revision(store.engine) == head_revision()
    assert "quiet" in {c["name"] for c in inspect(store.engine).get_columns("articles")}
    kept = store.source_state("civil")
    assert kept is not None and kept.consecutive_failures == 2
    store.save([article("https://civil.ge/1")], ["desk@x.org"])
    assert [row.url for row in store.articles()] == ["https://civil.ge/1"]


def test_stores_opened_at_once_migrate_once() -> None:
    url = os.environ["NEWSMON_DATABASE_URL"]
    barrier, errors = threading.Barrier(4), []

    def open_store() -> None:
        barrier.wait()
        try:
            Store(url)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert current_revision(make_engine(url)) == head_revision()


def test_articles_stored_before_commit_times_are_given_their_fetch_time() -> None:
    url = os.environ["NEWSMON_DATABASE_URL"]
    engine = make_engine(url)
    with engine.connect() as connection:
        command.upgrade(_config(connection), "0006")
        connection.commit()
    fetched = datetime(2025, 6, 10, 7, 59, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO articles (canonical_url, request_key, url, source, outlet, status, "
                "attempts, title, text, fetched_at, flagged) VALUES ('https://civil.ge/1', "
                "'https://civil.ge/1', 'https://civil.ge/1', 'civil', 'Civil.ge', 'stored', 1, "
                "'Title', 'Text', :fetched, false)"
            ).bindparams(bindparam("fetched", type_=DateTime(timezone=True))),
            {"fetched": fetched},
        )
    engine.dispose()

    [row] = Store(url).articles()
    assert row.committed_at == fetched
