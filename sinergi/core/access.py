"""Who is reading or writing, and what they may reach. Every query and command asks here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy import ColumnElement, Engine, and_, exists, false, func, or_
from sqlmodel import Session, col, select

import models as m
from sinergi.core.errors import DomainError


class AccessDenied(DomainError):
    """A refusal; the session it was raised in writes its audit row once the action has rolled back."""

    key = "error.access_denied"

    def __init__(
        self,
        *,
        viewer: Viewer | None = None,
        entity: str = "",
        entity_id: int | None = None,
        detail: str = "",
    ) -> None:
        super().__init__()
        self.viewer, self.entity, self.entity_id, self.detail = viewer, entity, entity_id, detail
        self._logged = False

    def log_refusal(self, engine: Engine) -> None:
        if self._logged:
            return
        self._logged = True
        from sinergi.core.audit import record_refusal

        record_refusal(
            engine=engine, actor=self.viewer, entity=self.entity, entity_id=self.entity_id, detail=self.detail
        )


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
    # Figures limited to verified results, whatever the page asks for (a link shared so).
    verified_only: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role is m.Role.ADMIN

    def program_conditions(self) -> list[ColumnElement[bool]]:
        """What limits the programs this viewer may read."""
        if self.role is m.Role.COMPANY:
            return [col(m.Program.company_id) == (self.company_id or -1)]
        if self.role is m.Role.AGENCY:
            return [program_in_regency(self.regency_id)] if self.regency_id is not None else [false()]
        return []

    def group_conditions(self, company_id: Any) -> list[ColumnElement[bool]] | None:
        """What limits the groups of programs (a company's, of one pillar and poverty flag) this viewer
        may read, on the ``company_id`` column of their figures (None if they are added up across
        companies); None when figures so grouped cannot keep to the limit (an agency reads the
        programs working in its regency, a company its own)."""
        if self.role is m.Role.AGENCY:
            return None
        if self.role is m.Role.COMPANY:
            return None if company_id is None else [company_id == (self.company_id or -1)]
        return []

    def result_conditions(self) -> list[ColumnElement[bool]]:
        """What limits the results (target and actual of a semester) this viewer may read."""
        return verified_results() if self.verified_only else []

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
            in_regency = select(col(m.CompanyRegency.company_id)).where(
                col(m.CompanyRegency.regency_id) == (self.regency_id or -1)
            )
            return [col(m.Company.id).in_(in_regency)]
        return []

    def regency_conditions(self) -> list[ColumnElement[bool]]:
        """What limits the regencies offered to this viewer as a filter: those its programs can be in
        (where a company's programs work, an agency's own); another would only show empty views."""
        if self.role is m.Role.COMPANY:
            where_programs_work = (
                select(col(m.District.regency_id))
                .join(m.Village, col(m.Village.district_id) == col(m.District.id))
                .join(m.ProgramVillage, col(m.ProgramVillage.village_id) == col(m.Village.id))
                .join(m.Program, col(m.Program.id) == col(m.ProgramVillage.program_id))
                .where(col(m.Program.company_id) == (self.company_id or -1))
            )
            return [col(m.Regency.id).in_(where_programs_work)]
        if self.role is m.Role.AGENCY:
            return [col(m.Regency.id) == (self.regency_id or -1)]
        return []

    def framework_conditions(self) -> list[ColumnElement[bool]]:
        """What limits the coordination frameworks this viewer may read: those of its regencies."""
        if self.role is m.Role.COMPANY:
            return [
                col(m.Framework.regency_id).in_(
                    select(col(m.CompanyRegency.regency_id)).where(
                        col(m.CompanyRegency.company_id) == (self.company_id or -1)
                    )
                )
            ]
        if self.role is m.Role.AGENCY:
            return [col(m.Framework.regency_id) == (self.regency_id or -1)]
        return []

    def may_write_company(self, company_id: int) -> bool:
        """Company data is written by admins and by that company's own staff, nobody else; a shared
        link only reads."""
        if self.shared_link_id is not None:
            return False
        return self.is_admin or (self.role is m.Role.COMPANY and self.company_id == company_id)

    def may_attach_to_result(self, company_id: int, state: str) -> bool:
        """Evidence files on a result are added and removed by whoever writes its figures (the
        program's company, an admin); a verified result is locked to its company, not to an admin."""
        return self.may_write_company(company_id) and (state != m.ResultState.VERIFIED or self.is_admin)

    def may_attach_to_compliance(self, company_id: int) -> bool:
        """Evidence files on a compliance record are added and removed by whoever records its evidence:
        the company's own staff or an admin (the agency verifies; a verification binds to the files it
        saw, see ``writes.evidence``)."""
        return self.may_write_company(company_id)

    def evidence_result_conditions(self) -> list[ColumnElement[bool]]:
        """What limits the results whose evidence files this viewer may read (the query joins the
        result's indicator and program): the results it may read."""
        return [*self.program_conditions(), *self.result_conditions()]

    def evidence_compliance_conditions(self) -> list[ColumnElement[bool]]:
        """What limits the compliance records whose evidence files this viewer may read (the query
        joins the record's point and framework): a company it may see, in a framework it may read; only
        verified records for a reader of verified figures only."""
        visible = select(col(m.Company.id)).where(*self.company_conditions())
        conditions = [col(m.ComplianceRecord.company_id).in_(visible), *self.framework_conditions()]
        if self.verified_only:
            conditions.append(col(m.ComplianceRecord.verified_at).is_not(None))
        return conditions

    def may_import(self) -> bool:
        """Company staff and admins import; agencies, viewers and shared links only read."""
        return self.shared_link_id is None and self.role in (m.Role.ADMIN, m.Role.COMPANY)

    def may_write_meeting(self, meeting: m.Meeting) -> bool:
        """A meeting is kept by the company that organised it, or by the agency of its regency when no
        company did; admins keep every meeting."""
        if meeting.organiser_company_id is not None:
            return self.may_write_company(meeting.organiser_company_id)
        return self.is_admin or (
            self.shared_link_id is None
            and self.role is m.Role.AGENCY
            and meeting.regency_id is not None
            and self.regency_id == meeting.regency_id
        )

    def may_run_meeting(self, meeting: m.Meeting) -> bool:
        """Admins, the organising company's staff and the agency of the meeting's regency run a meeting
        live (open input, moderate)."""
        if self.shared_link_id is not None:
            return False
        if self.is_admin:
            return True
        if self.role is m.Role.COMPANY:
            return self.company_id is not None and self.company_id == meeting.organiser_company_id
        if self.role is m.Role.AGENCY:
            return self.regency_id is not None and self.regency_id == meeting.regency_id
        return False

    def may_verify_in(self, regency_id: int | None) -> bool:
        """Results and compliance are verified by admins and by the agency of the regency."""
        return self.is_admin or (
            self.role is m.Role.AGENCY and regency_id is not None and self.regency_id == regency_id
        )

    def may_verify_result(self, regencies: Iterable[int | None]) -> bool:
        """A result is verified, or sent back to its company, by an admin or by the agency of a regency
        its program works in (``regencies``); never through a shared link."""
        return self.shared_link_id is None and (
            self.is_admin or any(self.may_verify_in(regency) for regency in regencies)
        )

    def verification_conditions(self) -> list[ColumnElement[bool]]:
        """What limits the programs whose submitted results wait in this viewer's queue: every program
        for an admin, those working in its regency for an agency (exactly the ones
        :meth:`may_verify_result` allows), none for anyone else."""
        if self.shared_link_id is not None or self.role not in (m.Role.ADMIN, m.Role.AGENCY):
            return [false()]
        return self.program_conditions()

    def notice_conditions(self) -> list[ColumnElement[bool]]:
        """What limits the notices this viewer reads and marks: its own, whatever its role; none
        through a shared link or for the command line, which has no inbox."""
        if self.shared_link_id is not None or self.user_id is None:
            return [false()]
        return [col(m.Notice.user_id) == self.user_id]

    def may_mark_notice(self, notice: m.Notice) -> bool:
        """A notice is marked read by the user it is addressed to and nobody else."""
        return self.shared_link_id is None and self.user_id is not None and notice.user_id == self.user_id

    def returned_conditions(self) -> list[ColumnElement[bool]]:
        """What limits the programs whose returned results this viewer sees with their notes: a
        company's own (to correct them), an agency's regency (what it sent back), all for an admin."""
        if self.shared_link_id is not None or self.role is m.Role.VIEWER:
            return [false()]
        return self.program_conditions()


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


def refuse(*, viewer: Viewer, entity: str, entity_id: int | None, detail: str = "") -> NoReturn:
    """Refuse; the refusal is logged by the session it happens in, after that session rolls back."""
    raise AccessDenied(viewer=viewer, entity=entity, entity_id=entity_id, detail=detail)


def ensure_program_visible(*, session: Session, viewer: Viewer, program_id: int) -> bool:
    """True if the program exists and the viewer may read it; False if it does not exist.

    A program that exists but belongs to someone the viewer may not read is refused and logged.
    """
    exists_at_all = session.get(m.Program, program_id) is not None
    if not exists_at_all:
        return False
    visible = session.exec(
        select(func.count()).where(col(m.Program.id) == program_id, *viewer.program_conditions())
    ).one()
    if not visible:
        refuse(viewer=viewer, entity="program", entity_id=program_id, detail="read")
    return True


def ensure_framework_visible(*, session: Session, viewer: Viewer, framework_id: int) -> bool:
    """True if the coordination framework exists and the viewer may read it; False if it does not
    exist. One of a regency the viewer may not read is refused and logged."""
    if session.get(m.Framework, framework_id) is None:
        return False
    visible = session.exec(
        select(func.count()).where(col(m.Framework.id) == framework_id, *viewer.framework_conditions())
    ).one()
    if not visible:
        refuse(viewer=viewer, entity="framework", entity_id=framework_id, detail="read")
    return True


# Who is told of what (notices): the people whose scope above holds the thing. Admins see everything
# and are told of nothing, or every submission of every regency would reach them.


def active_users(role: m.Role) -> list[ColumnElement[bool]]:
    return [col(m.User.role) == role.value, col(m.User.disabled) == false()]


def company_staff(company_id: Any) -> list[ColumnElement[bool]]:
    """The users of a company (those :meth:`Viewer.may_write_company` allows), a company id or a column
    holding one: told of their results verified or sent back, and of their follow-up actions due."""
    return [*active_users(m.Role.COMPANY), col(m.User.company_id) == company_id]


def result_verifiers(program_id: int) -> list[ColumnElement[bool]]:
    """The users told of a program's submitted results: the agency staff of every regency the program
    works in, as :meth:`Viewer.verification_conditions` puts the results in their queue."""
    works_in = (
        select(col(m.District.regency_id))
        .join(m.Village, col(m.Village.district_id) == col(m.District.id))
        .join(m.ProgramVillage, col(m.ProgramVillage.village_id) == col(m.Village.id))
        .where(col(m.ProgramVillage.program_id) == program_id)
    )
    return [*active_users(m.Role.AGENCY), col(m.User.regency_id).in_(works_in)]


def meeting_keepers() -> ColumnElement[bool]:
    """The users who keep a meeting's feedback (those :meth:`Viewer.may_write_meeting` allows), as a
    condition on ``m.Meeting`` and ``m.User`` joined: the organising company's staff, or the agency of
    the meeting's regency when no company organised it."""
    return or_(
        and_(
            col(m.Meeting.organiser_company_id).is_not(None),
            *company_staff(col(m.Meeting.organiser_company_id)),
        ),
        and_(
            col(m.Meeting.organiser_company_id).is_(None),
            *active_users(m.Role.AGENCY),
            col(m.User.regency_id) == col(m.Meeting.regency_id),
        ),
    )


def verified_results() -> list[ColumnElement[bool]]:
    """Results an agency has verified; the others (draft, submitted) nobody has checked yet."""
    return [col(m.Result.state) == m.ResultState.VERIFIED.value]


def program_in_regency(regency_id: int) -> ColumnElement[bool]:
    """The program works in at least one village of the regency."""
    return exists(
        select(m.ProgramVillage.program_id)
        .select_from(m.ProgramVillage)
        .join(m.Village, col(m.Village.id) == col(m.ProgramVillage.village_id))
        .join(m.District, col(m.District.id) == col(m.Village.district_id))
        .where(
            col(m.ProgramVillage.program_id) == col(m.Program.id),
            col(m.District.regency_id) == regency_id,
        )
    )
