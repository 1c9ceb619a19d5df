"""sign-in per address: failed password checks keep the client's address

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 05:30:00

Failures were counted per username only, so guessing one password at many usernames went unnoticed
and anyone could lock anyone out; they are now counted per client address as well. Failures kept
before this revision have no address: they count under "unknown" until they wear off.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(length=64), nullable=False, server_default="unknown"))
        batch_op.create_index("ix_login_failure_address_at", ["address", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failure_address_at")
        batch_op.drop_column("address")
