"""User accounts: creating users and checking passwords."""

from __future__ import annotations

import re
from dataclasses import dataclass

import bcrypt
from sqlmodel import Session, select

import models as m
from domain.errors import DomainError

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


def create_user(*, session: Session, data: UserInput) -> m.User:
    """Create a user bound to a company (role company) or a regency (role agency)."""
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
    session.add(m.AuditLog(action="create", entity="app_user", username="", after=f"{username} ({role})"))
    session.flush()
    return user
