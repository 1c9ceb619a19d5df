"""notices: the inbox of each user, and what has been mailed of it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 09:30:00

One row per recipient; kinds written out here so that this migration keeps meaning what it meant
when the enumeration changes later. Users already have an e-mail address (``app_user.email``).
It follows 0014 (the live console), which reached the main line first.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("submitted", "verified", "returned", "action_due", "action_overdue", "feedback_waiting")


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("params", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("read_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("mailed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "kind IN ({})".format(", ".join(f"'{kind}'" for kind in KINDS)), name=op.f("ck_notice_kind_valid")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_notice_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint("key", name=op.f("uq_notice_key")),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index("ix_notice_user_id_read_at", ["user_id", "read_at"], unique=False)
        batch_op.create_index("ix_notice_mailed_at", ["mailed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_mailed_at")
        batch_op.drop_index("ix_notice_user_id_read_at")
    op.drop_table("notice")
