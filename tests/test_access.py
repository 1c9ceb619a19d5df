"""Every rule of access, tested from the side of the user who must not pass."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import func, select

import models as m
from sinergi.core.access import SYSTEM, AccessDenied, Viewer
from sinergi.core.db import read_session, write_session
from sinergi.reads import compliance, engagement, overview, programs, queries
from sinergi.reads.filters import Filters, filter_options
from sinergi.rules.achievement import Thresholds
from sinergi.ui import arguments_key
from sinergi.worlds.demo import load_demo
from sinergi.writes.results import record_result, verify_result
from tests.apptest import open_page
from tests.conftest import DemoAccounts
from tests.factories import make_account

KPI = "PT Kilang Pertamina Internasional Unit Balikpapan"
INDEXIM = "PT Indexim Coalindo"
KUKAR = "Kabupaten Kutai Kartanegara"
TODAY = date(2026, 11, 22)


@pytest.fixture
def world(engine: Engine) -> tuple[Engine, dict[str, Viewer]]:
    load_demo(engine=engine)
    viewers = {
        "admin": make_account(engine, username="admin", role="admin"),
        "kpi": make_account(engine, username="kpi", role="company", company=KPI),
        "indexim": make_account(engine, username="indexim", role="company", company=INDEXIM),
        "kukar": make_account(engine, username="bappeda.kukar", role="agency", regency=KUKAR),
        "reader": make_account(engine, username="pembaca", role="viewer"),
    }
    return engine, viewers


def scalar(engine: Engine, sql: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def program_of(company: str) -> str:
    return (
        f"SELECT p.id FROM program p JOIN company c ON c.id = p.company_id WHERE c.name = '{company}' LIMIT 1"
    )


def refusals(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).where(col_action() == "refused")).one())


def col_action():
    from sqlmodel import col

    return col(m.AuditLog.action)


def test_company_users_read_only_their_company(world: tuple[Engine, dict[str, Viewer]]) -> None:
    engine, viewers = world
    with read_session(engine) as session:
        table = programs.program_table(
            session=session, filters=Filters(), viewer=viewers["kpi"], thresholds=Thresholds(), today=TODAY
        )
        tiles = overview.overview_tiles(
            session=session, filters=Filters(), viewer=viewers["kpi"], thresholds=Thresholds()
        )
        meetings = engagement.meeting_list(session=session, filters=Filters(), viewer=viewers["kpi"])
        options = filter_options(session=session, viewer=viewers["kpi"])
        frameworks = queries.frameworks(session=session, viewer=viewers["kpi"])
    assert set(table["company"]) == {KPI}
    assert tiles.programs == scalar(
        engine, f"SELECT count(*) FROM program p JOIN company c ON c.id = p.company_id WHERE c.name = '{KPI}'"
    )
    assert set(meetings["organiser"]) <= {KPI} and len(meetings) > 0
    assert [name for _, name in options.companies] == [KPI]
    assert frameworks == [], "KPI does not operate in Kutai Kartanegara"


def test_agency_users_read_their_regency(world: tuple[Engine, dict[str, Viewer]]) -> None:
    engine, viewers = world
    with read_session(engine) as session:
        table = programs.program_table(
            session=session, filters=Filters(), viewer=viewers["kukar"], thresholds=Thresholds(), today=TODAY
        )
        [framework] = queries.frameworks(session=session, viewer=viewers["kukar"])
        assert framework.id is not None
        cells = queries.compliance_matrix(
            session=session, viewer=viewers["kukar"], framework_id=framework.id, today=TODAY
        )
    in_kukar = scalar(
        engine,
        "SELECT count(DISTINCT pv.program_id) FROM program_village pv JOIN village v ON v.id = pv.village_id "
        "JOIN district d ON d.id = v.district_id JOIN regency r ON r.id = d.regency_id "
        f"WHERE r.name = '{KUKAR}'",
    )
    assert len(table) == in_kukar > 0
    assert KPI not in set(table["company"]) and INDEXIM not in set(table["company"])
    assert len({cell.company_id for cell in cells}) == 4


def test_the_regency_filter_offers_only_regencies_a_reader_can_see_programs_in(
    world: tuple[Engine, dict[str, Viewer]],
) -> None:
    engine, viewers = world
    with engine.connect() as connection:
        kpi_regencies = [
            str(name)
            for (name,) in connection.execute(
                text(
                    "SELECT DISTINCT r.name FROM regency r JOIN district d ON d.regency_id = r.id "
                    "JOIN village v ON v.district_id = d.id JOIN program_village pv ON pv.village_id = v.id "
                    f"JOIN program p ON p.id = pv.program_id JOIN company c ON c.id = p.company_id "
                    f"WHERE c.name = '{KPI}' ORDER BY r.name"
                )
            )
        ]
        every = [str(name) for (name,) in connection.execute(text("SELECT name FROM regency ORDER BY name"))]
    with read_session(engine) as session:
        offered = {
            who: [name for _, name in filter_options(session=session, viewer=viewers[who]).regencies]
            for who in ("kukar", "kpi", "reader")
        }
    assert offered["kukar"] == [KUKAR]
    assert offered["kpi"] == kpi_regencies and 0 < len(kpi_regencies) < len(every)
    assert offered["reader"] == every


@pytest.mark.parametrize("who", ["admin", "reader"])
def test_admins_and_viewers_read_everything(world: tuple[Engine, dict[str, Viewer]], who: str) -> None:
    engine, viewers = world
    with read_session(engine) as session:
        table = programs.program_table(
            session=session, filters=Filters(), viewer=viewers[who], thresholds=Thresholds(), today=TODAY
        )
    assert len(table) == scalar(engine, "SELECT count(*) FROM program")


def test_another_companys_program_is_refused_and_logged(world: tuple[Engine, dict[str, Viewer]]) -> None:
    engine, viewers = world
    indexim_program = scalar(
        engine,
        program_of(INDEXIM),
    )
    for read in (programs.program_profile, programs.indicator_results, programs.program_feedback):
        arguments: dict[str, Any] = {"thresholds": Thresholds()} if read is programs.indicator_results else {}
        with pytest.raises(AccessDenied), read_session(engine) as session:
            read(session=session, viewer=viewers["kpi"], program_id=indexim_program, **arguments)
    assert refusals(engine) == 3
    with read_session(engine) as session:
        assert programs.program_profile(
            session=session, viewer=viewers["indexim"], program_id=indexim_program
        )
        assert programs.program_profile(session=session, viewer=viewers["kpi"], program_id=999_999) is None


def test_another_companys_compliance_record_is_refused(world: tuple[Engine, dict[str, Viewer]]) -> None:
    engine, viewers = world
    kenohan = make_account(engine, username="kenohan", role="company", company="PT Kenohan Agro Lestari")
    framework_id = scalar(engine, "SELECT id FROM framework")
    sanga = scalar(engine, "SELECT id FROM company WHERE name LIKE 'PT Sanga%'")
    with pytest.raises(AccessDenied), read_session(engine) as session:
        compliance.company_compliance(
            session=session, viewer=kenohan, framework_id=framework_id, company_id=sanga, today=TODAY
        )
    with pytest.raises(AccessDenied), read_session(engine) as session:
        queries.compliance_matrix(
            session=session, viewer=viewers["kpi"], framework_id=framework_id, today=TODAY
        )
    with read_session(engine) as session:
        own = queries.compliance_matrix(
            session=session, viewer=kenohan, framework_id=framework_id, today=TODAY
        )
    assert {cell.company_name for cell in own} == {"PT Kenohan Agro Lestari"}
    assert refusals(engine) == 2


def _indicator_and_period(engine: Engine, company: str) -> tuple[int, int]:
    """An indicator of the company's and a period whose result its staff may write as it is: none yet,
    a draft or a returned one (verified is locked, and submitted is changed only by withdrawing it)."""
    with engine.connect() as connection:
        indicator, period = connection.execute(
            text(
                "SELECT i.id, pe.id FROM indicator i JOIN program p ON p.id = i.program_id "
                "JOIN company c ON c.id = p.company_id CROSS JOIN period pe "
                f"WHERE c.name = '{company}' AND NOT EXISTS (SELECT 1 FROM result r "
                "WHERE r.period_id = pe.id AND r.indicator_id = i.id "
                "AND r.state IN ('verified', 'submitted')) "
                "ORDER BY pe.code DESC, i.id LIMIT 1"
            )
        ).one()
    return int(indicator), int(period)


@pytest.mark.parametrize("who", ["indexim", "kukar", "reader"])
def test_only_the_company_writes_its_results(world: tuple[Engine, dict[str, Viewer]], who: str) -> None:
    engine, viewers = world
    indicator, period = _indicator_and_period(engine, KPI)
    results_before = scalar(engine, "SELECT count(*) FROM result")
    with pytest.raises(AccessDenied), write_session(engine) as session:
        record_result(
            session=session, viewer=viewers[who], indicator_id=indicator, period_id=period, target=1, actual=1
        )
    assert scalar(engine, "SELECT count(*) FROM result") == results_before
    assert refusals(engine) == 1
    with write_session(engine) as session:
        record_result(
            session=session,
            viewer=viewers["kpi"],
            indicator_id=indicator,
            period_id=period,
            target=5,
            actual=4,
        )


def test_results_are_verified_by_the_regencys_agency(world: tuple[Engine, dict[str, Viewer]]) -> None:
    engine, viewers = world
    company = scalar(engine, "SELECT id FROM company WHERE name LIKE 'PT Loa Kulu%'")
    indicator = scalar(
        engine,
        "SELECT i.id FROM indicator i JOIN program p ON p.id = i.program_id "
        f"WHERE p.company_id = {company} LIMIT 1",
    )
    result = scalar(
        engine, f"SELECT id FROM result WHERE indicator_id = {indicator} AND state <> 'verified' LIMIT 1"
    )
    other_agency = make_account(engine, username="bappeda.bpp", role="agency", regency="Kota Balikpapan")
    for who in (viewers["kpi"], other_agency, viewers["reader"]):
        with pytest.raises(AccessDenied), write_session(engine) as session:
            verify_result(session=session, viewer=who, result_id=result)
    with write_session(engine) as session:
        verified = verify_result(session=session, viewer=viewers["kukar"], result_id=result)
        assert verified.verified_by_id == viewers["kukar"].user_id
    assert refusals(engine) == 3


def test_two_users_of_one_cached_reader_see_only_their_rows(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    kpi = open_page(monkeypatch, demo_sqlite_url, "pages/programs.py", viewer=demo_accounts.kpi)
    indexim = open_page(monkeypatch, demo_sqlite_url, "pages/programs.py", viewer=demo_accounts.indexim)
    assert set(kpi.dataframe[0].value["company"]) == {KPI}
    assert set(indexim.dataframe[0].value["company"]) == {INDEXIM}


def test_the_shared_cache_key_tells_every_reader_and_filter_apart() -> None:
    kpi = Viewer(user_id=2, username="kpi", role=m.Role.COMPANY, company_id=1)
    other = Viewer(user_id=2, username="kpi", role=m.Role.COMPANY, company_id=2)
    agency = Viewer(user_id=2, username="kpi", role=m.Role.AGENCY, regency_id=1)
    keys = {
        arguments_key({"viewer": kpi, "filters": Filters()}),
        arguments_key({"viewer": other, "filters": Filters()}),
        arguments_key({"viewer": agency, "filters": Filters()}),
        arguments_key({"viewer": kpi, "filters": Filters(pillar="economy")}),
        arguments_key({"viewer": kpi, "filters": Filters(), "today": date(2026, 1, 1)}),
        arguments_key({"viewer": kpi, "filters": Filters(), "program_id": 1}),
        arguments_key({"viewer": kpi, "filters": Filters(), "program_id": True}),
        arguments_key({"viewer": kpi, "filters": Filters(), "program_id": "1"}),
    }
    assert len(keys) == 8
    same = Viewer(user_id=2, username="kpi", role=m.Role.COMPANY, company_id=1)
    assert arguments_key({"filters": Filters(), "viewer": same}) == arguments_key(
        {"viewer": kpi, "filters": Filters()}
    )
    # A value whose repr could name an address instead of its content is refused, not cached.
    for unsafe in (object(), [1, 2], {"company_id": 1}, (1, object())):
        with pytest.raises(TypeError):
            arguments_key({"viewer": kpi, "extra": unsafe})


def test_changing_the_url_to_another_companys_program_is_refused(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    engine_url = demo_sqlite_url
    from sinergi.core.db import engine_for

    engine = engine_for(engine_url)
    program = scalar(
        engine,
        program_of(INDEXIM),
    )
    before = refusals(engine)
    app = open_page(
        monkeypatch,
        demo_sqlite_url,
        "pages/program.py",
        viewer=demo_accounts.kpi,
        params={"id": str(program)},
    )
    assert any("tidak berhak" in error.value for error in app.error)
    assert not app.metric
    assert refusals(engine) == before + 1


def test_signed_out_visitors_get_the_login_form_on_every_page(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    for page in (
        "pages/overview.py",
        "pages/programs.py",
        "pages/program.py",
        "pages/engagement.py",
        "pages/compliance.py",
        "pages/reporting.py",
        "pages/inbox.py",
    ):
        app = open_page(monkeypatch, demo_sqlite_url, page, signed_in=False, params={"id": "1"})
        assert app.text_input(key="login-username") is not None
        assert not app.metric and not app.dataframe, page


def test_system_viewer_is_an_admin() -> None:
    assert SYSTEM.is_admin and SYSTEM.program_conditions() == []
