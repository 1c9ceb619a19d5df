"""Streamlit glue shared by the pages: language, translation, the database on start, common notices."""

from __future__ import annotations

import streamlit as st

from domain import db
from domain.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from domain.settings import database_url

_LANG_KEY = "lang"


def lang() -> str:
    """The reader's language: chosen on the switch, kept for the session; Bahasa Indonesia by default."""
    chosen = st.session_state.get(_LANG_KEY)
    return str(chosen) if chosen in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """``key`` in the reader's language."""
    return translate(key, lang(), **values)


def language_switch() -> None:
    """The Bahasa Indonesia / English switch in the sidebar."""
    st.sidebar.segmented_control(
        t("app.language"),
        options=list(LANGUAGES),
        default=DEFAULT_LANGUAGE,
        required=True,
        format_func=lambda code: {"id": "Bahasa Indonesia", "en": "English"}[code],
        key=_LANG_KEY,
        persist_state="session",
    )


def ensure_database() -> None:
    """Bring the configured database to the latest schema, once per server process and database."""
    _upgrade_once(database_url())


@st.cache_resource(show_spinner=False)
def _upgrade_once(url: str) -> None:
    db.upgrade_database(url)
