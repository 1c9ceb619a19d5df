"""compliance indexes: a company's poverty-alleviation programs and their dates in one index

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 15:00:00

The compliance matrix counts, for the companies of a framework's regency, their poverty-alleviation
programs that run in the plan year. Given many companies, the databases scanned every poverty-alleviation
program of every company (an index on the flag alone), a cost of the whole database rather than of the
companies shown; an index on the company, the flag and the dates answers it from the index alone.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_program_company_poverty",
        "program",
        ["company_id", "poverty_alleviation", "start_date", "end_date"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_program_company_poverty", table_name="program")
