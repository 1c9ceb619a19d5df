"""/data through AppTest: numbers typed into the results grid, the forms and the attendance grid are
read by the interface language, refused with a message when they are no clear number (nothing saved,
what was typed kept), and an implausible actual asks for a note before it is saved."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from sinergi import ui
from tests.apptest import assert_ran_clean, open_page
from tests.conftest import DemoAccounts
from tests.test_data_page import PAGE, choose, scalar, submit

# The demo's coconut fibre program, first semester of 2025: the third row is "Sabut kelapa terolah",
# target 6 ton, 6,6 ton the semester before, 5,7 recorded.
PROGRAM, ROW = "Kriya Sabut Kelapa Koperasi Kriya Inovasi Mandara", 2


@pytest.fixture
def clicks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ui, "page_guard", lambda: None)


def results_grid(app: AppTest) -> str:
    """Open the results grid of the program; returns the editor's key."""
    choose(app, "entry-task", "results")
    [editor] = app.data_editor
    assert editor.key is not None
    return editor.key


def type_cell(app: AppTest, editor: str, column: str, text: str) -> None:
    app.session_state[editor] = {"edited_rows": {ROW: {column: text}}, "added_rows": [], "deleted_rows": []}
    app.run()


def stored_actual(url: str) -> object:
    return scalar(
        url,
        "SELECT r.actual FROM result r JOIN indicator i ON i.id = r.indicator_id "
        "JOIN period p ON p.id = r.period_id WHERE i.name = 'Sabut kelapa terolah' AND p.code = '2025-S1'",
    )


def problems(app: AppTest) -> list[dict[str, str]]:
    return [row for frame in app.dataframe for row in frame.value.to_dict("records") if "" in row]


@pytest.mark.parametrize(
    ("lang", "typed", "stored", "saved"),
    [("id", "6,5", 6.5, "1 baris tersimpan."), ("en", "6.5", 6.5, "1 rows saved.")],
)
def test_the_grid_reads_a_number_by_the_interface_language(
    monkeypatch: pytest.MonkeyPatch,
    demo_copy_url: str,
    demo_accounts: DemoAccounts,
    clicks: None,
    lang: str,
    typed: str,
    stored: float,
    saved: str,
) -> None:
    app = open_page(monkeypatch, demo_copy_url, PAGE, viewer=demo_accounts.kpi, lang=lang)
    editor = results_grid(app)
    assert app.data_editor[0].value["actual"][ROW] == ("5,7" if lang == "id" else "5.7")

    type_cell(app, editor, "actual", typed)
    submit(app, "Simpan" if lang == "id" else "Save")
    # The row is submitted: saving a change withdraws the submission, once that is agreed to.
    assert stored_actual(demo_copy_url) == 5.7
    submit(app, "Tarik pengajuan dan simpan" if lang == "id" else "Withdraw submission and save")

    assert_ran_clean(app)
    assert [s.value for s in app.success] == [saved]
    assert stored_actual(demo_copy_url) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("6,5", "“6,5” is not how numbers are written in English. Did you mean 6.5?"),
        ("1.250", "“1.250” can be read two ways. Type 1.2500 for the decimal number, or 1250 for the "
                  "whole number."),
        ("1,2,3", "“1,2,3” is not a number. Write it like 1,250.5."),
    ],
)  # fmt: skip
def test_a_cell_that_is_no_clear_number_is_refused_and_kept(
    monkeypatch: pytest.MonkeyPatch,
    demo_copy_url: str,
    demo_accounts: DemoAccounts,
    clicks: None,
    typed: str,
    message: str,
) -> None:
    app = open_page(monkeypatch, demo_copy_url, PAGE, viewer=demo_accounts.kpi, lang="en")
    editor = results_grid(app)

    type_cell(app, editor, "actual", typed)
    submit(app, "Save")

    assert_ran_clean(app)
    assert [e.value for e in app.error] == [
        "Not saved: 1 cells are not clear numbers. Correct the cells listed below the table."
    ]
    assert problems(app) == [{"Row": "Sabut kelapa terolah · 2025-S1", "Column": "Actual", "": message}]
    assert stored_actual(demo_copy_url) == 5.7
    assert app.session_state[editor]["edited_rows"] == {ROW: {"actual": typed}}  # what was typed stays


def test_an_implausible_actual_is_saved_only_with_a_note(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, clicks: None
) -> None:
    app = open_page(monkeypatch, demo_copy_url, PAGE, viewer=demo_accounts.kpi)
    editor = results_grid(app)
    type_cell(app, editor, "actual", "65")  # 6,5 typed without its comma
    submit(app)
    submit(app, "Tarik pengajuan dan simpan")  # the row is submitted

    assert stored_actual(demo_copy_url) == 5.7
    assert next(w.value for w in app.warning).startswith(
        "Belum disimpan: 1 realisasi jauh dari yang diharapkan"
    )
    shown = [md.value.replace("\\", "") for md in app.markdown]  # as read, without Markdown escapes
    assert "**Sabut kelapa terolah · 2025-S1**: realisasi 65 — lebih dari 150 % target (6)" in shown
    note = [box for box in app.text_input if box.label.startswith("Catatan")]
    assert len(note) == 1

    submit(app, "Benar, simpan dengan catatan")  # without a note
    assert stored_actual(demo_copy_url) == 5.7
    assert "Tulis catatan untuk angka ini, atau kembali untuk mengubahnya." in [e.value for e in app.error]

    submit(app, "Kembali untuk mengubah")
    assert not app.warning
    assert app.session_state[editor]["edited_rows"] == {ROW: {"actual": "65"}}
    submit(app)
    next(box for box in app.text_input if box.label.startswith("Catatan")).input("Mesin pengurai baru")
    submit(app, "Benar, simpan dengan catatan")

    assert_ran_clean(app)
    assert [s.value for s in app.success] == ["1 baris tersimpan."]
    assert stored_actual(demo_copy_url) == 65
    assert (
        scalar(demo_copy_url, "SELECT plausibility_note FROM result WHERE actual = 65")
        == "Mesin pengurai baru"
    )


def test_a_form_refuses_a_number_of_the_other_language_and_keeps_it(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, clicks: None
) -> None:
    app = open_page(monkeypatch, demo_copy_url, PAGE, viewer=demo_accounts.kpi, lang="en")
    choose(app, "entry-task", "program_budget")
    program = app.selectbox(key="entry-program").value
    state = f"entry-program_budget-{program}"
    choose(app, f"{state}-pick", 0)
    before = scalar(demo_copy_url, "SELECT count(*) FROM program_budget")

    app.text_input(key=f"{state}-year").input("2031")
    app.text_input(key=f"{state}-planned").input("1.250.000")
    submit(app, "Save")

    assert scalar(demo_copy_url, "SELECT count(*) FROM program_budget") == before
    assert "“1.250.000” is not how numbers are written in English. Did you mean 1,250,000?" in [
        e.value for e in app.error
    ]
    assert app.text_input(key=f"{state}-planned").value == "1.250.000"

    app.text_input(key=f"{state}-planned").input("1,250,000")
    submit(app, "Save")
    assert_ran_clean(app)
    assert scalar(demo_copy_url, "SELECT planned FROM program_budget WHERE year = 2031") == 1_250_000
    # Shown back the way the reader writes it.
    assert app.text_input(key=f"{state}-planned").value == "1,250,000"
