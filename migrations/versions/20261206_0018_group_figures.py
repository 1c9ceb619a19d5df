"""group figures: what the programs of one company, pillar and poverty flag add up to, kept by every write

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 15:00:00

A province's overview added up a row per program and period; at ten times the large world that grew
with every program ever planned. The figures are kept per group of programs (a company's programs of
one pillar and poverty flag) as well, and across companies and across pillars: per period; the
programs, their beneficiaries and budget; village links per regency. Each write of the rows they come
from keeps them; this fills them from the rows already there.
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
def _group(*, company: bool = True, pillar: bool = True) -> list[sa.Column[object]]:
    return [
        *([sa.Column("company_id", sa.Integer(), nullable=False)] if company else []),
        *(
            [
                sa.Column("pillar", sa.String(length=30), nullable=False),
                sa.Column("poverty_alleviation", sa.Boolean(), nullable=False),
            ]
            if pillar
            else []
        ),
    ]


def _counts() -> list[sa.Column[object]]:
    return [
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.Column("achievement_sum", sa.Float(), nullable=False),
        sa.Column("achievement_sum_v", sa.Float(), nullable=False),
        sa.Column("gaps", sa.Integer(), nullable=False),
        sa.Column("gaps_v", sa.Integer(), nullable=False),
    ]


def _totals() -> list[sa.Column[object]]:
    people = ("programs", "active", "families_planned", "families_reached", "people_planned", "people_reached")
    return [
        *(sa.Column(name, sa.Integer(), nullable=False) for name in people),
        sa.Column("budget_planned", sa.BigInteger(), nullable=False),
        sa.Column("budget_spent", sa.BigInteger(), nullable=False),
    ]


def _keyed(name: str, *columns: sa.Column[object]) -> None:
    keys = [column.name for column in columns if column.name in KEYS]
    op.create_table(name, *columns, sa.PrimaryKeyConstraint(*keys, name=op.f(f"pk_{name}")))


KEYS = {"company_id", "pillar", "poverty_alleviation", "period_id", "regency_id"}


def _int(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Integer(), nullable=False)


def upgrade() -> None:
    _keyed("group_period_figure", *_group(), _int("period_id"), *_counts())
    _keyed("company_period_figure", *_group(pillar=False), _int("period_id"), *_counts())
    _keyed("pillar_period_figure", *_group(company=False), _int("period_id"), *_counts())
    op.create_index("ix_group_period_figure_period", "group_period_figure", ["period_id"], unique=False)
    op.create_index("ix_company_period_figure_period", "company_period_figure", ["period_id"], unique=False)
    _keyed("group_figure", *_group(), *_totals())
    _keyed("pillar_figure", *_group(company=False), *_totals())
    _keyed("group_place", *_group(), _int("regency_id"), _int("program_villages"))
    _keyed("pillar_place", *_group(company=False), _int("regency_id"), _int("program_villages"))
    # Derived data: made from the rows there by the same definition every write uses.
    from sinergi.writes import group_figures

    with Session(bind=op.get_bind()) as session:
        group_figures.refresh(session)


TABLES = (
    "group_period_figure",
    "company_period_figure",
    "pillar_period_figure",
    "group_figure",
    "pillar_figure",
    "group_place",
    "pillar_place",
)


def downgrade() -> None:
    op.drop_index("ix_company_period_figure_period", table_name="company_period_figure")
    op.drop_index("ix_group_period_figure_period", table_name="group_period_figure")
    for name in TABLES:
        op.drop_table(name)
