"""case facts, tracked items, settings, term dates

Revision ID: 0002_case_facts
Revises: 0001_initial
Create Date: 2026-11-22 18:48:32.244337
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


import tracker.db

revision = '0002_case_facts'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('term_dates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.String(length=7), nullable=False),
    sa.Column('term', sa.String(length=6), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.Column('half_term_start_on', sa.Date(), nullable=False),
    sa.Column('half_term_end_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("term IN ('autumn', 'spring', 'summer')", name=op.f('ck_term_dates_term')),
    sa.CheckConstraint('end_on > start_on', name=op.f('ck_term_dates_end_after_start')),
    sa.CheckConstraint('half_term_start_on >= start_on AND half_term_end_on <= end_on AND half_term_end_on >= half_term_start_on', name=op.f('ck_term_dates_half_term_inside')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_term_dates')),
    sa.UniqueConstraint('academic_year', 'term', name=op.f('uq_term_dates_academic_year_term'))
    )
    op.create_table('accommodations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('accommodation', sa.String(length=1), nullable=False),
    sa.Column('suitable', sa.Boolean(), nullable=False),
    sa.Column('unsuitable_reason', sa.Text(), nullable=True),
    sa.Column('postcode_district', sa.String(length=4), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_on IS NULL OR end_on >= start_on', name=op.f('ck_accommodations_end_after_start')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_accommodations_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accommodations'))
    )
    with op.batch_alter_table('accommodations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accommodations_child_id'), ['child_id'], unique=False)

    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("source IN ('meeting', 'review', 'pathway_plan', 'other')", name=op.f('ck_actions_source')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_actions_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_actions_created_by_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_actions_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_owner_id'), ['owner_id'], unique=False)

    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('activity', sa.String(length=2), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_on IS NULL OR end_on >= start_on', name=op.f('ck_activities_end_after_start')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_activities_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_child_id'), ['child_id'], unique=False)

    op.create_table('care_leaver_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('in_touch', sa.String(length=4), nullable=False),
    sa.Column('activity', sa.String(length=2), nullable=True),
    sa.Column('accommodation', sa.String(length=1), nullable=True),
    sa.Column('suitable', sa.Boolean(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("in_touch IN ('YES', 'NO', 'REFU', 'DIED', 'NREQ', 'RHOM')", name=op.f('ck_care_leaver_records_in_touch')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_care_leaver_records_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_leaver_records')),
    sa.UniqueConstraint('child_id', 'recorded_on', name=op.f('uq_care_leaver_records_child_id_recorded_on'))
    )
    with op.batch_alter_table('care_leaver_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_leaver_records_child_id'), ['child_id'], unique=False)

    op.create_table('court_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('weeks', sa.Integer(), nullable=True),
    sa.Column('court_order', sa.String(length=20), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("court_order IS NULL OR court_order IN ('care_order', 'placement_order', 'sgo', 'cao', 'supervision_order', 'no_order')", name=op.f('ck_court_events_court_order')),
    sa.CheckConstraint("kind IN ('pre_proceedings_started', 'pre_proceedings_ended', 'proceedings_issued', 'proceedings_extended', 'hearing', 'final_order')", name=op.f('ck_court_events_kind')),
    sa.CheckConstraint('weeks IS NULL OR (weeks >= 1 AND weeks <= 8)', name=op.f('ck_court_events_weeks_range')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_court_events_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_court_events')),
    sa.UniqueConstraint('child_id', 'kind', 'on', name=op.f('uq_court_events_child_id_kind_on'))
    )
    with op.batch_alter_table('court_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_court_events_child_id'), ['child_id'], unique=False)

    op.create_table('dental_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_dental_checks_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dental_checks')),
    sa.UniqueConstraint('child_id', 'checked_on', name=op.f('uq_dental_checks_child_id_checked_on'))
    )
    with op.batch_alter_table('dental_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dental_checks_child_id'), ['child_id'], unique=False)

    op.create_table('health_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('initial', 'review')", name=op.f('ck_health_assessments_kind')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_health_assessments_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_assessments')),
    sa.UniqueConstraint('child_id', 'held_on', 'kind', name=op.f('uq_health_assessments_child_id_held_on_kind'))
    )
    with op.batch_alter_table('health_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_assessments_child_id'), ['child_id'], unique=False)

    op.create_table('pa_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('contact_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('seen_alone', sa.Boolean(), nullable=False),
    sa.Column('adviser_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("method IN ('visit', 'phone', 'message')", name=op.f('ck_pa_contacts_method')),
    sa.ForeignKeyConstraint(['adviser_id'], ['users.id'], name=op.f('fk_pa_contacts_adviser_id_users')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_pa_contacts_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pa_contacts'))
    )
    with op.batch_alter_table('pa_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pa_contacts_child_id'), ['child_id'], unique=False)

    op.create_table('pathway_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('needs_assessment_completed', 'pathway_plan_completed', 'pathway_plan_reviewed', 'pa_extended_to_25')", name=op.f('ck_pathway_events_kind')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_pathway_events_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pathway_events')),
    sa.UniqueConstraint('child_id', 'kind', 'on', name=op.f('uq_pathway_events_child_id_kind_on'))
    )
    with op.batch_alter_table('pathway_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pathway_events_child_id'), ['child_id'], unique=False)

    op.create_table('peps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_peps_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peps')),
    sa.UniqueConstraint('child_id', 'held_on', name=op.f('uq_peps_child_id_held_on'))
    )
    with op.batch_alter_table('peps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peps_child_id'), ['child_id'], unique=False)

    op.create_table('permanence_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('permanence_panel', 'should_be_placed_for_adoption', 'matched', 'placed_for_adoption', 'adoption_order', 'sgo_order', 'cao_order', 'reunification')", name=op.f('ck_permanence_milestones_kind')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_permanence_milestones_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_permanence_milestones')),
    sa.UniqueConstraint('child_id', 'kind', 'on', name=op.f('uq_permanence_milestones_child_id_kind_on'))
    )
    with op.batch_alter_table('permanence_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_permanence_milestones_child_id'), ['child_id'], unique=False)

    op.create_table('permanence_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=False),
    sa.Column('plan', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("plan IN ('return_home', 'adoption', 'sgo', 'cao', 'long_term_fostering', 'residential', 'independence')", name=op.f('ck_permanence_plans_plan')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_permanence_plans_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_permanence_plans')),
    sa.UniqueConstraint('child_id', 'agreed_on', name=op.f('uq_permanence_plans_child_id_agreed_on'))
    )
    with op.batch_alter_table('permanence_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_permanence_plans_child_id'), ['child_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('participation', sa.String(length=3), nullable=True),
    sa.Column('iro_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("participation IS NULL OR participation IN ('PN0','PN1','PN2','PN3','PN4','PN5','PN6','PN7')", name=op.f('ck_reviews_participation')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_reviews_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['iro_id'], ['users.id'], name=op.f('fk_reviews_iro_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('child_id', 'held_on', name=op.f('uq_reviews_child_id_held_on'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_child_id'), ['child_id'], unique=False)

    op.create_table('sdq_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 40', name=op.f('ck_sdq_scores_score_range')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_sdq_scores_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sdq_scores')),
    sa.UniqueConstraint('child_id', 'completed_on', name=op.f('uq_sdq_scores_child_id_completed_on'))
    )
    with op.batch_alter_table('sdq_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sdq_scores_child_id'), ['child_id'], unique=False)

    op.create_table('staying_put',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('carer_ref', sa.String(length=30), nullable=True),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_on IS NULL OR end_on >= start_on', name=op.f('ck_staying_put_end_after_start')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_staying_put_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staying_put'))
    )
    with op.batch_alter_table('staying_put', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staying_put_child_id'), ['child_id'], unique=False)

    op.create_table('tenancies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('tenure', sa.String(length=20), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=True),
    sa.Column('rent_arrears', sa.Boolean(), nullable=False),
    sa.Column('support_in_place', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("end_reason IS NULL OR end_reason IN ('planned_move', 'eviction_arrears', 'eviction_other', 'abandoned', 'custody', 'other')", name=op.f('ck_tenancies_end_reason')),
    sa.CheckConstraint("tenure IN ('council', 'housing_association', 'private')", name=op.f('ck_tenancies_tenure')),
    sa.CheckConstraint('end_on IS NULL OR end_on >= start_on', name=op.f('ck_tenancies_end_after_start')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_tenancies_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenancies'))
    )
    with op.batch_alter_table('tenancies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenancies_child_id'), ['child_id'], unique=False)

    op.create_table('tracked_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('term', sa.String(length=20), nullable=True),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('completed_by', sa.String(length=60), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('status_as_of', sa.Date(), nullable=False),
    sa.CheckConstraint("status IN ('done_on_time', 'done_late', 'overdue', 'due_soon', 'upcoming', 'missed', 'closed')", name=op.f('ck_tracked_items_status')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_tracked_items_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_tracked_items_owner_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_tracked_items_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracked_items')),
    sa.UniqueConstraint('child_id', 'key', name=op.f('uq_tracked_items_child_id_key'))
    )
    with op.batch_alter_table('tracked_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracked_items_child_id'), ['child_id'], unique=False)
        batch_op.create_index('ix_tracked_items_open_due', ['due_on'], unique=False, postgresql_where=sa.text('is_open'), sqlite_where=sa.text('is_open = 1'))
        batch_op.create_index('ix_tracked_items_open_owner_due', ['owner_id', 'due_on'], unique=False, postgresql_where=sa.text('is_open'), sqlite_where=sa.text('is_open = 1'))
        batch_op.create_index(batch_op.f('ix_tracked_items_team_id'), ['team_id'], unique=False)

    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_adviser_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('items_error', sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f('ix_children_personal_adviser_id'), ['personal_adviser_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_children_personal_adviser_id_users'), 'users', ['personal_adviser_id'], ['id'])



    _seed_term_dates()


# Default school term dates (rules.md §6), frozen here as at this migration; authorities
# edit them afterwards in the app. (academic year, term, start, end, half-term start, end)
DEFAULT_TERMS = [
    ("2024/25", "autumn", "2024-09-04", "2024-12-20", "2024-10-28", "2024-11-01"),
    ("2024/25", "spring", "2025-01-06", "2025-04-04", "2025-02-17", "2025-02-21"),
    ("2024/25", "summer", "2025-04-22", "2025-07-22", "2025-05-26", "2025-05-30"),
    ("2025/26", "autumn", "2025-09-03", "2025-12-19", "2025-10-27", "2025-10-31"),
    ("2025/26", "spring", "2026-01-05", "2026-03-27", "2026-02-16", "2026-02-20"),
    ("2025/26", "summer", "2026-04-13", "2026-07-22", "2026-05-25", "2026-05-29"),
    ("2026/27", "autumn", "2026-09-02", "2026-12-18", "2026-10-26", "2026-10-30"),
    ("2026/27", "spring", "2027-01-04", "2027-03-25", "2027-02-15", "2027-02-19"),
    ("2026/27", "summer", "2027-04-12", "2027-07-21", "2027-05-31", "2027-06-04"),
    ("2027/28", "autumn", "2027-09-01", "2027-12-17", "2027-10-25", "2027-10-29"),
    ("2027/28", "spring", "2028-01-04", "2028-03-31", "2028-02-14", "2028-02-18"),
    ("2027/28", "summer", "2028-04-18", "2028-07-21", "2028-05-29", "2028-06-02"),
]


def _seed_term_dates() -> None:
    import datetime as dt

    table = sa.table("term_dates", sa.column("academic_year", sa.String), sa.column("term", sa.String),
                     sa.column("start_on", sa.Date), sa.column("end_on", sa.Date),
                     sa.column("half_term_start_on", sa.Date), sa.column("half_term_end_on", sa.Date),
                     sa.column("version", sa.Integer))
    op.bulk_insert(table, [
        {"academic_year": y, "term": t, "start_on": dt.date.fromisoformat(a), "end_on": dt.date.fromisoformat(b),
         "half_term_start_on": dt.date.fromisoformat(c), "half_term_end_on": dt.date.fromisoformat(d), "version": 1}
        for (y, t, a, b, c, d) in DEFAULT_TERMS
    ])


def downgrade() -> None:
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_children_personal_adviser_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_children_personal_adviser_id'))
        batch_op.drop_column('items_error')
        batch_op.drop_column('personal_adviser_id')

    with op.batch_alter_table('tracked_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracked_items_team_id'))
        batch_op.drop_index('ix_tracked_items_open_owner_due', postgresql_where=sa.text('is_open'), sqlite_where=sa.text('is_open = 1'))
        batch_op.drop_index('ix_tracked_items_open_due', postgresql_where=sa.text('is_open'), sqlite_where=sa.text('is_open = 1'))
        batch_op.drop_index(batch_op.f('ix_tracked_items_child_id'))

    op.drop_table('tracked_items')
    with op.batch_alter_table('tenancies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenancies_child_id'))

    op.drop_table('tenancies')
    with op.batch_alter_table('staying_put', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staying_put_child_id'))

    op.drop_table('staying_put')
    with op.batch_alter_table('sdq_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sdq_scores_child_id'))

    op.drop_table('sdq_scores')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_child_id'))

    op.drop_table('reviews')
    with op.batch_alter_table('permanence_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_permanence_plans_child_id'))

    op.drop_table('permanence_plans')
    with op.batch_alter_table('permanence_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_permanence_milestones_child_id'))

    op.drop_table('permanence_milestones')
    with op.batch_alter_table('peps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peps_child_id'))

    op.drop_table('peps')
    with op.batch_alter_table('pathway_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pathway_events_child_id'))

    op.drop_table('pathway_events')
    with op.batch_alter_table('pa_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pa_contacts_child_id'))

    op.drop_table('pa_contacts')
    with op.batch_alter_table('health_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_health_assessments_child_id'))

    op.drop_table('health_assessments')
    with op.batch_alter_table('dental_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dental_checks_child_id'))

    op.drop_table('dental_checks')
    with op.batch_alter_table('court_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_court_events_child_id'))

    op.drop_table('court_events')
    with op.batch_alter_table('care_leaver_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_leaver_records_child_id'))

    op.drop_table('care_leaver_records')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activities_child_id'))

    op.drop_table('activities')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actions_owner_id'))
        batch_op.drop_index(batch_op.f('ix_actions_child_id'))

    op.drop_table('actions')
    with op.batch_alter_table('accommodations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accommodations_child_id'))

    op.drop_table('accommodations')
    op.drop_table('term_dates')
    op.drop_table('settings')
