"""The results grid of a program: targets, actuals and narratives per semester, saved and submitted."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
import streamlit as st
from sqlmodel import Session

import models as m
from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.core.errors import DomainError
from sinergi.i18n.formatting import input_number, number
from sinergi.rules.plausibility import REASON_TEXT, Implausible, implausible
from sinergi.ui import labels, lang, t
from sinergi.ui.entry_common import (
    read_now,
    result_columns,
    show_message,
    shown_value,
    typed_number,
    write,
)
from sinergi.writes import entry

_GRID_COLUMNS = ["indicator", "unit", "period", "target", "actual", "narrative"]
# The longest plausibility note (the result's column holds as much).
NOTE_LIMIT = 500


def results_grid(viewer: Viewer, program: int) -> None:
    periods = read_now(lambda s: entry.options(s, viewer, "periods", parent_id=None, lang=lang()))
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
        for step in ("confirm", "withdraw", "withdraw-agreed"):
            st.session_state.pop(f"{state}-{step}", None)
    rows: list[entry.ResultRow] = st.session_state[f"{state}-rows"]
    show_message(state)
    if not rows:
        st.info(t("entry.no_indicators"), icon=":material/info:")
        return
    editable = [row for row in rows if row.state != m.ResultState.VERIFIED]
    locked = [row for row in rows if row.state == m.ResultState.VERIFIED]
    _returned_notes(editable)
    if editable:
        edited = st.data_editor(
            _typing_frame(editable),
            key=f"{state}-editor-{st.session_state[f'{state}-version']}",
            hide_index=True,
            num_rows="fixed",
            width="stretch",
            disabled=["indicator", "unit", "period", t("entry.grid.state"), t("entry.grid.return_note")],
            column_config=result_columns() | _typed_columns(),
        )
        edits, refused = _grid_edits(editable, edited)
        if st.session_state.get(f"{state}-withdraw"):
            _withdraw_panel(viewer, state, edits, refused)
        if st.session_state.get(f"{state}-confirm"):
            _confirm_panel(viewer, state, edits, refused)
        buttons = st.container(horizontal=True)
        if buttons.button(t("entry.save"), type="primary", key=f"{state}-save", icon=":material/save:"):
            _save_grid(viewer, state, edits, refused)
        period_ids = sorted({row.period_id for row in editable})
        if buttons.button(t("entry.submit"), key=f"{state}-submit", icon=":material/send:"):
            if edits or refused:  # submitting now would throw away what was typed
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
            column_config=result_columns(),
            placeholder="–",
        )
    if problems := st.session_state.get(f"{state}-problems"):
        st.dataframe(pd.DataFrame(problems), hide_index=True, placeholder="–")


def _typing_frame(rows: list[entry.ResultRow]) -> pd.DataFrame:
    """The editable rows, their figures as text written the reader's way: what is typed into them is
    read here by the interface language, not by the browser's (which reads ``13,5`` as 135 in English)."""
    language, state_names = lang(), labels("result_state", [s.value for s in m.ResultState])
    frame = pd.DataFrame(
        [
            {
                **{column: getattr(row, column) for column in _GRID_COLUMNS},
                "target": input_number(row.target, language),
                "actual": input_number(row.actual, language),
            }
            for row in rows
        ]
    )
    frame[t("entry.grid.state")] = [state_names[row.state] for row in rows]
    frame[t("entry.grid.return_note")] = [row.return_note for row in rows]
    return frame


def _returned_notes(rows: list[entry.ResultRow]) -> None:
    """The notes of the results the agency sent back, in full and as typed, until they are submitted
    again (the grid's column shows each beside its row, cut to its width)."""
    returned = [row for row in rows if row.return_note]
    if not returned:
        return
    with st.container(border=True):
        st.warning(t("entry.grid.returned", count=len(returned)), icon=":material/undo:")
        for row in returned:
            st.markdown(f"**{ui.plain(row_label(row))}** — {ui.plain(row.return_note)}")


def _typed_columns() -> dict[str, Any]:
    hint = t("entry.grid.number_help", example=input_number(1250.5, lang()))
    return {
        "target": st.column_config.TextColumn(t("entry.grid.target"), help=hint, max_chars=40),
        "actual": st.column_config.TextColumn(t("entry.grid.actual"), help=hint, max_chars=40),
    }


def _reload_grid(state: str) -> None:
    """Read the grid again from the database; what was typed and not saved is dropped."""
    st.session_state.pop(f"{state}-rows", None)
    st.session_state.pop(f"{state}-problems", None)
    st.session_state.pop(f"{state}-withdraw-agreed", None)
    st.rerun()


def row_label(row: entry.ResultRow) -> str:
    return f"{row.indicator} · {row.period}"


Refused = dict[tuple[str, str], tuple[str, dict[str, Any]]]


def _grid_edits(rows: list[entry.ResultRow], edited: pd.DataFrame) -> tuple[list[entry.RowEdit], Refused]:
    """The rows whose target, actual or narrative differ from the grid as it was opened, their figures
    read by the interface language; and the cells whose text is no number in it, by (row, column)."""
    edits, refused = [], {}
    language = lang()
    for row, (_, typed) in zip(rows, edited.iterrows(), strict=True):
        figures: dict[str, Any] = {}
        for column in ("target", "actual"):
            opened, text = getattr(row, column), typed[column]
            if (text or "") == input_number(opened, language):
                figures[column] = opened  # as it was shown: the stored number, not read again
                continue
            figures[column], problem = typed_number(text)
            if problem:
                refused[(row_label(row), column)] = problem
        narrative = typed["narrative"] or ""
        if not all(
            entry.same_value(was, now)
            for was, now in (
                (row.target, figures["target"]),
                (row.actual, figures["actual"]),
                (row.narrative, narrative),
            )
        ):
            edits.append(
                entry.RowEdit(
                    row, target=figures["target"], actual=figures["actual"], narrative=str(narrative)
                )
            )
    return edits, refused


def _figures_changed(edit: entry.RowEdit) -> bool:
    opened = edit.opened
    return not (entry.same_value(opened.target, edit.target) and entry.same_value(opened.actual, edit.actual))


def _row_key(row: entry.ResultRow) -> str:
    return f"{row.indicator_id}-{row.period_id}"


def _implausible(edits: list[entry.RowEdit]) -> dict[str, tuple[entry.RowEdit, list[Implausible]]]:
    """The edited rows whose new figures put the actual far from its target or the period before."""
    found = {}
    for edit in edits:
        if _figures_changed(edit):
            reasons = implausible(edit.actual, target=edit.target, previous=edit.opened.previous)
            if reasons:
                found[_row_key(edit.opened)] = (edit, reasons)
    return found


def _save_grid(viewer: Viewer, state: str, edits: list[entry.RowEdit], refused: Refused) -> None:
    """Save what was typed, unless a cell is no number (nothing is saved then, and what was typed
    stays) or an actual is far from what is expected (which asks for confirmation and a note first)."""
    st.session_state.pop(f"{state}-problems", None)
    if refused:
        st.session_state[f"{state}-problems"] = _problem_rows(refused)
        st.session_state[f"{state}-message"] = ("error", t("entry.grid.not_numbers", count=len(refused)))
        st.rerun()
    if not edits:
        st.session_state[f"{state}-message"] = ("success", t("entry.nothing_changed"))
        st.rerun()
    agreed = st.session_state.get(f"{state}-withdraw-agreed", frozenset())
    if not {_row_key(edit.opened) for edit in _submitted(edits)} <= agreed:
        st.session_state[f"{state}-withdraw"] = True
        st.rerun()
    if _implausible(edits):
        st.session_state[f"{state}-confirm"] = True
        st.rerun()
    _write_grid(viewer, state, [_with_note(edit, "") for edit in edits])


def _submitted(edits: list[entry.RowEdit]) -> list[entry.RowEdit]:
    """The edited rows that are submitted: changing them withdraws the submission."""
    return [edit for edit in edits if edit.opened.state == m.ResultState.SUBMITTED]


def _withdraw_panel(viewer: Viewer, state: str, edits: list[entry.RowEdit], refused: Refused) -> None:
    """Asks before a save that changes submitted results: it withdraws their submission, so they leave
    the agency's queue, back to draft, until they are submitted again."""
    submitted = _submitted(edits)
    if refused or not submitted:  # edited since: the save button checks again
        st.session_state.pop(f"{state}-withdraw", None)
        return
    with st.container(border=True):
        st.warning(t("entry.withdraw.intro", count=len(submitted)), icon=":material/undo:")
        for edit in submitted:
            st.markdown(f"- {ui.plain(row_label(edit.opened))}")
        buttons = st.container(horizontal=True)
        if buttons.button(
            t("entry.withdraw.confirm"), type="primary", key=f"{state}-withdraw-save", icon=":material/undo:"
        ):
            st.session_state.pop(f"{state}-withdraw", None)
            st.session_state[f"{state}-withdraw-agreed"] = frozenset(
                _row_key(edit.opened) for edit in submitted
            )
            _save_grid(viewer, state, edits, refused)
        if buttons.button(t("entry.plausibility.back"), key=f"{state}-withdraw-back", icon=":material/edit:"):
            st.session_state.pop(f"{state}-withdraw", None)
            st.rerun()


def _with_note(edit: entry.RowEdit, note: str) -> entry.RowEdit:
    """A row whose figures changed gets ``note`` (an empty one clears the note of earlier figures)."""
    return dataclasses.replace(edit, note=note) if _figures_changed(edit) else edit


def _confirm_panel(viewer: Viewer, state: str, edits: list[entry.RowEdit], refused: Refused) -> None:
    """The actuals far from what is expected, each with its reasons and a note that says why it is
    right; saving needs every note, going back leaves the grid as typed."""
    found = _implausible(edits)
    if refused or not found:  # edited since: the save button checks again
        st.session_state.pop(f"{state}-confirm", None)
        return
    language = lang()
    with st.container(border=True):
        st.warning(t("entry.plausibility.intro", count=len(found)), icon=":material/warning:")
        missing = st.session_state.get(f"{state}-confirm-missing", set())
        for key, (edit, reasons) in found.items():
            why = "; ".join(
                t(REASON_TEXT.key(reason.reason), reference=number(reason.reference, language, decimals=4))
                for reason in reasons
            )
            st.markdown(
                f"**{ui.plain(row_label(edit.opened))}**: "
                + ui.plain(t("entry.plausibility.actual", actual=number(edit.actual, language, decimals=4)))
                + f" — {ui.plain(why)}"
            )
            st.text_input(t("entry.plausibility.note"), key=f"{state}-note-{key}", max_chars=NOTE_LIMIT)
            if key in missing:
                st.error(t("entry.plausibility.note_required"), icon=":material/error:")
        buttons = st.container(horizontal=True)
        confirm = t("entry.plausibility.confirm")
        if buttons.button(confirm, type="primary", key=f"{state}-confirm-save", icon=":material/check:"):
            notes = {key: (st.session_state.get(f"{state}-note-{key}") or "").strip() for key in found}
            st.session_state[f"{state}-confirm-missing"] = {key for key, note in notes.items() if not note}
            if st.session_state[f"{state}-confirm-missing"]:
                st.rerun()
            st.session_state.pop(f"{state}-confirm", None)
            _write_grid(
                viewer, state, [_with_note(edit, notes.get(_row_key(edit.opened), "")) for edit in edits]
            )
        if buttons.button(t("entry.plausibility.back"), key=f"{state}-confirm-back", icon=":material/edit:"):
            st.session_state.pop(f"{state}-confirm", None)
            st.session_state.pop(f"{state}-confirm-missing", None)
            st.rerun()


def _write_grid(viewer: Viewer, state: str, edits: list[entry.RowEdit]) -> None:
    # Submitted rows are among the edits only once the writer agreed to withdraw them (_save_grid asks).
    withdraw = bool(st.session_state.get(f"{state}-withdraw-agreed"))
    written = ui.run_command(
        lambda session: entry.save_results(session=session, viewer=viewer, edits=edits, withdraw=withdraw),
        refused=lambda error: _keep_grid_refusal(state, error),
    )
    if written is not ui.REFUSED:
        st.session_state.pop(f"{state}-rows", None)
        st.session_state.pop(f"{state}-confirm-missing", None)
        st.session_state.pop(f"{state}-withdraw-agreed", None)
        st.session_state[f"{state}-message"] = ("success", t("entry.grid.saved", count=written))
    st.rerun()


def _problem_rows(errors: Refused) -> list[dict[str, str]]:
    return [
        {
            t("entry.grid.row"): row,
            t("entry.grid.column"): t(entry.GRID_COLUMN_TITLE.key(column)),
            "": t(key, **values),
        }
        for (row, column), (key, values) in errors.items()
    ]


def _keep_grid_refusal(state: str, error: DomainError) -> None:
    """The cells that do not fit or that someone else saved meanwhile, kept to show under the grid."""
    if isinstance(error, entry.GridErrors):
        st.session_state[f"{state}-problems"] = _problem_rows(error.errors)
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
