"""Source health counts a run whose listing answered but whose every article page failed."""

from __future__ import annotations

import os

import pytest

from newsmon.store import FetchOutcome, Store, now, pages_verdict

pytestmark = pytest.mark.usefixtures("database_url")
SOURCE = "civil-ge-en"
FAILURES = 3


def _store() -> Store:
    return Store(os.environ["NEWSMON_DATABASE_URL"])


def _run(store: Store, new: int, failed_pages: int, page_error: str | None = None) -> None:
    """A run whose feed answered 200 with entries, then stored ``new`` pages."""
    outcome = FetchOutcome(SOURCE, "run", now(), 5, "ok", 200, entries=new + failed_pages)
    judged = pages_verdict(outcome, new, failed_pages, page_error)
    store.count_new(store.record_fetch(judged, "Civil.ge", "https://civil.ge/feed"), new)


def _judge(store: Store) -> list[tuple[str, str]]:
    return store.update_health([(SOURCE, None)], FAILURES, ["admin@x.org"])


def test_source_whose_every_page_fails_becomes_failing() -> None:
    store = _store()
    changes = []
    for _ in range(FAILURES):
        _run(store, new=0, failed_pages=5, page_error="HTTP 403")
        changes += _judge(store)
    assert changes == [(SOURCE, "failing")]
    state = store.source_state(SOURCE)
    assert state is not None and state.consecutive_failures == FAILURES
    assert state.last_error == "all 5 article pages failed: HTTP 403"
    [notice] = store.pending_notices()
    assert "3 runs in a row failed; last error: all 5 article pages failed: HTTP 403" in notice.body


def test_source_with_some_pages_stored_stays_ok() -> None:
    store = _store()
    for _ in range(FAILURES + 1):
        _run(store, new=1, failed_pages=4, page_error="HTTP 403")
        assert _judge(store) == []
    state = store.source_state(SOURCE)
    assert state is not None and (state.consecutive_failures, state.last_error) == (0, None)
    assert state.health in (None, "ok") and store.pending_notices() == []


def test_run_with_no_new_page_to_fetch_stays_ok() -> None:
    store = _store()
    for _ in range(FAILURES + 1):
        _run(store, new=0, failed_pages=0)
    assert _judge(store) == []


def test_source_recovers_once_a_page_is_stored_again() -> None:
    store = _store()
    for _ in range(FAILURES):
        _run(store, new=0, failed_pages=2)
    assert _judge(store) == [(SOURCE, "failing")]
    state = store.source_state(SOURCE)
    assert state is not None and state.last_error == "all 2 article pages failed"
    _run(store, new=1, failed_pages=1)
    assert _judge(store) == [(SOURCE, "ok")]
