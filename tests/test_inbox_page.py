"""/inbox through AppTest: the unread count in the navigation, notices newest first with the unread
marked and a link to where each thing is, typed text shown as typed, marking one and all read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.core.db import engine_for, write_session
from sinergi.writes.results import verify_results
from tests.apptest import assert_ran_clean, open_page
from tests.conftest import DemoAccounts
from tests.factories import make_feedback

PAGE = "pages/inbox.py"
TYPED = "Mohon **air bersih** [di sini](http://x) <b>RT 5</b>"


@pytest.fixture
def clicks(monkeypatch: pytest.MonkeyPatch) -> None:
    # See tests/test_admin.py: AppTest resets the legacy pages flag before every run.
    monkeypatch.setattr(ui, "page_guard", lambda: None)


def nav_title(monkeypatch: pytest.MonkeyPatch, url: str, viewer: Viewer, lang: str | None = None) -> str:
    """The inbox's title as the top navigation shows it to ``viewer``, in a browser session opened now
    (under AppTest, the pages a run registers after a click's rerun are not the navigation's)."""
    app = open_page(monkeypatch, url, viewer=viewer, lang=lang)
    return next(
        page["page_name"] for page in app._registered_pages.values() if page["url_pathname"] == "inbox"
    )


def scalar(url: str, sql: str, **params: object) -> object:
    with engine_for(url).connect() as connection:
        return connection.execute(text(sql), params).scalar_one()


def unread(url: str, user_id: int | None) -> int:
    return int(
        str(scalar(url, "SELECT count(*) FROM notice WHERE user_id = :u AND read_at IS NULL", u=user_id))
    )


def click(app: AppTest, label: str) -> None:
    [button] = [b for b in app.button if b.label == label][:1]
    button.click().run()
    assert_ran_clean(app)


def notices_shown(app: AppTest) -> list[str]:
    return [str(element.value) for element in app.markdown]


def waiting_feedback(url: str) -> None:
    """A feedback item with Markdown and HTML in its text, left without a response since 40 days, at a
    meeting PT KPI organised."""
    meeting = scalar(
        url,
        "SELECT m.id FROM meeting m JOIN company c ON c.id = m.organiser_company_id "
        "WHERE c.name LIKE 'PT Kilang Pertamina%' ORDER BY m.id LIMIT 1",
    )
    item = make_feedback(engine_for(url), meeting_id=int(str(meeting)), text=TYPED)
    with engine_for(url).begin() as connection:
        connection.execute(
            text("UPDATE feedback_item SET created_at = :at WHERE id = :id"),
            {"at": (datetime.now(UTC) - timedelta(days=40)).replace(tzinfo=None), "id": item},
        )


def test_the_inbox_counts_lists_links_and_marks_read(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, clicks: None
) -> None:
    kpi = demo_accounts.kpi
    waiting_feedback(demo_copy_url)
    title = nav_title(monkeypatch, demo_copy_url, kpi)
    count = unread(demo_copy_url, kpi.user_id)
    assert count > 0, "the demo world's open feedback and due actions are found when the app opens"
    assert title == f"Kotak masuk ({count})"

    app = open_page(monkeypatch, demo_copy_url, PAGE, viewer=kpi)
    assert [t.value for t in app.title] == ["Kotak masuk"]
    shown = notices_shown(app)
    assert len(shown) == count
    assert all(line.startswith(":blue-badge[Baru] ") for line in shown), "every notice is unread"
    typed = [line for line in shown if ui.plain(TYPED) in line]
    assert len(typed) == 1, "the typed text is shown as typed, its Markdown and HTML as characters"
    assert {link.proto.label for link in app.get("page_link")} >= {"Buka Pertemuan & masukan"}

    click(app, "Sudah dibaca")
    assert unread(demo_copy_url, kpi.user_id) == count - 1
    assert nav_title(monkeypatch, demo_copy_url, kpi) == f"Kotak masuk ({count - 1})"
    assert sum(not line.startswith(":blue-badge") for line in notices_shown(app)) == 1

    click(app, "Tandai semua sudah dibaca")
    assert [s.value for s in app.success] == [f"{count - 1} pemberitahuan ditandai sudah dibaca."]
    assert unread(demo_copy_url, kpi.user_id) == 0
    assert nav_title(monkeypatch, demo_copy_url, kpi) == "Kotak masuk"
    assert not [line for line in notices_shown(app) if line.startswith(":blue-badge")]
    assert not [b for b in app.button if b.label == "Tandai semua sudah dibaca"]


def test_a_verification_reaches_the_companys_inbox_in_its_language_with_a_link_to_the_program(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts
) -> None:
    kpi = demo_accounts.kpi
    with engine_for(demo_copy_url).connect() as connection:
        program, name, period, result_id, version = connection.execute(
            text(
                "SELECT p.id, p.name, pe.code, r.id, r.version FROM result r "
                "JOIN period pe ON pe.id = r.period_id "
                "JOIN indicator i ON i.id = r.indicator_id JOIN program p ON p.id = i.program_id "
                "WHERE r.state = 'submitted' AND p.company_id = :c "
                "ORDER BY r.id LIMIT 1"
            ),
            {"c": kpi.company_id},
        ).one()
    with write_session(engine_for(demo_copy_url)) as session:
        verify_results(session=session, viewer=demo_accounts.admin, seen=[(result_id, version)])
    assert nav_title(monkeypatch, demo_copy_url, kpi, lang="en").startswith("Inbox (")
    app = open_page(monkeypatch, demo_copy_url, PAGE, viewer=kpi, lang="en")
    [verified] = [line for line in notices_shown(app) if "verified:" in line]
    assert verified == f":blue-badge[New] Results of the program {ui.plain(name)} ({period}) verified: 1."
    links = [(link.proto.label, link.proto.page, link.proto.query_string) for link in app.get("page_link")]
    assert ("Open the program", "program", f"id={program}") in links
