"""share link verified only: a link can be limited to verified results

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-06 05:45:00

A company can share its figures with an agency limited to those an agency has verified; the link
records whether it does, so every read behind it applies the limit.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("verified_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.drop_column("verified_only")
