"""Evidence files on results and compliance records, on both databases: who may add and remove them,
what is refused (by content, by size), and who sees them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

import models as m
from sinergi.core.access import AccessDenied, Viewer
from sinergi.core.backup import backup, restore
from sinergi.core.db import engine_for, read_session, write_session
from sinergi.core.errors import ResultChanged, ResultLocked
from sinergi.i18n.texts import translate
from sinergi.reads import compliance as compliance_reads
from sinergi.reads import evidence as evidence_reads
from sinergi.reads.filters import Filters
from sinergi.transfer import exporting
from sinergi.writes import evidence
from sinergi.writes.results import verify_result
from tests.factories import (
    make_account,
    make_company,
    make_indicators,
    make_periods,
    make_program,
    make_village,
)
from tests.test_backup import empty_database

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
KUKAR, KUTIM = "Kabupaten Kutai Kartanegara", "Kabupaten Kutai Timur"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20) + b"\xff\xd9"


class World:
    """Two companies; Loa Kulu's program works in Kutai Kartanegara and has a result in each state; a
    coordination point of Kutai Kartanegara; an account of every kind."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        kukar, village = make_village(engine, regency=KUKAR)
        make_village(engine, regency=KUTIM, name="Desa Lain")
        self.company = make_company(engine, name="PT Loa Kulu")
        other = make_company(engine, name="PT Lain")
        self.program = make_program(engine, company_id=self.company, village_ids=(village,))
        indicators = make_indicators(engine, program_id=self.program, count=3)
        periods = make_periods(engine, first_year=2024, count=1)
        with write_session(engine) as session:
            results = [
                m.Result(indicator_id=indicator, period_id=periods[0], target=10, actual=8, state=state)
                for indicator, state in zip(indicators, ("draft", "submitted", "verified"), strict=True)
            ]
            session.add_all(results)
            framework = m.Framework(
                regency_id=kukar, name="Rakor TJSP", plan_year=2024, issued_on=date(2023, 9, 9)
            )
            session.add(framework)
            session.flush()
            point = m.FrameworkPoint(
                framework_id=framework.id or 0, number=5, title="Program", text="Satu program"
            )
            session.add(point)
            session.add(m.CompanyRegency(company_id=self.company, regency_id=kukar))
            session.add(m.CompanyRegency(company_id=other, regency_id=kukar))
            session.flush()
            self.draft, self.submitted, self.verified = (r.id or 0 for r in results)
            self.point = point.id or 0
            self.framework = framework.id or 0
        self.admin = make_account(engine, username="admin", role="admin")
        self.staff = make_account(engine, username="staf.loakulu", role="company", company="PT Loa Kulu")
        self.other_company = make_account(engine, username="staf.lain", role="company", company="PT Lain")
        self.agency = make_account(engine, username="bappeda.kukar", role="agency", regency=KUKAR)
        self.far_agency = make_account(engine, username="bappeda.kutim", role="agency", regency=KUTIM)
        self.reader = make_account(engine, username="pembaca", role="viewer")

    def run(self, command: Callable[[Session], Any]) -> Any:
        with write_session(self.engine) as session:
            return command(session)

    def add(self, viewer: Viewer, result_id: int, name: str = "foto.pdf", data: bytes = PDF) -> int:
        file = self.run(
            lambda s: evidence.add_result_file(
                session=s, viewer=viewer, result_id=result_id, filename=name, data=data
            )
        )
        assert file.id is not None
        return int(file.id)

    def add_compliance(self, viewer: Viewer, name: str = "berita-acara.pdf", data: bytes = PDF) -> int:
        file = self.run(
            lambda s: evidence.add_compliance_file(
                session=s,
                viewer=viewer,
                company_id=self.company,
                point_id=self.point,
                filename=name,
                data=data,
                now=NOW,
            )
        )
        return int(file.id)

    def files(self) -> int:
        with read_session(self.engine) as session:
            return int(session.exec(select(func.count()).select_from(m.EvidenceFile)).one())

    def listed(self, viewer: Viewer, **arguments: Any) -> list[str]:
        with read_session(self.engine) as session:
            return [
                entry.filename
                for entry in evidence_reads.program_files(
                    session=session, viewer=viewer, program_id=self.program, **arguments
                )
            ]

    def compliance_listed(self, viewer: Viewer) -> list[str]:
        with read_session(self.engine) as session:
            return [
                entry.filename
                for entry in evidence_reads.compliance_files(
                    session=session, viewer=viewer, company_id=self.company, point_id=self.point
                )
            ]

    def content(self, viewer: Viewer, file_id: int) -> evidence_reads.EvidenceContent | None:
        with read_session(self.engine) as session:
            return evidence_reads.file_content(session=session, viewer=viewer, file_id=file_id)

    def audit(self, action: str) -> list[m.AuditLog]:
        with read_session(self.engine) as session:
            return list(session.exec(select(m.AuditLog).where(m.AuditLog.action == action)))


@pytest.fixture
def world(engine: Engine) -> World:
    return World(engine)


def test_a_company_adds_a_file_to_its_result_and_everyone_who_reads_the_result_can_open_it(
    world: World,
) -> None:
    file_id = world.add(world.staff, world.draft, "Foto *kegiatan* <b>.pdf")
    with read_session(world.engine) as session:
        [entry] = evidence_reads.result_files(session=session, viewer=world.agency, result_ids=(world.draft,))
    assert entry.filename == "Foto *kegiatan* <b>.pdf"  # kept as typed; the page shows it as text
    assert entry.content_type == "application/pdf" and entry.size == len(PDF)
    assert entry.added_by == "Staf.Loakulu" and entry.about == "Indikator 0 · 2024-S1"
    for viewer in (world.staff, world.agency, world.admin, world.reader):
        content = world.content(viewer, file_id)
        assert content is not None and content.data == PDF and content.content_type == "application/pdf"
    [row] = world.audit("add_evidence_file")
    assert (
        row.entity == "evidence_file"
        and row.entity_id == file_id
        and hashlib.sha256(PDF).hexdigest() in row.after
    )


def test_the_type_is_what_the_content_is_whatever_the_name_says(world: World) -> None:
    png_named_pdf = world.add(world.staff, world.draft, "scan.pdf", PNG)
    assert world.content(world.staff, png_named_pdf).content_type == "image/png"  # type: ignore[union-attr]
    jpeg = world.add(world.staff, world.draft, "foto.jpg", JPEG)
    assert world.content(world.staff, jpeg).content_type == "image/jpeg"  # type: ignore[union-attr]
    refused = [
        ("laporan.pdf", b"Laporan kegiatan semester 1, bukan PDF"),
        ("gambar.png", b"<html><script>alert(1)</script></html>"),
        ("dokumen.pdf", b"PK\x03\x04" + bytes(30)),  # a Word file or any zip renamed
    ]
    for name, data in refused:
        with pytest.raises(evidence.EvidenceWrongType) as caught:
            world.add(world.staff, world.draft, name, data)
        message = translate(caught.value.key, "id", **caught.value.values)
        assert name in message and "PDF" in message
        assert name in translate(caught.value.key, "en", **caught.value.values)
    assert world.files() == 2


def test_an_empty_file_and_one_over_the_limit_are_refused_with_their_name(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(evidence.EvidenceEmpty) as empty:
        world.add(world.staff, world.draft, "kosong.pdf", b"")
    assert "kosong.pdf" in translate(empty.value.key, "id", **empty.value.values)
    monkeypatch.setenv("SINERGI_EVIDENCE_MAX_MB", "1")
    just_fits = PDF + bytes(1024 * 1024 - len(PDF))
    world.add(world.staff, world.draft, "pas.pdf", just_fits)
    with pytest.raises(evidence.EvidenceTooLarge) as large:
        world.add(world.staff, world.draft, "besar.pdf", just_fits + b"x")
    for language in ("id", "en"):
        message = translate(large.value.key, language, **large.value.values)
        assert "besar.pdf" in message and "1 MB" in message
    assert world.files() == 1


@pytest.mark.parametrize("who", ["other_company", "agency", "far_agency", "reader"])
def test_who_may_not_edit_the_result_may_not_add_or_remove_its_files(world: World, who: str) -> None:
    kept = world.add(world.staff, world.draft)
    viewer: Viewer = getattr(world, who)
    with pytest.raises(AccessDenied):
        world.add(viewer, world.draft, "sisipan.pdf")
    with pytest.raises(AccessDenied):
        world.run(lambda s: evidence.remove_file(session=s, viewer=viewer, file_id=kept, now=NOW))
    with pytest.raises(AccessDenied):
        world.add_compliance(viewer)
    assert world.files() == 1
    assert [row.entity for row in world.audit("refused")] == ["result", "result", "framework_point"]


def test_a_verified_result_takes_files_from_an_admin_only(world: World) -> None:
    with pytest.raises(ResultLocked):
        world.add(world.staff, world.verified)
    by_admin = world.add(world.admin, world.verified, "sk-verifikasi.pdf")
    with pytest.raises(ResultLocked):
        world.run(lambda s: evidence.remove_file(session=s, viewer=world.staff, file_id=by_admin, now=NOW))
    assert world.listed(world.staff) == ["sk-verifikasi.pdf"]


def test_a_file_added_to_a_submitted_result_makes_the_verifier_look_again(world: World) -> None:
    with read_session(world.engine) as session:
        shown = session.get(m.Result, world.submitted)
        assert shown is not None
        seen = shown.version
    world.add(world.staff, world.submitted, "foto-tambahan.png", PNG)
    with pytest.raises(ResultChanged):
        world.run(
            lambda s: verify_result(session=s, viewer=world.agency, result_id=world.submitted, version=seen)
        )
    world.run(
        lambda s: verify_result(session=s, viewer=world.agency, result_id=world.submitted, version=seen + 1)
    )


def test_removing_a_file_takes_it_away_and_is_audited(world: World) -> None:
    file_id = world.add(world.staff, world.draft)
    world.run(lambda s: evidence.remove_file(session=s, viewer=world.staff, file_id=file_id, now=NOW))
    assert world.files() == 0 and world.content(world.staff, file_id) is None
    [row] = world.audit("remove_evidence_file")
    assert row.entity_id == file_id and "foto.pdf" in row.before


def test_files_are_seen_only_where_their_result_is(world: World) -> None:
    draft = world.add(world.staff, world.draft, "draf.pdf")
    world.add(world.admin, world.verified, "terverifikasi.pdf")
    assert world.listed(world.agency) == ["draf.pdf", "terverifikasi.pdf"]
    assert world.listed(world.agency, verified_only=True) == ["terverifikasi.pdf"]
    assert world.listed(world.far_agency) == [] and world.listed(world.other_company) == []
    for outsider in (world.far_agency, world.other_company):
        with pytest.raises(AccessDenied):
            world.content(outsider, draft)
    shared = Viewer(user_id=None, username="share:1", role=m.Role.COMPANY, company_id=world.company,
                    shared_link_id=1, verified_only=True)  # fmt: skip
    assert world.listed(shared) == ["terverifikasi.pdf"]
    with pytest.raises(AccessDenied):
        world.content(shared, draft)
    assert world.content(world.staff, 999_999) is None  # missing is not forbidden


def test_a_compliance_record_takes_files_from_its_company_and_shows_them_to_its_agency(world: World) -> None:
    first = world.add_compliance(world.staff, "berita-acara.pdf")
    world.add_compliance(world.admin, "foto-rapat.jpg", JPEG)
    with read_session(world.engine) as session:
        record = session.exec(select(m.ComplianceRecord)).one()
    assert (
        record.company_id == world.company and record.version == 2
    )  # made by the first, raised by the second
    assert world.compliance_listed(world.agency) == ["berita-acara.pdf", "foto-rapat.jpg"]
    assert (
        world.compliance_listed(world.far_agency) == [] and world.compliance_listed(world.other_company) == []
    )
    with pytest.raises(AccessDenied):
        world.content(world.far_agency, first)
    with pytest.raises(evidence.EvidenceWrongType):
        world.add_compliance(world.staff, "surat.pdf", b"bukan pdf")
    world.run(lambda s: evidence.remove_file(session=s, viewer=world.staff, file_id=first, now=NOW))
    assert world.compliance_listed(world.staff) == ["foto-rapat.jpg"]


def test_the_export_counts_each_results_files_without_their_bytes(world: World) -> None:
    world.add(world.staff, world.draft, "satu.pdf")
    world.add(world.staff, world.draft, "dua.png", PNG)
    world.add(world.staff, world.submitted, "tiga.jpg", JPEG)
    with read_session(world.engine) as session:
        sheets = exporting.export_sheets(session=session, viewer=world.staff, filters=Filters(), lang="id")
        template = exporting.template_sheets(viewer=world.staff, lang="id")
    results = sheets["Capaian"]
    assert dict(zip(results["Indikator"], results["Jumlah berkas bukti"], strict=True)) == {
        "Indikator 0": 2,
        "Indikator 1": 1,
        "Indikator 2": 0,
    }
    assert "Jumlah berkas bukti" not in template["Capaian"].columns  # nothing the import would read


def test_the_compliance_matrix_data_counts_each_records_files(world: World) -> None:
    world.add_compliance(world.staff, "berita-acara.pdf")
    world.add_compliance(world.staff, "foto.png", PNG)
    with read_session(world.engine) as session:
        matrix = compliance_reads.compliance_matrix_frame(
            session=session, viewer=world.agency, framework_id=world.framework, today=NOW.date()
        )
    counts = dict(zip(matrix["company"], matrix["evidence_files"], strict=True))
    assert counts == {"PT Loa Kulu": 2, "PT Lain": 0}


@pytest.fixture
def target_url(request: pytest.FixtureRequest, tmp_path: Path, db_url: str) -> Iterator[str]:
    """An empty database of the kind under test, to restore into."""
    url = empty_database(request, tmp_path, db_url)
    yield url
    engine_for(url).dispose()


def test_a_backup_brings_every_file_back_byte_for_byte(
    world: World, db_url: str, target_url: str, tmp_path: Path
) -> None:
    big = PDF + bytes(range(256)) * 4096  # a megabyte of every byte value
    world.add(world.staff, world.draft, "laporan.pdf", big)
    world.add_compliance(world.staff, "foto.png", PNG)
    backup(url=db_url, path=tmp_path / "sinergi.backup")
    restore(url=target_url, path=tmp_path / "sinergi.backup")
    with read_session(engine_for(target_url)) as session:
        files = {f.filename: f for f in session.exec(select(m.EvidenceFile))}
    assert files["laporan.pdf"].data == big and files["foto.png"].data == PNG
    assert files["laporan.pdf"].sha256 == hashlib.sha256(big).hexdigest()
