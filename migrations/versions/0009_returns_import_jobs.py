"""background SSDA903 imports; SW_REASON is the reason a social worker episode began

Revision ID: 0009_returns_import_jobs
Revises: 0008_job_liveness
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = "0009_returns_import_jobs"
down_revision = "0008_job_liveness"
branch_labels = None
depends_on = None

SW_REASONS = "('MANAGE', 'FCONTA', 'LEFTRL', 'ORGRST', 'TSPROC', 'ABSENC', 'CHCHAN', 'PCCHAN', 'SWDIED', 'OTHERS')"
STATUSES = "('queued', 'checking', 'writing', 'recomputing', 'done', 'refused', 'failed')"


def upgrade() -> None:
    op.create_table(
        "return_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_label", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("upload", sa.LargeBinary(), nullable=True),
        sa.Column("file_names", sa.JSON(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(length=200), nullable=True),
        sa.Column("done_steps", sa.Integer(), nullable=False),
        sa.Column("total_steps", sa.Integer(), nullable=False),
        sa.Column("started_at", tracker.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", tracker.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", tracker.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("pending_child_ids", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(f"status IN {STATUSES}", name=op.f("ck_return_imports_status")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_return_imports_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_imports")),
    )
    with op.batch_alter_table("return_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_imports_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_return_imports_status"), ["status"], unique=False)

    with op.batch_alter_table("social_worker_episodes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_social_worker_episodes_end_reason"), type_="check")
        batch_op.alter_column("end_reason", new_column_name="reason", existing_type=sa.String(length=6),
                              existing_nullable=True)
        batch_op.create_check_constraint("reason", f"reason IS NULL OR reason IN {SW_REASONS}")


def downgrade() -> None:
    with op.batch_alter_table("social_worker_episodes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_social_worker_episodes_reason"), type_="check")
        batch_op.alter_column("reason", new_column_name="end_reason", existing_type=sa.String(length=6),
                              existing_nullable=True)
        batch_op.create_check_constraint("end_reason", f"end_reason IS NULL OR end_reason IN {SW_REASONS}")

    with op.batch_alter_table("return_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_imports_status"))
        batch_op.drop_index(batch_op.f("ix_return_imports_created_by_id"))
    op.drop_table("return_imports")
