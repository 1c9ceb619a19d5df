"""/inbox: the reader's own notices, newest first, the unread ones marked, each with a link to where its
thing is; marked read one at a time or all at once. Its title in the navigation counts the unread."""

from __future__ import annotations

from datetime import date
from typing import Literal
from urllib.parse import parse_qsl

import streamlit as st

from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.i18n import registry
from sinergi.i18n.formatting import long_date, number
from sinergi.reads import notices
from sinergi.ui import lang, t
from sinergi.writes.notices import find_due_notices, mark_all_read, mark_read

_NOTICE = "inbox-notice"
# The words of each notice's link, by the page it leads to.
OPEN_LINK = registry.family("inbox.open.{}", lambda: notices.LINK_PAGES)
# The day this browser session last looked for notices that dates call for.
_FOUND_ON = "inbox-due-found-on"


def _has_inbox(viewer: Viewer | None) -> bool:
    return viewer is not None and viewer.user_id is not None and viewer.shared_link_id is None


def nav_visibility(viewer: Viewer | None) -> Literal["visible", "hidden"]:
    """In the menu of everyone signed in with an account; a shared link has no inbox."""
    return "visible" if _has_inbox(viewer) else "hidden"


def nav_title(viewer: Viewer | None) -> str:
    """The inbox's title in the navigation, with the number of unread notices ("Kotak masuk (3)").

    The notices that dates call for are looked for once a day per browser session here, so that the
    count holds them before the inbox is opened (and whatever the cron job has done)."""
    if not _has_inbox(viewer):
        return t("inbox.nav")
    assert viewer is not None
    today = date.today().isoformat()
    if st.session_state.get(_FOUND_ON) != today:
        _find_due(viewer)
        st.session_state[_FOUND_ON] = today
    unread = ui.read(notices.unread_count, viewer=viewer)
    return t("inbox.nav_unread", count=number(unread, lang())) if unread else t("inbox.nav")


def _find_due(viewer: Viewer) -> None:
    ui.run_command(lambda session: find_due_notices(session, user_id=viewer.user_id))


def inbox_screen(viewer: Viewer) -> None:
    st.title(t("inbox.title"))
    ui.show_notice(_NOTICE)
    if not _has_inbox(viewer):
        st.info(t("inbox.no_account"), icon=":material/info:")
        return
    _find_due(viewer)
    shown = ui.read(notices.inbox, viewer=viewer)
    if not shown:
        st.info(t("inbox.empty"), icon=":material/inbox:")
        return
    unread = sum(not notice.read for notice in shown)
    bar = st.container(horizontal=True, vertical_alignment="center")
    bar.caption(t("inbox.count", count=number(len(shown), lang()), unread=number(unread, lang())))
    if unread and bar.button(t("inbox.mark_all"), icon=":material/done_all:", key="inbox-mark-all"):
        marked = ui.run_command(lambda session: mark_all_read(session=session, viewer=viewer))
        if marked is not ui.REFUSED:
            ui.rerun_with_notice(_NOTICE, t("inbox.marked_all", count=number(marked, lang())))
    for notice in shown:
        _notice_row(viewer, notice)


def _notice_row(viewer: Viewer, notice: notices.NoticeView) -> None:
    with st.container(border=True):
        text, actions = st.columns([5, 1], vertical_alignment="center")
        badge = "" if notice.read else f":blue-badge[{t('inbox.unread')}] "
        text.markdown(badge + notices.notice_text(notice, lang(), shown=ui.plain))
        when = long_date(notice.created_at.date(), lang())
        text.caption(t("inbox.when", when=when))
        if notice.link:
            path, _, query = notice.link.partition("?")
            text.page_link(
                f"pages/{path}.py",
                label=t(OPEN_LINK.key(path)),
                icon=":material/arrow_forward:",
                query_params=dict(parse_qsl(query)),
            )
        if not notice.read and actions.button(
            t("inbox.mark_read"), key=f"inbox-read-{notice.id}", icon=":material/done:"
        ):
            done = ui.run_command(
                lambda session: mark_read(session=session, viewer=viewer, notice_id=notice.id)
            )
            if done is not ui.REFUSED:
                st.rerun()
