"""votes: live prioritising at a meeting, dots spread by each phone over its options

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("dots", sa.Integer(), nullable=False),
        sa.Column("opened_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint("dots BETWEEN 1 AND 10", name=op.f("ck_vote_dots_in_range")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], name=op.f("fk_vote_meeting_id_meeting")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
    )
    op.create_index(op.f("ix_vote_meeting_id"), "vote", ["meeting_id"], unique=False)
    op.create_table(
        "vote_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("feedback_item_id", sa.Integer(), nullable=True),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["feedback_item_id"], ["feedback_item.id"], name=op.f("fk_vote_option_feedback_item_id_feedback_item")
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_id"], ["follow_up_action.id"], name=op.f("fk_vote_option_follow_up_id_follow_up_action")
        ),
        sa.ForeignKeyConstraint(["vote_id"], ["vote.id"], name=op.f("fk_vote_option_vote_id_vote")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_option")),
    )
    op.create_index(op.f("ix_vote_option_vote_id"), "vote_option", ["vote_id"], unique=False)
    op.create_table(
        "vote_dot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("dots", sa.Integer(), nullable=False),
        sa.CheckConstraint("dots > 0", name=op.f("ck_vote_dot_dots_positive")),
        sa.ForeignKeyConstraint(
            ["option_id"], ["vote_option.id"], name=op.f("fk_vote_dot_option_id_vote_option")
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["meeting_participant.id"],
            name=op.f("fk_vote_dot_participant_id_meeting_participant"),
        ),
        sa.ForeignKeyConstraint(["vote_id"], ["vote.id"], name=op.f("fk_vote_dot_vote_id_vote")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_dot")),
        sa.UniqueConstraint("option_id", "participant_id", name=op.f("uq_vote_dot_option_id_participant_id")),
    )
    op.create_index(op.f("ix_vote_dot_vote_id"), "vote_dot", ["vote_id"], unique=False)
    op.create_index(op.f("ix_vote_dot_option_id"), "vote_dot", ["option_id"], unique=False)
    op.create_index(op.f("ix_vote_dot_participant_id"), "vote_dot", ["participant_id"], unique=False)


def downgrade() -> None:
    op.drop_table("vote_dot")
    op.drop_table("vote_option")
    op.drop_table("vote")
