"""Who is reading or writing, and what they may reach. Every query and command asks here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false
from sqlmodel import col

import models as m
from domain.errors import DomainError


class AccessDenied(DomainError):
    key = "error.access_denied"


@dataclass(frozen=True)
class Viewer:
    """The person (or shared link) a page is drawn for. Frozen and small: it is part of cache keys."""

    user_id: int | None
    username: str
    role: m.Role
    company_id: int | None = None
    regency_id: int | None = None
    # A shared link reads one company's pages without an account.
    shared_link_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is m.Role.ADMIN

    def program_conditions(self) -> list[ColumnElement[bool]]:
        """What limits the programs this viewer may read."""
        if self.role is m.Role.COMPANY:
            return [col(m.Program.company_id) == (self.company_id or -1)]
        if self.role is m.Role.AGENCY:
            from domain.filters import program_in_regency

            return [program_in_regency(self.regency_id)] if self.regency_id is not None else [false()]
        return []

    def meeting_conditions(self) -> list[ColumnElement[bool]]:
        """What limits the meetings (and so the feedback) this viewer may read."""
        if self.role is m.Role.COMPANY:
            return [col(m.Meeting.organiser_company_id) == (self.company_id or -1)]
        if self.role is m.Role.AGENCY:
            return [col(m.Meeting.regency_id) == (self.regency_id or -1)]
        return []

    def company_conditions(self) -> list[ColumnElement[bool]]:
        """What limits the companies this viewer may see by name."""
        if self.role is m.Role.COMPANY:
            return [col(m.Company.id) == (self.company_id or -1)]
        if self.role is m.Role.AGENCY:
            from sqlalchemy import exists
            from sqlmodel import select

            return [
                exists(
                    select(col(m.CompanyRegency.company_id)).where(
                        col(m.CompanyRegency.company_id) == col(m.Company.id),
                        col(m.CompanyRegency.regency_id) == (self.regency_id or -1),
                    )
                )
            ]
        return []

    def may_write_company(self, company_id: int) -> bool:
        """Company data is written by admins and by that company's own staff, nobody else."""
        return self.is_admin or (self.role is m.Role.COMPANY and self.company_id == company_id)

    def may_verify_in(self, regency_id: int | None) -> bool:
        """Results and compliance are verified by admins and by the agency of the regency."""
        return self.is_admin or (
            self.role is m.Role.AGENCY and regency_id is not None and self.regency_id == regency_id
        )


def viewer_for(user: m.User) -> Viewer:
    assert user.id is not None
    return Viewer(
        user_id=user.id,
        username=user.username,
        role=m.Role(user.role),
        company_id=user.company_id,
        regency_id=user.regency_id,
    )


# The command line acts with full rights: whoever runs it already holds the database.
SYSTEM = Viewer(user_id=None, username="system", role=m.Role.ADMIN)
