"""index open tracked items by child, status and due date (caseload counts)

Revision ID: 0006_open_items_by_child
Revises: 0005_returns
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_open_items_by_child"
down_revision = "0005_returns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tracked_items", schema=None) as batch_op:
        batch_op.create_index("ix_tracked_items_open_child", ["child_id", "status", "due_on"], unique=False,
                              postgresql_where=sa.text("is_open"), sqlite_where=sa.text("is_open = 1"))


def downgrade() -> None:
    with op.batch_alter_table("tracked_items", schema=None) as batch_op:
        batch_op.drop_index("ix_tracked_items_open_child", postgresql_where=sa.text("is_open"),
                            sqlite_where=sa.text("is_open = 1"))
