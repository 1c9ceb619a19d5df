"""What the parts of the entry tab share: reading now, a write whose refusal or success is kept for
the next draw, its messages, and what changed under a form since it was opened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st
from sqlmodel import Session

from sinergi import ui
from sinergi.core import db
from sinergi.core.errors import DomainError
from sinergi.i18n.formatting import NumberRefused, long_date, parse_number, refusal
from sinergi.ui import lang, t
from sinergi.writes import entry

# Record ids start at 1: 0 stands for "a new record" in a record picker and "none" in a reference.
NEW = NONE = 0


def read_now(query: Callable[[Session], Any]) -> Any:
    with db.read_session() as session:
        return query(session)


def write(command: Callable[[Session], Any], *, state: str, done: str) -> Any:
    """Run a command in one transaction; its refusal or success is kept for the next draw."""

    def refused(error: DomainError) -> None:
        if isinstance(error, entry.EditConflict):
            st.session_state[f"{state}-conflict"] = error
            return
        if isinstance(error, entry.FieldErrors):
            st.session_state[f"{state}-errors"] = error.errors
        st.session_state[f"{state}-message"] = ("error", ui.refusal(error))

    result = ui.run_command(command, refused=refused)
    if result is ui.REFUSED:
        return None
    for suffix in ("errors", "conflict"):
        st.session_state.pop(f"{state}-{suffix}", None)
    st.session_state[f"{state}-message"] = ("success", done)
    return result


def show_message(state: str) -> None:
    kind, text = st.session_state.pop(f"{state}-message", (None, ""))
    if kind == "success":
        st.success(text, icon=":material/check_circle:")
    elif kind == "error":
        st.error(text, icon=":material/error:")


def show_conflict(conflict: entry.EditConflict, *, names: dict[str, dict[str, str]] | None = None) -> None:
    """What changed since the form was opened, field by field; ``names`` labels a field's values."""
    if conflict.deleted:
        st.error(t("entry.conflict_deleted"), icon=":material/delete:")
        return
    st.warning(t("entry.conflict"), icon=":material/sync_problem:")
    shown = names or {}
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("entry.conflict.field"): t(entry.FIELD_TITLE.key(change.field)),
                    t("entry.conflict.opened"): shown_value(change.opened, shown.get(change.field)),
                    t("entry.conflict.saved"): shown_value(change.saved, shown.get(change.field)),
                    t("entry.conflict.yours"): shown_value(change.yours, shown.get(change.field)),
                }
                for change in conflict.changes
            ]
        ),
        hide_index=True,
        placeholder="–",
    )


def shown_value(value: Any, names: dict[str, str] | None = None) -> str:
    if value is None or value == "":
        return "–"
    if names and value in names:
        return names[value]
    if isinstance(value, datetime):
        return ui.when(value)
    if isinstance(value, date):
        return long_date(value, lang())
    return str(value)


def reload_form(state: str) -> None:
    st.session_state[f"{state}-loaded"] = None
    st.session_state.pop(f"{state}-conflict", None)


def typed_number(text: Any) -> tuple[float | int | None, tuple[str, dict[str, Any]] | None]:
    """What was typed into a number field or cell, read by the interface language (``13,5`` in
    Indonesian, ``13.5`` in English): the number (an int when whole, so a count stays one) or None
    when empty, or the message that says why it was refused. A number the page put there is kept."""
    if text is None or (isinstance(text, int | float) and not isinstance(text, bool)):
        return (None if text is None or pd.isna(text) else text), None
    try:
        value = parse_number(str(text), lang())
    except NumberRefused as refused:
        return None, refusal(refused, lang())
    if value is None:
        return None, None
    return (int(value) if value == value.to_integral_value() else float(value)), None


def result_columns() -> dict[str, Any]:
    """The titles of a table of results' columns, in the reader's language: the grid and verification."""
    return {
        "program": st.column_config.TextColumn(t("entry.program")),
        "indicator": st.column_config.TextColumn(t("field.indicator")),
        "unit": st.column_config.TextColumn(t("field.unit")),
        "period": st.column_config.TextColumn(t("entry.grid.period")),
        "target": st.column_config.NumberColumn(t("entry.grid.target"), format="localized"),
        "actual": st.column_config.NumberColumn(t("entry.grid.actual"), format="localized"),
        "narrative": st.column_config.TextColumn(t("entry.grid.narrative"), max_chars=2000),
    }
