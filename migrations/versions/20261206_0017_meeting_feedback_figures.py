"""meeting feedback figures: what each meeting's feedback adds up to, kept by every write

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 14:00:00

The engagement page counted feedback items by kind, status and source, and which are overdue, over
every item of the meetings it covered, so its cost grew with everything ever said. The counts are kept
per meeting instead (and per due date of the unfinished actions open items wait on), made again by each
write of the rows they come from; this fills them from the rows already there. An index on the items'
follow-up action finds the meetings whose figures an action's new status or due date changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = (
    "items",
    "kind_expectation",
    "kind_suggestion",
    "kind_concern",
    "kind_collaboration_offer",
    "kind_appreciation",
    "status_open",
    "status_in_progress",
    "status_done",
    "status_declined",
    "source_government_agency",
    "source_village_government",
    "source_community_group",
    "source_implementing_partner",
    "source_state_owned",
    "source_private_company",
    "source_academia",
    "source_media",
    "source_community_leader",
    "source_public",
    "unanswered",
)


def upgrade() -> None:
    op.create_table(
        "meeting_feedback_figure",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_meeting_feedback_figure")),
    )
    op.create_table(
        "meeting_feedback_due",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("unanswered", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id", "due_date", name=op.f("pk_meeting_feedback_due")),
    )
    op.create_index(op.f("ix_feedback_item_follow_up_id"), "feedback_item", ["follow_up_id"], unique=False)
    # Derived data: made from the rows there by the same definition every write uses.
    from sinergi.writes import feedback_figures

    with Session(bind=op.get_bind()) as session:
        feedback_figures.rebuild(session)


def downgrade() -> None:
    op.drop_index(op.f("ix_feedback_item_follow_up_id"), table_name="feedback_item")
    op.drop_table("meeting_feedback_due")
    op.drop_table("meeting_feedback_figure")
