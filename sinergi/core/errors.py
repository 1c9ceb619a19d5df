"""Errors a user can cause; each carries a translation key so the page can say it in the user's language."""

from __future__ import annotations


class DomainError(Exception):
    """A refused action. ``key`` names the message in the translation table."""

    key = "error.refused"

    def __init__(self, **values: object) -> None:
        super().__init__(self.key, values)
        self.values = values


class ResultLocked(DomainError):
    key = "error.result_locked"


class ResultChanged(DomainError):
    """The result is no longer the submitted one the verifier was shown."""

    key = "error.result_changed"


class ResultSubmitted(DomainError):
    """A submitted result waits for verification: changing it withdraws the submission, which must be
    asked for (the agency's queue would otherwise lose it without anyone saying so)."""

    key = "error.result_submitted"


class ReturnNoteMissing(DomainError):
    """A result is sent back only with a note that tells the company what to correct."""

    key = "error.return_note_missing"


class ReturnNoteTooLong(DomainError):
    key = "error.return_note_too_long"
