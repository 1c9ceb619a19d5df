"""live console: the slide every audience view follows, typo fixes that keep the sent text, merged duplicates

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("live_slide", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("live_slide_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table("feedback_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("original_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_feedback_item_merged_into_id_feedback_item"), "feedback_item", ["merged_into_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_item", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_feedback_item_merged_into_id_feedback_item"), type_="foreignkey")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("original_text")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("live_slide_at")
        batch_op.drop_column("live_slide")
