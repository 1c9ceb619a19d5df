"""The shared page: checking its share link on every run, and the banner above what it shows."""

from __future__ import annotations

from datetime import UTC, datetime

from sinergi import ui
from sinergi.core import db
from sinergi.ui import plain, t
from sinergi.writes import sharing


def open_shared_view(token: str) -> sharing.SharedView | str:
    """What the link with ``token`` shows, or why it cannot be used, in the reader's language.

    The link is checked (and its use counted and logged) on every run of the page, so that revoking it
    or its expiry ends an open page at its next run rather than when the browser session ends.
    """
    try:
        with db.write_session() as session:
            return sharing.open_link(session=session, token=token, now=datetime.now(UTC))
    except sharing.LinkUnusable as unusable:
        return t(unusable.key)


def banner(view: sharing.SharedView) -> str:
    """The line above a shared view: what it is, until when the link works and, for a link limited so,
    that it shows verified figures only."""
    until = ui.when(view.expires_at)
    if view.label:
        text = t("shared.banner", label=plain(view.label), until=until)
    else:
        text = t("shared.banner_unlabelled", until=until)
    return f"{text} {t('shared.verified_only')}" if view.verified_only else text
