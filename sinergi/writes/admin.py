"""Admin commands and queries: users and their rights, the achievement thresholds, the audit log.

Each one checks that the viewer is an admin and refuses anyone else; the refusal is logged by the
session it happens in. Every write adds an audit row with the values before and after, never a
password hash. The audit log is only read here: nothing in the app edits or deletes an audit row.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

import models as m
from sinergi.core import audit
from sinergi.core.access import Viewer, refuse
from sinergi.core.db import reads, rows, select_columns
from sinergi.core.errors import DomainError
from sinergi.core.settings import ADMIN_SETTINGS, time_zone
from sinergi.reads.queries import thresholds as current_thresholds
from sinergi.rules.achievement import Thresholds
from sinergi.writes.accounts import MIN_PASSWORD_LENGTH, WeakPassword, hash_password


class UnknownUser(DomainError):
    key = "admin.error.user_unknown"


class UnknownRole(DomainError):
    key = "admin.error.role_unknown"


class CompanyRequired(DomainError):
    key = "admin.error.company_required"


class RegencyRequired(DomainError):
    key = "admin.error.regency_required"


class OwnAccount(DomainError):
    """An admin may not disable their own account or give up their own admin role."""

    key = "admin.error.own_account"


class InvalidThresholds(DomainError):
    key = "admin.error.thresholds"


USER_COLUMNS = [
    "id",
    "username",
    "display_name",
    "email",
    "role",
    "company",
    "regency",
    "disabled",
    "created_at",
]
AUDIT_COLUMNS = ["id", "at", "username", "action", "entity", "entity_id", "before", "after", "detail"]


def _require_admin(viewer: Viewer, *, entity: str, entity_id: int | None, detail: str) -> None:
    if not viewer.is_admin:
        refuse(viewer=viewer, entity=entity, entity_id=entity_id, detail=detail)


def _user(session: Session, user_id: int) -> m.User:
    user = session.get(m.User, user_id)
    if user is None:
        raise UnknownUser(user_id=user_id)
    return user


def _save_user(
    session: Session,
    viewer: Viewer,
    user: m.User,
    action: str,
    *,
    before: dict[str, Any],
    after: dict[str, Any],
) -> m.User:
    """Write what an admin's ``action`` changed of ``user``, with its audit row."""
    session.add(user)
    audit.record(
        session=session,
        actor=viewer,
        action=action,
        entity="app_user",
        entity_id=user.id,
        before=before,
        after=after,
    )
    return user


def _rights(user: m.User) -> dict[str, Any]:
    """What an audit row says about a user's rights; never the password hash."""
    return {
        "role": user.role,
        "company_id": user.company_id,
        "regency_id": user.regency_id,
        "disabled": user.disabled,
        "tokens_valid_after": user.tokens_valid_after,
    }


@reads(m.User, m.Company, m.Regency)
def user_rows(*, session: Session, viewer: Viewer) -> pd.DataFrame:
    """Every account with its company or regency, by username."""
    _require_admin(viewer, entity="app_user", entity_id=None, detail="list")
    statement = (
        select_columns(
            m.User.id,
            m.User.username,
            m.User.display_name,
            m.User.email,
            m.User.role,
            m.Company.name,
            m.Regency.name,
            m.User.disabled,
            m.User.created_at,
        )
        .select_from(m.User)
        .outerjoin(m.Company, col(m.Company.id) == col(m.User.company_id))
        .outerjoin(m.Regency, col(m.Regency.id) == col(m.User.regency_id))
        .order_by(col(m.User.username))
    )
    frame = pd.DataFrame(rows(session, statement), columns=USER_COLUMNS)
    return frame.astype({"id": int, "disabled": bool})


def change_role(
    *,
    session: Session,
    viewer: Viewer,
    user_id: int,
    role: str,
    company_id: int | None = None,
    regency_id: int | None = None,
    now: datetime,
) -> m.User:
    """Give a user another role (company users need a company, agency users a regency).

    Their rights changed, so every cookie they hold stops working.
    """
    _require_admin(viewer, entity="app_user", entity_id=user_id, detail="change_role")
    user = _user(session, user_id)
    try:
        new_role = m.Role(role)
    except ValueError:
        raise UnknownRole(role=role) from None
    if user.id == viewer.user_id and new_role is not m.Role.ADMIN:
        raise OwnAccount()
    company = regency = None
    if new_role is m.Role.COMPANY:
        if company_id is None or session.get(m.Company, company_id) is None:
            raise CompanyRequired()
        company = company_id
    if new_role is m.Role.AGENCY:
        if regency_id is None or session.get(m.Regency, regency_id) is None:
            raise RegencyRequired()
        regency = regency_id
    before = _rights(user)
    user.role, user.company_id, user.regency_id = new_role.value, company, regency
    user.tokens_valid_after = now
    return _save_user(session, viewer, user, "change_role", before=before, after=_rights(user))


def set_disabled(*, session: Session, viewer: Viewer, user_id: int, disabled: bool, now: datetime) -> m.User:
    """Disable a user (every earlier cookie of theirs dies) or enable them again."""
    _require_admin(viewer, entity="app_user", entity_id=user_id, detail="disable" if disabled else "enable")
    user = _user(session, user_id)
    if disabled and user.id == viewer.user_id:
        raise OwnAccount()
    before = _rights(user)
    user.disabled = disabled
    if disabled:
        user.tokens_valid_after = now
    action = "disable" if disabled else "enable"
    return _save_user(session, viewer, user, action, before=before, after=_rights(user))


def reset_password(
    *, session: Session, viewer: Viewer, user_id: int, new_password: str, now: datetime
) -> m.User:
    """Set a user's password without the old one; every earlier cookie of theirs stops working."""
    _require_admin(viewer, entity="app_user", entity_id=user_id, detail="reset_password")
    user = _user(session, user_id)
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(min=MIN_PASSWORD_LENGTH)
    before = {"tokens_valid_after": user.tokens_valid_after}
    user.password_hash = hash_password(new_password)
    user.tokens_valid_after = now
    return _save_user(
        session, viewer, user, "password_reset", before=before, after={"tokens_valid_after": now}
    )


def set_thresholds(
    *, session: Session, viewer: Viewer, on_track_min: float, needs_attention_min: float
) -> Thresholds:
    """Change the achievement thresholds every page uses from now on."""
    _require_admin(viewer, entity="setting", entity_id=None, detail="thresholds")
    if not (math.isfinite(on_track_min) and math.isfinite(needs_attention_min)):
        raise InvalidThresholds()
    try:
        new = Thresholds(on_track_min=float(on_track_min), needs_attention_min=float(needs_attention_min))
    except ValueError:
        raise InvalidThresholds() from None
    before = current_thresholds(session=session, viewer=viewer)
    for spec in ADMIN_SETTINGS:
        value = str(float(getattr(new, spec.key)))
        setting = session.get(m.Setting, spec.key)
        if setting is None:
            session.add(m.Setting(key=spec.key, value=value))
        else:
            setting.value = value
            session.add(setting)
    audit.record(
        session=session,
        actor=viewer,
        action="update",
        entity="setting",
        before=asdict(before),
        after=asdict(new),
    )
    return new


@dataclass(frozen=True)
class AuditChoices:
    """The actions and entities the audit log holds, for its filters."""

    actions: tuple[str, ...]
    entities: tuple[str, ...]


@reads(m.AuditLog)
def audit_choices(*, session: Session, viewer: Viewer) -> AuditChoices:
    _require_admin(viewer, entity="audit_log", entity_id=None, detail="read")
    actions = session.exec(select(m.AuditLog.action).distinct().order_by(col(m.AuditLog.action))).all()
    entities = session.exec(
        select(m.AuditLog.entity)
        .where(col(m.AuditLog.entity) != "")
        .distinct()
        .order_by(col(m.AuditLog.entity))
    ).all()
    return AuditChoices(actions=tuple(actions), entities=tuple(entities))


def _start_of(day: date) -> datetime:
    """When ``day`` starts in the app's zone (the one the log's times are shown in), in UTC."""
    return datetime.combine(day, time.min, tzinfo=time_zone()).astimezone(UTC)


@reads(m.AuditLog)
def audit_rows(
    *,
    session: Session,
    viewer: Viewer,
    action: str | None = None,
    username: str | None = None,
    entity: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """The audit log, newest first: ``username`` matches part of a name; days are days in the app's
    zone (``SINERGI_TIME_ZONE``), both included."""
    _require_admin(viewer, entity="audit_log", entity_id=None, detail="read")
    conditions = []
    if action:
        conditions.append(col(m.AuditLog.action) == action)
    if username and username.strip():
        conditions.append(col(m.AuditLog.username).contains(username.strip().lower(), autoescape=True))
    if entity:
        conditions.append(col(m.AuditLog.entity) == entity)
    if since is not None:
        conditions.append(col(m.AuditLog.at) >= _start_of(since))
    if until is not None:
        conditions.append(col(m.AuditLog.at) < _start_of(until + timedelta(days=1)))
    statement = (
        select_columns(*(getattr(m.AuditLog, name) for name in AUDIT_COLUMNS))
        .where(*conditions)
        .order_by(col(m.AuditLog.at).desc(), col(m.AuditLog.id).desc())
        .limit(max(limit, 0))
    )
    frame = pd.DataFrame(rows(session, statement), columns=AUDIT_COLUMNS)
    return frame.astype({"id": int, "entity_id": "Int64"})
