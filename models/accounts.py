"""Users, the audit log and the settings an admin can change."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from models.base import Role, ShareKind, check_in, utcnow


class User(SQLModel, table=True):
    """A person who signs in. Company users belong to one company; agency users to one regency."""

    __tablename__ = "app_user"
    __table_args__ = (
        check_in("role", Role),
        CheckConstraint("role <> 'company' OR company_id IS NOT NULL", name="company_user_has_company"),
        CheckConstraint("role <> 'agency' OR regency_id IS NOT NULL", name="agency_user_has_regency"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=60)
    display_name: str = Field(max_length=120)
    email: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=100)
    role: str = Field(max_length=20)
    company_id: int | None = Field(default=None, foreign_key="company.id")
    regency_id: int | None = Field(default=None, foreign_key="regency.id")
    disabled: bool = False
    # Set on logout, password change or disabling: every cookie issued before it stops working.
    tokens_valid_after: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class AuditLog(SQLModel, table=True):
    """Who did what, when, with the values before and after. Rows are only ever added."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_entity", "entity", "entity_id"))

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    username: str = Field(default="", max_length=60)
    action: str = Field(max_length=40)
    entity: str = Field(default="", max_length=60)
    entity_id: int | None = None
    before: str = Field(default="")
    after: str = Field(default="")
    detail: str = Field(default="")


class LoginFailure(SQLModel, table=True):
    """A failed password check (sign-in or password change), kept for throttling.

    ``username`` is the user's name, or a keyed hash of a name that no user has; ``address`` is the
    client's address.
    """

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_username_at", "username", "at"),
        Index("ix_login_failure_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60)
    address: str = Field(default="unknown", max_length=64)
    at: datetime = Field(default_factory=utcnow)


class ClientEvent(SQLModel, table=True):
    """Something a client without an account did that is limited per address: a check-in, an input
    sent from the public form, a meeting code that opened nothing. Kept for the limits' windows."""

    __tablename__ = "client_event"
    __table_args__ = (Index("ix_client_event_kind_address_at", "kind", "address", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    address: str = Field(max_length=64)
    # The meeting it concerns, if any (no foreign key: these rows outlive nothing they count).
    meeting_id: int | None = Field(default=None, index=True)
    at: datetime = Field(default_factory=utcnow)


class ShareLink(SQLModel, table=True):
    """A read-only link to a program page or a filtered overview, given to an agency.

    Only the SHA-256 of the token is stored: the database alone cannot open a shared page.
    """

    __tablename__ = "share_link"
    __table_args__ = (check_in("kind", ShareKind),)

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    kind: str = Field(max_length=20)
    company_id: int = Field(foreign_key="company.id", index=True)
    program_id: int | None = Field(default=None, foreign_key="program.id")
    # The overview's filters as URL query parameters, e.g. "pillar=economy&year=2023".
    filters: str = Field(default="", max_length=500)
    label: str = Field(default="", max_length=200)
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    uses: int = 0
    # The link shows verified results only: its reader never sees a figure nobody has checked.
    verified_only: bool = False


class Setting(SQLModel, table=True):
    """A setting an admin changed; unset keys fall back to their declared default."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=60)
    value: str


class TableVersion(SQLModel, table=True):
    """How many committed transactions have written each table, kept in the database so that every
    app server's cache learns of a write made by any of them."""

    __tablename__ = "table_version"

    name: str = Field(primary_key=True, max_length=64)
    version: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
