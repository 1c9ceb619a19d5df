"""table versions: how often each table was written, for the caches of every app server

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 05:40:00

A cached page reader keys its results by the versions of the tables it reads. The versions lived in
each app server's memory, so a server never learned of another's writes; they now live here, one row
per table, raised by every committed transaction that writes the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "table_version",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_table_version")),
    )
    names = sorted(set(sa.inspect(op.get_bind()).get_table_names()) - {"alembic_version", "table_version"})
    op.bulk_insert(table, [{"name": name, "version": 0} for name in names])


def downgrade() -> None:
    op.drop_table("table_version")
