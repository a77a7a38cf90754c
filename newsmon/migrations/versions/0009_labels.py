"""Editors' marks from the review page: whether an article's flag was right, who said so
and when.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 16:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=8), nullable=False),
        sa.Column("relevant", sa.Boolean(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_labels_article_id", "labels", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_labels_article_id", table_name="labels")
    op.drop_table("labels")
