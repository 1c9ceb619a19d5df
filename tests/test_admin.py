"""The admin commands and queries on both databases, and the /admin and /account pages."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

import models as m
from sinergi import ui
from sinergi.core.access import SYSTEM, AccessDenied, Viewer
from sinergi.core.db import engine_for, read_session, write_session
from sinergi.core.errors import DomainError
from sinergi.i18n.texts import TEXTS, translate
from sinergi.reads import queries
from sinergi.rules.achievement import Thresholds
from sinergi.writes import accounts, admin, sharing
from tests.apptest import assert_ran_clean, open_page
from tests.conftest import DemoAccounts
from tests.factories import PASSWORD, make_account, make_company

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
EXPIRY_DAYS = 7.0
COMPANY = "PT Contoh Sejahtera"
REGENCY = "Kabupaten Contoh"
NEW_PASSWORD = "sandi-baru-yang-panjang"


def make_regency(engine: Engine, name: str = REGENCY) -> int:
    with write_session(engine) as session:
        regency = m.Regency(name=name)
        session.add(regency)
        session.flush()
        assert regency.id is not None
        return regency.id


class World:
    """An admin, one user of each other role, and Rina, the account the admin works on."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.company_id = make_company(engine, name=COMPANY)
        self.regency_id = make_regency(engine)
        self.admin = make_account(engine, username="admin", role="admin")
        self.company = make_account(engine, username="staf", role="company", company=COMPANY)
        self.agency = make_account(engine, username="bappeda", role="agency", regency=REGENCY)
        self.reader = make_account(engine, username="pembaca", role="viewer")
        self.rina = make_account(engine, username="rina", role="viewer")
        assert self.rina.user_id is not None
        self.rina_id: int = self.rina.user_id

    def user(self, user_id: int) -> m.User:
        with read_session(self.engine) as session:
            user = session.get(m.User, user_id)
            assert user is not None
            return user

    def audit(self, action: str | None = None) -> list[m.AuditLog]:
        statement = select(m.AuditLog).order_by(col(m.AuditLog.id))
        if action:
            statement = statement.where(m.AuditLog.action == action)
        with read_session(self.engine) as session:
            return list(session.exec(statement))

    def settings(self) -> int:
        with read_session(self.engine) as session:
            return int(session.exec(select(func.count()).select_from(m.Setting)).one())


@pytest.fixture
def world(engine: Engine) -> World:
    return World(engine)


def t_id(key: str, **values: object) -> str:
    return translate(key, "id", **values)


def cookie_payload(username: str, issued: datetime) -> dict[str, object]:
    return {"username": username, "exp_date": (issued + timedelta(days=EXPIRY_DAYS)).timestamp()}


def cookie_viewer(engine: Engine, payload: dict[str, object], now: datetime) -> Viewer | None:
    with read_session(engine) as session:
        found = accounts.viewer_from_token(session=session, payload=payload, now=now, expiry_days=EXPIRY_DAYS)
    return found[0] if found else None


def signs_in(engine: Engine, username: str, password: str, now: datetime) -> bool:
    with write_session(engine) as session:
        result = accounts.sign_in(session=session, username=username, password=password, now=now)
    return result.viewer is not None


# The commands -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["company", "agency", "reader"])
def test_every_admin_command_and_query_is_refused_to_everyone_else(world: World, who: str) -> None:
    viewer: Viewer = getattr(world, who)
    own_id = viewer.user_id or 0
    rina_before = world.user(world.rina_id)
    writes: list[Any] = [
        lambda s: admin.change_role(session=s, viewer=viewer, user_id=world.rina_id, role="admin", now=NOW),
        lambda s: admin.set_disabled(session=s, viewer=viewer, user_id=world.rina_id, disabled=True, now=NOW),
        lambda s: admin.reset_password(
            session=s, viewer=viewer, user_id=world.rina_id, new_password=NEW_PASSWORD, now=NOW
        ),
        lambda s: admin.set_thresholds(session=s, viewer=viewer, on_track_min=0.5, needs_attention_min=0.1),
        # Their own account is no way round it either.
        lambda s: admin.change_role(session=s, viewer=viewer, user_id=own_id, role="admin", now=NOW),
    ]
    reads: list[Any] = [
        lambda s: admin.user_rows(session=s, viewer=viewer),
        lambda s: admin.audit_rows(session=s, viewer=viewer),
        lambda s: admin.audit_choices(session=s, viewer=viewer),
    ]
    for command in writes:
        with pytest.raises(AccessDenied), write_session(world.engine) as session:
            command(session)
    for query in reads:
        with pytest.raises(AccessDenied), read_session(world.engine) as session:
            query(session)

    refused = world.audit("refused")
    assert len(refused) == len(writes) + len(reads)
    assert {row.user_id for row in refused} == {viewer.user_id}
    assert {row.entity for row in refused} == {"app_user", "setting", "audit_log"}
    rina_after = world.user(world.rina_id)
    assert rina_after.model_dump() == rina_before.model_dump(), "nothing about Rina changed"
    assert world.user(own_id).role == viewer.role.value
    assert world.settings() == 0
    assert not [row for row in world.audit() if row.action not in {"create", "refused"}]


def test_role_change_disabling_and_reset_end_earlier_cookies(world: World) -> None:
    engine = world.engine
    before = cookie_payload("rina", NOW - timedelta(hours=1))
    assert cookie_viewer(engine, before, NOW) is not None

    with write_session(engine) as session:
        admin.change_role(
            session=session,
            viewer=world.admin,
            user_id=world.rina_id,
            role="company",
            company_id=world.company_id,
            now=NOW,
        )
    assert cookie_viewer(engine, before, NOW) is None, "a cookie from before the role change is refused"
    after_role = cookie_payload("rina", NOW + timedelta(minutes=5))
    rina = cookie_viewer(engine, after_role, NOW + timedelta(minutes=6))
    assert rina is not None and rina.role is m.Role.COMPANY and rina.company_id == world.company_id

    with write_session(engine) as session:
        admin.reset_password(
            session=session,
            viewer=world.admin,
            user_id=world.rina_id,
            new_password=NEW_PASSWORD,
            now=NOW + timedelta(hours=1),
        )
    assert cookie_viewer(engine, after_role, NOW + timedelta(hours=2)) is None
    assert not signs_in(engine, "rina", PASSWORD, NOW + timedelta(hours=2))
    assert signs_in(engine, "rina", NEW_PASSWORD, NOW + timedelta(hours=2))

    fresh = cookie_payload("rina", NOW + timedelta(hours=2))
    assert cookie_viewer(engine, fresh, NOW + timedelta(hours=3)) is not None
    with write_session(engine) as session:
        admin.set_disabled(
            session=session,
            viewer=world.admin,
            user_id=world.rina_id,
            disabled=True,
            now=NOW + timedelta(hours=3),
        )
    assert cookie_viewer(engine, fresh, NOW + timedelta(hours=4)) is None
    newer = cookie_payload("rina", NOW + timedelta(hours=5))
    assert cookie_viewer(engine, newer, NOW + timedelta(hours=6)) is None, "a disabled user has no cookie"
    assert not signs_in(engine, "rina", NEW_PASSWORD, NOW + timedelta(hours=6))

    with write_session(engine) as session:
        admin.set_disabled(
            session=session,
            viewer=world.admin,
            user_id=world.rina_id,
            disabled=False,
            now=NOW + timedelta(hours=6),
        )
    assert cookie_viewer(engine, fresh, NOW + timedelta(hours=7)) is None, (
        "enabling brings no old cookie back"
    )
    assert cookie_viewer(engine, newer, NOW + timedelta(hours=7)) is not None
    assert signs_in(engine, "rina", NEW_PASSWORD, NOW + timedelta(hours=7))


def test_audit_rows_carry_before_and_after_and_never_a_password_hash(world: World) -> None:
    engine = world.engine
    with write_session(engine) as session:
        admin.change_role(
            session=session,
            viewer=world.admin,
            user_id=world.rina_id,
            role="agency",
            regency_id=world.regency_id,
            now=NOW,
        )
    with write_session(engine) as session:
        admin.set_disabled(session=session, viewer=world.admin, user_id=world.rina_id, disabled=True, now=NOW)
    with write_session(engine) as session:
        admin.reset_password(
            session=session, viewer=world.admin, user_id=world.rina_id, new_password=NEW_PASSWORD, now=NOW
        )

    [role] = world.audit("change_role")
    assert (role.user_id, role.entity, role.entity_id) == (world.admin.user_id, "app_user", world.rina_id)
    assert json.loads(role.before)["role"] == "viewer" and json.loads(role.before)["regency_id"] is None
    assert json.loads(role.after)["role"] == "agency"
    assert json.loads(role.after)["regency_id"] == world.regency_id
    [disable] = world.audit("disable")
    assert json.loads(disable.before)["disabled"] is False and json.loads(disable.after)["disabled"] is True
    [reset] = world.audit("password_reset")
    assert reset.entity_id == world.rina_id and reset.after

    with read_session(engine) as session:
        hashes = list(session.exec(select(m.User.password_hash)))
    for row in world.audit():
        logged = row.before + row.after + row.detail
        assert "password_hash" not in logged and "$2b$" not in logged
        assert not any(h in logged for h in hashes)


def test_commands_explain_what_is_wrong_and_change_nothing(world: World) -> None:
    engine = world.engine
    rina_before = world.user(world.rina_id).model_dump()
    admin_id = world.admin.user_id or 0
    wrong: list[tuple[type[DomainError], Any]] = [
        (
            admin.CompanyRequired,
            lambda s: admin.change_role(
                session=s, viewer=world.admin, user_id=world.rina_id, role="company", now=NOW
            ),
        ),
        (
            admin.CompanyRequired,
            lambda s: admin.change_role(
                session=s, viewer=world.admin, user_id=world.rina_id, role="company", company_id=999, now=NOW
            ),
        ),
        (
            admin.RegencyRequired,
            lambda s: admin.change_role(
                session=s, viewer=world.admin, user_id=world.rina_id, role="agency", now=NOW
            ),
        ),
        (
            admin.UnknownRole,
            lambda s: admin.change_role(
                session=s, viewer=world.admin, user_id=world.rina_id, role="boss", now=NOW
            ),
        ),
        (
            admin.UnknownUser,
            lambda s: admin.change_role(session=s, viewer=world.admin, user_id=999, role="viewer", now=NOW),
        ),
        (
            admin.OwnAccount,
            lambda s: admin.change_role(
                session=s, viewer=world.admin, user_id=admin_id, role="viewer", now=NOW
            ),
        ),
        (
            admin.OwnAccount,
            lambda s: admin.set_disabled(
                session=s, viewer=world.admin, user_id=admin_id, disabled=True, now=NOW
            ),
        ),
        (
            accounts.WeakPassword,
            lambda s: admin.reset_password(
                session=s, viewer=world.admin, user_id=world.rina_id, new_password="pendek", now=NOW
            ),
        ),
    ]
    for error, command in wrong:
        with pytest.raises(error), write_session(engine) as session:
            command(session)
    assert world.user(world.rina_id).model_dump() == rina_before
    assert not world.user(admin_id).disabled and world.user(admin_id).role == "admin"
    assert {row.action for row in world.audit()} == {"create"}, "a mistake is no refusal and changes nothing"
    for error, _ in wrong:
        assert error.key in TEXTS, "every mistake is explained in the reader's language"


def test_thresholds_change_what_every_page_uses(world: World) -> None:
    engine = world.engine
    with read_session(engine) as session:
        assert queries.thresholds(session=session, viewer=SYSTEM) == Thresholds(0.9, 0.6)
    for on_track, needs_attention in ((0.8, 0.5), (0.95, 0.7)):
        with write_session(engine) as session:
            admin.set_thresholds(
                session=session,
                viewer=world.admin,
                on_track_min=on_track,
                needs_attention_min=needs_attention,
            )
        with read_session(engine) as session:
            assert queries.thresholds(session=session, viewer=SYSTEM) == Thresholds(on_track, needs_attention)
    first, second = world.audit("update")
    assert first.entity == second.entity == "setting"
    assert json.loads(first.before) == {"on_track_min": 0.9, "needs_attention_min": 0.6}
    assert (
        json.loads(first.after)
        == json.loads(second.before)
        == {"on_track_min": 0.8, "needs_attention_min": 0.5}
    )

    for on_track, needs_attention in ((0.5, 0.8), (0.9, 0.0), (0.9, -0.1), (math.nan, 0.5), (math.inf, 0.5)):
        with pytest.raises(admin.InvalidThresholds), write_session(engine) as session:
            admin.set_thresholds(
                session=session,
                viewer=world.admin,
                on_track_min=on_track,
                needs_attention_min=needs_attention,
            )
    with read_session(engine) as session:
        assert queries.thresholds(session=session, viewer=SYSTEM) == Thresholds(0.95, 0.7)
    assert len(world.audit("update")) == 2


def test_user_rows_name_company_and_regency(world: World) -> None:
    with read_session(world.engine) as session:
        users = admin.user_rows(session=session, viewer=world.admin)
    assert list(users.columns) == admin.USER_COLUMNS
    assert list(users["username"]) == sorted(["admin", "staf", "bappeda", "pembaca", "rina"])
    by_name = users.set_index("username")
    assert by_name.loc["staf", "company"] == COMPANY and by_name.loc["staf", "role"] == "company"
    assert by_name.loc["bappeda", "regency"] == REGENCY
    assert not by_name["disabled"].any()
    assert "password_hash" not in users.columns


def test_audit_rows_filter_in_the_database_newest_first(world: World) -> None:
    engine = world.engine
    # Days are days in WITA (UTC+8), the zone the log is shown in: 15:59 UTC is 23:59 WITA.
    entries = [
        (datetime(2026, 1, 5, 15, 59, tzinfo=UTC), "siti_a", "login", "app_user"),
        (datetime(2026, 1, 5, 16, 0, tzinfo=UTC), "sitixa", "login_failed", "app_user"),
        (datetime(2026, 1, 7, 12, 0, tzinfo=UTC), "budi", "update", "result"),
        (datetime(2026, 1, 8, 8, 0, tzinfo=UTC), "siti_a", "verify", "result"),
    ]
    with write_session(engine) as session:
        for at, username, action, entity in entries:
            session.add(m.AuditLog(at=at, username=username, action=action, entity=entity, entity_id=1))

    def found(**filters: Any) -> list[str]:
        with read_session(engine) as session:
            frame = admin.audit_rows(session=session, viewer=world.admin, **filters)
        assert list(frame.columns) == admin.AUDIT_COLUMNS
        return [f"{row.username}:{row.action}" for row in frame.itertuples()]

    january = {"since": date(2026, 1, 1), "until": date(2026, 1, 31)}
    assert found(**january) == ["siti_a:verify", "budi:update", "sitixa:login_failed", "siti_a:login"]
    assert found(action="login", **january) == ["siti_a:login"]
    assert found(username="SITI_", **january) == ["siti_a:verify", "siti_a:login"], "'_' is no wildcard"
    assert found(username="siti", **january) == ["siti_a:verify", "sitixa:login_failed", "siti_a:login"]
    assert found(entity="result") == ["siti_a:verify", "budi:update"]
    assert found(since=date(2026, 1, 6), until=date(2026, 1, 7)) == ["budi:update", "sitixa:login_failed"]
    assert found(until=date(2026, 1, 5)) == ["siti_a:login"]
    assert found(limit=2, **january) == ["siti_a:verify", "budi:update"]
    assert found(action="update", entity="app_user") == []
    assert len(found()) == len(entries) + 5, "and the five accounts the world was made with"

    with read_session(engine) as session:
        choices = admin.audit_choices(session=session, viewer=world.admin)
    assert set(choices.actions) == {"create", "login", "login_failed", "update", "verify"}
    assert set(choices.entities) == {"app_user", "result"}


def test_the_app_edits_and_deletes_no_audit_row() -> None:
    """Only adding: nothing in the app updates or deletes ``audit_log``."""
    from sinergi.core.settings import PROJECT_ROOT

    sources = [*(PROJECT_ROOT / "sinergi").rglob("*.py"), *(PROJECT_ROOT / "pages").glob("*.py")]
    for path in [*sources, PROJECT_ROOT / "manage.py", PROJECT_ROOT / "app.py"]:
        text = path.read_text()
        for forbidden in (
            "delete(m.AuditLog",
            "update(m.AuditLog",
            "DELETE FROM audit_log",
            "UPDATE audit_log",
        ):
            assert forbidden not in text, f"{path.name}: {forbidden}"
    assert not [name for name in dir(admin) if "audit" in name and ("delete" in name or "edit" in name)]


# The pages --------------------------------------------------------------------------------------


@pytest.fixture
def clicks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let AppTest's clicks through.

    AppTest resets Streamlit's legacy ``pages/`` flag before every run, so ``ui.page_guard``
    would rerun every run and the rerun would swallow the click; a real server reruns once.
    """
    monkeypatch.setattr(ui, "page_guard", lambda: None)


@pytest.fixture
def fresh_url(migrated_sqlite_url: str, clicks: None) -> str:
    """A migrated SQLite database with one admin, a company and a regency, for pages that write."""
    engine = engine_for(migrated_sqlite_url)
    make_company(engine, name=COMPANY)
    make_regency(engine)
    make_account(engine, username="admin", role="admin")
    return migrated_sqlite_url


def user_named(url: str, username: str) -> m.User | None:
    with read_session(engine_for(url)) as session:
        return session.exec(select(m.User).where(m.User.username == username)).first()


def refusal_count(url: str) -> int:
    with read_session(engine_for(url)) as session:
        return int(session.exec(select(func.count()).where(col(m.AuditLog.action) == "refused")).one())


def test_admin_sees_five_tabs_and_the_users(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, "pages/admin.py", viewer=demo_accounts.admin)
    assert [tab.label for tab in app.tabs] == [
        "Pengguna",
        "Ambang capaian",
        "Tautan berbagi",
        "Kerangka koordinasi",
        "Audit",
    ]
    users = table(app, "users").value
    assert {"admin", "kpi", "indexim", "bappeda.kukar", "pembaca"} <= set(users["username"])
    assert "password_hash" not in users.columns
    assert not app.error
    english = open_page(monkeypatch, demo_sqlite_url, "pages/admin.py", viewer=demo_accounts.admin, lang="en")
    assert [tab.label for tab in english.tabs] == [
        "Users",
        "Achievement thresholds",
        "Share links",
        "Coordination frameworks",
        "Audit",
    ]


@pytest.mark.parametrize("who", ["kpi", "kukar", "reader"])
def test_others_get_a_refusal_on_the_admin_page(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts, who: str
) -> None:
    before = refusal_count(demo_sqlite_url)
    app = open_page(monkeypatch, demo_sqlite_url, "pages/admin.py", viewer=getattr(demo_accounts, who))
    assert [error.value for error in app.error] == [
        "Anda tidak berhak mengakses data ini. Percobaan ini dicatat."
    ]
    assert not app.tabs and not app.dataframe and not app.text_input
    assert [button.key for button in app.button] == ["logout"]
    assert refusal_count(demo_sqlite_url) == before + 1, "the attempt is logged"


TABS = ("users", "thresholds", "links", "frameworks", "audit")


def table(app: AppTest, tab: str) -> Any:
    """The (first) table of one of the admin page's tabs."""
    return app.tabs[TABS.index(tab)].dataframe[0]


def fill_create_form(app: AppTest, **values: str) -> None:
    for field in ("username", "display-name", "email", "password", "confirm"):
        if field in values:
            app.text_input(key=f"admin-create-{field}").input(values[field])
    for field in ("role", "company", "regency"):
        if field in values:
            app.selectbox(key=f"admin-create-{field}").select(values[field])


def click(app: AppTest, label: str) -> AppTest:
    [button] = [b for b in app.button if b.label == label]
    return button.click().run()


def test_creating_a_user_through_the_form(monkeypatch: pytest.MonkeyPatch, fresh_url: str) -> None:
    app = open_page(monkeypatch, fresh_url, "pages/admin.py")
    fill_create_form(
        app,
        username="Dewi.CSR",
        **{"display-name": "Dewi Lestari"},
        email="dewi@contoh.co.id",
        role="company",
        company=COMPANY,
        password=NEW_PASSWORD,
        confirm=NEW_PASSWORD,
    )
    click(app, "Buat pengguna")
    assert_ran_clean(app)
    assert not app.error
    assert [s.value for s in app.success] == ["Pengguna 'dewi.csr' dibuat."]
    user = user_named(fresh_url, "dewi.csr")
    assert user is not None and user.role == "company" and user.display_name == "Dewi Lestari"
    assert user.company_id is not None and accounts.password_matches(NEW_PASSWORD, user.password_hash)
    assert "dewi.csr" in set(table(app, "users").value["username"]), "the table shows the new user"
    assert app.text_input(key="admin-create-username").value == "", "a created user's form starts empty"


@pytest.mark.parametrize(
    ("lang", "values", "message"),
    [
        ("id", {"password": "pendek", "confirm": "pendek"}, "Kata sandi minimal 10 karakter."),
        ("en", {"password": "pendek", "confirm": "pendek"}, "The password needs at least 10 characters."),
        ("id", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}, "Kedua kata sandi tidak sama."),
        ("en", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "company": ""}, "Choose a company"),
    ],
)
def test_a_failing_create_form_keeps_what_was_typed(
    monkeypatch: pytest.MonkeyPatch, fresh_url: str, lang: str, values: dict[str, str], message: str
) -> None:
    app = open_page(monkeypatch, fresh_url, "pages/admin.py", lang=lang)
    typed = {
        "username": "dewi.csr",
        "display-name": "Dewi Lestari",
        "email": "dewi@contoh.co.id",
        "role": "company",
        "company": COMPANY,
        **values,
    }
    fill_create_form(app, **typed)
    click(app, "Create user" if lang == "en" else "Buat pengguna")
    assert_ran_clean(app)
    assert [e.value for e in app.error if e.value.startswith(message)], [e.value for e in app.error]
    assert user_named(fresh_url, "dewi.csr") is None
    for field in ("username", "display-name", "email", "password", "confirm"):
        assert app.text_input(key=f"admin-create-{field}").value == typed[field], field
    assert app.selectbox(key="admin-create-role").value == "company"
    assert app.selectbox(key="admin-create-company").value == typed["company"]
    assert not app.success


def test_disabling_resetting_and_changing_a_role_through_the_page(
    monkeypatch: pytest.MonkeyPatch, fresh_url: str
) -> None:
    rina = make_account(engine_for(fresh_url), username="rina", role="viewer")
    app = open_page(monkeypatch, fresh_url, "pages/admin.py")
    app.selectbox(key="admin-user").select(rina.user_id).run()
    app.button(key=f"admin-disable-{rina.user_id}").click().run()
    assert [s.value for s in app.success] == ["Akun 'rina' dinonaktifkan."]
    user = user_named(fresh_url, "rina")
    assert user is not None and user.disabled and user.tokens_valid_after is not None

    app.text_input(key=f"admin-reset-password-{rina.user_id}").input(NEW_PASSWORD)
    app.text_input(key=f"admin-reset-confirm-{rina.user_id}").input(NEW_PASSWORD)
    click(app, "Atur ulang")
    assert [s.value for s in app.success] == ["Kata sandi 'rina' diatur ulang; semua sesinya berakhir."]
    user = user_named(fresh_url, "rina")
    assert user is not None and accounts.password_matches(NEW_PASSWORD, user.password_hash)

    app.selectbox(key=f"admin-role-role-{rina.user_id}").select("agency")
    click(app, "Simpan peran")
    assert [e.value for e in app.error] == ["Pilih kabupaten/kota untuk peran instansi."]
    assert app.selectbox(key=f"admin-role-role-{rina.user_id}").value == "agency", "the choice is kept"
    app.selectbox(key=f"admin-role-regency-{rina.user_id}").select(regency_id_of(fresh_url))
    click(app, "Simpan peran")
    user = user_named(fresh_url, "rina")
    assert user is not None and user.role == "agency" and user.regency_id == regency_id_of(fresh_url)

    app.selectbox(key="admin-user").select(admin_id_of(fresh_url)).run()
    own = app.button(key=f"admin-disable-{admin_id_of(fresh_url)}")
    assert own.disabled, "an admin cannot disable themself"


def regency_id_of(url: str) -> int:
    with read_session(engine_for(url)) as session:
        regency = session.exec(select(m.Regency).where(m.Regency.name == REGENCY)).one()
        assert regency.id is not None
        return regency.id


def admin_id_of(url: str) -> int:
    user = user_named(url, "admin")
    assert user is not None and user.id is not None
    return user.id


def test_thresholds_form(monkeypatch: pytest.MonkeyPatch, fresh_url: str) -> None:
    app = open_page(monkeypatch, fresh_url, "pages/admin.py")
    assert app.text_input(key="admin-thresholds-on-track").value == "90"
    app.text_input(key="admin-thresholds-on-track").set_value("50")
    app.text_input(key="admin-thresholds-needs-attention").set_value("80")
    click(app, "Simpan ambang")
    assert [e.value for e in app.error] == [
        "Ambang tidak sah: 'perlu perhatian' harus di atas 0 % dan tidak melebihi 'sesuai target'."
    ]
    assert app.text_input(key="admin-thresholds-on-track").value == "50", "the form keeps what was typed"
    app.text_input(key="admin-thresholds-on-track").set_value("87,5")
    app.text_input(key="admin-thresholds-needs-attention").set_value("55")
    click(app, "Simpan ambang")
    assert [s.value for s in app.success] == ["Ambang capaian disimpan."]
    with read_session(engine_for(fresh_url)) as session:
        assert queries.thresholds(session=session, viewer=SYSTEM) == Thresholds(0.875, 0.55)


def test_a_threshold_typed_the_other_languages_way_is_refused_not_read_ten_times_larger(
    monkeypatch: pytest.MonkeyPatch, fresh_url: str
) -> None:
    app = open_page(monkeypatch, fresh_url, "pages/admin.py", lang="en")
    app.text_input(key="admin-thresholds-on-track").set_value("92,5")
    click(app, "Save thresholds")
    assert len(app.error) == 1 and "92.5" in app.error[0].value, "it says how to type it"
    with read_session(engine_for(fresh_url)) as session:
        assert queries.thresholds(session=session, viewer=SYSTEM) == Thresholds(0.9, 0.6), "nothing saved"
    app.text_input(key="admin-thresholds-on-track").set_value("92.5")
    click(app, "Save thresholds")
    with read_session(engine_for(fresh_url)) as session:
        assert queries.thresholds(session=session, viewer=SYSTEM) == Thresholds(0.925, 0.6)


def test_share_links_are_listed_and_revoked(monkeypatch: pytest.MonkeyPatch, fresh_url: str) -> None:
    engine = engine_for(fresh_url)
    staff = make_account(engine, username="staf", role="company", company=COMPANY)
    assert staff.company_id is not None
    now = datetime.now(UTC)
    with write_session(engine) as session:
        sharing.create_link(
            session=session,
            viewer=staff,
            company_id=staff.company_id,
            program_id=None,
            filters=None,
            label="Untuk Bappeda",
            expires_on=now.date() + timedelta(days=30),
            now=now,
        )
    app = open_page(monkeypatch, fresh_url, "pages/admin.py")
    links = table(app, "links").value
    assert list(links["label"]) == ["Untuk Bappeda"] and bool(links["active"].iloc[0])
    app.button(key=f"admin-revoke-{int(links['id'].iloc[0])}").click().run()
    assert [s.value for s in app.success] == [t_id("admin.link_revoked_done")]
    assert not table(app, "links").value["active"].any()
    assert not [b for b in app.button if b.key and str(b.key).startswith("admin-revoke-")]


def test_audit_tab_filters(monkeypatch: pytest.MonkeyPatch, fresh_url: str) -> None:
    engine = engine_for(fresh_url)
    rina = make_account(engine, username="rina", role="viewer")
    with write_session(engine) as session:
        accounts.sign_in(session=session, username="rina", password=PASSWORD, now=datetime.now(UTC))
        accounts.sign_in(session=session, username="rina", password="salah-sekali-123", now=datetime.now(UTC))
    app = open_page(monkeypatch, fresh_url, "pages/admin.py", params={"audit_user": "rin"})
    log = table(app, "audit").value
    assert list(log["action"]) == ["Gagal masuk", "Masuk"], "newest first, only Rina's, in words"
    assert app.text_input(key="admin-audit-user").value == "rin", "the filter comes from the URL"

    app = open_page(monkeypatch, fresh_url, "pages/admin.py")
    everything = table(app, "audit").value
    assert list(everything["id"]) == sorted(everything["id"], reverse=True), "newest first"
    assert all(at.endswith(" WITA") for at in everything["at"]), "times in East Kalimantan's zone"
    assert set(everything["entity"]) == {"Akun pengguna"}
    assert len(everything) == 4, "two accounts created, a login and a failed one"
    assert "Buat" in app.selectbox(key="admin-audit-action").options, "the actions offered in words"
    app.selectbox(key="admin-audit-action").select("create").run()
    created = table(app, "audit").value
    assert list(created["entity_id"]) == [rina.user_id, admin_id_of(fresh_url)]
    assert st_param(app, "audit_action") == "create", "the filter goes into the URL"
    app.date_input(key="admin-audit-since").set_value(date(2022, 1, 1)).run()
    app.date_input(key="admin-audit-until").set_value(date(2022, 1, 2)).run()
    assert [i.value for i in app.tabs[TABS.index("audit")].info] == ["Tidak ada catatan audit yang cocok."]
    assert st_param(app, "audit_from") == "2022-01-01"


@pytest.mark.parametrize(
    ("lang", "zone", "shown_at", "action", "entity", "after"),
    [
        (
            "id",
            None,
            "6 Januari 2026 07.59.30 WITA",
            "Verifikasi",
            "Realisasi",
            "verified_at: 6 Januari 2026 07.59 WITA",
        ),
        (
            "en",
            None,
            "6 January 2026 7:59:30 AM WITA",
            "Verify",
            "Result",
            "verified_at: 6 January 2026 7:59 AM WITA",
        ),
        (
            "id",
            "Asia/Jakarta",
            "6 Januari 2026 06.59.30 WIB",
            "Verifikasi",
            "Realisasi",
            "verified_at: 6 Januari 2026 06.59 WIB",
        ),
    ],
)
def test_the_audit_log_shows_actions_and_local_times_in_the_readers_language(
    monkeypatch: pytest.MonkeyPatch,
    fresh_url: str,
    lang: str,
    zone: str | None,
    shown_at: str,
    action: str,
    entity: str,
    after: str,
) -> None:
    if zone:
        monkeypatch.setenv("SINERGI_TIME_ZONE", zone)
    at = datetime(2026, 1, 5, 23, 59, 30, tzinfo=UTC)
    with write_session(engine_for(fresh_url)) as session:
        session.add(
            m.AuditLog(
                at=at,
                username="budi",
                action="verify",
                entity="result",
                entity_id=7,
                after=json.dumps({"verified_at": str(at)}),
            )
        )
    app = open_page(monkeypatch, fresh_url, "pages/admin.py", lang=lang, params={"audit_user": "budi"})
    [row] = table(app, "audit").value.to_dict("records")
    assert (row["at"].replace("\u202f", " "), row["action"], row["entity"]) == (shown_at, action, entity)
    assert row["after"].replace("\u202f", " ") == after


def test_every_action_the_audit_log_records_has_words_in_both_languages() -> None:
    """The actions written out where a row is recorded are the registry's, which the catalogs hold."""
    from sinergi.core.settings import PROJECT_ROOT
    from sinergi.i18n import registry

    source = "\n".join(path.read_text() for path in (PROJECT_ROOT / "sinergi").rglob("*.py"))
    recorded = set(re.findall(r'\baction="([a-z_]+)"', source)) | set(
        re.findall(r'"(disable|enable)" if disabled else "(?:disable|enable)"', source)
    )
    assert recorded and recorded <= set(registry.AUDIT_ACTIONS), recorded - set(registry.AUDIT_ACTIONS)
    about = set(re.findall(r'\bentity="([a-z_]+)"', source))
    assert about and about <= set(registry.AUDIT_ENTITIES), about - set(registry.AUDIT_ENTITIES)
    for key in registry.AUDIT_ACTION.keys() | registry.AUDIT_ENTITY.keys():
        assert key in TEXTS and all(TEXTS[key]), key


def st_param(app: AppTest, name: str) -> str:
    value = app.query_params.get(name)
    return value[0] if isinstance(value, list) else str(value)


# The account page -------------------------------------------------------------------------------


def fill_password_form(app: AppTest, current: str, new: str, confirm: str | None = None) -> None:
    app.text_input(key="account-password-current").input(current)
    app.text_input(key="account-password-new").input(new)
    app.text_input(key="account-password-confirm").input(new if confirm is None else confirm)


def test_the_account_page_changes_ones_own_password(monkeypatch: pytest.MonkeyPatch, fresh_url: str) -> None:
    engine = engine_for(fresh_url)
    staff = make_account(engine, username="staf", role="company", company=COMPANY)
    app = open_page(monkeypatch, fresh_url, "pages/account.py", viewer=staff)
    assert "`staf`" in app.markdown[0].value and COMPANY in app.markdown[0].value

    fill_password_form(app, "salah-sekali-123", NEW_PASSWORD)
    click(app, "Ganti kata sandi")
    assert [e.value for e in app.error] == ["Kata sandi lama salah."]
    assert app.text_input(key="account-password-new").value == NEW_PASSWORD

    fill_password_form(app, PASSWORD, NEW_PASSWORD)
    click(app, "Ganti kata sandi")
    assert_ran_clean(app)
    assert not app.error
    assert [s.value for s in app.success] == [
        "Kata sandi diganti. Semua sesi lain akun ini telah dikeluarkan; sesi ini tetap masuk."
    ]
    assert app.title[0].value == "Akun saya" and not _has_login(app), "this session stays signed in"
    user = user_named(fresh_url, "staf")
    assert user is not None and accounts.password_matches(NEW_PASSWORD, user.password_hash)
    assert user.tokens_valid_after is not None
    earlier = cookie_payload("staf", user.tokens_valid_after - timedelta(seconds=1))
    assert cookie_viewer(engine, earlier, user.tokens_valid_after) is None, "other sessions are over"
    assert app.text_input(key="account-password-current").value == "", "the form starts empty again"

    app.run()
    assert app.title[0].value == "Akun saya" and not _has_login(app)


def _has_login(app: AppTest) -> bool:
    return any(widget.key == "login-username" for widget in app.text_input)
