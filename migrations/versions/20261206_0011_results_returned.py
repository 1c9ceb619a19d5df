"""results returned: the agency sends a submitted result back to its company with a note

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 09:00:00

The state column's CHECK constraint gains "returned"; the values are written out here so that this
migration keeps meaning what it meant when the enumeration changes later.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES_BEFORE = ("draft", "submitted", "verified")
STATES_AFTER = (*STATES_BEFORE, "returned")


def _state_check(states: tuple[str, ...]) -> str:
    return "state IN ({})".format(", ".join(f"'{state}'" for state in states))


def upgrade() -> None:
    # Batch mode copies the table on SQLite (which cannot alter a constraint) and alters it in place
    # on PostgreSQL.
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "return_note",
                sqlmodel.sql.sqltypes.AutoString(length=2000),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("returned_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("returned_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_result_returned_by_id_app_user"), "app_user", ["returned_by_id"], ["id"]
        )
        batch_op.drop_constraint(op.f("ck_result_state_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_result_state_valid"), _state_check(STATES_AFTER))


def downgrade() -> None:
    # The note goes with its columns; a returned result waits for verification again.
    op.execute("UPDATE result SET state = 'submitted' WHERE state = 'returned'")
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_result_state_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_result_state_valid"), _state_check(STATES_BEFORE))
        batch_op.drop_constraint(op.f("fk_result_returned_by_id_app_user"), type_="foreignkey")
        batch_op.drop_column("returned_at")
        batch_op.drop_column("returned_by_id")
        batch_op.drop_column("return_note")
