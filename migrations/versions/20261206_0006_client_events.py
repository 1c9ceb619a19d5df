"""client events: what clients without an account do, counted per address

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 05:45:00

Check-ins, inputs from the public form and meeting codes that opened nothing are limited per client
address as well as per device; the limits count these rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "client_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_event")),
    )
    with op.batch_alter_table("client_event", schema=None) as batch_op:
        batch_op.create_index("ix_client_event_kind_address_at", ["kind", "address", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_client_event_meeting_id"), ["meeting_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("client_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_event_meeting_id"))
        batch_op.drop_index("ix_client_event_kind_address_at")
    op.drop_table("client_event")
