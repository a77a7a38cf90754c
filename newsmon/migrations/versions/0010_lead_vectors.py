"""Each flagged article's title-and-lead embedding, by which a report in another language is
matched to its story (extractors/stories.py). Articles flagged before this revision have none
and are matched by title and text as before.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("lead_vector", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("lead_vector")
