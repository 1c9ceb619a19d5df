"""User accounts: creating users and checking passwords."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

import models as m
from sinergi.core import audit
from sinergi.core.access import Viewer, refuse, viewer_for
from sinergi.core.db import reads
from sinergi.core.errors import DomainError
from sinergi.core.settings import LOGIN_POLICY, LoginPolicy

MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")


class InvalidUsername(DomainError):
    key = "error.username_invalid"


class UsernameTaken(DomainError):
    key = "error.username_taken"


class WeakPassword(DomainError):
    key = "error.password_weak"


class UnknownCompany(DomainError):
    key = "error.company_unknown"


class UnknownRegency(DomainError):
    key = "error.regency_unknown"


class WrongPassword(DomainError):
    key = "error.password_wrong"


@dataclass(frozen=True)
class UserInput:
    username: str
    display_name: str
    role: str
    password: str
    email: str = ""
    company: str | None = None
    regency: str | None = None


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def password_matches(password: str, password_hash: str) -> bool:
    return bcrypt.checkpw(password.encode(), password_hash.encode())


def create_user(*, session: Session, data: UserInput, actor: Viewer) -> m.User:
    """Create a user bound to a company (role company) or a regency (role agency). Admins only."""
    if not actor.is_admin:
        refuse(viewer=actor, entity="app_user", entity_id=None, detail="create")
    username = data.username.strip().lower()
    if not _USERNAME.match(username):
        raise InvalidUsername(username=data.username)
    if session.exec(select(m.User).where(m.User.username == username)).first():
        raise UsernameTaken(username=username)
    if len(data.password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(min=MIN_PASSWORD_LENGTH)
    role = m.Role(data.role)
    company_id = regency_id = None
    if role is m.Role.COMPANY:
        company = session.exec(select(m.Company).where(m.Company.name == (data.company or ""))).first()
        if company is None:
            raise UnknownCompany(name=data.company or "")
        company_id = company.id
    if role is m.Role.AGENCY:
        regency = session.exec(select(m.Regency).where(m.Regency.name == (data.regency or ""))).first()
        if regency is None:
            raise UnknownRegency(name=data.regency or "")
        regency_id = regency.id
    user = m.User(
        username=username,
        display_name=data.display_name.strip() or username,
        email=data.email.strip(),
        password_hash=hash_password(data.password),
        role=role,
        company_id=company_id,
        regency_id=regency_id,
    )
    session.add(user)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="create",
        entity="app_user",
        entity_id=user.id,
        after={"username": username, "role": role.value, "company_id": company_id, "regency_id": regency_id},
    )
    return user


# A real bcrypt hash of a random password: unknown usernames cost as much time as known ones.
_DUMMY_HASH = hash_password(secrets.token_hex(16))


@dataclass(frozen=True)
class SignInResult:
    """The viewer on success (else None), and how long to pause before answering."""

    viewer: Viewer | None
    delay_seconds: float


def recent_failures(
    *, session: Session, username: str, now: datetime, policy: LoginPolicy = LOGIN_POLICY
) -> int:
    since = now - timedelta(minutes=policy.window_minutes)
    statement = select(func.count()).where(
        col(m.LoginFailure.username) == username, col(m.LoginFailure.at) > since
    )
    return int(session.exec(statement).one())


def sign_in(
    *, session: Session, username: str, password: str, now: datetime, policy: LoginPolicy = LOGIN_POLICY
) -> SignInResult:
    """Check a username and password, with throttling that runs before the password is looked at.

    Unknown user, wrong password, disabled account and locked-out username all give the same
    answer (None), so the answer tells an attacker nothing.
    """
    name = username.strip().lower()
    failures = recent_failures(session=session, username=name, now=now, policy=policy)
    user = session.exec(select(m.User).where(m.User.username == name)).first()
    if policy.locked(failures):
        password_matches(password, _DUMMY_HASH)
        audit.record(session=session, actor=None, username=name, action="login_locked", entity="app_user")
        return SignInResult(None, policy.delay_seconds(failures))
    known = user is not None and not user.disabled
    if password_matches(password, user.password_hash if user and known else _DUMMY_HASH) and user and known:
        session.exec(delete(m.LoginFailure).where(col(m.LoginFailure.username) == name))
        viewer = viewer_for(user)
        audit.record(session=session, actor=viewer, action="login", entity="app_user", entity_id=user.id)
        return SignInResult(viewer, 0.0)
    session.add(m.LoginFailure(username=name, at=now))
    audit.record(session=session, actor=None, username=name, action="login_failed", entity="app_user")
    return SignInResult(None, policy.delay_seconds(failures + 1))


def viewer_from_token(
    *, session: Session, payload: dict[str, object], now: datetime, expiry_days: float
) -> tuple[Viewer, float] | None:
    """The viewer a verified cookie payload stands for, and when it was issued; None if revoked.

    The cookie (streamlit-authenticator's) carries a username and an expiry; it was issued
    ``expiry_days`` before that expiry. A cookie issued before the user's last logout,
    password change or disabling is refused, in whatever browser it turns up.
    """
    username, expires = payload.get("username"), payload.get("exp_date")
    if not isinstance(username, str) or not isinstance(expires, int | float) or expires <= now.timestamp():
        return None
    user = session.exec(select(m.User).where(m.User.username == username)).first()
    issued = float(expires) - expiry_days * 86_400
    if user is None or not session_still_valid(user=user, signed_in_at=issued):
        return None
    return viewer_for(user), issued


def session_still_valid(*, user: m.User | None, signed_in_at: float) -> bool:
    """A session (or cookie) started at ``signed_in_at`` is over once the user is disabled or revoked it."""
    if user is None or user.disabled:
        return False
    return user.tokens_valid_after is None or signed_in_at > user.tokens_valid_after.timestamp()


def user_session_valid(*, session: Session, user_id: int, signed_in_at: float) -> bool:
    return session_still_valid(user=session.get(m.User, user_id), signed_in_at=signed_in_at)


def sign_out(*, session: Session, viewer: Viewer, now: datetime) -> None:
    """End every session and cookie of this user, in this browser and in any other."""
    if viewer.user_id is None:
        return
    user = session.get(m.User, viewer.user_id)
    if user is not None:
        user.tokens_valid_after = now
        session.add(user)
        audit.record(session=session, actor=viewer, action="logout", entity="app_user", entity_id=user.id)


def change_password(*, session: Session, viewer: Viewer, current: str, new: str, now: datetime) -> None:
    """Change one's own password; every earlier cookie stops working."""
    user = session.get(m.User, viewer.user_id) if viewer.user_id is not None else None
    if user is None or not password_matches(current, user.password_hash):
        raise WrongPassword()
    if len(new) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(min=MIN_PASSWORD_LENGTH)
    user.password_hash = hash_password(new)
    user.tokens_valid_after = now
    session.add(user)
    audit.record(
        session=session, actor=viewer, action="password_change", entity="app_user", entity_id=user.id
    )


@dataclass(frozen=True)
class Profile:
    """Who a signed-in user is, for their own account page."""

    username: str
    display_name: str
    email: str
    role: str
    company: str | None
    regency: str | None


@reads(m.User, m.Company, m.Regency)
def own_profile(*, session: Session, viewer: Viewer) -> Profile | None:
    """The viewer's own account; None for a viewer without one (the command line, a shared link)."""
    if viewer.user_id is None:
        return None
    row = session.exec(
        select(m.User, m.Company.name, m.Regency.name)
        .outerjoin(m.Company, col(m.Company.id) == col(m.User.company_id))
        .outerjoin(m.Regency, col(m.Regency.id) == col(m.User.regency_id))
        .where(col(m.User.id) == viewer.user_id)
    ).first()
    if row is None:
        return None
    user, company, regency = row
    return Profile(
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        role=user.role,
        company=company,
        regency=regency,
    )
