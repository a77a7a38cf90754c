"""The store's schema, brought to the newest Alembic revision when a store is opened.

One process migrates at a time (newsmon.locks). A database made before migrations existed
is given its missing tables and columns, then marked as the first revision.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import Engine

from newsmon.locks import exclusive

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def upgrade(engine: Engine) -> None:
    """Migrate to the newest revision, unless the database is there already."""
    if current_revision(engine) == head_revision():
        return
    with exclusive(engine, "migrate"), engine.connect() as connection:
        config = _config(connection)
        tables = set(inspect(connection).get_table_names())
        if "articles" in tables and "alembic_version" not in tables:
            _adopt(connection)
            command.stamp(config, "head")
            connection.commit()
        command.upgrade(config, "head")
        connection.commit()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _adopt(connection: Connection) -> None:
    """Bring a database from before migrations to the models' tables and columns, which are
    the newest revision's (every column added since the first is nullable, so old rows stay
    valid)."""
    from newsmon.store import Base

    Base.metadata.create_all(connection)
    inspector = inspect(connection)
    for table in Base.metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present and column.nullable:
                kind = column.type.compile(dialect=connection.dialect)
                connection.execute(
                    text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')
                )
