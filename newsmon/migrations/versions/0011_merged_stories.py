"""The story a story was merged into, when a later report showed the two one event
(extractors/stories.py, stories_of_one_event): digests queued before the merge list it. And
alerts looked up by story, for the recipient's first alert of a story and those merged in.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("merged_into", sa.Integer(), nullable=True))
    op.create_index("ix_alerts_story_id", "alerts", ["story_id"])


def downgrade() -> None:
    op.drop_index("ix_alerts_story_id", table_name="alerts")
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("merged_into")
