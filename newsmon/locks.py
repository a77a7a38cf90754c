"""Named locks that hold across processes and machines sharing one database: a PostgreSQL
advisory lock, or a lock file beside a SQLite database (SQLite is one machine's file)."""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Engine


def lock_key(name: str) -> int:
    """The 64-bit advisory lock number of a name, the same in every process."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """Hold the lock ``name`` on this database for the block; others wait for it."""
    if engine.dialect.name == "postgresql":
        key = {"key": lock_key(name)}
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
                connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield  # a database no other process can open
        return
    with open(f"{database}.{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
