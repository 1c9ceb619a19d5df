"""Accounts on both databases: sign-in, throttling, revocation of cookies, passwords, the cookie key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select

import models as m
from sinergi.core.access import AccessDenied
from sinergi.core.db import read_session, write_session
from sinergi.core.secrets import PUBLIC_KEYS, WeakCookieKey, check_cookie_key, cookie_key
from sinergi.core.settings import LOGIN_POLICY
from sinergi.writes import accounts
from tests.factories import PASSWORD, make_account

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
EXPIRY_DAYS = 7.0


def try_sign_in(engine: Engine, username: str, password: str, now: datetime = NOW) -> accounts.SignInResult:
    with write_session(engine) as session:
        return accounts.sign_in(session=session, username=username, password=password, now=now)


def audit_actions(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        return list(session.exec(select(m.AuditLog.action).order_by(col(m.AuditLog.id))))


def test_sign_in_with_the_right_password(engine: Engine) -> None:
    make_account(engine, username="rina", role="viewer")
    result = try_sign_in(engine, "Rina ", PASSWORD)
    assert result.viewer is not None and result.viewer.username == "rina"
    assert "login" in audit_actions(engine)


def test_every_failure_looks_the_same(engine: Engine) -> None:
    make_account(engine, username="rina", role="viewer")
    make_account(engine, username="budi", role="viewer")
    with write_session(engine) as session:
        budi = session.exec(select(m.User).where(m.User.username == "budi")).one()
        budi.disabled = True
    unknown = try_sign_in(engine, "tidak-ada", PASSWORD)
    wrong = try_sign_in(engine, "rina", "salah-sekali-123")
    disabled = try_sign_in(engine, "budi", PASSWORD)
    assert unknown.viewer is None and wrong.viewer is None and disabled.viewer is None
    assert audit_actions(engine).count("login_failed") == 3


def test_throttling_slows_down_then_locks_even_the_right_password(engine: Engine) -> None:
    make_account(engine, username="rina", role="viewer")
    delays = [try_sign_in(engine, "rina", f"salah-{n}").delay_seconds for n in range(LOGIN_POLICY.lock_after)]
    assert delays[: LOGIN_POLICY.slow_after - 1] == [0.0] * (LOGIN_POLICY.slow_after - 1)
    assert delays[LOGIN_POLICY.slow_after - 1] > 0 and delays[-1] > delays[LOGIN_POLICY.slow_after - 1]
    locked = try_sign_in(engine, "rina", PASSWORD, now=NOW + timedelta(minutes=1))
    assert locked.viewer is None, "a correct password during a lockout is refused"
    assert "login_locked" in audit_actions(engine)
    later = NOW + timedelta(minutes=LOGIN_POLICY.window_minutes + 1)
    assert try_sign_in(engine, "rina", PASSWORD, now=later).viewer is not None, "the lock wears off"


def test_unknown_usernames_are_throttled_too(engine: Engine) -> None:
    for n in range(LOGIN_POLICY.lock_after):
        try_sign_in(engine, "penebak", f"tebakan-{n}")
    with read_session(engine) as session:
        assert (
            accounts.recent_failures(session=session, username="penebak", now=NOW) == LOGIN_POLICY.lock_after
        )


def cookie_payload(username: str, issued: datetime) -> dict[str, object]:
    return {"username": username, "exp_date": (issued + timedelta(days=EXPIRY_DAYS)).timestamp()}


def read_cookie(engine: Engine, payload: dict[str, object], now: datetime = NOW) -> str | None:
    with read_session(engine) as session:
        found = accounts.viewer_from_token(session=session, payload=payload, now=now, expiry_days=EXPIRY_DAYS)
    return found[0].username if found else None


def test_logout_password_change_and_disabling_end_earlier_cookies(engine: Engine) -> None:
    viewer = make_account(engine, username="rina", role="viewer")
    before = cookie_payload("rina", NOW - timedelta(hours=1))
    assert read_cookie(engine, before) == "rina"
    assert read_cookie(engine, cookie_payload("rina", NOW - timedelta(days=8))) is None, "expired"
    assert read_cookie(engine, {"username": "rina"}) is None

    with write_session(engine) as session:
        accounts.sign_out(session=session, viewer=viewer, now=NOW)
    assert read_cookie(engine, before) is None, "a cookie issued before logout is refused everywhere"
    after = cookie_payload("rina", NOW + timedelta(minutes=5))
    assert read_cookie(engine, after, now=NOW + timedelta(minutes=6)) == "rina", "a new sign-in works"

    with write_session(engine) as session:
        accounts.change_password(
            session=session,
            viewer=viewer,
            current=PASSWORD,
            new="sandi-baru-yang-panjang",
            now=NOW + timedelta(hours=1),
        )
    assert read_cookie(engine, after, now=NOW + timedelta(hours=2)) is None
    with pytest.raises(accounts.WrongPassword), write_session(engine) as session:
        accounts.change_password(session=session, viewer=viewer, current=PASSWORD, new="x" * 12, now=NOW)

    fresh = cookie_payload("rina", NOW + timedelta(hours=3))
    assert read_cookie(engine, fresh, now=NOW + timedelta(hours=4)) == "rina"
    with write_session(engine) as session:
        user = session.exec(select(m.User).where(m.User.username == "rina")).one()
        user.disabled = True
    assert read_cookie(engine, fresh, now=NOW + timedelta(hours=4)) is None


def test_create_user_is_for_admins_and_audited(engine: Engine) -> None:
    reader = make_account(engine, username="pembaca", role="viewer")
    with pytest.raises(AccessDenied), write_session(engine) as session:
        accounts.create_user(
            session=session,
            actor=reader,
            data=accounts.UserInput(username="baru", display_name="Baru", role="admin", password=PASSWORD),
        )
    with read_session(engine) as session:
        assert session.exec(select(func.count()).select_from(m.User)).one() == 1
    assert audit_actions(engine) == ["create", "refused"]


@pytest.mark.parametrize("key", ["pendek", *sorted(PUBLIC_KEYS), "ab" * 20])
def test_weak_cookie_keys_are_refused(key: str) -> None:
    with pytest.raises(WeakCookieKey):
        check_cookie_key(key)


def test_cookie_key_is_generated_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secrets.toml"
    monkeypatch.setenv("SINERGI_SECRETS_FILE", str(path))
    key = cookie_key()
    assert len(key) == 64 and cookie_key() == key
    assert path.stat().st_mode & 0o077 == 0, "only the owner can read the key"
    path.write_text('[auth]\ncookie_key = "some_signature_key"\n')
    with pytest.raises(WeakCookieKey):
        cookie_key()
