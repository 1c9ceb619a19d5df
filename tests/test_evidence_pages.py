"""Evidence files on the pages, through AppTest: the company's uploader on /data (results and
compliance), the files with their download buttons in the agency's queue on /verify, on the program
page and beside the compliance verification; names shown as typed, never as Markdown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.core.db import engine_for, write_session
from sinergi.worlds.demo import LOA_KULU
from sinergi.writes import evidence
from tests.apptest import assert_ran_clean, open_page
from tests.conftest import DemoAccounts
from tests.factories import make_account
from tests.test_data_page import choose, compliance_form, demo_point, scalar
from tests.test_evidence import JPEG, PDF
from tests.test_verify_page import markdown, select

# A name a person might type, with what Markdown would read as a link and emphasis.
NAME = "Daftar hadir *FGD* [foto](http://x).pdf"


@pytest.fixture
def clicks(monkeypatch: pytest.MonkeyPatch) -> None:
    # See tests/test_admin.py: AppTest resets the legacy pages flag before every run.
    monkeypatch.setattr(ui, "page_guard", lambda: None)


def submitted_result(url: str) -> tuple[int, int]:
    """A submitted result of Loa Kulu's (in the queue of Kutai Kartanegara's agency) and its program."""
    row = scalar(
        url,
        "SELECT r.id || ':' || i.program_id FROM result r JOIN indicator i ON i.id = r.indicator_id "
        "JOIN program p ON p.id = i.program_id JOIN company c ON c.id = p.company_id "
        f"WHERE r.state = 'submitted' AND c.name = '{LOA_KULU}' ORDER BY r.id LIMIT 1",
    )
    result, program = str(row).split(":")
    return int(result), int(program)


def attach(url: str, viewer: Viewer, result_id: int, name: str = NAME, data: bytes = PDF) -> int:
    with write_session(engine_for(url)) as session:
        file = evidence.add_result_file(
            session=session, viewer=viewer, result_id=result_id, filename=name, data=data
        )
        return int(file.id or 0)


def downloads(app: AppTest) -> dict[str, str]:
    """The download buttons on the page by key, with their labels."""
    return {
        element.proto.id.rsplit("-", 1)[-1]: element.proto.label for element in app.get("download_button")
    }


def staff(url: str) -> Viewer:
    return make_account(engine_for(url), username="loakulu", role="company", company=LOA_KULU)


def test_the_agency_opens_the_files_of_a_result_in_its_queue(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, clicks: None
) -> None:
    result, _ = submitted_result(demo_copy_url)
    file_id = attach(demo_copy_url, staff(demo_copy_url), result)
    app = open_page(monkeypatch, demo_copy_url, "pages/verify.py", viewer=demo_accounts.kukar)
    waiting = app.dataframe[0].value
    select(app, int(waiting.index[waiting["result_id"] == result][0]))
    assert_ran_clean(app)
    shown = markdown(app)
    assert ui.plain(NAME) in shown and "Bukti dokumen" in shown
    assert "ditambahkan oleh Loakulu" in shown  # who, and when in the reader's language
    assert [b.proto.label for b in app.get("download_button")] == ["Unduh"]
    assert str(file_id) in downloads(app)


def test_the_program_page_lists_the_files_of_its_results_for_those_who_read_them(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts
) -> None:
    result, program = submitted_result(demo_copy_url)
    account = staff(demo_copy_url)
    attach(demo_copy_url, account, result)
    attach(demo_copy_url, account, result, "foto-kegiatan.jpg", JPEG)
    for viewer, lang in ((demo_accounts.kukar, None), (demo_accounts.reader, "en")):
        app = open_page(
            monkeypatch,
            demo_copy_url,
            "pages/program.py",
            viewer=viewer,
            lang=lang,
            params={"id": str(program), "tab": "Bukti"},
        )
        shown = markdown(app)
        assert ui.plain(NAME) in shown and "foto\\-kegiatan.jpg" not in shown and "foto-kegiatan.jpg" in shown
        assert len(app.get("download_button")) == 2
        assert ("added by" if lang == "en" else "ditambahkan oleh") in shown
    # Figures limited to verified ones: the files of a submitted result are not among them.
    verified = open_page(
        monkeypatch,
        demo_copy_url,
        "pages/program.py",
        viewer=demo_accounts.kukar,
        params={"id": str(program), "tab": "Bukti", "verified": "1"},
    )
    assert not verified.get("download_button")
    # Another company reads neither the program nor its files.
    other = open_page(
        monkeypatch,
        demo_copy_url,
        "pages/program.py",
        viewer=demo_accounts.kpi,
        params={"id": str(program), "tab": "Bukti"},
    )
    assert not other.get("download_button") and ui.plain(NAME) not in markdown(other)


def test_the_company_finds_the_uploader_under_its_results_and_removes_a_file(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, clicks: None
) -> None:
    account = staff(demo_copy_url)
    result, program = submitted_result(demo_copy_url)
    file_id = attach(demo_copy_url, account, result)
    app = open_page(monkeypatch, demo_copy_url, "pages/data.py", viewer=account)
    choose(app, "entry-task", "results")
    choose(app, "entry-program", program)
    choose(app, f"evidence-result-{program}", result)
    assert_ran_clean(app)
    [picker] = app.get("file_uploader")
    assert picker.proto.label == "Berkas bukti (PDF, JPEG, PNG)"
    assert list(picker.proto.type) == [".pdf", ".jpg", ".jpeg", ".png"]
    assert ui.plain(NAME) in markdown(app)
    [remove] = [b for b in app.button if b.key == f"evidence-result-{result}-remove-{file_id}"]
    remove.click().run()
    assert_ran_clean(app)
    assert scalar(demo_copy_url, f"SELECT count(*) FROM evidence_file WHERE id = {file_id}") == 0
    assert [s.value for s in app.success] == [f"Berkas “{ui.plain(NAME)}” dihapus."]
    assert "Belum ada berkas bukti." in [c.value for c in app.caption]


def test_compliance_files_an_agency_reads_and_a_company_adds(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, clicks: None
) -> None:
    account = staff(demo_copy_url)
    point = demo_point(demo_copy_url, 4)
    with write_session(engine_for(demo_copy_url)) as session:
        evidence.add_compliance_file(
            session=session,
            viewer=account,
            company_id=account.company_id or 0,
            point_id=point,
            filename="Kesepakatan <Dinsos>.pdf",
            data=PDF,
            now=datetime.now(UTC),
        )
    company = open_page(monkeypatch, demo_copy_url, "pages/data.py", viewer=account)
    compliance_form(company, point)
    assert_ran_clean(company)
    assert len(company.get("file_uploader")) == 1
    assert ui.plain("Kesepakatan <Dinsos>.pdf") in markdown(company)

    agency = open_page(monkeypatch, demo_copy_url, "pages/data.py", viewer=demo_accounts.kukar)
    compliance_form(agency, point, account.company_id)
    assert_ran_clean(agency)
    assert not agency.get("file_uploader")  # the agency verifies; it adds no company's files
    assert ui.plain("Kesepakatan <Dinsos>.pdf") in markdown(agency)
    assert [b.proto.label for b in agency.get("download_button")] == ["Unduh"]
    assert not [b for b in agency.button if "-remove-" in str(b.key)]


def test_a_verified_result_offers_its_company_no_uploader(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, clicks: None
) -> None:
    row = scalar(
        demo_copy_url,
        "SELECT r.id || ':' || i.program_id FROM result r JOIN indicator i ON i.id = r.indicator_id "
        "JOIN program p ON p.id = i.program_id JOIN company c ON c.id = p.company_id "
        f"WHERE r.state = 'verified' AND c.name = '{LOA_KULU}' ORDER BY r.id LIMIT 1",
    )
    result, program = (int(part) for part in str(row).split(":"))
    app = open_page(monkeypatch, demo_copy_url, "pages/data.py", viewer=staff(demo_copy_url))
    choose(app, "entry-task", "results")
    choose(app, "entry-program", program)
    choose(app, f"evidence-result-{program}", result)
    assert_ran_clean(app)
    assert not app.get("file_uploader")
    assert "Data capaian ini sudah diverifikasi dan terkunci." in [c.value for c in app.caption]
