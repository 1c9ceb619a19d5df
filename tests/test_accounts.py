"""Accounts on both databases: sign-in, throttling, revocation of cookies, passwords, the cookie key."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
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


def try_sign_in(
    engine: Engine, username: str, password: str, now: datetime = NOW, address: str = "10.0.0.1"
) -> accounts.SignInResult:
    with write_session(engine) as session:
        return accounts.sign_in(
            session=session, username=username, password=password, now=now, address=address
        )


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


def test_an_address_is_slowed_down_then_refused_even_the_right_password(engine: Engine) -> None:
    make_account(engine, username="rina", role="viewer")
    delays = [try_sign_in(engine, "rina", f"salah-{n}").delay_seconds for n in range(LOGIN_POLICY.lock_after)]
    assert delays[: LOGIN_POLICY.slow_after - 1] == [0.0] * (LOGIN_POLICY.slow_after - 1)
    assert delays[LOGIN_POLICY.slow_after - 1] > 0 and delays[-1] > delays[LOGIN_POLICY.slow_after - 1]
    locked = try_sign_in(engine, "rina", PASSWORD, now=NOW + timedelta(minutes=1))
    assert locked.viewer is None, "a correct password from a refused address is refused"
    assert "login_locked" in audit_actions(engine)
    later = NOW + timedelta(minutes=LOGIN_POLICY.window_minutes + 1)
    assert try_sign_in(engine, "rina", PASSWORD, now=later).viewer is not None, "the lock wears off"


def test_guessing_from_one_address_does_not_lock_the_owner_out(engine: Engine) -> None:
    make_account(engine, username="rina", role="viewer")
    for n in range(LOGIN_POLICY.lock_after + 3):
        try_sign_in(engine, "rina", f"salah-{n}", address="203.0.113.9")
    assert try_sign_in(engine, "rina", PASSWORD, address="203.0.113.9").viewer is None
    owner = try_sign_in(engine, "rina", PASSWORD, now=NOW + timedelta(seconds=1), address="10.0.0.7")
    assert owner.viewer is not None, "the owner's own address still signs in"


def test_one_address_trying_many_names_is_refused_after_the_limit(engine: Engine) -> None:
    make_account(engine, username="rina", role="viewer")
    for n in range(LOGIN_POLICY.lock_after):
        try_sign_in(engine, f"nama-{n}", "tebakan-panjang")
    assert try_sign_in(engine, "rina", PASSWORD).viewer is None, "a new name does not start afresh"
    assert audit_actions(engine).count("login_failed") == LOGIN_POLICY.lock_after


def test_many_addresses_slow_a_name_down_without_locking_its_owner_out(engine: Engine) -> None:
    make_account(engine, username="rina", role="viewer")
    for n in range(LOGIN_POLICY.user_slow_after):
        try_sign_in(engine, "rina", f"salah-{n}", address=f"198.51.100.{n}")
    soon = NOW + timedelta(seconds=LOGIN_POLICY.user_interval_seconds / 2)
    assert try_sign_in(engine, "rina", PASSWORD, now=soon, address="10.0.0.7").viewer is None
    wait = NOW + timedelta(seconds=LOGIN_POLICY.user_interval_seconds + 1)
    owner = try_sign_in(engine, "rina", PASSWORD, now=wait, address="10.0.0.7")
    assert owner.viewer is not None, "after a short wait the correct password gets in"


def test_guesses_sent_together_are_counted_before_any_password_is_checked(engine: Engine) -> None:
    make_account(engine, username="rina", role="viewer")
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda n: try_sign_in(engine, f"nama-{n}", "tebakan-panjang"), range(12)))
    actions = audit_actions(engine)
    assert actions.count("login_failed") == LOGIN_POLICY.lock_after, "only the first five were checked"
    assert actions.count("login_locked") == 12 - LOGIN_POLICY.lock_after


def test_a_name_nobody_has_is_kept_only_as_a_hash(engine: Engine) -> None:
    make_account(engine, username="rina", role="viewer")
    typed_password = "Rahasia-Rina-2026"
    for _ in range(2):
        try_sign_in(engine, typed_password, "apa-saja-panjang")
    try_sign_in(engine, "rina", "salah-sekali-123")
    with read_session(engine) as session:
        kept = list(session.exec(select(m.LoginFailure.username)))
        logged = list(session.exec(select(m.AuditLog.username)))
        assert accounts.recent_failures(session=session, username=kept[0], now=NOW) == 2
    assert not any(typed_password.lower() in name for name in [*kept, *logged])
    assert kept[0] == kept[1] != "rina" and kept[2] == "rina", "the same unknown name counts together"


def test_the_current_password_is_throttled_and_audited_when_changing_it(engine: Engine) -> None:
    viewer = make_account(engine, username="rina", role="viewer")
    for n in range(LOGIN_POLICY.lock_after):
        with write_session(engine) as session:
            outcome = accounts.change_password(
                session=session,
                viewer=viewer,
                current=f"tebakan-{n}",
                new="sandi-baru-yang-panjang",
                now=NOW,
                address="10.0.0.1",
            )
        assert not outcome.changed
    with write_session(engine) as session:
        right = accounts.change_password(
            session=session,
            viewer=viewer,
            current=PASSWORD,
            new="sandi-baru-yang-panjang",
            now=NOW,
            address="10.0.0.1",
        )
    assert not right.changed, "the right password is refused once the address is locked"
    assert audit_actions(engine).count("password_change_failed") == LOGIN_POLICY.lock_after + 1
    assert try_sign_in(engine, "rina", PASSWORD).viewer is None, "sign-in from that address shares the count"


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
    with write_session(engine) as session:
        wrong = accounts.change_password(
            session=session, viewer=viewer, current=PASSWORD, new="x" * 12, now=NOW
        )
    assert not wrong.changed, "the old password no longer counts as the current one"

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
