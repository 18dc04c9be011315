"""jobs prove they are alive; scheduler heartbeats; a stable Message-ID per email

Revision ID: 0008_job_liveness
Revises: 0007_child_open_counts
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = "0008_job_liveness"
down_revision = "0007_child_open_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", tracker.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("progress", sa.String(length=100), nullable=True))
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column("claim_run_id", sa.Integer(), nullable=True))
    op.create_table(
        "scheduler_heartbeats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=100), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("started_at", tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("beat_at", tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('active', 'standby', 'stopped')", name=op.f("ck_scheduler_heartbeats_state")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_heartbeats")),
        sa.UniqueConstraint("host", "pid", "started_at", name=op.f("uq_scheduler_heartbeats_host_pid_started_at")),
    )
    op.create_index("ix_scheduler_heartbeats_state_beat_at", "scheduler_heartbeats", ["state", "beat_at"])


def downgrade() -> None:
    op.drop_index("ix_scheduler_heartbeats_state_beat_at", table_name="scheduler_heartbeats")
    op.drop_table("scheduler_heartbeats")
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.drop_column("claim_run_id")
        batch_op.drop_column("message_id")
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_column("progress")
        batch_op.drop_column("heartbeat_at")
