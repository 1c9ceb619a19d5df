"""Recording stakeholder feedback: one item said at a meeting, checked before it is stored."""

from __future__ import annotations

from sqlmodel import Session

import models as m
from sinergi.core.errors import DomainError
from sinergi.writes.fields import EntitySpec, F, FieldSpec, check_fields

MAX_TEXT = 2000
MAX_SPEAKER = 200
# What a feedback item's typed texts must be, wherever they come from (the public form's command holds
# them to it too, and answers with one sentence a participant can act on).
FEEDBACK = EntitySpec(
    "feedback",
    m.FeedbackItem,
    (
        FieldSpec("text", F.LONG_TEXT, required=True, max_length=MAX_TEXT),
        FieldSpec("speaker", F.TEXT, max_length=MAX_SPEAKER),
    ),
    creatable=False,
)
_KINDS = frozenset(kind.value for kind in m.FeedbackKind)
SOURCE_TYPES = frozenset(org_type.value for org_type in m.OrgType)


class InvalidFeedback(DomainError):
    key = "error.feedback_invalid"


def record_feedback(
    *,
    session: Session,
    meeting_id: int,
    kind: str,
    text: str,
    source_type: str | None = None,
    speaker: str = "",
    program_id: int | None = None,
) -> m.FeedbackItem:
    """Store what a participant said at a meeting, open and awaiting moderation.

    Refused with :class:`InvalidFeedback` when the kind is unknown, the text is empty or longer
    than ``MAX_TEXT`` characters, the source type is not an organisation type, or the speaker's
    name is too long; nothing is stored then.
    """
    typed, errors = check_fields(FEEDBACK, {"text": text, "speaker": speaker})
    if errors or kind not in _KINDS or (source_type is not None and source_type not in SOURCE_TYPES):
        raise InvalidFeedback(max=MAX_TEXT)
    item = m.FeedbackItem(
        meeting_id=meeting_id,
        kind=kind,
        text=typed["text"],
        source_type=source_type,
        speaker=typed["speaker"],
        program_id=program_id,
    )
    session.add(item)
    session.flush()
    return item
