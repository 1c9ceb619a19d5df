"""evidence files: PDF, JPEG and PNG documents on a result or a compliance record

Revision ID: 0012
Revises: 0014
Create Date: 2026-12-06 10:00:00

The files live in the database (bytea on PostgreSQL), so every app server reads the same ones. It
follows the live console's revision (0014), which reached the main line first, so that the history
stays one line.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("compliance_record_id", sa.Integer(), nullable=True),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(result_id IS NULL) <> (compliance_record_id IS NULL)", name=op.f("ck_evidence_file_one_owner")
        ),
        sa.CheckConstraint(
            "content_type IN ('application/pdf', 'image/jpeg', 'image/png')",
            name=op.f("ck_evidence_file_content_type_valid"),
        ),
        sa.CheckConstraint("size > 0", name=op.f("ck_evidence_file_size_positive")),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["app_user.id"], name=op.f("fk_evidence_file_added_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["compliance_record_id"],
            ["compliance_record.id"],
            name=op.f("fk_evidence_file_compliance_record_id_compliance_record"),
        ),
        sa.ForeignKeyConstraint(["result_id"], ["result.id"], name=op.f("fk_evidence_file_result_id_result")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_file")),
    )
    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_file_compliance_record_id"), ["compliance_record_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evidence_file_result_id"), ["result_id"], unique=False)
    # The caches' write counter of the new table, as revision 0007 gave every table one.
    if sa.inspect(op.get_bind()).has_table("table_version"):
        op.execute("INSERT INTO table_version (name, version) VALUES ('evidence_file', 0)")


def downgrade() -> None:
    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_file_result_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_file_compliance_record_id"))
    op.drop_table("evidence_file")
    op.execute("DELETE FROM table_version WHERE name = 'evidence_file'")
