"""group figures: what the programs of one company, pillar and poverty flag add up to, kept by every write

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 15:00:00

A province's overview added up a row per program and period; at ten times the large world that grew
with every program ever planned. The figures are kept per group of programs as well (per period; the
programs and their beneficiaries; budget per year; village links per regency), made again by each write
of the rows they come from; this fills them from the rows already there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = (
    "counted",
    "counted_v",
    "reported",
    "submitted",
    "verified",
    "on_track",
    "needs_attention",
    "off_track",
    "on_track_v",
    "needs_attention_v",
    "off_track_v",
    "measured",
    "measured_v",
)
GROUP = ("company_id", "pillar", "poverty_alleviation")


def _group() -> list[sa.Column[object]]:
    return [
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("pillar", sa.String(length=30), nullable=False),
        sa.Column("poverty_alleviation", sa.Boolean(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "group_period_figure",
        *_group(),
        sa.Column("period_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.Column("achievement_sum", sa.Float(), nullable=False),
        sa.Column("achievement_sum_v", sa.Float(), nullable=False),
        sa.Column("gaps", sa.Integer(), nullable=False),
        sa.Column("gaps_v", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*GROUP, "period_id", name=op.f("pk_group_period_figure")),
    )
    op.create_index("ix_group_period_figure_period", "group_period_figure", ["period_id"], unique=False)
    op.create_table(
        "group_figure",
        *_group(),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "programs",
                "active",
                "families_planned",
                "families_reached",
                "people_planned",
                "people_reached",
            )
        ),
        sa.PrimaryKeyConstraint(*GROUP, name=op.f("pk_group_figure")),
    )
    op.create_table(
        "group_budget",
        *_group(),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("planned", sa.BigInteger(), nullable=False),
        sa.Column("spent", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(*GROUP, "year", name=op.f("pk_group_budget")),
    )
    op.create_table(
        "group_place",
        *_group(),
        sa.Column("regency_id", sa.Integer(), nullable=False),
        sa.Column("program_villages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*GROUP, "regency_id", name=op.f("pk_group_place")),
    )
    # Derived data: made from the rows there by the same definition every write uses.
    from sinergi.writes import group_figures

    with Session(bind=op.get_bind()) as session:
        group_figures.refresh(session)


def downgrade() -> None:
    op.drop_index("ix_group_period_figure_period", table_name="group_period_figure")
    for name in ("group_place", "group_budget", "group_figure", "group_period_figure"):
        op.drop_table(name)
