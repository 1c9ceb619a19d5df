"""The migrations build the schema on both databases, and the constraints refuse bad rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import models as m
from sinergi.core.db import write_session


def test_migrations_build_every_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert "alembic_version" in tables


def _company_and_program(engine: Engine) -> tuple[int, int]:
    with write_session(engine) as session:
        company = m.Company(name="PT Uji", short_name="Uji", sector=m.Sector.OTHER)
        session.add(company)
        session.flush()
        assert company.id is not None
        program = m.Program(
            company_id=company.id, name="Program Uji", pillar=m.Pillar.ECONOMY, start_date=date(2023, 1, 1)
        )
        session.add(program)
        session.flush()
        assert company.id is not None and program.id is not None
        return company.id, program.id


@pytest.mark.parametrize(
    "bad_row",
    [
        pytest.param(lambda c, p: m.Company(name="PT X", short_name="X", sector="fishing"), id="sector"),
        pytest.param(
            lambda c, p: m.Program(company_id=c, name="P", pillar="sports", start_date=date(2023, 1, 1)),
            id="pillar",
        ),
        pytest.param(
            lambda c, p: m.Program(
                company_id=c, name="P", pillar="health", start_date=date(2023, 1, 1), families_planned=-1
            ),
            id="negative-beneficiaries",
        ),
        pytest.param(lambda c, p: m.ProgramBudget(program_id=p, year=2023, planned=-5), id="negative-budget"),
        pytest.param(lambda c, p: m.ProgramBudget(program_id=999_999, year=2023), id="dangling-foreign-key"),
        pytest.param(lambda c, p: m.ProgramBudget(program_id=p, year=2023, planned=10**16), id="huge-budget"),
        pytest.param(
            lambda c, p: m.Indicator(program_id=p, name="I", unit="u", baseline_value=1e27),
            id="huge-baseline",
        ),
        pytest.param(
            lambda c, p: m.Indicator(program_id=p, name="I", unit="u", baseline_value=float("inf")),
            id="infinite-baseline",
        ),
        pytest.param(lambda c, p: m.ProgramSdg(program_id=p, sdg=18), id="sdg-out-of-range"),
        pytest.param(
            lambda c, p: m.User(username="u", display_name="U", password_hash="x", role="company"),
            id="company-user-without-company",
        ),
    ],
)
def test_constraints_refuse_bad_rows(engine: Engine, bad_row) -> None:
    company_id, program_id = _company_and_program(engine)
    with pytest.raises(IntegrityError), write_session(engine) as session:
        session.add(bad_row(company_id, program_id))
    with write_session(engine) as session:  # nothing of the failed action is left behind
        assert session.get(m.ProgramBudget, 1) is None


def test_one_result_per_indicator_and_period(engine: Engine) -> None:
    _, program_id = _company_and_program(engine)
    with write_session(engine) as session:
        indicator = m.Indicator(program_id=program_id, name="Kelompok aktif", unit="kelompok")
        period = m.Period(
            code="2023-S1", year=2023, semester=1, start_date=date(2023, 1, 1), end_date=date(2023, 6, 30)
        )
        session.add_all([indicator, period])
        session.flush()
        assert indicator.id is not None and period.id is not None
        session.add(m.Result(indicator_id=indicator.id, period_id=period.id, target=10))
        ids = (indicator.id, period.id)
    with pytest.raises(IntegrityError), write_session(engine) as session:
        session.add(m.Result(indicator_id=ids[0], period_id=ids[1], target=12))


def test_migrations_match_the_models(engine: Engine) -> None:
    """Alembic finds nothing to add: the migrations build exactly what the models declare."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_database_holding_data_upgrades_from_every_earlier_revision(
    backend: str, request: pytest.FixtureRequest
) -> None:
    """An installation that already holds meetings and feedback gets each later migration (on SQLite
    a migration copies a table and drops the old one, which foreign keys would otherwise forbid)."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from sinergi.core.db import alembic_config, engine_for, upgrade_database

    url: str = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    command.upgrade(alembic_config(url), "0002")
    engine = engine_for(url)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO company (id, name, short_name, sector) VALUES (1, 'PT A', 'A', 'other')")
        )
        connection.execute(
            text(
                "INSERT INTO meeting (id, kind, title, held_on, venue, purpose, attendee_count, "
                "organiser_company_id) VALUES (1, 'fgd', 'FGD', '2024-01-10', '', '', 5, 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO feedback_item (meeting_id, kind, text, response, status, decline_reason, "
                "moderation, created_at, updated_at, version, speaker) VALUES (1, 'concern', 'Air bersih', "
                "'', 'open', '', 'approved', '2024-01-10 08:00:00', '2024-01-10 08:00:00', 1, '')"
            )
        )
    engine.dispose()
    upgrade_database(url)
    engine = engine_for(url)
    with engine.connect() as connection:
        head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
        assert connection.execute(text("SELECT title, attendee_count FROM meeting")).one() == ("FGD", 5)
        assert connection.execute(text("SELECT text FROM feedback_item")).scalar_one() == "Air bersih"
    if backend == "sqlite":
        with engine.connect() as connection:  # foreign keys are on again for the app's connections
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_range_migration_refuses_to_run_while_a_stored_value_breaks_it_and_names_the_row(
    backend: str, request: pytest.FixtureRequest
) -> None:
    from alembic import command
    from sqlalchemy import text

    from sinergi.core.db import alembic_config, engine_for, upgrade_database

    url: str = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    command.upgrade(alembic_config(url), "0003")
    engine = engine_for(url)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO company (id, name, short_name, sector) VALUES (1, 'PT A', 'A', 'other')")
        )
        connection.execute(
            text(
                "INSERT INTO program (id, company_id, name, description, pillar, poverty_alleviation, stage, "
                "start_date, families_planned, families_reached, men_planned, men_reached, women_planned, "
                "women_reached, updated_at, version) VALUES (1, 1, 'P', '', 'economy', false, 'planning', "
                "'2023-01-01', 0, 0, 0, 0, 0, 0, '2023-01-01', 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO indicator (id, program_id, name, unit, kind, direction, accumulation, "
                "baseline_value) VALUES (7, 1, 'I', 'u', 'output', 'higher', 'periodic', 1e27)"
            )
        )
    with pytest.raises(RuntimeError, match=r"indicator\.baseline_value .*\(id=7\)"):
        upgrade_database(url)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0003"
        connection.execute(text("UPDATE indicator SET baseline_value = 12"))
    upgrade_database(url)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE indicator SET baseline_value = 1e27"))
