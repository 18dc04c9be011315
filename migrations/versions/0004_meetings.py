"""meetings, snapshots, benchmarks

Revision ID: 0004_meetings
Revises: 0003_alerts
Create Date: 2026-11-22 19:04:29.326145
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


import tracker.db

revision = '0004_meetings'
down_revision = '0003_alerts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('benchmarks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('england', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('neighbours', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmarks')),
    sa.UniqueConstraint('indicator', 'year', name=op.f('uq_benchmarks_indicator_year'))
    )
    op.create_table('weekly_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('week_of', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('team_key', sa.String(length=12), nullable=False),
    sa.Column('metric', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('taken_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_weekly_snapshots_service_id_services')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_weekly_snapshots_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_snapshots')),
    sa.UniqueConstraint('week_of', 'service_id', 'team_key', 'metric', name=op.f('uq_weekly_snapshots_week_of_service_id_team_key_metric'))
    )
    with op.batch_alter_table('weekly_snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_weekly_snapshots_metric_week', ['metric', 'week_of'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('week_of', sa.Date(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=6), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_meetings_status')),
    sa.ForeignKeyConstraint(['chair_id'], ['users.id'], name=op.f('fk_meetings_chair_id_users')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_meetings_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('service_id', 'week_of', name=op.f('uq_meetings_service_id_week_of'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_service_id'), ['service_id'], unique=False)

    op.create_table('meeting_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_meeting_decisions_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_decisions_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_meeting_decisions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_decisions')),
    sa.UniqueConstraint('meeting_id', 'child_id', name=op.f('uq_meeting_decisions_meeting_id_child_id'))
    )
    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_decisions_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_decisions_meeting_id'), ['meeting_id'], unique=False)

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_actions_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_actions_meeting_id_meetings'), 'meetings', ['meeting_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_actions_meeting_id_meetings'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_actions_meeting_id'))
        batch_op.drop_column('meeting_id')

    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_decisions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_decisions_child_id'))

    op.drop_table('meeting_decisions')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_service_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('weekly_snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_weekly_snapshots_metric_week')

    op.drop_table('weekly_snapshots')
    op.drop_table('benchmarks')
