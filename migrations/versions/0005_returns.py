"""ssda903 return data

Revision ID: 0005_returns
Revises: 0004_meetings
Create Date: 2026-11-22 19:18:17.163635
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


import tracker.db

revision = '0005_returns'
down_revision = '0004_meetings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('adoption_decision_reversals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('ceased_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=3), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("reason IN ('RD1', 'RD2', 'RD3', 'RD4')", name=op.f('ck_adoption_decision_reversals_reason')),
    sa.CheckConstraint('ceased_on >= decided_on', name=op.f('ck_adoption_decision_reversals_ceased_after_decided')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_adoption_decision_reversals_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adoption_decision_reversals')),
    sa.UniqueConstraint('child_id', 'decided_on', name=op.f('uq_adoption_decision_reversals_child_id_decided_on'))
    )
    with op.batch_alter_table('adoption_decision_reversals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adoption_decision_reversals_child_id'), ['child_id'], unique=False)

    op.create_table('adoption_returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('matched_on', sa.Date(), nullable=True),
    sa.Column('by_foster_carer', sa.Boolean(), nullable=True),
    sa.Column('adopters_count', sa.Integer(), nullable=True),
    sa.Column('adopters_sex', sa.String(length=2), nullable=True),
    sa.Column('adopters_legal_status', sa.String(length=3), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("adopters_legal_status IS NULL OR adopters_legal_status IN ('L0', 'L11', 'L12', 'L2', 'L3', 'L4')", name=op.f('ck_adoption_returns_adopters_legal_status')),
    sa.CheckConstraint("adopters_sex IS NULL OR adopters_sex IN ('M1', 'F1', 'MM', 'FF', 'MF')", name=op.f('ck_adoption_returns_adopters_sex')),
    sa.CheckConstraint('adopters_count IS NULL OR adopters_count IN (1, 2)', name=op.f('ck_adoption_returns_adopters_count')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_adoption_returns_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adoption_returns')),
    sa.UniqueConstraint('child_id', name=op.f('uq_adoption_returns_child_id'))
    )
    op.create_table('child_return_details',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('mother', sa.Boolean(), nullable=True),
    sa.Column('first_child_born_on', sa.Date(), nullable=True),
    sa.Column('uasc_ceased_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_child_return_details_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child_return_details')),
    sa.UniqueConstraint('child_id', name=op.f('uq_child_return_details_child_id'))
    )
    op.create_table('deprivation_of_liberty_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_on IS NULL OR end_on >= start_on', name=op.f('ck_deprivation_of_liberty_orders_end_after_start')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_deprivation_of_liberty_orders_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deprivation_of_liberty_orders')),
    sa.UniqueConstraint('child_id', 'start_on', name=op.f('uq_deprivation_of_liberty_orders_child_id_start_on'))
    )
    with op.batch_alter_table('deprivation_of_liberty_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deprivation_of_liberty_orders_child_id'), ['child_id'], unique=False)

    op.create_table('missing_episodes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('M', 'A')", name=op.f('ck_missing_episodes_kind')),
    sa.CheckConstraint('end_on IS NULL OR end_on >= start_on', name=op.f('ck_missing_episodes_end_after_start')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_missing_episodes_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missing_episodes')),
    sa.UniqueConstraint('child_id', 'start_on', name=op.f('uq_missing_episodes_child_id_start_on'))
    )
    with op.batch_alter_table('missing_episodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_missing_episodes_child_id'), ['child_id'], unique=False)

    op.create_table('oc2_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('as_returned', sa.Boolean(), nullable=False),
    sa.Column('sdq_score', sa.Integer(), nullable=True),
    sa.Column('sdq_reason', sa.String(length=4), nullable=True),
    sa.Column('convicted', sa.Boolean(), nullable=True),
    sa.Column('health_check', sa.Boolean(), nullable=True),
    sa.Column('immunisations', sa.Boolean(), nullable=True),
    sa.Column('teeth_check', sa.Boolean(), nullable=True),
    sa.Column('health_assessment', sa.Boolean(), nullable=True),
    sa.Column('substance_misuse', sa.Boolean(), nullable=True),
    sa.Column('intervention_received', sa.Boolean(), nullable=True),
    sa.Column('intervention_offered', sa.Boolean(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("sdq_reason IS NULL OR sdq_reason IN ('SDQ1', 'SDQ2', 'SDQ3', 'SDQ4', 'SDQ5')", name=op.f('ck_oc2_records_sdq_reason')),
    sa.CheckConstraint('sdq_score IS NULL OR (sdq_score >= 0 AND sdq_score <= 40)', name=op.f('ck_oc2_records_sdq_score_range')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_oc2_records_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oc2_records')),
    sa.UniqueConstraint('child_id', 'year', name=op.f('uq_oc2_records_child_id_year'))
    )
    with op.batch_alter_table('oc2_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oc2_records_child_id'), ['child_id'], unique=False)

    op.create_table('previous_permanence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('option', sa.String(length=2), nullable=True),
    sa.Column('la_code', sa.String(length=3), nullable=True),
    sa.Column('order_date', sa.String(length=10), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("option IS NULL OR option IN ('P1', 'P2', 'P3', 'P4', 'Z1')", name=op.f('ck_previous_permanence_option')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_previous_permanence_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_previous_permanence')),
    sa.UniqueConstraint('child_id', name=op.f('uq_previous_permanence_child_id'))
    )
    op.create_table('social_worker_episodes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('worker_ref', sa.String(length=12), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=6), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("end_reason IS NULL OR end_reason IN ('MANAGE', 'FCONTA', 'LEFTRL', 'ORGRST', 'TSPROC', 'ABSENC', 'CHCHAN', 'PCCHAN', 'SWDIED', 'OTHERS')", name=op.f('ck_social_worker_episodes_end_reason')),
    sa.CheckConstraint('end_on IS NULL OR end_on >= start_on', name=op.f('ck_social_worker_episodes_end_after_start')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_social_worker_episodes_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_social_worker_episodes')),
    sa.UniqueConstraint('child_id', 'start_on', name=op.f('uq_social_worker_episodes_child_id_start_on'))
    )
    with op.batch_alter_table('social_worker_episodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_social_worker_episodes_child_id'), ['child_id'], unique=False)

    op.create_table('placement_return_details',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('home_postcode', sa.String(length=8), nullable=True),
    sa.Column('placement_postcode', sa.String(length=8), nullable=True),
    sa.Column('urn', sa.String(length=8), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_placement_return_details_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['placement_id'], ['placements.id'], name=op.f('fk_placement_return_details_placement_id_placements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_return_details')),
    sa.UniqueConstraint('placement_id', name=op.f('uq_placement_return_details_placement_id'))
    )
    with op.batch_alter_table('placement_return_details', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_return_details_child_id'), ['child_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('placement_return_details', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_return_details_child_id'))

    op.drop_table('placement_return_details')
    with op.batch_alter_table('social_worker_episodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_social_worker_episodes_child_id'))

    op.drop_table('social_worker_episodes')
    op.drop_table('previous_permanence')
    with op.batch_alter_table('oc2_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oc2_records_child_id'))

    op.drop_table('oc2_records')
    with op.batch_alter_table('missing_episodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missing_episodes_child_id'))

    op.drop_table('missing_episodes')
    with op.batch_alter_table('deprivation_of_liberty_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deprivation_of_liberty_orders_child_id'))

    op.drop_table('deprivation_of_liberty_orders')
    op.drop_table('child_return_details')
    op.drop_table('adoption_returns')
    with op.batch_alter_table('adoption_decision_reversals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adoption_decision_reversals_child_id'))

    op.drop_table('adoption_decision_reversals')
