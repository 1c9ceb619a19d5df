"""The compliance and framework commands on both databases, and the frameworks tab of /admin."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

import models as m
from sinergi.core.access import SYSTEM, AccessDenied, Viewer
from sinergi.core.db import engine_for, read_session, write_session
from sinergi.core.errors import DomainError
from sinergi.i18n.texts import TEXTS, translate
from sinergi.reads import queries
from sinergi.worlds.demo import FRAMEWORK_NAME, JANGGUT, KUKAR, LOA_KULU, load_demo
from sinergi.writes import compliance as cc
from tests.apptest import assert_ran_clean, open_page
from tests.factories import make_account

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
BPP = "Kota Balikpapan"


class World:
    """The demo world with one account of every kind that matters here."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        load_demo(engine=engine)
        with read_session(engine) as session:
            # The demo is loaded through the same commands: its audit rows come before this.
            self.loaded_up_to = session.exec(select(func.max(m.AuditLog.id))).one() or 0
        self.admin = make_account(engine, username="admin", role="admin")
        self.kukar = make_account(engine, username="bappeda.kukar", role="agency", regency=KUKAR)
        self.balikpapan = make_account(engine, username="bappeda.bpp", role="agency", regency=BPP)
        self.loa_kulu = make_account(engine, username="loakulu", role="company", company=LOA_KULU)
        self.janggut = make_account(engine, username="janggut", role="company", company=JANGGUT)
        self.reader = make_account(engine, username="pembaca", role="viewer")
        with read_session(engine) as session:
            framework = session.exec(select(m.Framework).where(m.Framework.name == FRAMEWORK_NAME)).one()
            assert framework.id is not None
            self.framework_id: int = framework.id
            self.kukar_regency_id = framework.regency_id
            self.points: dict[int, int] = {
                p.number: p.id
                for p in queries.framework_points(session=session, viewer=SYSTEM, framework_id=framework.id)
                if p.id is not None
            }
            named = session.exec(select(m.Company).where(col(m.Company.name).in_([LOA_KULU, JANGGUT])))
            self.company: dict[str, int] = {c.name: c.id for c in named if c.id is not None}

    def run(self, command: Callable[[Session], Any]) -> Any:
        with write_session(self.engine) as session:
            return command(session)

    def cell(self, company: str, number: int) -> queries.ComplianceCell:
        with read_session(self.engine) as session:
            cells = queries.compliance_matrix(
                session=session, viewer=self.admin, framework_id=self.framework_id, today=TODAY
            )
        [found] = [c for c in cells if c.company_name == company and c.point_number == number]
        return found

    def record(self, company: str, number: int) -> m.ComplianceRecord | None:
        with read_session(self.engine) as session:
            return session.exec(
                select(m.ComplianceRecord).where(
                    m.ComplianceRecord.company_id == self.company[company],
                    m.ComplianceRecord.point_id == self.points[number],
                )
            ).first()

    def version(self, company: str, number: int) -> int | None:
        """The version of the company's record for the point as a form would open it (None: none)."""
        record = self.record(company, number)
        return record.version if record is not None else None

    def audit(self, action: str) -> list[m.AuditLog]:
        with read_session(self.engine) as session:
            return list(
                session.exec(
                    select(m.AuditLog)
                    .where(m.AuditLog.action == action, col(m.AuditLog.id) > self.loaded_up_to)
                    .order_by(col(m.AuditLog.id))
                )
            )

    def count(self, table: Any) -> int:
        with read_session(self.engine) as session:
            return int(session.exec(select(func.count()).select_from(table)).one())


@pytest.fixture
def world(engine: Engine) -> World:
    return World(engine)


def verify(world: World, viewer: Viewer, status: str = "not_met", note: str = "Dicek di rapat") -> Any:
    seen = world.version(LOA_KULU, 1)
    return lambda session: cc.verify_compliance(
        session=session,
        viewer=viewer,
        company_id=world.company[LOA_KULU],
        point_id=world.points[1],
        status=status,
        note=note,
        expected_version=seen,
        now=NOW,
    )


# Verifying --------------------------------------------------------------------------------------


def test_the_regency_agency_verifies_and_the_matrix_follows(world: World) -> None:
    before_cell = world.cell(LOA_KULU, 1)
    before_record = world.record(LOA_KULU, 1)
    assert before_cell.status is m.ComplianceStatus.MET and before_record is not None

    world.run(verify(world, world.kukar, status="not_met", note="  Belum ada daftar program  "))

    after_cell = world.cell(LOA_KULU, 1)
    assert after_cell.status is m.ComplianceStatus.NOT_MET and after_cell.manual
    record = world.record(LOA_KULU, 1)
    assert record is not None
    assert record.manual_status == "not_met" and record.note == "Belum ada daftar program"
    assert record.verified_by_id == world.kukar.user_id
    assert record.verified_at is not None and record.verified_at.replace(tzinfo=UTC) == NOW
    assert record.version == before_record.version + 1
    assert record.evidence == before_record.evidence, "verifying leaves the evidence alone"
    [row] = world.audit("verify_compliance")
    assert (
        row.user_id == world.kukar.user_id
        and row.entity == "compliance_record"
        and row.entity_id == record.id
    )
    assert json.loads(row.before)["manual_status"] == "met"
    assert json.loads(row.after)["manual_status"] == "not_met"


def test_verifying_a_point_without_a_record_creates_one(world: World) -> None:
    # A pending manual point of a company with nothing recorded yet.
    number = next(n for n in world.points if world.record(JANGGUT, n) is None)
    world.run(
        lambda session: cc.verify_compliance(
            session=session,
            viewer=world.admin,
            company_id=world.company[JANGGUT],
            point_id=world.points[number],
            status="partly_met",
            note="",
            expected_version=None,
            now=NOW,
        )
    )
    record = world.record(JANGGUT, number)
    assert record is not None and record.version == 1 and record.verified_by_id == world.admin.user_id
    assert world.cell(JANGGUT, number).status is m.ComplianceStatus.PARTLY_MET
    [row] = world.audit("verify_compliance")
    assert row.before == ""


@pytest.mark.parametrize("who", ["loa_kulu", "reader", "balikpapan"])
def test_others_may_not_verify(world: World, who: str) -> None:
    viewer: Viewer = getattr(world, who)
    before = world.record(LOA_KULU, 1)
    with pytest.raises(AccessDenied):
        world.run(verify(world, viewer))
    assert world.record(LOA_KULU, 1) == before, "nothing changed"
    assert world.cell(LOA_KULU, 1).status is m.ComplianceStatus.MET
    [refused] = world.audit("refused")
    assert refused.user_id == viewer.user_id and refused.entity == "framework_point"
    assert refused.entity_id == world.points[1]
    assert not world.audit("verify_compliance")


def test_an_unknown_status_is_refused_with_a_message(world: World) -> None:
    with pytest.raises(cc.UnknownStatus) as caught:
        world.run(verify(world, world.kukar, status="great"))
    assert translate(caught.value.key, "id", **caught.value.values) == "Status 'great' tidak dikenal."
    assert world.record(LOA_KULU, 1) is not None and world.cell(LOA_KULU, 1).status is m.ComplianceStatus.MET


# Evidence ---------------------------------------------------------------------------------------


def test_a_company_records_its_own_evidence_but_not_anothers(world: World) -> None:
    before = world.record(LOA_KULU, 4)
    world.run(
        lambda session: cc.record_compliance_evidence(
            session=session,
            viewer=world.loa_kulu,
            company_id=world.company[LOA_KULU],
            point_id=world.points[4],
            evidence="Proposal via RBPK, lampiran sasaran P3KE",
            document_date=date(2023, 1, 10),
            expected_version=before.version if before else None,
            now=NOW,
        )
    )
    record = world.record(LOA_KULU, 4)
    assert record is not None
    assert record.evidence == "Proposal via RBPK, lampiran sasaran P3KE"
    assert record.document_date == date(2023, 1, 10)
    assert record.version == (before.version + 1 if before else 1)
    assert record.manual_status == (before.manual_status if before else None), "the status stays"
    [row] = world.audit("record_evidence")
    assert row.user_id == world.loa_kulu.user_id and json.loads(row.after)["evidence"] == record.evidence

    janggut_before = world.record(JANGGUT, 4)
    with pytest.raises(AccessDenied):
        world.run(
            lambda session: cc.record_compliance_evidence(
                session=session,
                viewer=world.loa_kulu,
                company_id=world.company[JANGGUT],
                point_id=world.points[4],
                evidence="bukan milik kami",
                document_date=None,
                expected_version=janggut_before.version if janggut_before else None,
                now=NOW,
            )
        )
    assert world.record(JANGGUT, 4) == janggut_before
    assert len(world.audit("refused")) == 1 and len(world.audit("record_evidence")) == 1


@pytest.mark.parametrize("who", ["kukar", "reader"])
def test_agencies_and_viewers_record_no_evidence(world: World, who: str) -> None:
    with pytest.raises(AccessDenied):
        world.run(
            lambda session: cc.record_compliance_evidence(
                session=session,
                viewer=getattr(world, who),
                company_id=world.company[LOA_KULU],
                point_id=world.points[1],
                evidence="x",
                document_date=None,
                expected_version=world.version(LOA_KULU, 1),
                now=NOW,
            )
        )
    assert len(world.audit("refused")) == 1 and not world.audit("record_evidence")


# Two writers on one record -----------------------------------------------------------------------


def evidence(world: World, company: str, number: int, text: str, seen: int | None, **more: Any) -> Any:
    viewer = world.loa_kulu if company == LOA_KULU else world.janggut
    return lambda session: cc.record_compliance_evidence(
        session=session,
        viewer=viewer,
        company_id=world.company[company],
        point_id=world.points[number],
        evidence=text,
        document_date=more.pop("document_date", date(2023, 1, 20)),
        expected_version=seen,
        now=NOW,
        **more,
    )


def test_the_second_of_two_evidence_saves_from_one_version_is_refused_and_the_first_text_stays(
    world: World,
) -> None:
    with read_session(world.engine) as session:
        opened = cc.snapshot(cc.record_for(session, world.company[LOA_KULU], world.points[4]))
    seen = world.version(LOA_KULU, 4)
    assert seen is not None
    world.run(evidence(world, LOA_KULU, 4, "Kesepakatan dengan Dinas Sosial, versi Ani", seen))

    with pytest.raises(cc.ComplianceChanged) as refused:
        world.run(evidence(world, LOA_KULU, 4, "Kesepakatan dengan DPMD, versi Budi", seen, opened=opened))

    record = world.record(LOA_KULU, 4)
    assert record is not None and record.evidence == "Kesepakatan dengan Dinas Sosial, versi Ani"
    assert record.version == seen + 1
    assert len(world.audit("record_evidence")) == 1, "the refusal wrote nothing"
    assert [(c.field, c.opened, c.saved, c.yours) for c in refused.value.changes] == [
        (
            "evidence",
            opened["evidence"],
            "Kesepakatan dengan Dinas Sosial, versi Ani",
            "Kesepakatan dengan DPMD, versi Budi",
        )
    ]
    assert refused.value.version == seen + 1 and refused.value.current["evidence"] == record.evidence
    assert translate(refused.value.key, "id", **refused.value.values).startswith("Tidak disimpan")

    # Having seen the other person's text, the second writer saves on top of it.
    world.run(evidence(world, LOA_KULU, 4, "Kesepakatan dengan Dinas Sosial dan DPMD", seen + 1))
    record = world.record(LOA_KULU, 4)
    assert record is not None and record.evidence == "Kesepakatan dengan Dinas Sosial dan DPMD"
    assert record.version == seen + 2


def test_evidence_for_a_point_someone_recorded_first_is_refused(world: World) -> None:
    number = next(n for n in world.points if world.record(JANGGUT, n) is None)
    world.run(evidence(world, JANGGUT, number, "Notulen rapat desa", None))
    with pytest.raises(cc.ComplianceChanged) as refused:
        world.run(evidence(world, JANGGUT, number, "Daftar hadir", None, opened=cc.snapshot(None)))
    record = world.record(JANGGUT, number)
    assert record is not None and record.evidence == "Notulen rapat desa" and record.version == 1
    assert [c.field for c in refused.value.changes] == ["evidence", "document_date"]


def test_saving_the_evidence_as_it_is_changes_nothing(world: World) -> None:
    before = world.record(LOA_KULU, 4)
    assert before is not None
    world.run(evidence(world, LOA_KULU, 4, f"  {before.evidence} ", before.version))
    assert world.record(LOA_KULU, 4) == before and not world.audit("record_evidence")


def test_a_verification_of_evidence_the_company_changed_since_is_refused_and_shows_the_new_evidence(
    world: World,
) -> None:
    with read_session(world.engine) as session:
        opened = cc.snapshot(cc.record_for(session, world.company[LOA_KULU], world.points[4]))
    seen = world.version(LOA_KULU, 4)
    assert seen is not None
    world.run(evidence(world, LOA_KULU, 4, "Kesepakatan dibatalkan; diganti surat baru", seen))

    def verify_seen(version: int) -> Any:
        return lambda session: cc.verify_compliance(
            session=session,
            viewer=world.kukar,
            company_id=world.company[LOA_KULU],
            point_id=world.points[4],
            status="met",
            note="Sesuai kesepakatan",
            expected_version=version,
            now=NOW,
            opened=opened,
        )

    with pytest.raises(cc.ComplianceChanged) as refused:
        world.run(verify_seen(seen))

    record = world.record(LOA_KULU, 4)
    assert record is not None and record.manual_status is None and record.verified_by_id is None
    assert not world.audit("verify_compliance")
    [change] = refused.value.changes
    assert (change.field, change.opened, change.saved, change.yours) == (
        "evidence",
        opened["evidence"],
        "Kesepakatan dibatalkan; diganti surat baru",
        None,  # the verification form does not hold the evidence
    )

    world.run(verify_seen(seen + 1))
    record = world.record(LOA_KULU, 4)
    assert record is not None and record.manual_status == "met" and record.version == seen + 2


def test_evidence_saved_after_a_verification_the_writer_did_not_see_is_refused(world: World) -> None:
    seen = world.version(LOA_KULU, 1)
    world.run(verify(world, world.kukar, status="partly_met"))
    with pytest.raises(cc.ComplianceChanged):
        world.run(evidence(world, LOA_KULU, 1, "Surat komitmen direksi yang baru", seen, document_date=None))
    record = world.record(LOA_KULU, 1)
    assert record is not None and record.evidence.startswith("Surat komitmen direksi 3 Oktober 2022")


# Frameworks and points --------------------------------------------------------------------------


def create(world: World, viewer: Viewer, name: str = "Rakor TJSL 2027", **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "regency_id": world.kukar_regency_id,
        "name": name,
        "plan_year": 2027,
        "issued_on": date(2026, 11, 1),
    } | overrides
    return world.run(lambda session: cc.create_framework(session=session, viewer=viewer, **values))


def point(world: World, viewer: Viewer, framework_id: int, number: int = 1, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "title": "Laporan program",
        "text": "Perusahaan melaporkan program 2027.",
        "deadline": None,
        "evidence_needed": "Laporan",
        "rule": "manual",
        "rule_min": None,
    } | overrides
    return world.run(
        lambda session: cc.add_point(
            session=session, viewer=viewer, framework_id=framework_id, number=number, **values
        )
    )


def test_admin_creates_a_framework_with_points_and_duplicates_are_refused(world: World) -> None:
    framework = create(world, world.admin, name="  Rakor   TJSL 2027 ")
    assert framework.name == "Rakor TJSL 2027" and framework.regency_id == world.kukar_regency_id
    first = point(world, world.admin, framework.id, 1)
    second = point(
        world,
        world.admin,
        framework.id,
        2,
        rule="min_poverty_programs",
        rule_min=2,
        title="Program kemiskinan",
    )
    assert (first.number, second.rule, second.rule_min) == (1, "min_poverty_programs", 2)
    with read_session(world.engine) as session:
        points = queries.framework_points(session=session, viewer=SYSTEM, framework_id=framework.id)
        listed = queries.frameworks(session=session, viewer=world.kukar)
    assert [p.number for p in points] == [1, 2]
    assert "Rakor TJSL 2027" in {f.name for f in listed}, "the regency's agency sees it"
    [created] = world.audit("create_framework")
    assert created.entity_id == framework.id and json.loads(created.after)["name"] == "Rakor TJSL 2027"
    assert len(world.audit("add_point")) == 2

    frameworks, framework_points = world.count(m.Framework), world.count(m.FrameworkPoint)
    with pytest.raises(cc.DuplicateFramework):
        create(world, world.admin, name="rakor tjsl 2027")
    with pytest.raises(cc.DuplicatePoint) as caught:
        point(world, world.admin, framework.id, 2)
    assert translate(caught.value.key, "en", **caught.value.values) == (
        "Framework 'Rakor TJSL 2027' already has a point number 2."
    )
    assert (world.count(m.Framework), world.count(m.FrameworkPoint)) == (frameworks, framework_points)
    # The same name in another regency is another framework.
    with read_session(world.engine) as session:
        balikpapan = session.exec(select(m.Regency).where(m.Regency.name == BPP)).one()
    assert create(world, world.admin, regency_id=balikpapan.id).regency_id == balikpapan.id


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"rule": "by_magic"}, cc.UnknownRule),
        ({"rule": "min_poverty_programs", "rule_min": None}, cc.RuleMinRequired),
        ({"rule": "min_poverty_programs", "rule_min": 0}, cc.RuleMinRequired),
        ({"rule": "manual", "rule_min": 1}, cc.RuleMinNotAllowed),
        ({"rule": "document_by_deadline", "deadline": None}, cc.DeadlineRequired),
        ({"title": "  "}, cc.TitleRequired),
        ({"text": ""}, cc.TextRequired),
    ],
)
def test_invalid_points_are_refused(
    world: World, overrides: dict[str, Any], error: type[DomainError]
) -> None:
    before = world.count(m.FrameworkPoint)
    with pytest.raises(error) as caught:
        point(world, world.admin, world.framework_id, 7, **overrides)
    assert caught.value.key in TEXTS
    assert world.count(m.FrameworkPoint) == before and not world.audit("add_point")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"name": " "}, cc.NameRequired),
        ({"name": "x" * 201}, cc.NameTooLong),
        ({"plan_year": 1999}, cc.InvalidPlanYear),
        ({"regency_id": 987654}, cc.UnknownRegency),
    ],
)
def test_invalid_frameworks_are_refused(
    world: World, overrides: dict[str, Any], error: type[DomainError]
) -> None:
    before = world.count(m.Framework)
    with pytest.raises(error) as caught:
        create(world, world.admin, **overrides)
    assert caught.value.key in TEXTS
    assert world.count(m.Framework) == before


@pytest.mark.parametrize("who", ["kukar", "loa_kulu", "reader"])
def test_only_admins_create_frameworks_and_points(world: World, who: str) -> None:
    viewer: Viewer = getattr(world, who)
    frameworks, points = world.count(m.Framework), world.count(m.FrameworkPoint)
    with pytest.raises(AccessDenied):
        create(world, viewer)
    with pytest.raises(AccessDenied):
        point(world, viewer, world.framework_id, 7)
    assert (world.count(m.Framework), world.count(m.FrameworkPoint)) == (frameworks, points)
    refused = world.audit("refused")
    assert [(r.entity, r.user_id) for r in refused] == [
        ("framework", viewer.user_id),
        ("framework_point", viewer.user_id),
    ]


def test_every_error_key_is_translated() -> None:
    errors = [v for v in vars(cc).values() if isinstance(v, type) and issubclass(v, DomainError)]
    assert errors and all(error.key in TEXTS for error in errors)


# The admin page ---------------------------------------------------------------------------------


@pytest.fixture
def clicks(monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTest resets Streamlit's pages flag every run, so ``ui.page_guard`` would swallow clicks."""
    from sinergi import ui

    monkeypatch.setattr(ui, "page_guard", lambda: None)


@pytest.fixture
def demo_url(migrated_sqlite_url: str, clicks: None) -> str:
    engine = engine_for(migrated_sqlite_url)
    load_demo(engine=engine)
    make_account(engine, username="admin", role="admin")
    return migrated_sqlite_url


def test_the_frameworks_tab_lists_and_creates_frameworks(
    monkeypatch: pytest.MonkeyPatch, demo_url: str
) -> None:
    app = open_page(monkeypatch, demo_url, "pages/admin.py")
    labels = [tab.label for tab in app.tabs]
    assert labels == ["Pengguna", "Ambang capaian", "Tautan berbagi", "Kerangka koordinasi", "Audit"]
    tab = app.tabs[3]
    assert any(FRAMEWORK_NAME in e.label for e in tab.expander)
    assert list(tab.dataframe[0].value["number"]) == [1, 2, 3, 4, 5, 6], "the demo framework's points"

    # A duplicate name: the message, and the form keeps what was typed.
    app.selectbox(key="admin-framework-regency").select_index(
        app.selectbox(key="admin-framework-regency").options.index(KUKAR)
    )
    app.text_input(key="admin-framework-name").input(FRAMEWORK_NAME)
    app.number_input(key="admin-framework-plan-year").set_value(2027)
    [button] = [b for b in app.button if b.label == "Buat kerangka"]
    button.click().run()
    assert_ran_clean(app)
    assert [e.value for e in app.error] == [f"{KUKAR} sudah memiliki kerangka bernama '{FRAMEWORK_NAME}'."]
    assert app.text_input(key="admin-framework-name").value == FRAMEWORK_NAME

    app.text_input(key="admin-framework-name").input("Rakor TJSL 2027")
    [button] = [b for b in app.button if b.label == "Buat kerangka"]
    button.click().run()
    assert_ran_clean(app)
    assert not app.error
    assert [s.value for s in app.success] == ["Kerangka 'Rakor TJSL 2027' dibuat."]
    assert any("Rakor TJSL 2027" in e.label for e in app.tabs[3].expander), "the list shows it"
    assert app.text_input(key="admin-framework-name").value == "", "the form starts empty again"
    with read_session(engine_for(demo_url)) as session:
        created = session.exec(select(m.Framework).where(m.Framework.name == "Rakor TJSL 2027")).one()
        regency = session.get(m.Regency, created.regency_id)
    assert created.plan_year == 2027 and regency is not None and regency.name == KUKAR
