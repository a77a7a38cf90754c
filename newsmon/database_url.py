"""What a database URL names, read with SQLAlchemy's own parser, and whether it can be used:
checked when the settings are read, so a wrong URL is one configuration error up front, not
an exception from the first query."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError


class StoreUnavailable(Exception):
    """The database could not be connected to: a server down or refusing, a file that cannot
    be opened."""


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL; None for a server's or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def url_problem(url: str, home: Path) -> str | None:
    """Why the URL cannot be used (unparsable, a database kind or driver SQLAlchemy cannot
    load, a SQLite file in a folder that is not there and not in ``home``, which newsmon
    makes), its password hidden; None if it can."""
    try:
        parsed = make_url(url)
        parsed.get_dialect().import_dbapi()
    except NoSuchModuleError:  # an ArgumentError too
        return (
            f"{_shown(parsed)}: no database kind {parsed.drivername!r} "
            "(PostgreSQL is postgresql+psycopg://, SQLite sqlite:///path)"
        )
    except ArgumentError:
        return "not a database URL (postgresql+psycopg://user@host/name or sqlite:///path)"
    except ImportError as exc:
        return f"{_shown(parsed)}: its driver is not installed ({exc.name})"
    path = sqlite_file(url)
    # A mistyped folder would otherwise be made, with an empty store that alerts again.
    if path is not None and not os.path.isdir(path.parent) and home not in (path, *path.parents):
        return f"{_shown(parsed)}: no folder {path.parent}"
    return None


def check_reachable(engine: Engine) -> None:
    """Connect once; StoreUnavailable names the database (its password hidden) and the
    driver's reason, so a server that is down reads as that, not as a crash of the query
    that met it first."""
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines() or [type(exc.orig).__name__]
        raise StoreUnavailable(
            f"cannot connect to the database {_shown(engine.url)}: {reason[0]}"
        ) from exc


def _shown(parsed: URL) -> str:
    return parsed.render_as_string(hide_password=True)
