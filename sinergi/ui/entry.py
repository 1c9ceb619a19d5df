"""The entry tab of /data: a form per kind of record, the results grid, verification, attendance and
compliance evidence. Forms are drawn from the specs in :mod:`sinergi.writes.entry`; every save goes
through it.

Each form remembers the values it was opened with, so a save that would overwrite what someone else
saved meanwhile is refused and shows what changed. A form that fails keeps what was typed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import streamlit as st
from sqlmodel import Session

import models as m
from sinergi.core import db
from sinergi.core.access import Viewer
from sinergi.core.errors import DomainError
from sinergi.transfer.sheets import ENUMS
from sinergi.ui import labels, t
from sinergi.writes import compliance as compliance_commands
from sinergi.writes import entry
from sinergi.writes.fields import F
from sinergi.writes.results import verify_result

# The translation kind of each enumeration a form offers.
ENUM_KINDS: dict[type, str] = {enum: kind for kind, enum in ENUMS.items()}
# Record ids start at 1: 0 stands for "a new record" in a record picker and "none" in a reference.
NEW = NONE = 0
TASKS = (
    "program",
    "indicator",
    "program_budget",
    "results",
    "evaluation",
    "follow_up_action",
    "meeting",
    "attendance",
    "feedback_item",
    "compliance",
    "verify",
)


def tasks_for(viewer: Viewer) -> list[str]:
    """What the viewer can fill in here; the data layer refuses the rest anyway."""
    if viewer.shared_link_id is not None or viewer.role is m.Role.VIEWER:
        return []
    if viewer.role is m.Role.AGENCY:
        return ["verify", "meeting", "attendance", "feedback_item", "compliance"]
    if viewer.role is m.Role.COMPANY:
        return [task for task in TASKS if task != "verify"]
    return list(TASKS)


def _read(query: Callable[[Session], Any]) -> Any:
    with db.read_session() as session:
        return query(session)


def _write(command: Callable[[Session], Any], *, state: str, done: str) -> Any:
    """Run a command in one transaction; its refusal or success is kept for the next draw."""
    try:
        with db.write_session() as session:
            result = command(session)
    except entry.FieldErrors as invalid:
        st.session_state[f"{state}-errors"] = invalid.errors
        st.session_state[f"{state}-message"] = ("error", t(invalid.key, **invalid.values))
        return None
    except entry.EditConflict as conflict:
        st.session_state[f"{state}-conflict"] = conflict
        return None
    except DomainError as error:
        st.session_state[f"{state}-message"] = ("error", t(error.key, **error.values))
        return None
    for suffix in ("errors", "conflict"):
        st.session_state.pop(f"{state}-{suffix}", None)
    st.session_state[f"{state}-message"] = ("success", done)
    return result


def _show_message(state: str) -> None:
    kind, text = st.session_state.pop(f"{state}-message", (None, ""))
    if kind == "success":
        st.success(text, icon=":material/check_circle:")
    elif kind == "error":
        st.error(text, icon=":material/error:")


def entry_section(viewer: Viewer) -> None:
    tasks = tasks_for(viewer)
    if not tasks:
        st.info(t("entry.read_only"), icon=":material/visibility:")
        return
    # Display names are fixed while a widget is built (see ui.filter_bar), never looked up later.
    names = {task: t(f"entry.task.{task}") for task in tasks}
    task = st.selectbox(t("entry.task"), tasks, format_func=names.__getitem__, key="entry-task")
    match task:
        case "program" | "evaluation":
            if (company := _company_picker(viewer)) is not None:
                _record_editor(viewer, entry.SPECS[task], parent_id=company)
        case "indicator" | "program_budget" | "follow_up_action":
            if (company := _company_picker(viewer)) is not None and (
                program := _program_picker(viewer, company)
            ) is not None:
                _record_editor(viewer, entry.SPECS[task], parent_id=program)
        case "results":
            if (company := _company_picker(viewer)) is not None and (
                program := _program_picker(viewer, company)
            ) is not None:
                _results_grid(viewer, program)
        case "meeting":
            # A company's meetings; an agency's own (no company); an admin picks a company or none.
            company = _company_picker(viewer) if viewer.role is not m.Role.AGENCY else None
            _record_editor(viewer, entry.MEETING, parent_id=company)
        case "attendance":
            company = _company_picker(viewer) if viewer.role is not m.Role.AGENCY else None
            meetings = _read(lambda s: entry.records_of(s, viewer, entry.MEETING, company))
            if (meeting := _meeting_picker(meetings)) is not None:
                _attendance(viewer, meeting)
        case "feedback_item":
            if (meeting := _meeting_picker(_read(lambda s: entry.feedback_meetings(s, viewer)))) is not None:
                _record_editor(viewer, entry.FEEDBACK_RESPONSE, parent_id=meeting)
        case "compliance":
            _compliance(viewer)
        case "verify":
            _verification(viewer)


# --- pickers ---------------------------------------------------------------------------------------------


def _company_picker(viewer: Viewer) -> int | None:
    if viewer.role is m.Role.COMPANY:
        return viewer.company_id
    companies = _read(lambda s: entry.writable_companies(s, viewer))
    return st.selectbox(
        t("entry.company"),
        list(companies),
        format_func=companies.get,
        key="entry-company",
        index=None,
        placeholder=t("entry.choose"),
    )


def _program_picker(viewer: Viewer, company: int) -> int | None:
    programs = _read(lambda s: entry.records_of(s, viewer, entry.PROGRAM, company))
    if not programs:
        st.info(t("entry.no_programs"), icon=":material/info:")
        return None
    return st.selectbox(t("entry.program"), list(programs), format_func=programs.get, key="entry-program")


def _meeting_picker(meetings: dict[int, str]) -> int | None:
    if not meetings:
        st.info(t("entry.no_meetings"), icon=":material/info:")
        return None
    return st.selectbox(
        t("entry.meeting"), list(meetings), format_func=meetings.__getitem__, key="entry-meeting"
    )


# --- one record's form -------------------------------------------------------------------------------


def _default(spec: entry.FieldSpec) -> Any:
    if spec.kind in (F.TEXT, F.LONG_TEXT):
        return ""
    if spec.kind is F.BOOL:
        return False
    if spec.kind is F.CHOICE and spec.enum is not None:
        return next(iter(spec.enum)).value
    if spec.kind is F.DATE and spec.required:
        return date.today()
    return spec.empty


def _open(spec: entry.EntitySpec, state: str, record_id: int | None, viewer: Viewer) -> None:
    """Fill the form with the record as the database holds it now, and remember those values."""
    if record_id is None:
        opened = None
        values = {field.name: _default(field) for field in spec.fields}
        links: dict[str, list[int]] = {link.name: [] for link in entry.LINKS.get(spec.entity, ())}
    else:
        record = _read(lambda s: s.get(spec.model, record_id))
        opened = entry.snapshot(spec, record)
        values = dict(opened)
        links = _read(lambda s: entry.current_links(s, spec, record_id))
    for field in spec.fields:
        value = values[field.name]
        st.session_state[f"{state}-{field.name}"] = NONE if field.kind is F.REF and value is None else value
    for name, value in links.items():
        st.session_state[f"{state}-{name}"] = value
    st.session_state[f"{state}-opened"] = (record_id, opened)
    st.session_state[f"{state}-opened-links"] = links if record_id is not None else None
    for suffix in ("errors", "conflict"):
        st.session_state.pop(f"{state}-{suffix}", None)


def _widget(spec: entry.FieldSpec, key: str, options: dict[int, str] | None) -> None:
    name = t(f"field.{spec.name}") + (" *" if spec.required else "")
    match spec.kind:
        case F.TEXT:
            st.text_input(name, key=key, max_chars=spec.max_length)
        case F.LONG_TEXT:
            st.text_area(name, key=key, height=90)
        case F.INT:
            st.number_input(name, key=key, step=1, format="%d", value=None)
        case F.NUMBER:
            st.number_input(name, key=key, value=None, format="%.2f")
        case F.DATE:
            st.date_input(name, key=key, value=None, format="DD/MM/YYYY")
        case F.BOOL:
            st.checkbox(name, key=key)
        case F.CHOICE:
            assert spec.enum is not None
            values = [member.value for member in spec.enum]
            kind = ENUM_KINDS[spec.enum]
            st.selectbox(name, values, key=key, format_func=labels(kind, values).__getitem__)
        case F.REF:
            choices = options or {}
            st.selectbox(
                name,
                [NONE, *choices],
                key=key,
                format_func=({NONE: "–"} | choices).__getitem__,
            )


def _rows_of_fields(fields: tuple[entry.FieldSpec, ...]) -> list[list[entry.FieldSpec]]:
    """Short fields two by two, in order; a long text on a row of its own."""
    rows: list[list[entry.FieldSpec]] = []
    for field in fields:
        if field.kind is F.LONG_TEXT or not rows or len(rows[-1]) == 2 or rows[-1][0].kind is F.LONG_TEXT:
            rows.append([field])
        else:
            rows[-1].append(field)
    return rows


def _with_kept(session: Session, ref: str, offered: dict[int, str], held: list[int]) -> dict[int, str]:
    """What a field offers plus what the record holds already, so a save keeps a value no longer offered."""
    kept = [value for value in held if value and value not in offered]
    return {**offered, **entry.labels_of(session, ref, kept)} if kept else offered


def _ref_options(
    viewer: Viewer, field: entry.FieldSpec, state: str, parent_id: int | None, record_id: int | None
) -> dict[int, str] | None:
    if field.kind is not F.REF:
        return None
    with db.read_session() as session:
        offered = entry.options(session, viewer, field.ref, parent_id=parent_id, record_id=record_id)
        return _with_kept(
            session, field.ref, offered, [st.session_state.get(f"{state}-{field.name}") or NONE]
        )


def _save_form(viewer: Viewer, spec: entry.EntitySpec, state: str, parent_id: int | None) -> None:
    record_id, opened = st.session_state[f"{state}-opened"]
    typed = {field.name: st.session_state.get(f"{state}-{field.name}") for field in spec.fields}
    typed = {
        name: None if value == NONE and spec.field(name).kind is F.REF else value
        for name, value in typed.items()
    }

    def command(session: Session) -> int:
        saved = entry.save_record(
            session=session,
            viewer=viewer,
            spec=spec,
            record_id=record_id,
            typed=typed,
            opened=opened,
            parent_id=parent_id,
        )
        if links := entry.LINKS.get(spec.entity):
            entry.set_links(
                session=session,
                viewer=viewer,
                spec=spec,
                record_id=saved.id,
                picked={
                    link.name: list(st.session_state.get(f"{state}-{link.name}") or []) for link in links
                },
                opened=st.session_state.get(f"{state}-opened-links"),
            )
        return int(saved.id)

    saved_id = _write(command, state=state, done=t("entry.saved"))
    if saved_id is not None:
        st.session_state[f"{state}-pick"] = saved_id
        st.session_state[f"{state}-loaded"] = None  # opened again from the database on the next draw


def _reload(state: str) -> None:
    st.session_state[f"{state}-loaded"] = None
    st.session_state.pop(f"{state}-conflict", None)


def _record_editor(viewer: Viewer, spec: entry.EntitySpec, *, parent_id: int | None) -> None:
    state = f"entry-{spec.entity}-{parent_id}"
    records = _read(lambda s: entry.records_of(s, viewer, spec, parent_id))
    choices: list[int] = [*([NEW] if spec.creatable else []), *records]
    if not choices:
        st.info(t("entry.nothing_to_edit"), icon=":material/info:")
        return
    if st.session_state.get(f"{state}-pick") not in choices:
        st.session_state.pop(f"{state}-pick", None)
    chosen = st.selectbox(
        t("entry.record"),
        choices,
        format_func=({NEW: t("entry.new")} | records).__getitem__,
        key=f"{state}-pick",
    )
    if st.session_state.get(f"{state}-loaded", "none") != chosen:
        _open(spec, state, None if chosen == NEW else chosen, viewer)
        st.session_state[f"{state}-loaded"] = chosen
    _show_message(state)
    if conflict := st.session_state.get(f"{state}-conflict"):
        _show_conflict(conflict)
        st.button(t("entry.reload"), key=f"{state}-reload", on_click=_reload, args=(state,))
    errors: dict[str, tuple[str, dict[str, Any]]] = st.session_state.get(f"{state}-errors", {})
    record_id = None if chosen == NEW else chosen
    with st.form(f"{state}-form", enter_to_submit=False):
        for row in _rows_of_fields(spec.fields):
            for column, field in zip(st.columns(2) if len(row) == 2 else [st.container()], row, strict=False):
                with column:
                    options = _ref_options(viewer, field, state, parent_id, record_id)
                    _widget(field, f"{state}-{field.name}", options)
                    if field.name in errors:
                        key, values = errors[field.name]
                        st.error(t(key, **values), icon=":material/error:")
        for link in entry.LINKS.get(spec.entity, ()):
            with db.read_session() as session:
                offered = _with_kept(
                    session,
                    link.name,
                    entry.link_options(session, viewer, spec, link.name, parent_id),
                    list(st.session_state.get(f"{state}-{link.name}") or []),
                )
            st.multiselect(
                t(f"field.{link.name}"),
                list(offered),
                format_func=offered.__getitem__,
                key=f"{state}-{link.name}",
                placeholder=t("entry.choose"),
            )
            if link.name in errors:
                st.error(t(errors[link.name][0]), icon=":material/error:")
        st.form_submit_button(
            t("entry.save"),
            type="primary",
            on_click=_save_form,
            args=(viewer, spec, state, parent_id),
            icon=":material/save:",
        )


def _show_conflict(conflict: entry.EditConflict, *, names: dict[str, dict[str, str]] | None = None) -> None:
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
                    t("entry.conflict.field"): t(f"field.{change.field}"),
                    t("entry.conflict.opened"): _shown(change.opened, shown.get(change.field)),
                    t("entry.conflict.saved"): _shown(change.saved, shown.get(change.field)),
                    t("entry.conflict.yours"): _shown(change.yours, shown.get(change.field)),
                }
                for change in conflict.changes
            ]
        ),
        hide_index=True,
    )


def _shown(value: Any, names: dict[str, str] | None = None) -> str:
    if value is None or value == "":
        return "–"
    if names and value in names:
        return names[value]
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


# --- the results grid --------------------------------------------------------------------------------

_GRID_COLUMNS = ["indicator", "unit", "period", "target", "actual", "narrative"]


def _results_grid(viewer: Viewer, program: int) -> None:
    periods = _read(lambda s: entry.options(s, viewer, "periods", parent_id=None))
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
        st.session_state[f"{state}-rows"] = _read(lambda s: entry.result_rows(s, viewer, program, chosen))
        st.session_state[f"{state}-version"] = st.session_state.get(f"{state}-version", 0) + 1
    rows: list[entry.ResultRow] = st.session_state[f"{state}-rows"]
    _show_message(state)
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
            column_config=_result_columns(),
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
    try:
        with db.write_session() as session:
            written = entry.save_results(session=session, viewer=viewer, edits=edits)
    except entry.GridErrors as invalid:
        st.session_state[f"{state}-problems"] = [
            {
                t("entry.grid.row"): row,
                t("entry.grid.column"): t(f"entry.grid.{column}"),
                "": t(key, **values),
            }
            for (row, column), (key, values) in invalid.errors.items()
        ]
        st.session_state[f"{state}-message"] = ("error", t(invalid.key, **invalid.values))
        st.rerun()
    except entry.GridConflict as conflict:
        st.session_state[f"{state}-problems"] = [
            {
                t("entry.grid.row"): row,
                t("entry.grid.column"): t(f"entry.grid.{column}"),
                t("entry.conflict.opened"): _shown(opened),
                t("entry.conflict.saved"): _shown(saved),
            }
            for row, column, opened, saved in conflict.changes
        ]
        st.session_state[f"{state}-message"] = ("error", t("entry.conflict_grid"))
        st.rerun()
    except DomainError as error:
        st.session_state[f"{state}-message"] = ("error", t(error.key, **error.values))
        st.rerun()
    st.session_state.pop(f"{state}-rows", None)
    st.session_state[f"{state}-message"] = ("success", t("entry.grid.saved", count=written))
    st.rerun()


def _submit(viewer: Viewer, state: str, program: int, period_ids: list[int]) -> None:
    def command(session: Session) -> int:
        return sum(
            entry.submit_results(session=session, viewer=viewer, program_id=program, period_id=period)
            for period in period_ids
        )

    sent = _write(command, state=state, done="")
    if sent is not None:
        st.session_state[f"{state}-message"] = ("success", t("entry.submitted", count=sent))
        st.session_state.pop(f"{state}-rows", None)
    st.rerun()


# --- verification and unlocking (agency, admin) ------------------------------------------------------


def _result_columns() -> dict[str, Any]:
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


def _verification(viewer: Viewer) -> None:
    state = "verify"
    _show_message(state)
    st.subheader(t("entry.verify.waiting"))
    waiting = _read(lambda s: entry.verification_rows(s, viewer, m.ResultState.SUBMITTED))
    if not waiting:
        st.caption(t("entry.verify.none"))
    else:
        frame = pd.DataFrame(waiting).assign(pick=False)
        # The editor is keyed by what it shows: ticks never move to rows the verifier has not seen.
        shown = ",".join(f"{row['result_id']}:{row['version']}" for row in waiting)
        picked = st.data_editor(
            frame,
            hide_index=True,
            width="stretch",
            key=f"verify-editor-{hashlib.sha1(shown.encode()).hexdigest()[:12]}",
            disabled=[c for c in frame.columns if c != "pick"],
            column_order=["pick", "program", "indicator", "unit", "period", "target", "actual", "narrative"],
            column_config={
                "pick": st.column_config.CheckboxColumn(t("entry.verify.pick")),
                **_result_columns(),
            },
        )
        if st.button(t("entry.verify.button"), type="primary", icon=":material/verified:"):
            chosen = [
                (int(result_id), int(version))
                for result_id, version in zip(
                    picked.loc[picked["pick"], "result_id"],
                    picked.loc[picked["pick"], "version"],
                    strict=True,
                )
            ]

            def command(session: Session) -> int:
                for result_id, version in chosen:
                    verify_result(session=session, viewer=viewer, result_id=result_id, version=version)
                return len(chosen)

            _write(command, state=state, done=t("entry.verify.done", count=len(chosen)))
            st.rerun()
    st.subheader(t("entry.unlock.title"))
    verified = _read(lambda s: entry.verification_rows(s, viewer, m.ResultState.VERIFIED))
    if not verified:
        st.caption(t("entry.verify.none"))
        return
    by_id = {row["result_id"]: row for row in verified}
    with st.form("unlock-form", enter_to_submit=False):
        result_id = st.selectbox(
            t("entry.unlock.result"),
            list(by_id),
            format_func=lambda i: f"{by_id[i]['period']} · {by_id[i]['program']} · {by_id[i]['indicator']}",
            key="unlock-result",
        )
        st.text_input(t("entry.unlock.reason"), key="unlock-reason", max_chars=300)
        if st.form_submit_button(t("entry.unlock.button"), icon=":material/lock_open:"):
            reason = st.session_state.get("unlock-reason", "")
            _write(
                lambda s: entry.unlock_result(session=s, viewer=viewer, result_id=result_id, reason=reason),
                state=state,
                done=t("entry.unlock.done"),
            )
            st.rerun()


# --- attendance ----------------------------------------------------------------------------------------


def _attendance(viewer: Viewer, meeting: int) -> None:
    """The organisations present and their head counts. The grid keeps what it was opened with, and a
    save applies only what was changed in it, so phones that check in meanwhile are not wiped out."""
    state = f"attendance-{meeting}"
    _show_message(state)
    if f"{state}-opened" not in st.session_state:
        st.session_state[f"{state}-opened"] = _read(lambda s: entry.attendance_of(s, viewer, meeting))
        st.session_state[f"{state}-version"] = st.session_state.get(f"{state}-version", 0) + 1
    opened: dict[int, int] = st.session_state[f"{state}-opened"]
    names = _read(entry.organisations)
    ids_by_name = {name: oid for oid, name in names.items()}
    frame = pd.DataFrame(
        {"organisation": [names[o] for o in opened], "head_count": list(opened.values())},
    )
    edited = st.data_editor(
        frame,
        key=f"{state}-editor-{st.session_state[f'{state}-version']}",
        hide_index=True,
        num_rows="dynamic",
        width="stretch",
        column_config={
            "organisation": st.column_config.SelectboxColumn(
                t("field.organisation"), options=sorted(ids_by_name), required=True
            ),
            "head_count": st.column_config.NumberColumn(
                t("field.head_count"), min_value=0, step=1, required=True, default=1
            ),
        },
    )
    buttons = st.container(horizontal=True)
    if buttons.button(t("entry.save"), type="primary", key=f"{state}-save", icon=":material/save:"):
        rows = edited.dropna(how="all")
        if rows["organisation"].isna().any() or rows["head_count"].isna().any():
            st.session_state[f"{state}-message"] = ("error", t("entry.error.attendance_incomplete"))
            st.rerun()
        counts: dict[int, int] = {}
        for organisation, head_count in zip(rows["organisation"], rows["head_count"], strict=True):
            oid = ids_by_name[organisation]
            counts[oid] = counts.get(oid, 0) + int(head_count)
        saved = _write(
            lambda s: entry.set_attendance(
                session=s, viewer=viewer, meeting_id=meeting, opened=opened, head_counts=counts
            ),
            state=state,
            done=t("entry.saved"),
        )
        if saved is not None:
            if saved != counts:  # check-ins or another save since the grid was opened were kept
                st.session_state[f"{state}-message"] = ("success", t("entry.attendance.merged"))
            st.session_state.pop(f"{state}-opened", None)
        st.rerun()
    if buttons.button(t("entry.grid.reload"), key=f"{state}-reload", icon=":material/refresh:"):
        st.session_state.pop(f"{state}-opened", None)
        st.rerun()


# --- compliance evidence (company) and verification (agency) ------------------------------------------


def _open_compliance(state: str, company: int, point: int) -> None:
    """Fill both compliance forms with the record as the database holds it now, and remember its
    version and values: a save binds to them."""

    def opened_now(session: Session) -> tuple[int | None, dict[str, Any]]:
        record = compliance_commands.record_for(session, company, point)
        return (record.version if record else None), compliance_commands.snapshot(record)

    version, opened = _read(opened_now)
    st.session_state[f"{state}-opened"] = (version, opened)
    st.session_state[f"{state}-evidence"] = opened["evidence"]
    st.session_state[f"{state}-document_date"] = opened["document_date"]
    st.session_state[f"{state}-status"] = opened["manual_status"] or m.ComplianceStatus.PENDING.value
    st.session_state[f"{state}-note"] = opened["note"]
    st.session_state[f"{state}-loaded"] = True
    st.session_state.pop(f"{state}-conflict", None)


def _save_evidence(viewer: Viewer, state: str, company: int, point: int) -> None:
    version, opened = st.session_state[f"{state}-opened"]
    evidence = st.session_state.get(f"{state}-evidence") or ""
    document_date = st.session_state.get(f"{state}-document_date")
    saved = _write(
        lambda s: compliance_commands.record_compliance_evidence(
            session=s,
            viewer=viewer,
            company_id=company,
            point_id=point,
            evidence=evidence,
            document_date=document_date,
            expected_version=version,
            opened=opened,
            now=datetime.now(UTC),
        ),
        state=state,
        done=t("entry.saved"),
    )
    if saved is not None:
        st.session_state[f"{state}-loaded"] = None  # opened again from the database on the next draw


def _save_verification(viewer: Viewer, state: str, company: int, point: int) -> None:
    version, opened = st.session_state[f"{state}-opened"]
    status = st.session_state.get(f"{state}-status") or m.ComplianceStatus.PENDING.value
    note = st.session_state.get(f"{state}-note") or ""
    saved = _write(
        lambda s: compliance_commands.verify_compliance(
            session=s,
            viewer=viewer,
            company_id=company,
            point_id=point,
            status=status,
            note=note,
            expected_version=version,
            opened=opened,
            now=datetime.now(UTC),
        ),
        state=state,
        done=t("entry.saved"),
    )
    if saved is not None:
        st.session_state[f"{state}-loaded"] = None


def _compliance(viewer: Viewer) -> None:
    points = _read(lambda s: entry.compliance_points(s, viewer))
    if not points:
        st.info(t("entry.no_points"), icon=":material/info:")
        return
    point = st.selectbox(t("entry.point"), list(points), format_func=points.get, key="compliance-point")
    if viewer.role is m.Role.COMPANY:
        company: int | None = viewer.company_id
    else:
        companies = _read(lambda s: entry.compliance_companies(s, viewer, point))
        company = st.selectbox(
            t("entry.company"), list(companies), format_func=companies.get, key="compliance-company"
        )
    if company is None:
        return
    state = f"compliance-{company}-{point}"
    if not st.session_state.get(f"{state}-loaded"):
        _open_compliance(state, company, point)
    _show_message(state)
    statuses = [s.value for s in m.ComplianceStatus]
    status_names = labels("compliance", statuses)
    if conflict := st.session_state.get(f"{state}-conflict"):
        _show_conflict(conflict, names={"manual_status": status_names})
        st.button(t("entry.reload"), key=f"{state}-reload", on_click=_reload, args=(state,))
    _, opened = st.session_state[f"{state}-opened"]
    if viewer.role is m.Role.COMPANY or viewer.is_admin:
        with st.form(f"evidence-{company}-{point}", enter_to_submit=False):
            st.markdown(f"**{t('entry.evidence.title')}**")
            st.text_area(t("field.evidence"), key=f"{state}-evidence")
            st.date_input(
                t("field.document_date"), key=f"{state}-document_date", value=None, format="DD/MM/YYYY"
            )
            st.form_submit_button(
                t("entry.save"),
                on_click=_save_evidence,
                args=(viewer, state, company, point),
                icon=":material/save:",
            )
    if viewer.role is m.Role.AGENCY or viewer.is_admin:
        with st.form(f"verify-{company}-{point}", enter_to_submit=False):
            st.markdown(f"**{t('entry.compliance.verify')}**")
            # The evidence the verification binds to: as it was when this form was opened.
            if opened["evidence"]:
                st.caption(t("entry.compliance.evidence_given", evidence=opened["evidence"]))
            st.selectbox(
                t("field.status"), statuses, key=f"{state}-status", format_func=status_names.__getitem__
            )
            st.text_area(t("field.note"), key=f"{state}-note")
            st.form_submit_button(
                t("entry.compliance.verify_button"),
                on_click=_save_verification,
                args=(viewer, state, company, point),
                icon=":material/verified:",
            )
