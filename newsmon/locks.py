"""Named locks that hold across processes and machines sharing one database: a PostgreSQL
advisory lock, or a lock file beside a SQLite database (SQLite is one machine's file)."""

from __future__ import annotations

import fcntl
import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

# Between two tries of a lock another process holds: short next to any timeout worth setting.
RETRY_SECONDS = 0.1


class LockTimeout(Exception):
    """Another process held the lock for the whole wait: it is doing the locked work, so
    leave that work to it rather than queue up behind it."""

    def __init__(self, name: str, timeout: float) -> None:
        super().__init__(f"lock {name!r} still held by another process after {timeout:g} s")
        self.name = name
        self.timeout = timeout


def lock_key(name: str) -> int:
    """The 64-bit advisory lock number of a name, the same in every process."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def exclusive(engine: Engine, name: str, timeout: float | None = None) -> Iterator[None]:
    """Hold the lock ``name`` on this database for the block. Others wait for it: as long
    as it takes, or at most ``timeout`` seconds and then raise LockTimeout."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, name, timeout):
            yield
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield  # a database no other process can open
        return
    with open(f"{database}.{name}.lock", "w") as handle:
        _take(_flock_attempt(handle), name, timeout)
        yield


@contextmanager
def _advisory_lock(engine: Engine, name: str, timeout: float | None) -> Iterator[None]:
    # Session-level: held by this connection until unlocked, across its transactions.
    key = {"key": lock_key(name)}
    with engine.connect() as connection:
        _take(_advisory_attempt(connection, key), name, timeout)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
            connection.commit()


def _take(attempt: Callable[[bool], bool], name: str, timeout: float | None) -> None:
    """Try ``attempt`` until it gets the lock or the timeout passes; attempt(True) blocks."""
    if timeout is None:
        attempt(True)
        return
    deadline = time.monotonic() + timeout
    while not attempt(False):
        left = deadline - time.monotonic()
        if left <= 0:
            raise LockTimeout(name, timeout)
        time.sleep(min(RETRY_SECONDS, left))


def _advisory_attempt(connection: Connection, key: dict[str, int]) -> Callable[[bool], bool]:
    def attempt(block: bool) -> bool:
        call = "pg_advisory_lock" if block else "pg_try_advisory_lock"
        taken = connection.execute(text(f"SELECT {call}(:key)"), key).scalar()
        connection.commit()  # no transaction left open while waiting or holding
        return block or bool(taken)

    return attempt


def _flock_attempt(handle: IO[str]) -> Callable[[bool], bool]:
    def attempt(block: bool) -> bool:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if block else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    return attempt
