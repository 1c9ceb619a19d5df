"""/verify through AppTest: the agency verifies a result and sends another back with a note; the company
sees the note on /verify and beside the result in the grid of /data, where changing a submitted result
asks first and withdraws the submission."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from sinergi import ui
from sinergi.core.db import engine_for
from sinergi.worlds.demo import LOA_KULU
from tests.apptest import assert_ran_clean, open_page
from tests.conftest import DemoAccounts
from tests.factories import make_account
from tests.test_data_page import choose, scalar

PAGE = "pages/verify.py"
NOTE = "Bukti foto kegiatan belum dilampirkan; lampirkan *daftar hadir* [di sini](http://x)."


@pytest.fixture
def clicks(monkeypatch: pytest.MonkeyPatch) -> None:
    # See tests/test_admin.py: AppTest resets the legacy pages flag before every run.
    monkeypatch.setattr(ui, "page_guard", lambda: None)


def queue_key(app: AppTest) -> str:
    """The key of the queue's table (it changes with the rows it shows)."""
    return str(app.dataframe[0].proto.id).split("-", 2)[2]


def select(app: AppTest, *rows: int) -> None:
    app.session_state[queue_key(app)] = {"selection": {"rows": list(rows), "columns": []}}
    app.run()


def click(app: AppTest, label: str) -> None:
    [button] = [b for b in app.button if b.label == label]
    button.click().run()


def markdown(app: AppTest) -> str:
    return "\n".join(str(element.value) for element in app.markdown)


def test_the_agency_verifies_one_result_and_sends_another_back_with_a_note(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, clicks: None
) -> None:
    app = open_page(monkeypatch, demo_copy_url, PAGE, viewer=demo_accounts.kukar)
    queue = app.dataframe[0]
    columns = json.loads(queue.proto.columns)
    assert [columns[name]["label"] for name in ("company", "indicator", "period", "actual", "target",
                                                "achievement", "previous")] == [
        "Perusahaan", "Indikator", "Periode", "Realisasi", "Target", "Capaian", "Periode lalu"
    ]  # fmt: skip
    waiting = queue.value
    assert len(waiting) == scalar(
        demo_copy_url,
        "SELECT count(*) FROM result r JOIN indicator i ON i.id = r.indicator_id "
        "JOIN program_village pv ON pv.program_id = i.program_id JOIN village v ON v.id = pv.village_id "
        "JOIN district d ON d.id = v.district_id WHERE r.state = 'submitted' "
        f"AND d.regency_id = {demo_accounts.kukar.regency_id}",
    )
    # Nothing selected: nothing to act on yet.
    assert not [b for b in app.button if b.key in ("verify-selected", "verify-send-back")]

    verified_row = int(waiting.index[waiting["company"] != LOA_KULU][0])
    verified = int(waiting.loc[verified_row, "result_id"])
    select(app, verified_row)
    # The selected result in full, its evidence shown as typed.
    evidence = str(waiting.loc[verified_row, "evidence"])
    assert ui.plain(evidence) in markdown(app)
    click(app, "Verifikasi yang dipilih (1)")
    assert_ran_clean(app)
    assert [s.value for s in app.success] == ["1 realisasi diverifikasi."]
    assert scalar(demo_copy_url, f"SELECT state FROM result WHERE id = {verified}") == "verified"

    waiting = app.dataframe[0].value
    returned_row = int(waiting.index[waiting["company"] == LOA_KULU][0])
    returned = int(waiting.loc[returned_row, "result_id"])
    select(app, returned_row)
    click(app, "Kembalikan dengan catatan")
    assert [e.value for e in app.error] == ["Tuliskan catatan untuk perusahaan: apa yang perlu diperbaiki."]
    assert scalar(demo_copy_url, f"SELECT state FROM result WHERE id = {returned}") == "submitted"
    select(app, returned_row)
    app.text_area(key="verify-note").input(NOTE)
    click(app, "Kembalikan dengan catatan")
    assert_ran_clean(app)
    assert [s.value for s in app.success] == ["1 realisasi dikembalikan ke perusahaan dengan catatan."]
    assert scalar(demo_copy_url, f"SELECT state FROM result WHERE id = {returned}") == "returned"
    assert scalar(demo_copy_url, f"SELECT return_note FROM result WHERE id = {returned}") == NOTE
    assert returned not in set(app.dataframe[0].value["result_id"])
    # What the agency sent back is listed under the queue, the note as typed (never a link).
    assert list(app.dataframe[1].value["return_note"]) == [NOTE]
    assert ui.plain(NOTE) in markdown(app)


def test_the_company_sees_the_note_on_verify_and_beside_the_result_in_its_grid(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, clicks: None
) -> None:
    engine = engine_for(demo_copy_url)
    agency = open_page(monkeypatch, demo_copy_url, PAGE, viewer=demo_accounts.kukar)
    waiting = agency.dataframe[0].value
    row = int(waiting.index[waiting["company"] == LOA_KULU][0])
    result = int(waiting.loc[row, "result_id"])
    select(agency, row)
    agency.text_area(key="verify-note").input(NOTE)
    click(agency, "Kembalikan dengan catatan")

    staff = make_account(engine, username="loakulu", role="company", company=LOA_KULU)
    company = open_page(monkeypatch, demo_copy_url, PAGE, viewer=staff)
    assert company.warning[0].value.startswith("Verifikator mengembalikan 1 realisasi dengan catatan.")
    [returned] = [frame.value for frame in company.dataframe]
    assert returned[["indicator", "return_note"]].to_dict("records") == [
        {"indicator": waiting.loc[row, "indicator"], "return_note": NOTE}
    ]
    assert ui.plain(NOTE) in markdown(company)

    # In the grid of /data, the note stands beside the result until it is submitted again.
    data = open_page(monkeypatch, demo_copy_url, "pages/data.py", viewer=staff)
    choose(data, "entry-task", "results")
    program = scalar(
        demo_copy_url,
        f"SELECT i.program_id FROM result r JOIN indicator i ON i.id = r.indicator_id WHERE r.id = {result}",
    )
    period = scalar(demo_copy_url, f"SELECT period_id FROM result WHERE id = {result}")
    choose(data, "entry-program", program)
    choose(data, f"grid-periods-{program}", [period])
    assert_ran_clean(data)
    grid = data.data_editor[0].value
    assert list(grid.loc[grid["indicator"] == waiting.loc[row, "indicator"], "Catatan verifikator"]) == [NOTE]
    assert data.warning[0].value.startswith("Verifikator mengembalikan 1 realisasi dengan catatan.")
    assert ui.plain(NOTE) in markdown(data)


def test_changing_a_submitted_result_asks_first_and_withdraws_the_submission(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, clicks: None
) -> None:
    engine = engine_for(demo_copy_url)
    staff = make_account(engine, username="loakulu", role="company", company=LOA_KULU)
    result, program, period, actual = engine.connect().exec_driver_sql(
        "SELECT r.id, i.program_id, r.period_id, r.actual FROM result r "
        "JOIN indicator i ON i.id = r.indicator_id JOIN program p ON p.id = i.program_id "
        "JOIN company c ON c.id = p.company_id "
        f"WHERE c.name = '{LOA_KULU}' AND r.state = 'submitted' ORDER BY r.id"
    ).first() or (None, None, None, None)
    assert result is not None
    data = open_page(monkeypatch, demo_copy_url, "pages/data.py", viewer=staff)
    choose(data, "entry-task", "results")
    choose(data, "entry-program", program)
    choose(data, f"grid-periods-{program}", [period])
    [editor] = data.data_editor
    grid = editor.value
    indicator = scalar(
        demo_copy_url,
        f"SELECT i.name FROM result r JOIN indicator i ON i.id = r.indicator_id WHERE r.id = {result}",
    )
    row = int(grid.index[grid["indicator"] == indicator][0])
    data.session_state[str(editor.key)] = {
        "edited_rows": {row: {"narrative": "Angka diperbaiki"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    data.run()
    click(data, "Simpan")
    assert data.warning[0].value.startswith("1 baris yang Anda ubah sudah diajukan dan menunggu verifikasi.")
    assert scalar(demo_copy_url, f"SELECT state FROM result WHERE id = {result}") == "submitted"
    click(data, "Tarik pengajuan dan simpan")
    assert_ran_clean(data)
    assert [s.value for s in data.success] == ["1 baris tersimpan."]
    assert scalar(demo_copy_url, f"SELECT state FROM result WHERE id = {result}") == "draft"
    assert scalar(demo_copy_url, f"SELECT narrative FROM result WHERE id = {result}") == "Angka diperbaiki"
    assert scalar(demo_copy_url, f"SELECT actual FROM result WHERE id = {result}") == actual
    assert (
        scalar(
            demo_copy_url,
            f"SELECT count(*) FROM audit_log WHERE action = 'withdraw' AND entity_id = {result}",
        )
        == 1
    )


def test_the_demo_company_sees_the_result_its_verifier_sent_back_with_the_note(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    from sqlalchemy import text

    with engine_for(demo_sqlite_url).connect() as connection:
        note = connection.execute(
            text("SELECT return_note FROM result WHERE state = 'returned'")
        ).scalar_one()
    app = open_page(monkeypatch, demo_sqlite_url, "pages/verify.py", viewer=demo_accounts.indexim)
    assert any(note in str(line.value) for line in app.markdown), "the note beside the result"
    [returned] = [frame.value for frame in app.dataframe if "return_note" in frame.value.columns]
    assert list(returned["return_note"]) == [note]
    assert list(returned["returned_at"]) == ["1 Agustus 2025"], "the day it was sent back, in WITA"
