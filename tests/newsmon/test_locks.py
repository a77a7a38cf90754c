"""Cross-process locks wait a bounded time: a poller stuck behind another's slow delivery
gives up after lock_timeout_seconds and leaves the delivery to it. On SQLite (a lock file)
and PostgreSQL (an advisory lock); a thread holds the lock on its own connection or file."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from newsmon.alerts import LEFT_TO_ANOTHER, deliver_pending
from newsmon.locks import LockTimeout, exclusive
from newsmon.settings import load_settings
from newsmon.store import Store, make_engine
from tests.conftest import Mailbox
from tests.newsmon.records import article


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    made = make_engine(database_url)
    yield made
    made.dispose()


@contextmanager
def held(engine: Engine, name: str) -> Iterator[threading.Event]:
    """The lock ``name``, held by another thread until the event is set."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with exclusive(engine, name):
            taken.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert taken.wait(timeout=10)
        yield release
    finally:
        release.set()
        holder.join()


def test_wait_for_a_held_lock_ends_at_the_timeout(engine: Engine) -> None:
    with held(engine, "delivery"):
        started = time.monotonic()
        with pytest.raises(LockTimeout) as timed_out, exclusive(engine, "delivery", timeout=0.5):
            pytest.fail("entered a lock another thread holds")
        waited = time.monotonic() - started
        with exclusive(engine, "another name", timeout=0.5):
            pass  # other names are other locks
    assert 0.5 <= waited < 2.0
    assert str(timed_out.value) == "lock 'delivery' still held by another process after 0.5 s"
    with exclusive(engine, "delivery", timeout=0.5):
        pass  # released: taken again


def test_waiter_gets_the_lock_when_it_is_released(engine: Engine) -> None:
    with held(engine, "delivery") as release:
        releaser = threading.Timer(0.3, release.set)
        releaser.start()
        started = time.monotonic()
        with exclusive(engine, "delivery", timeout=5):
            waited = time.monotonic() - started
        releaser.join()
    assert 0.3 <= waited < 2.0


def test_delivery_behind_a_held_lock_is_left_to_its_holder(
    tmp_path: Path, database_url: str, smtp_server: Mailbox
) -> None:
    """Nothing is sent or marked failed: the alert stays queued for the poller that holds
    the lock (or the next run), and goes once the lock is free."""
    environ = {"NEWSMON_HOME": str(tmp_path), "NEWSMON_DATABASE_URL": database_url}
    settings = load_settings(environ=environ)
    settings = replace(
        settings, smtp_url=smtp_server.url, alert_to=("desk@x.org",), lock_timeout_seconds=0.5
    )
    store = Store(settings.database)
    store.save([article("https://civil.ge/archives/1")], settings.alert_to)
    with held(store.engine, "delivery"):
        started = time.monotonic()
        left = deliver_pending(store, settings)
        waited = time.monotonic() - started
    assert (left.sent, left.failed, left.note) == ([], [], LEFT_TO_ANOTHER)
    assert left.destination == smtp_server.url.removeprefix("smtp://")
    assert 0.5 <= waited < 2.0
    assert smtp_server.messages == []
    [queued] = store.pending_alerts()
    assert queued.attempts == 0
    assert len(deliver_pending(store, settings).sent) == 1
    assert len(smtp_server.messages) == 1
    store.engine.dispose()
