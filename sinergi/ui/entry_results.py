"""The results grid of a program: targets, actuals and narratives per semester, saved and submitted."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlmodel import Session

import models as m
from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.core.errors import DomainError
from sinergi.ui import labels, t
from sinergi.ui.entry_common import (
    read_now,
    result_columns,
    show_message,
    shown_value,
    write,
)
from sinergi.writes import entry

_GRID_COLUMNS = ["indicator", "unit", "period", "target", "actual", "narrative"]


def results_grid(viewer: Viewer, program: int) -> None:
    periods = read_now(lambda s: entry.options(s, viewer, "periods", parent_id=None))
    if not periods:
        st.info(t("entry.no_periods"), icon=":material/info:")
        return
    chosen = st.multiselect(
        t("entry.periods"),
        list(periods),
        default=list(periods)[:1],
        format_func=periods.get,
        key=f"grid-periods-{program}",
        placeholder=t("entry.choose"),
    )
    if not chosen:
        st.info(t("entry.grid.no_period"), icon=":material/info:")
        return
    state = f"grid-{program}-{'-'.join(map(str, sorted(chosen)))}"
    if f"{state}-rows" not in st.session_state:
        st.session_state[f"{state}-rows"] = read_now(lambda s: entry.result_rows(s, viewer, program, chosen))
        st.session_state[f"{state}-version"] = st.session_state.get(f"{state}-version", 0) + 1
    rows: list[entry.ResultRow] = st.session_state[f"{state}-rows"]
    show_message(state)
    if not rows:
        st.info(t("entry.no_indicators"), icon=":material/info:")
        return
    editable = [row for row in rows if row.state != m.ResultState.VERIFIED]
    locked = [row for row in rows if row.state == m.ResultState.VERIFIED]
    frame = pd.DataFrame([{column: getattr(row, column) for column in _GRID_COLUMNS} for row in editable])
    state_names = labels("result_state", [s.value for s in m.ResultState])
    if editable:
        frame[t("entry.grid.state")] = [state_names[row.state] for row in editable]
        edited = st.data_editor(
            frame,
            key=f"{state}-editor-{st.session_state[f'{state}-version']}",
            hide_index=True,
            num_rows="fixed",
            width="stretch",
            disabled=["indicator", "unit", "period", t("entry.grid.state")],
            column_config=result_columns(),
        )
        buttons = st.container(horizontal=True)
        edits = _grid_edits(editable, edited)
        if buttons.button(t("entry.save"), type="primary", key=f"{state}-save", icon=":material/save:"):
            _save_grid(viewer, state, edits)
        period_ids = sorted({row.period_id for row in editable})
        if buttons.button(t("entry.submit"), key=f"{state}-submit", icon=":material/send:"):
            if edits:  # submitting now would throw away what was typed
                st.session_state[f"{state}-message"] = ("error", t("entry.grid.save_first"))
                st.rerun()
            _submit(viewer, state, program, period_ids)
        if buttons.button(t("entry.grid.reload"), key=f"{state}-reload", icon=":material/refresh:"):
            _reload_grid(state)
    if locked:
        st.caption(t("entry.grid.locked"))
        st.dataframe(
            pd.DataFrame([{column: getattr(row, column) for column in _GRID_COLUMNS} for row in locked]),
            hide_index=True,
            width="stretch",
        )
    if problems := st.session_state.get(f"{state}-problems"):
        st.dataframe(pd.DataFrame(problems), hide_index=True)


def _reload_grid(state: str) -> None:
    """Read the grid again from the database; what was typed and not saved is dropped."""
    st.session_state.pop(f"{state}-rows", None)
    st.session_state.pop(f"{state}-problems", None)
    st.rerun()


def _grid_edits(rows: list[entry.ResultRow], edited: pd.DataFrame) -> list[entry.RowEdit]:
    """The rows whose target, actual or narrative differ from the grid as it was opened."""
    edits = []
    for row, (_, typed) in zip(rows, edited.iterrows(), strict=True):
        target, actual, narrative = typed["target"], typed["actual"], typed["narrative"] or ""
        if not all(
            entry.same_value(was, now)
            for was, now in ((row.target, target), (row.actual, actual), (row.narrative, narrative))
        ):
            edits.append(
                entry.RowEdit(
                    row,
                    target=None if pd.isna(target) else target,
                    actual=None if pd.isna(actual) else actual,
                    narrative=str(narrative),
                )
            )
    return edits


def _save_grid(viewer: Viewer, state: str, edits: list[entry.RowEdit]) -> None:
    st.session_state.pop(f"{state}-problems", None)
    if not edits:
        st.session_state[f"{state}-message"] = ("success", t("entry.nothing_changed"))
        st.rerun()
    written = ui.run_command(
        lambda session: entry.save_results(session=session, viewer=viewer, edits=edits),
        refused=lambda error: _keep_grid_refusal(state, error),
    )
    if written is not ui.REFUSED:
        st.session_state.pop(f"{state}-rows", None)
        st.session_state[f"{state}-message"] = ("success", t("entry.grid.saved", count=written))
    st.rerun()


def _keep_grid_refusal(state: str, error: DomainError) -> None:
    """The cells that do not fit or that someone else saved meanwhile, kept to show under the grid."""
    if isinstance(error, entry.GridErrors):
        st.session_state[f"{state}-problems"] = [
            {
                t("entry.grid.row"): row,
                t("entry.grid.column"): t(entry.GRID_COLUMN_TITLE.key(column)),
                "": t(key, **values),
            }
            for (row, column), (key, values) in error.errors.items()
        ]
    elif isinstance(error, entry.GridConflict):
        st.session_state[f"{state}-problems"] = [
            {
                t("entry.grid.row"): row,
                t("entry.grid.column"): t(entry.GRID_COLUMN_TITLE.key(column)),
                t("entry.conflict.opened"): shown_value(opened),
                t("entry.conflict.saved"): shown_value(saved),
            }
            for row, column, opened, saved in error.changes
        ]
        st.session_state[f"{state}-message"] = ("error", t("entry.conflict_grid"))
        return
    st.session_state[f"{state}-message"] = ("error", ui.refusal(error))


def _submit(viewer: Viewer, state: str, program: int, period_ids: list[int]) -> None:
    def command(session: Session) -> int:
        return sum(
            entry.submit_results(session=session, viewer=viewer, program_id=program, period_id=period)
            for period in period_ids
        )

    sent = write(command, state=state, done="")
    if sent is not None:
        st.session_state[f"{state}-message"] = ("success", t("entry.submitted", count=sent))
        st.session_state.pop(f"{state}-rows", None)
    st.rerun()
