"""Share links on both databases, the shared page through AppTest, and an expired link in the browser."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import col, select

import models as m
from sinergi.core.access import AccessDenied, Viewer
from sinergi.core.db import engine_for, read_session, upgrade_database, write_session
from sinergi.reads.filters import Filters
from sinergi.worlds.demo import load_demo
from sinergi.writes import sharing
from tests.apptest import open_page
from tests.factories import make_account

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
KPI = "PT Kilang Pertamina Internasional Unit Balikpapan"


KpiWorld = tuple[Engine, Viewer, Viewer, int, int]


@pytest.fixture
def kpi_world(engine: Engine) -> KpiWorld:
    load_demo(engine=engine)
    kpi = make_account(engine, username="kpi", role="company", company=KPI)
    indexim = make_account(engine, username="indexim", role="company", company="PT Indexim Coalindo")
    with engine.connect() as connection:
        company = connection.execute(text(f"SELECT id FROM company WHERE name = '{KPI}'")).scalar_one()
        program = connection.execute(
            text(f"SELECT id FROM program WHERE company_id = {company} LIMIT 1")
        ).scalar_one()
    return engine, kpi, indexim, company, program


def share(engine: Engine, viewer: Viewer, company: int, program: int | None, *, days: int = 30) -> str:
    with write_session(engine) as session:
        return sharing.create_link(
            session=session,
            viewer=viewer,
            company_id=company,
            program_id=program,
            filters=Filters(pillar="environment") if program is None else None,
            label="Bappeda Balikpapan",
            expires_on=NOW.date() + timedelta(days=days),
            now=NOW,
        )


def open_token(engine: Engine, token: str, now: datetime = NOW) -> sharing.SharedView:
    with write_session(engine) as session:
        return sharing.open_link(session=session, token=token, now=now)


def test_a_link_opens_read_only_for_one_company_and_counts_its_uses(kpi_world: KpiWorld) -> None:
    engine, kpi, _, company, program = kpi_world
    token = share(engine, kpi, company, program)
    with read_session(engine) as session:
        stored = session.exec(select(m.ShareLink)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64, "only a digest is stored"
    view = open_token(engine, token)
    assert view.program_id == program and view.viewer.company_id == company
    assert not view.viewer.may_write_company(company), "a shared page never writes"
    open_token(engine, token)
    with read_session(engine) as session:
        link = session.exec(select(m.ShareLink)).one()
        opens = session.exec(select(m.AuditLog).where(col(m.AuditLog.action) == "share_open")).all()
    assert link.uses == 2 and len(opens) == 2

    overview_token = share(engine, kpi, company, None)
    overview = open_token(engine, overview_token)
    assert overview.program_id is None
    assert overview.filters == Filters(company_id=company, pillar="environment")


def test_expired_revoked_and_unknown_links_are_refused_alike(kpi_world: KpiWorld) -> None:
    engine, kpi, indexim, company, program = kpi_world
    token = share(engine, kpi, company, program, days=1)
    with pytest.raises(sharing.LinkUnusable):
        open_token(engine, token, now=NOW + timedelta(days=2))
    with pytest.raises(sharing.LinkUnusable):
        open_token(engine, "tebakan-acak")
    with read_session(engine) as session:
        link_id = session.exec(select(m.ShareLink.id)).one()
    assert link_id is not None
    with pytest.raises(AccessDenied), write_session(engine) as session:
        sharing.revoke_link(session=session, viewer=indexim, link_id=link_id, now=NOW)
    with write_session(engine) as session:
        sharing.revoke_link(session=session, viewer=kpi, link_id=link_id, now=NOW)
    with pytest.raises(sharing.LinkUnusable):
        open_token(engine, token)
    with read_session(engine) as session:
        refused = session.exec(
            select(m.AuditLog.detail).where(col(m.AuditLog.action) == "share_refused")
        ).all()
    assert sorted(refused) == ["expired", "revoked", "unknown"]


def test_only_the_company_shares_its_pages(kpi_world: KpiWorld) -> None:
    engine, kpi, indexim, company, program = kpi_world
    with pytest.raises(AccessDenied):
        share(engine, indexim, company, program)
    with pytest.raises(sharing.BadExpiry):
        share(engine, kpi, company, program, days=400)
    with read_session(engine) as session:
        assert session.exec(select(m.ShareLink)).all() == []
        kpi_links = sharing.list_links(session=session, viewer=kpi)
    assert kpi_links.empty


def test_shared_page_shows_the_program_without_an_account(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade_database(url)
    engine = engine_for(url)
    load_demo(engine=engine)
    with engine.connect() as connection:
        company = connection.execute(text(f"SELECT id FROM company WHERE name = '{KPI}'")).scalar_one()
        program, name = connection.execute(
            text(
                f"SELECT id, name FROM program WHERE company_id = {company} AND EXISTS "
                "(SELECT 1 FROM feedback_item f WHERE f.program_id = program.id) ORDER BY id LIMIT 1"
            )
        ).one()
    kpi = make_account(engine, username="kpi2", role="company", company=KPI)

    def share(label: str) -> str:
        with write_session(engine) as session:
            return sharing.create_link(
                session=session,
                viewer=kpi,
                company_id=company,
                program_id=program,
                filters=None,
                label=label,
                expires_on=date.today() + timedelta(days=7),
                now=datetime.now(UTC),
            )

    token = share("DLH")
    app = open_page(monkeypatch, url, "pages/shared.py", signed_in=False, params={"token": token})
    assert app.title[0].value == name
    assert any(info.value.startswith("Halaman bersama, hanya-baca: DLH. Berlaku sampai") for info in app.info)
    assert not app.text_input, "no login form, no share form"
    # A link made without a recipient's name says nothing in its place.
    plain = open_page(monkeypatch, url, "pages/shared.py", signed_in=False, params={"token": share("")})
    assert any(info.value.startswith("Halaman bersama, hanya-baca. Berlaku sampai") for info in plain.info)
    # The agency reads the program's other tabs through the same link.
    feedback = open_page(
        monkeypatch, url, "pages/shared.py", signed_in=False, params={"token": token, "tab": "Masukan"}
    )
    with engine.connect() as connection:
        said = connection.execute(
            text(
                f"SELECT count(*) FROM feedback_item WHERE program_id = {program} AND moderation != 'hidden'"
            )
        ).scalar_one()
    [table] = [frame.value for frame in feedback.dataframe]
    assert "meeting" in table.columns and said and len(table) == said

    refused = open_page(monkeypatch, url, "pages/shared.py", signed_in=False, params={"token": "salah"})
    assert any("tidak berlaku" in error.value for error in refused.error)
    assert not refused.metric


def test_a_link_revoked_while_its_page_is_open_stops_at_the_next_run_and_every_run_is_logged(
    monkeypatch: pytest.MonkeyPatch, kpi_world: KpiWorld, db_url: str
) -> None:
    engine, kpi, _, company, program = kpi_world
    with write_session(engine) as session:
        token = sharing.create_link(
            session=session,
            viewer=kpi,
            company_id=company,
            program_id=program,
            filters=None,
            label="[masuk](https://contoh.invalid/login)",
            expires_on=date.today() + timedelta(days=7),
            now=datetime.now(UTC),
        )
    app = open_page(monkeypatch, db_url, "pages/shared.py", signed_in=False, params={"token": token})
    assert not app.error and app.title
    assert "\\[masuk\\](https:\u2060//" in app.info[0].value, "the label shows as typed, never as a link"
    app.run()
    with read_session(engine) as session:
        link = session.exec(select(m.ShareLink)).one()
        opened = session.exec(select(m.AuditLog).where(m.AuditLog.action == "share_open")).all()
        assert link.uses == 2 and len(opened) == 2, "each run of the page is a read, counted and logged"
        assert link.id is not None
    with write_session(engine) as session:
        sharing.revoke_link(session=session, viewer=kpi, link_id=link.id, now=datetime.now(UTC))
    app.run()
    assert any("tidak berlaku" in error.value for error in app.error)
    assert not app.metric and not app.dataframe, "nothing of the program shows any more"
