"""Alembic's entry point: newsmon runs it with the store's own connection (see
newsmon/migrate.py), so there is no alembic.ini and no URL here."""

from __future__ import annotations

from alembic import context

from newsmon.store import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite alters tables by copying them; batch mode does that for later migrations.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
