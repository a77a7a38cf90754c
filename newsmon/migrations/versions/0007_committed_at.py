"""When each article was committed, which decides its digest period (newsmon/digests.py).

Articles stored before this revision are given their fetch time, which is what decided their
period until now.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_articles_committed_at", ["committed_at"], unique=False)
    op.execute("UPDATE articles SET committed_at = fetched_at WHERE committed_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_committed_at")
        batch.drop_column("committed_at")
