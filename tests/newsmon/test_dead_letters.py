"""A message that keeps failing backs off, then is given up on (dead) and shown; `newsmon
alerts retry` puts it back in the queue."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from newsmon.alerts import deliver_pending
from newsmon.cli import app
from newsmon.settings import Settings, load_settings
from newsmon.store import OUTBOX, AlertRow, FetchOutcome, Store, backoff, now
from tests.conftest import Mailbox
from tests.newsmon.records import article

pytestmark = pytest.mark.usefixtures("database_url")
REFUSAL = "550 5.1.1 mailbox unavailable"


def _setup(tmp_path: Path, smtp_url: str, attempts: int = 8) -> tuple[Store, Settings]:
    environ = {"NEWSMON_HOME": str(tmp_path), "NEWSMON_DATABASE_URL": _database()}
    settings = load_settings(environ=environ)
    settings = replace(
        settings, smtp_url=smtp_url, alert_to=("desk@x.org",), delivery_attempts=attempts
    )
    return Store(settings.database), settings


def _database() -> str:
    return os.environ["NEWSMON_DATABASE_URL"]


def _time_passes(store: Store) -> None:
    """Every backing-off message becomes due, as if its wait were over."""
    with store.session() as session:
        for model in OUTBOX:
            session.execute(update(model).values(next_attempt_at=now() - timedelta(seconds=1)))


def test_backoff_doubles_from_a_minute_up_to_an_hour() -> None:
    minutes = [backoff(n) / timedelta(minutes=1) for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_failed_message_waits_before_it_is_tried_again(
    tmp_path: Path, smtp_server: Mailbox
) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    store.save([article("https://civil.ge/archives/1")], settings.alert_to)
    smtp_server.refuse_with += ["451 Try again later", "451 Try again later"]
    before = now()
    assert len(deliver_pending(store, settings).failed) == 1
    # Not tried on the next poll: it waits a minute.
    assert store.pending_alerts() == []
    assert [a.attempts for a in store.pending_alerts(waiting=True)] == [1]
    assert deliver_pending(store, settings).failed == []
    with store.session() as session:
        [row] = session.query(AlertRow).all()
        waited = row.next_attempt_at - before if row.next_attempt_at else timedelta(0)
    assert timedelta(minutes=1) <= waited < timedelta(minutes=1, seconds=30)
    assert store.status()["delivery"]["queued"] == 1
    _time_passes(store)
    assert len(deliver_pending(store, settings).failed) == 1
    with store.session() as session:
        row = session.get_one(AlertRow, row.id)
        assert row.attempts == 2 and row.next_attempt_at
        assert row.next_attempt_at - now() > timedelta(minutes=1, seconds=50)
    _time_passes(store)
    assert len(deliver_pending(store, settings).sent) == 1


def test_message_refused_for_good_is_dead_after_delivery_attempts(
    tmp_path: Path, smtp_server: Mailbox
) -> None:
    store, settings = _setup(tmp_path, smtp_server.url, attempts=3)
    store.save([article("https://civil.ge/archives/2")], settings.alert_to)
    smtp_server.refuse_with += [REFUSAL] * 10
    tries = 0
    for _ in range(6):
        tries += len(deliver_pending(store, settings).failed)
        _time_passes(store)
    assert tries == 3
    assert store.pending_alerts() == []
    delivery = store.status()["delivery"]
    assert (delivery["queued"], delivery["dead"]) == (0, 1)
    assert delivery["last_dead_reason"] == REFUSAL and delivery["last_dead_at"]


def test_digest_dies_too(tmp_path: Path) -> None:
    store = Store(_database())
    store.save([article("https://civil.ge/archives/3")], [])
    assert store.queue_digest("ed@x.org", now() - timedelta(days=1), now())
    [digest] = store.pending_digests()
    for _ in range(2):
        store.mark_digest_failed(digest.id, REFUSAL, give_up_after=2)
        _time_passes(store)
    assert store.pending_digests() == []
    assert store.status()["delivery"]["dead"] == 1


def test_notice_dies_too(tmp_path: Path) -> None:
    store = Store(_database())
    failed_run = FetchOutcome("civil-ge-en", "run", now(), 5, "error", 500, "HTTP 500")
    store.record_fetch(failed_run, "Civil.ge", "https://civil.ge/feed")
    assert store.update_health([("civil-ge-en", None)], 1, ["admin@x.org"])
    [notice] = store.pending_notices()
    for _ in range(2):
        store.mark_notice_failed(notice.id, REFUSAL, give_up_after=2)
        _time_passes(store)
    assert store.pending_notices() == []
    assert store.status()["delivery"]["last_dead_reason"] == REFUSAL


def _invoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.setenv("NEWSMON_HOME", str(tmp_path))
    monkeypatch.setenv("NEWSMON_DELIVERY_ATTEMPTS", "2")
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_status_shows_dead_messages_and_retry_requeues_them(
    tmp_path: Path, smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, settings = _setup(tmp_path, smtp_server.url, attempts=2)
    store.save([article("https://civil.ge/archives/4")], settings.alert_to)
    smtp_server.refuse_with += [REFUSAL] * 3
    deliver_pending(store, settings)
    _time_passes(store)
    other = article("https://civil.ge/archives/5", title="Wine exports", text="Wine sold well.")
    store.save([other], settings.alert_to)
    deliver_pending(store, settings)
    # One dead (refused twice), one backing off (refused once).
    assert (store.status()["delivery"]["dead"], store.pending_alerts()) == (1, [])
    status = _invoke(tmp_path, monkeypatch, "status")
    assert "dead messages" in status and ": 1; last " in status and REFUSAL in status

    assert _invoke(tmp_path, monkeypatch, "alerts", "retry") == "2 messages requeued\n"
    assert len(store.pending_alerts()) == 2 and store.status()["delivery"]["dead"] == 0
    assert len(deliver_pending(store, settings).sent) == 2
    assert _invoke(tmp_path, monkeypatch, "alerts", "retry") == "0 messages requeued\n"


def test_flush_sends_waiting_messages_now_but_not_dead_ones(
    tmp_path: Path, smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, settings = _setup(tmp_path, smtp_server.url, attempts=2)
    store.save([article("https://civil.ge/archives/6")], settings.alert_to)
    smtp_server.refuse_with += [REFUSAL] * 3
    deliver_pending(store, settings)
    _time_passes(store)
    other = article("https://civil.ge/archives/7", title="Wine exports", text="Wine sold well.")
    store.save([other], settings.alert_to)
    deliver_pending(store, settings)
    # The server is fixed: an explicit flush does not wait out the backoff.
    monkeypatch.setenv("NEWSMON_SMTP_URL", smtp_server.url)
    monkeypatch.setenv("NEWSMON_ALERT_TO", "desk@x.org")
    assert _invoke(tmp_path, monkeypatch, "alerts", "flush").startswith("1 sent")
    [message] = smtp_server.messages
    assert message["Subject"].endswith("Wine exports (English)")
    assert store.status()["delivery"]["dead"] == 1
