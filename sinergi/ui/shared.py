"""The shared page: opening a share link once per browser session, and the banner above what it shows."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from sinergi.core import db
from sinergi.i18n.formatting import long_date
from sinergi.ui import lang, t
from sinergi.writes import sharing

_OPENED = "shared_views"


def open_shared_view(token: str) -> sharing.SharedView | str:
    """What the link with ``token`` shows, or why it cannot be used, in the reader's language.

    A link is opened (and its use counted) once per browser session, not on every rerun; a view whose
    link expired since is opened again, which refuses it.
    """
    opened: dict[str, sharing.SharedView] = st.session_state.setdefault(_OPENED, {})
    view = opened.get(token)
    if view is not None and view.expires_at <= datetime.now(UTC):
        del opened[token]
        view = None
    if view is None:
        try:
            with db.write_session() as session:
                view = opened[token] = sharing.open_link(session=session, token=token, now=datetime.now(UTC))
        except sharing.LinkUnusable as unusable:
            return t(unusable.key)
    return view


def banner(view: sharing.SharedView) -> str:
    """The line above a shared view: what it is and until when the link works."""
    until = long_date(view.expires_at.date(), lang())
    if view.label:
        return t("shared.banner", label=view.label, until=until)
    return t("shared.banner_unlabelled", until=until)
