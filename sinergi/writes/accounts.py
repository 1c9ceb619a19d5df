"""User accounts: creating users and checking passwords."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import bcrypt
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

import models as m
from sinergi.core import audit
from sinergi.core.access import Viewer, refuse, viewer_for
from sinergi.core.db import reads, serialize_on
from sinergi.core.errors import DomainError
from sinergi.core.secrets import cookie_key
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


def failure_name(*, session: Session, username: str) -> str:
    """What the failure table and the audit log keep of a name typed at sign-in: the username when
    such a user exists, else a keyed hash, so that a password typed into the username box is never
    stored as typed, while guesses at the same unknown name still count together."""
    name = username.strip().lower()
    if name and session.exec(select(m.User.id).where(m.User.username == name)).first() is not None:
        return name
    digest = hmac.new(cookie_key().encode(), name.encode(), hashlib.sha256).hexdigest()
    return f"?{digest[:32]}"


def recent_failures(
    *,
    session: Session,
    now: datetime,
    username: str | None = None,
    address: str | None = None,
    policy: LoginPolicy = LOGIN_POLICY,
) -> int:
    """Failed password checks in the policy's window, for a stored name or a client address."""
    since = now - timedelta(minutes=policy.window_minutes)
    statement = select(func.count()).where(col(m.LoginFailure.at) > since)
    if username is not None:
        statement = statement.where(col(m.LoginFailure.username) == username)
    if address is not None:
        statement = statement.where(col(m.LoginFailure.address) == address)
    return int(session.exec(statement).one())


@dataclass(frozen=True)
class _Gate:
    """Whether a password may be checked now, and the failures counted so far."""

    open: bool
    address_failures: int
    name_failures: int


def _password_gate(*, session: Session, name: str, address: str, now: datetime, policy: LoginPolicy) -> _Gate:
    """Count before the password is looked at; runs side by side with itself only for other addresses
    and names (see :func:`db.serialize_on`)."""
    serialize_on(session, f"password-address:{address}")
    serialize_on(session, f"password-name:{name}")
    by_address = recent_failures(session=session, address=address, now=now, policy=policy)
    by_name = recent_failures(session=session, username=name, now=now, policy=policy)
    if policy.locked(by_address):
        return _Gate(False, by_address, by_name)
    if by_name >= policy.user_slow_after:
        last = session.exec(
            select(func.max(m.LoginFailure.at)).where(col(m.LoginFailure.username) == name)
        ).one()
        if last is not None and (now - _aware(last)).total_seconds() < policy.user_interval_seconds:
            return _Gate(False, by_address, by_name)
    return _Gate(True, by_address, by_name)


def _aware(moment: datetime) -> datetime:
    """A stored time (naive on SQLite) as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _failed(*, session: Session, name: str, address: str, now: datetime, action: str, gate: _Gate) -> float:
    """Keep a failed password check; the pause before answering."""
    session.add(m.LoginFailure(username=name, address=address, at=now))
    audit.record(session=session, actor=None, username=name, action=action, entity="app_user", detail=address)
    return LOGIN_POLICY.delay_seconds(max(gate.address_failures, gate.name_failures) + 1)


def sign_in(
    *,
    session: Session,
    username: str,
    password: str,
    now: datetime,
    address: str = "unknown",
    policy: LoginPolicy = LOGIN_POLICY,
) -> SignInResult:
    """Check a username and password, with throttling that runs before the password is looked at.

    Unknown user, wrong password, disabled account and a refused address or name all give the same
    answer (None), so the answer tells an attacker nothing. ``address`` is the client's address.
    """
    name = failure_name(session=session, username=username)
    gate = _password_gate(session=session, name=name, address=address, now=now, policy=policy)
    user = session.exec(select(m.User).where(m.User.username == name)).first()
    if not gate.open:
        password_matches(password, _DUMMY_HASH)
        audit.record(
            session=session,
            actor=None,
            username=name,
            action="login_locked",
            entity="app_user",
            detail=address,
        )
        return SignInResult(None, policy.delay_seconds(max(gate.address_failures, gate.name_failures)))
    known = user is not None and not user.disabled
    if password_matches(password, user.password_hash if user and known else _DUMMY_HASH) and user and known:
        _forget_failures(session=session, name=name, address=address)
        viewer = viewer_for(user)
        audit.record(session=session, actor=viewer, action="login", entity="app_user", entity_id=user.id)
        return SignInResult(viewer, 0.0)
    delay = _failed(session=session, name=name, address=address, now=now, action="login_failed", gate=gate)
    return SignInResult(None, delay)


def _forget_failures(*, session: Session, name: str, address: str) -> None:
    """After a correct password: the name's failures and this address's are over."""
    session.exec(
        delete(m.LoginFailure).where(
            (col(m.LoginFailure.username) == name) | (col(m.LoginFailure.address) == address)
        )
    )


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


@dataclass(frozen=True)
class PasswordChange:
    """Whether the password changed; if not, how long to pause before saying the current one was wrong."""

    changed: bool
    delay_seconds: float = 0.0


def change_password(
    *,
    session: Session,
    viewer: Viewer,
    current: str,
    new: str,
    now: datetime,
    address: str = "unknown",
    policy: LoginPolicy = LOGIN_POLICY,
) -> PasswordChange:
    """Change one's own password; every earlier cookie stops working.

    The current password is checked through the sign-in's throttle, so a signed-in session cannot
    guess it faster than a stranger could guess a sign-in; a wrong one is kept (and audited) rather
    than raised, so that it counts. A new password too short is refused before anything is checked.
    """
    if len(new) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(min=MIN_PASSWORD_LENGTH)
    user = session.get(m.User, viewer.user_id) if viewer.user_id is not None else None
    if user is None:
        raise WrongPassword()
    gate = _password_gate(session=session, name=user.username, address=address, now=now, policy=policy)
    if not gate.open or not password_matches(current, user.password_hash):
        delay = _failed(
            session=session,
            name=user.username,
            address=address,
            now=now,
            action="password_change_failed",
            gate=gate,
        )
        return PasswordChange(False, delay)
    _forget_failures(session=session, name=user.username, address=address)
    user.password_hash = hash_password(new)
    user.tokens_valid_after = now
    session.add(user)
    audit.record(
        session=session, actor=viewer, action="password_change", entity="app_user", entity_id=user.id
    )
    return PasswordChange(True)


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
