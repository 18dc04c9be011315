"""statutory visits, care and placement plans, placement flags, return home interviews

Revision ID: 0010_visits
Revises: 0009_returns_import_jobs
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_visits"
down_revision = "0009_returns_import_jobs"
branch_labels = None
depends_on = None

OUTCOMES = "('held', 'declined', 'offered')"


def _dated_table(name: str, column: str) -> None:
    """care_plans and placement_plans: a child and the date the plan was completed."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column(column, sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], name=op.f(f"fk_{name}_child_id_children"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("child_id", column, name=op.f(f"uq_{name}_child_id_{column}")),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_child_id"), ["child_id"], unique=False)


def upgrade() -> None:
    _dated_table("care_plans", "completed_on")
    _dated_table("placement_plans", "completed_on")
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("seen_alone", sa.Boolean(), nullable=False),
        sa.Column("visited_by_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], name=op.f("fk_visits_child_id_children"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["visited_by_id"], ["users.id"], name=op.f("fk_visits_visited_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
        sa.UniqueConstraint("child_id", "visited_on", name=op.f("uq_visits_child_id_visited_on")),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visits_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_visited_by_id"), ["visited_by_id"], unique=False)

    with op.batch_alter_table("missing_episodes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("interview", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("interview_on", sa.Date(), nullable=True))
        batch_op.create_check_constraint("interview", f"interview IS NULL OR interview IN {OUTCOMES}")
        batch_op.create_check_constraint("interview_dated", "(interview IS NULL) = (interview_on IS NULL)")
        batch_op.create_check_constraint(
            "interview_after_return", "interview_on IS NULL OR (end_on IS NOT NULL AND interview_on >= end_on)")

    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("long_term", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("temporary_approval", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_column("temporary_approval")
        batch_op.drop_column("long_term")

    with op.batch_alter_table("missing_episodes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_missing_episodes_interview_after_return"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_missing_episodes_interview_dated"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_missing_episodes_interview"), type_="check")
        batch_op.drop_column("interview_on")
        batch_op.drop_column("interview")

    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visits_visited_by_id"))
        batch_op.drop_index(batch_op.f("ix_visits_child_id"))
    op.drop_table("visits")
    for name in ("placement_plans", "care_plans"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_child_id"))
        op.drop_table(name)
