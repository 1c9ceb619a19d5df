"""/data through AppTest: forms that save, refuse with messages next to the field and keep what was typed,
two people editing one record, and what each role is offered."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from sinergi import ui
from sinergi.core.db import engine_for
from sinergi.worlds.demo import LOA_KULU
from tests.apptest import assert_ran_clean, open_page
from tests.conftest import DemoAccounts
from tests.factories import make_account

PAGE = "pages/data.py"
TASKS = ["program", "indicator", "program_budget", "results", "evaluation", "follow_up_action",
         "meeting", "attendance", "feedback_item", "compliance"]  # fmt: skip


@pytest.fixture
def clicks(monkeypatch: pytest.MonkeyPatch) -> None:
    # See tests/test_admin.py: AppTest resets the legacy pages flag before every run.
    monkeypatch.setattr(ui, "page_guard", lambda: None)


def scalar(url: str, sql: str) -> object:
    with engine_for(url).connect() as connection:
        return connection.execute(text(sql)).scalar()


def choose(app: AppTest, key: str, value: object) -> None:
    """Pick an option by its value (AppTest's select() formats it in the test's language, not the page's)."""
    app.session_state[key] = value
    app.run()


def program_form(app: AppTest, program_id: int) -> str:
    """Choose the program task and a program (0: a new one); returns the form's key prefix."""
    choose(app, "entry-task", "program")
    company = app.session_state["viewer"].company_id
    state = f"entry-program-{company}"
    choose(app, f"{state}-pick", program_id)
    return state


def submit(app: AppTest, label: str = "Simpan") -> None:
    [button] = [b for b in app.button if b.label == label]
    button.click().run()


def test_company_user_adds_a_program_and_a_bad_form_keeps_what_was_typed(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, clicks: None
) -> None:
    app = open_page(monkeypatch, demo_copy_url, PAGE, viewer=demo_accounts.kpi)
    state = program_form(app, 0)
    before = scalar(demo_copy_url, "SELECT count(*) FROM program")

    app.text_area(key=f"{state}-description").input("Pelatihan daur ulang untuk ibu rumah tangga")
    app.text_input(key=f"{state}-families_planned").input("-5")
    submit(app)

    assert scalar(demo_copy_url, "SELECT count(*) FROM program") == before
    errors = [e.value for e in app.error]
    assert "Wajib diisi." in errors  # the empty name, next to its field
    assert "Tidak boleh kurang dari 0." in errors
    assert app.text_area(key=f"{state}-description").value == "Pelatihan daur ulang untuk ibu rumah tangga"
    assert app.text_input(key=f"{state}-families_planned").value == "-5"

    app.text_input(key=f"{state}-name").input("Bank Sampah Margasari 2")
    app.text_input(key=f"{state}-families_planned").input("30")
    app.selectbox(key=f"{state}-pillar").select("environment")
    app.date_input(key=f"{state}-start_date").set_value(date(2025, 7, 1))
    submit(app)

    assert not app.error, [e.value for e in app.error]
    assert [s.value for s in app.success] == ["Tersimpan."]
    assert (
        scalar(
            demo_copy_url,
            "SELECT count(*) FROM program WHERE name = 'Bank Sampah Margasari 2' AND pillar = 'environment' "
            "AND families_planned = 30 AND start_date = '2025-07-01'",
        )
        == 1
    )
    assert scalar(
        demo_copy_url, "SELECT count(*) FROM audit_log WHERE entity = 'program' AND action = 'create'"
    )


def test_second_of_two_people_saving_one_program_sees_what_changed(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, clicks: None
) -> None:
    program_id = int(
        str(
            scalar(
                demo_copy_url,
                f"SELECT min(id) FROM program WHERE company_id = {demo_accounts.kpi.company_id}",
            )
        )
    )
    first = open_page(monkeypatch, demo_copy_url, PAGE, viewer=demo_accounts.kpi)
    second = open_page(monkeypatch, demo_copy_url, PAGE, viewer=demo_accounts.kpi, lang="en")
    state = program_form(first, program_id)
    program_form(second, program_id)
    was = int(first.text_input(key=f"{state}-families_reached").value or 0)

    first.text_input(key=f"{state}-families_reached").input(str(was + 10))
    submit(first)
    assert [s.value for s in first.success] == ["Tersimpan."]

    second.text_input(key=f"{state}-families_reached").input(str(was + 99))
    submit(second, "Save")

    assert scalar(demo_copy_url, f"SELECT families_reached FROM program WHERE id = {program_id}") == was + 10
    assert second.warning[0].value.startswith("Not saved: someone else saved this record after you opened it")
    shown = second.dataframe[0].value
    assert shown.to_dict("records") == [
        {
            "Field": "Families reached",
            "When you opened it": str(was),
            "Saved by someone else": str(was + 10),
            "Your entry": str(was + 99),
        }
    ]
    # What the second person typed is still in the form until they load the latest data.
    assert second.text_input(key=f"{state}-families_reached").value == str(was + 99)
    second.button(key=f"{state}-reload").click().run()
    assert second.text_input(key=f"{state}-families_reached").value == str(was + 10)
    assert not second.warning


@pytest.mark.parametrize(
    ("who", "tasks"),
    [
        ("reader", []),
        ("kukar", ["verify", "meeting", "attendance", "feedback_item", "compliance"]),
        ("kpi", TASKS),
    ],
)  # fmt: skip
def test_each_role_is_offered_what_it_may_fill_in(
    monkeypatch: pytest.MonkeyPatch,
    demo_sqlite_url: str,
    demo_accounts: DemoAccounts,
    who: str,
    tasks: list[str],
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, PAGE, viewer=getattr(demo_accounts, who))
    if not tasks:
        assert app.info[0].value.startswith("Akun Anda hanya dapat membaca")
        assert not app.selectbox and not app.text_input
        assert [b.key for b in app.button] == ["logout"]
    else:
        assert app.selectbox(key="entry-task").options == [ui.t(f"entry.task.{task}") for task in tasks]


def test_results_grid_shows_open_and_locked_rows(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, PAGE, viewer=demo_accounts.kpi)
    choose(app, "entry-task", "results")
    assert_ran_clean(app)
    program = app.selectbox(key="entry-program")
    assert program.value is not None
    periods = app.multiselect(key=f"grid-periods-{program.value}")
    assert len(periods.value) == 1
    assert periods.proto.placeholder == "Pilih…"  # not Streamlit's English "Choose options"
    indicators = int(
        str(scalar(demo_sqlite_url, f"SELECT count(*) FROM indicator WHERE program_id = {program.value}"))
    )
    shown = sum(len(frame.value) for frame in app.dataframe)
    assert shown == indicators
    locked = scalar(
        demo_sqlite_url,
        "SELECT count(*) FROM result r JOIN indicator i ON i.id = r.indicator_id "
        f"WHERE i.program_id = {program.value} AND r.period_id = {periods.value[0]} AND r.state = 'verified'",
    )
    assert len(app.dataframe) == (2 if locked and locked != indicators else 1)
    if locked != indicators:
        assert [b.label for b in app.button if b.key != "logout"] == [
            "Simpan",
            "Ajukan untuk verifikasi",
            "Muat ulang tabel",
        ]


def test_agency_unlocks_a_verified_result_and_finds_its_queue_linked(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, clicks: None
) -> None:
    app = open_page(monkeypatch, demo_copy_url, PAGE, viewer=demo_accounts.kukar)
    choose(app, "entry-task", "verify")
    # Submitted results are verified on /verify (tests/test_verify_page.py).
    assert [link.proto.label for link in app.get("page_link")] == ["Buka antrean verifikasi"]
    app.selectbox(key="unlock-result").select_index(0)
    app.text_input(key="unlock-reason").input("Angka realisasi salah ketik")
    [unlock] = [b for b in app.button if b.label == "Buka kunci"]
    unlock.click().run()
    assert [s.value for s in app.success] == [
        "Kunci dibuka; realisasi perlu diverifikasi lagi. Tercatat di log audit."
    ]
    assert scalar(demo_copy_url, "SELECT count(*) FROM audit_log WHERE action = 'unlock'") == 1


def test_tabs_follow_the_url_and_only_the_chosen_one_runs(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, PAGE, viewer=demo_accounts.kpi, params={"tab": "Ekspor"})
    assert [tab.label for tab in app.tabs] == ["Isi data", "Impor", "Ekspor", "Laporan semester"]
    assert [s.value for s in app.subheader] == ["Ekspor"]  # the export only
    assert any(widget.key.startswith("filter-") for widget in app.selectbox if widget.key), "and its filters"
    assert "entry-task" not in [widget.key for widget in app.selectbox]
    reader = open_page(
        monkeypatch, demo_sqlite_url, PAGE, viewer=demo_accounts.reader, params={"tab": "Impor"}
    )
    assert [s.value for s in reader.subheader] == ["Impor dari Excel atau CSV"]
    assert reader.info[0].value == ui.t("transfer.not_allowed")


def test_a_tab_in_the_address_wins_over_the_report_a_program_link_opens(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    app = open_page(
        monkeypatch, demo_sqlite_url, PAGE, viewer=demo_accounts.kpi, params={"program": "1", "tab": "Ekspor"}
    )
    assert [s.value for s in app.subheader] == ["Ekspor"], "the export only, not the report"


def test_a_program_page_links_to_its_semester_report(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    program_id = int(str(scalar(demo_sqlite_url, "SELECT id FROM program WHERE name LIKE 'Mariojela%'")))
    page = open_page(
        monkeypatch,
        demo_sqlite_url,
        "pages/program.py",
        viewer=demo_accounts.kpi,
        params={"id": str(program_id), "tab": "Masukan"},
    )
    [link] = [link for link in page.get("page_link") if link.proto.label == "Laporan evaluasi semester"]
    assert parse_qs(link.proto.query_string) == {"program": [str(program_id)]}

    # Followed in the same session, where the program page's own tab is still remembered.
    page.query_params.clear()
    page.query_params["program"] = str(program_id)
    report = page.switch_page(PAGE).run()
    assert not report.exception
    assert report.radio(key="report-scope").value == "program"
    assert report.selectbox(key=f"report-program-{demo_accounts.kpi.company_id}").value == program_id


def compliance_form(app: AppTest, point: int, company: int | None = None) -> str:
    """Choose the compliance task, a point and (agency, admin) a company; returns the forms' key prefix."""
    choose(app, "entry-task", "compliance")
    choose(app, "compliance-point", point)
    if company is None:
        company = app.session_state["viewer"].company_id
    else:
        choose(app, "compliance-company", company)
    return f"compliance-{company}-{point}"


def demo_point(url: str, number: int) -> int:
    return int(
        str(scalar(url, f"SELECT id FROM framework_point WHERE number = {number} ORDER BY id LIMIT 1"))
    )


def test_second_of_two_people_saving_one_compliance_evidence_sees_what_changed(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, clicks: None
) -> None:
    staff = make_account(engine_for(demo_copy_url), username="loakulu", role="company", company=LOA_KULU)
    point = demo_point(demo_copy_url, 4)
    first = open_page(monkeypatch, demo_copy_url, PAGE, viewer=staff)
    second = open_page(monkeypatch, demo_copy_url, PAGE, viewer=staff, lang="en")
    state = compliance_form(first, point)
    compliance_form(second, point)
    was = str(first.text_area(key=f"{state}-evidence").value)
    assert was.startswith("Kesepakatan dengan Dinas Sosial")

    first.text_area(key=f"{state}-evidence").input("Kesepakatan diperbarui 3 Februari 2023")
    submit(first)
    assert [s.value for s in first.success] == ["Tersimpan."]

    second.text_area(key=f"{state}-evidence").input("Agreement signed again")
    submit(second, "Save")

    where = f"company_id = {staff.company_id} AND point_id = {point}"
    assert scalar(demo_copy_url, f"SELECT evidence FROM compliance_record WHERE {where}") == (
        "Kesepakatan diperbarui 3 Februari 2023"
    )
    assert not second.success
    assert second.warning[0].value.startswith("Not saved: someone else saved this record after you opened it")
    assert second.dataframe[0].value.to_dict("records") == [
        {
            "Field": "Evidence",
            "When you opened it": was,
            "Saved by someone else": "Kesepakatan diperbarui 3 Februari 2023",
            "Your entry": "Agreement signed again",
        }
    ]
    assert second.text_area(key=f"{state}-evidence").value == "Agreement signed again", "kept as typed"
    second.button(key=f"{state}-reload").click().run()
    assert second.text_area(key=f"{state}-evidence").value == "Kesepakatan diperbarui 3 Februari 2023"
    assert not second.warning
    second.text_area(key=f"{state}-evidence").input("Kesepakatan diperbarui; salinan terlampir")
    submit(second, "Save")
    assert [s.value for s in second.success] == ["Saved."]
    assert scalar(demo_copy_url, f"SELECT evidence FROM compliance_record WHERE {where}") == (
        "Kesepakatan diperbarui; salinan terlampir"
    )


def test_an_agency_verifying_evidence_the_company_changed_meanwhile_sees_the_new_evidence(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, clicks: None
) -> None:
    engine = engine_for(demo_copy_url)
    staff = make_account(engine, username="loakulu", role="company", company=LOA_KULU)
    assert staff.company_id is not None
    point = demo_point(demo_copy_url, 4)
    agency = open_page(monkeypatch, demo_copy_url, PAGE, viewer=demo_accounts.kukar)
    state = compliance_form(agency, point, staff.company_id)
    was = str(scalar(demo_copy_url, f"SELECT evidence FROM compliance_record WHERE point_id = {point} "
                                    f"AND company_id = {staff.company_id}"))  # fmt: skip
    # The evidence is shown as typed: its Markdown characters are escaped, not rendered.
    assert any(ui.plain(was) in caption.value for caption in agency.caption)

    company = open_page(monkeypatch, demo_copy_url, PAGE, viewer=staff)
    compliance_form(company, point)
    company.text_area(key=f"{state}-evidence").input("Kesepakatan dibatalkan")
    submit(company)
    assert [s.value for s in company.success] == ["Tersimpan."]

    agency.selectbox(key=f"{state}-status").set_value("met")
    agency.text_area(key=f"{state}-note").input("Sesuai kesepakatan")
    submit(agency, "Simpan verifikasi")

    where = f"company_id = {staff.company_id} AND point_id = {point}"
    assert scalar(demo_copy_url, f"SELECT manual_status FROM compliance_record WHERE {where}") is None
    assert agency.warning[0].value.startswith("Tidak disimpan: orang lain menyimpan data ini")
    assert agency.dataframe[0].value.to_dict("records") == [
        {
            "Isian": "Bukti",
            "Saat Anda buka": was,
            "Disimpan orang lain": "Kesepakatan dibatalkan",
            "Isian Anda": "–",
        }
    ]
    assert agency.text_area(key=f"{state}-note").value == "Sesuai kesepakatan"
    agency.button(key=f"{state}-reload").click().run()
    assert any("Kesepakatan dibatalkan" in caption.value for caption in agency.caption)
