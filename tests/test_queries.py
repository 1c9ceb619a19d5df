"""Queries on both databases: counts, thresholds and the compliance matrix following the data."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date

from sqlalchemy import Engine

import models as m
from sinergi.core.access import SYSTEM, Viewer
from sinergi.core.db import VERSIONS_MAX_AGE, engine_for, read_session, table_versions, write_session
from sinergi.core.settings import PROJECT_ROOT
from sinergi.reads import queries
from sinergi.rules.achievement import Thresholds
from tests.factories import make_company, make_program


def _framework_with_points(engine: Engine, company_id: int) -> int:
    with write_session(engine) as session:
        regency = m.Regency(name="Kutai Kartanegara")
        session.add(regency)
        session.flush()
        assert regency.id is not None
        session.add(m.CompanyRegency(company_id=company_id, regency_id=regency.id))
        framework = m.Framework(
            regency_id=regency.id, name="Rakor TJSP 2023", plan_year=2023, issued_on=date(2022, 9, 9)
        )
        session.add(framework)
        session.flush()
        assert framework.id is not None
        session.add_all(
            [
                m.FrameworkPoint(framework_id=framework.id, number=1, title="Aktif", text="..."),
                m.FrameworkPoint(
                    framework_id=framework.id,
                    number=5,
                    title="Program kemiskinan",
                    text="...",
                    rule=m.PointRule.MIN_POVERTY_PROGRAMS,
                    rule_min=1,
                ),
            ]
        )
        return framework.id


def test_compliance_follows_the_programs(engine: Engine) -> None:
    company_id = make_company(engine, name="PT Sawit Makmur", sector=m.Sector.PLANTATION)
    framework_id = _framework_with_points(engine, company_id)

    def statuses() -> dict[int, m.ComplianceStatus]:
        with read_session(engine) as session:
            cells = queries.compliance_matrix(
                session=session,
                viewer=SYSTEM,
                framework_id=framework_id,
                today=date(2023, 6, 1),
            )
        return {cell.point_number: cell.status for cell in cells}

    assert statuses() == {1: m.ComplianceStatus.PENDING, 5: m.ComplianceStatus.NOT_MET}
    make_program(
        engine, company_id=company_id, name="Bedah rumah", poverty_alleviation=True, start=date(2023, 3, 1)
    )
    assert statuses()[5] is m.ComplianceStatus.MET
    # A program that ended before the plan year does not count.
    other = make_company(engine, name="PT Tambang Lama")
    make_program(
        engine, company_id=other, poverty_alleviation=True, start=date(2020, 1, 1), end=date(2021, 12, 31)
    )
    with read_session(engine) as session:
        assert queries.poverty_program_counts(session=session, year=2023) == {company_id: 1}


def test_thresholds_fall_back_to_defaults_and_follow_the_admin(engine: Engine) -> None:
    with read_session(engine) as session:
        assert queries.thresholds(session=session, viewer=SYSTEM) == Thresholds(0.9, 0.6)
    with write_session(engine) as session:
        session.add(m.Setting(key="on_track_min", value="0.95"))
    with read_session(engine) as session:
        assert queries.thresholds(session=session, viewer=SYSTEM) == Thresholds(0.95, 0.6)


def test_counts_of_an_empty_database(engine: Engine) -> None:
    with read_session(engine) as session:
        counts = queries.database_counts(session=session, viewer=SYSTEM)
    assert counts.is_empty
    assert (counts.programs, counts.frameworks) == (0, 0)


def test_counts_are_of_what_the_viewer_may_read(engine: Engine) -> None:
    own = make_company(engine, name="PT Sendiri")
    other = make_company(engine, name="PT Lain")
    make_program(engine, company_id=other, name="Program Lain")
    staff = Viewer(user_id=None, username="staf", role=m.Role.COMPANY, company_id=own)
    with read_session(engine) as session:
        mine = queries.database_counts(session=session, viewer=staff)
        everything = queries.database_counts(session=session, viewer=SYSTEM)
    assert (mine.companies, mine.programs) == (1, 0), "another company's program is not counted"
    assert (everything.companies, everything.programs) == (2, 1)


def test_a_write_from_another_app_server_reaches_this_servers_cache_keys(db_url: str) -> None:
    """Another process (an app server of its own) writes a program; the versions this process keys its
    caches with change within their maximum age, so its next page run reads again."""
    engine = engine_for(db_url)
    company_id = make_company(engine, name="PT Lain Server")
    before = table_versions(("program", "company"), engine)
    script = (
        "import datetime\n"
        "import models as m\n"
        "from sinergi.core.db import engine_for, write_session\n"
        f"with write_session(engine_for({db_url!r})) as session:\n"
        f"    session.add(m.Program(company_id={company_id}, name='Dari server lain', pillar='economy',\n"
        "                          start_date=datetime.date(2025, 1, 1)))\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, check=True, timeout=120)
    time.sleep(VERSIONS_MAX_AGE + 0.1)
    after = table_versions(("program", "company"), engine)
    assert after[0] == before[0] + 1, "the program table was written elsewhere"
    assert after[1] == before[1], "the company table was not"


def test_this_servers_own_write_is_seen_at_once(db_url: str) -> None:
    engine = engine_for(db_url)
    before = table_versions(("company",), engine)
    make_company(engine, name="PT Baru")
    assert table_versions(("company",), engine) == (before[0] + 1,)
