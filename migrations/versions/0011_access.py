"""need-to-know access: the child's IRO, server-side sessions, sign-in throttle, the
client address on audit events

Revision ID: 0011_access
Revises: 0010_visits
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = "0011_access"
down_revision = "0010_visits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempts")),
    )
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_sign_in_attempts_email_at", ["email", "at"], unique=False)
        batch_op.create_index("ix_sign_in_attempts_address_at", ["address", "at"], unique=False)
        batch_op.create_index("ix_sign_in_attempts_at", ["at"], unique=False)

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(length=45), nullable=True))

    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(sa.Column("iro_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_children_iro_id"), ["iro_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_children_iro_id_users"), "users", ["iro_id"], ["id"])

    # The child's IRO: whoever chaired their latest review (a manager changes it on the
    # allocation page from now on).
    op.execute(sa.text(
        "UPDATE children SET iro_id = (SELECT r.iro_id FROM reviews r WHERE r.child_id = children.id "
        "AND r.iro_id IS NOT NULL ORDER BY r.held_on DESC, r.id DESC LIMIT 1)"))


def downgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_children_iro_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_children_iro_id"))
        batch_op.drop_column("iro_id")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("address")
    op.drop_table("sign_in_attempts")
    op.drop_table("user_sessions")
