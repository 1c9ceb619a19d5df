"""program period figures: what each program's indicators add up to per period, kept by every write

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 12:00:00

Pages counted indicators and averaged achievements over every result they covered, so their cost grew
with everything ever reported. The figures are kept per program and period instead, made again by each
write of the rows they come from; this fills them from the rows already there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

revision: str = "0016"
down_revision: str | None = "0015"
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


def upgrade() -> None:
    op.create_table(
        "program_period_figure",
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.Column("achievement_sum", sa.Float(), nullable=False),
        sa.Column("achievement_sum_v", sa.Float(), nullable=False),
        sa.Column("gaps", sa.Integer(), nullable=False),
        sa.Column("gaps_v", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("program_id", "period_id", name=op.f("pk_program_period_figure")),
    )
    op.create_index(
        "ix_program_period_figure_period", "program_period_figure", ["period_id", "program_id"], unique=False
    )
    # Derived data: made from the rows there by the same definition every write uses.
    from sinergi.writes import summaries

    with Session(bind=op.get_bind()) as session:
        summaries.rebuild(session)


def downgrade() -> None:
    op.drop_index("ix_program_period_figure_period", table_name="program_period_figure")
    op.drop_table("program_period_figure")
