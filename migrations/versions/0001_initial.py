"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-22 18:43:45.200990
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


import tracker.db

revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('name', name=op.f('uq_services_name'))
    )
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_teams_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('name', name=op.f('uq_teams_name'))
    )
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teams_service_id'), ['service_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_sign_in_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('social_worker', 'team_manager', 'group_manager', 'personal_adviser', 'iro', 'virtual_school', 'admin')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_users_service_id_services')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_users_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_team_id'), ['team_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('entity_type', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('child_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_events_child_id_at', ['child_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_events_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('children',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('local_id', sa.String(length=10), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('ethnicity', sa.String(length=4), nullable=False),
    sa.Column('upn', sa.String(length=13), nullable=True),
    sa.Column('disability', sa.Boolean(), nullable=False),
    sa.Column('uasc', sa.Boolean(), nullable=False),
    sa.Column('allocated_worker_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('restricted', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("sex IN ('1', '2')", name=op.f('ck_children_sex')),
    sa.ForeignKeyConstraint(['allocated_worker_id'], ['users.id'], name=op.f('fk_children_allocated_worker_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_children_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_children')),
    sa.UniqueConstraint('local_id', name=op.f('uq_children_local_id'))
    )
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.create_index('ix_children_allocated_worker_id', ['allocated_worker_id'], unique=False)
        batch_op.create_index('ix_children_last_name_first_name', ['last_name', 'first_name'], unique=False)
        batch_op.create_index('ix_children_team_id', ['team_id'], unique=False)

    op.create_table('care_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('reason_new_episode', sa.String(length=1), nullable=False),
    sa.Column('reason_ceased', sa.String(length=3), nullable=True),
    sa.Column('category_of_need', sa.String(length=2), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_on IS NULL OR end_on >= start_on', name=op.f('ck_care_periods_end_after_start')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_care_periods_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_periods')),
    sa.UniqueConstraint('child_id', 'start_on', name=op.f('uq_care_periods_child_id_start_on'))
    )
    with op.batch_alter_table('care_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_periods_child_id'), ['child_id'], unique=False)

    op.create_table('legal_statuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_legal_statuses_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_statuses')),
    sa.UniqueConstraint('child_id', 'start_on', name=op.f('uq_legal_statuses_child_id_start_on'))
    )
    with op.batch_alter_table('legal_statuses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_statuses_child_id'), ['child_id'], unique=False)

    op.create_table('placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('placement_type', sa.String(length=3), nullable=False),
    sa.Column('provider', sa.String(length=3), nullable=True),
    sa.Column('postcode_district', sa.String(length=4), nullable=True),
    sa.Column('over_20_miles', sa.Boolean(), nullable=False),
    sa.Column('outside_authority', sa.Boolean(), nullable=False),
    sa.Column('emergency', sa.Boolean(), nullable=False),
    sa.Column('weekly_cost', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('carer_ref', sa.String(length=30), nullable=True),
    sa.Column('end_reason', sa.String(length=6), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_on IS NULL OR end_on >= start_on', name=op.f('ck_placements_end_after_start')),
    sa.CheckConstraint('weekly_cost IS NULL OR weekly_cost >= 0', name=op.f('ck_placements_cost_not_negative')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_placements_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placements'))
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placements_child_id'), ['child_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placements_child_id'))

    op.drop_table('placements')
    with op.batch_alter_table('legal_statuses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_statuses_child_id'))

    op.drop_table('legal_statuses')
    with op.batch_alter_table('care_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_periods_child_id'))

    op.drop_table('care_periods')
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_index('ix_children_team_id')
        batch_op.drop_index('ix_children_last_name_first_name')
        batch_op.drop_index('ix_children_allocated_worker_id')

    op.drop_table('children')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_entity')
        batch_op.drop_index('ix_audit_events_child_id_at')
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))

    op.drop_table('audit_events')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_team_id'))
        batch_op.drop_index(batch_op.f('ix_users_service_id'))

    op.drop_table('users')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teams_service_id'))

    op.drop_table('teams')
    op.drop_table('services')
