"""Each queued message waits before its next try after a failure, and is given up on (dead)
after settings.delivery_attempts failed tries; `newsmon alerts retry` requeues it.

Messages queued before this revision have neither time set: they are due now, and their
attempts so far count towards giving up.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OUTBOX = ("alerts", "digests", "notices")


def upgrade() -> None:
    for table in OUTBOX:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True)))
            batch.add_column(sa.Column("dead_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    for table in OUTBOX:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("dead_at")
            batch.drop_column("next_attempt_at")
