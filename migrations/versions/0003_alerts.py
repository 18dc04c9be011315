"""alerts, outbox, job runs

Revision ID: 0003_alerts
Revises: 0002_case_facts
Create Date: 2026-11-22 19:04:00.757854
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0003_alerts'
down_revision = '0002_case_facts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=40), nullable=False),
    sa.Column('slot', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('started_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('host', sa.String(length=100), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('running', 'ok', 'failed')", name=op.f('ck_job_runs_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    sa.UniqueConstraint('job', 'slot', name=op.f('uq_job_runs_job_slot'))
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index('ix_job_runs_job_started_at', ['job', 'started_at'], unique=False)

    op.create_table('outbox_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('claimed_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_outbox_emails_status')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_outbox_emails_recipient_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_emails')),
    sa.UniqueConstraint('key', name=op.f('uq_outbox_emails_key'))
    )
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_emails_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index('ix_outbox_emails_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)

    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('level', sa.String(length=14), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'escalated') = (level <> 'worker')", name=op.f('ck_alerts_kind_matches_level')),
    sa.CheckConstraint("kind IN ('due_soon', 'overdue', 'escalated')", name=op.f('ck_alerts_kind')),
    sa.CheckConstraint("level IN ('worker', 'team_manager', 'group_manager')", name=op.f('ck_alerts_level')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_alerts_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['tracked_items.id'], name=op.f('fk_alerts_item_id_tracked_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts')),
    sa.UniqueConstraint('item_id', 'kind', 'level', 'due_on', name=op.f('uq_alerts_item_id_kind_level_due_on'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_child_id'), ['child_id'], unique=False)
        batch_op.create_index('ix_alerts_created_at', ['created_at'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_notifications_alert_id_alerts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('alert_id', 'user_id', name=op.f('uq_notifications_alert_id_user_id'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_id_read_at', ['user_id', 'read_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_id_read_at')

    op.drop_table('notifications')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_alerts_created_at')
        batch_op.drop_index(batch_op.f('ix_alerts_child_id'))

    op.drop_table('alerts')
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_emails_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_outbox_emails_recipient_id'))

    op.drop_table('outbox_emails')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_job_runs_job_started_at')

    op.drop_table('job_runs')
