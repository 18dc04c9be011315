"""each child's open-item counts and next due date, kept by the recompute

Revision ID: 0007_child_open_counts
Revises: 0006_open_items_by_child
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_child_open_counts"
down_revision = "0006_open_items_by_child"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(sa.Column("open_overdue", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("open_due_soon", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("next_due_on", sa.Date(), nullable=True))
    # Fill them from the items already there (the next recompute keeps them up to date).
    op.execute("""
        UPDATE children SET
          open_overdue = (SELECT count(*) FROM tracked_items t
                          WHERE t.child_id = children.id AND t.is_open = true AND t.status = 'overdue'),
          open_due_soon = (SELECT count(*) FROM tracked_items t
                           WHERE t.child_id = children.id AND t.is_open = true AND t.status = 'due_soon'),
          next_due_on = (SELECT min(t.due_on) FROM tracked_items t
                         WHERE t.child_id = children.id AND t.is_open = true)
    """)


def downgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_column("next_due_on")
        batch_op.drop_column("open_due_soon")
        batch_op.drop_column("open_overdue")
