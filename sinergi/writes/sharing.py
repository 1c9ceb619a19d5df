"""Share links: a company lets an agency read one program page or a filtered overview, without an account.

The token is random and shown once; only its SHA-256 is stored. A link expires, can be revoked,
and every use is counted and logged.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session, col, select

import models as m
from sinergi.core import audit
from sinergi.core.access import Viewer, refuse
from sinergi.core.db import reads, rows, select_columns
from sinergi.core.errors import DomainError
from sinergi.reads.filters import Filters, filters_from_params

MAX_DAYS = 180


class BadExpiry(DomainError):
    key = "error.share_expiry"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(
    *,
    session: Session,
    viewer: Viewer,
    company_id: int,
    program_id: int | None,
    filters: Filters | None,
    label: str,
    expires_on: date,
    now: datetime,
    verified_only: bool = False,
) -> str:
    """Create a link to a program (``program_id``) or to the overview with ``filters``; returns the token.

    With ``verified_only`` (or filters that ask for it) the link shows verified figures only, wherever
    its reader goes. Only the company's own staff (or an admin) may share its pages.
    """
    if not viewer.may_write_company(company_id):
        refuse(viewer=viewer, entity="share_link", entity_id=None, detail=f"company {company_id}")
    if program_id is not None:
        program = session.get(m.Program, program_id)
        if program is None or program.company_id != company_id:
            refuse(viewer=viewer, entity="program", entity_id=program_id, detail="share")
    if not now.date() < expires_on <= date.fromordinal(now.date().toordinal() + MAX_DAYS):
        raise BadExpiry(days=MAX_DAYS)
    token = secrets.token_urlsafe(32)
    verified_only = verified_only or (filters is not None and filters.verified_only)
    scoped = Filters(
        **{**(filters or Filters()).__dict__, "company_id": company_id, "verified_only": verified_only}
    )
    link = m.ShareLink(
        token_hash=_digest(token),
        kind=m.ShareKind.PROGRAM if program_id is not None else m.ShareKind.OVERVIEW,
        company_id=company_id,
        program_id=program_id,
        filters="&".join(f"{key}={value}" for key, value in scoped.query_params().items()),
        label=label.strip()[:200],
        created_by_id=viewer.user_id or 0,
        expires_at=datetime.combine(expires_on, time(23, 59, 59), tzinfo=UTC),
        created_at=now,
        verified_only=verified_only,
    )
    session.add(link)
    session.flush()
    audit.record(
        session=session,
        actor=viewer,
        action="share",
        entity="share_link",
        entity_id=link.id,
        after={
            "kind": link.kind,
            "program_id": program_id,
            "filters": link.filters,
            "expires_at": link.expires_at,
            "verified_only": verified_only,
        },
    )
    return token


@dataclass(frozen=True)
class SharedView:
    """What an opened link shows: as whom (a read-only viewer of one company) and which page."""

    viewer: Viewer
    program_id: int | None
    filters: Filters
    label: str
    expires_at: datetime
    verified_only: bool = False


class LinkUnusable(DomainError):
    """One answer for unknown, expired and revoked links; logged once the opening has rolled back."""

    key = "error.share_unusable"

    def __init__(self, *, link_id: int | None, reason: str) -> None:
        super().__init__()
        self.link_id, self.reason = link_id, reason

    def log_refusal(self, engine: Engine) -> None:
        from sinergi.core.db import write_session

        with write_session(engine) as session:
            audit.record(
                session=session,
                actor=None,
                username="",
                action="share_refused",
                entity="share_link",
                entity_id=self.link_id,
                detail=self.reason,
            )


def open_link(*, session: Session, token: str, now: datetime) -> SharedView:
    """The view behind a token; LinkUnusable (one message for unknown, expired and revoked) otherwise."""
    link = (
        session.exec(select(m.ShareLink).where(m.ShareLink.token_hash == _digest(token))).first()
        if token
        else None
    )
    if link is None or link.revoked_at is not None or link.expires_at <= now:
        reason = "unknown" if link is None else "revoked" if link.revoked_at else "expired"
        raise LinkUnusable(link_id=link.id if link else None, reason=reason)
    assert link.id is not None
    link.uses += 1
    link.last_used_at = now
    session.add(link)
    audit.record(
        session=session,
        actor=None,
        username=f"share:{link.id}",
        action="share_open",
        entity="share_link",
        entity_id=link.id,
    )
    viewer = Viewer(
        user_id=None,
        username=f"share:{link.id}",
        role=m.Role.COMPANY,
        company_id=link.company_id,
        shared_link_id=link.id,
        # Every read behind the link applies it, whatever the page asks for.
        verified_only=link.verified_only,
    )
    params = dict(pair.split("=", 1) for pair in link.filters.split("&") if "=" in pair)
    filters = filters_from_params(params)
    return SharedView(
        viewer=viewer,
        program_id=link.program_id,
        filters=Filters(**{**filters.__dict__, "verified_only": link.verified_only or filters.verified_only}),
        label=link.label,
        expires_at=link.expires_at,
        verified_only=link.verified_only,
    )


def revoke_link(*, session: Session, viewer: Viewer, link_id: int, now: datetime) -> None:
    """Stop a link from working: its company's staff or an admin."""
    link = session.get(m.ShareLink, link_id)
    if link is None:
        raise LookupError(f"share link {link_id}")
    if not viewer.may_write_company(link.company_id):
        refuse(viewer=viewer, entity="share_link", entity_id=link_id, detail="revoke")
    if link.revoked_at is None:
        link.revoked_at = now
        session.add(link)
        audit.record(
            session=session, actor=viewer, action="share_revoke", entity="share_link", entity_id=link_id
        )


LINK_COLUMNS = [
    "id",
    "kind",
    "label",
    "company",
    "program",
    "created_by",
    "created_at",
    "expires_at",
    "revoked_at",
    "last_used_at",
    "uses",
    "verified_only",
]


@reads(m.ShareLink, m.Company, m.Program, m.User)
def list_links(*, session: Session, viewer: Viewer, now: datetime | None = None) -> pd.DataFrame:
    """The share links the viewer may manage (an admin: all; company staff: their company's), newest first."""
    statement = (
        select_columns(
            m.ShareLink.id,
            m.ShareLink.kind,
            m.ShareLink.label,
            m.Company.name,
            m.Program.name,
            m.User.username,
            m.ShareLink.created_at,
            m.ShareLink.expires_at,
            m.ShareLink.revoked_at,
            m.ShareLink.last_used_at,
            m.ShareLink.uses,
            m.ShareLink.verified_only,
        )
        .select_from(m.ShareLink)
        .join(m.Company, col(m.Company.id) == col(m.ShareLink.company_id))
        .outerjoin(m.Program, col(m.Program.id) == col(m.ShareLink.program_id))
        .join(m.User, col(m.User.id) == col(m.ShareLink.created_by_id))
        .order_by(col(m.ShareLink.created_at).desc())
    )
    if not viewer.is_admin:
        statement = statement.where(
            col(m.ShareLink.company_id) == (viewer.company_id if viewer.role is m.Role.COMPANY else -1)
        )
    frame = pd.DataFrame(rows(session, statement), columns=LINK_COLUMNS)
    moment = now or datetime.now(UTC)
    frame["active"] = [
        revoked is None and expires > moment
        for revoked, expires in zip(frame["revoked_at"], frame["expires_at"], strict=True)
    ]
    return frame
