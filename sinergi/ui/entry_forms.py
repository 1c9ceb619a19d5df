"""One record's form, drawn from its spec in :mod:`sinergi.writes.entry`.

Each form remembers the values it was opened with, so a save that would overwrite what someone else
saved meanwhile is refused and shows what changed. A form that fails keeps what was typed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st
from sqlmodel import Session

from sinergi.core import db
from sinergi.core.access import Viewer
from sinergi.i18n import registry
from sinergi.i18n.formatting import input_number
from sinergi.ui import labels, lang, t, t_plain
from sinergi.ui.entry_common import (
    NEW,
    NONE,
    read_now,
    reload_form,
    show_conflict,
    show_message,
    typed_number,
    write,
)
from sinergi.writes import entry
from sinergi.writes.fields import F

# Fields typed as numbers: text inputs read by the interface language, whatever the browser's.
NUMBERS = (F.INT, F.NUMBER)

# The translation kind of each enumeration a form offers.
ENUM_KINDS: dict[type, str] = {enum: kind for kind, enum in registry.ENUMERATIONS.items()}


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
        record = read_now(lambda s: s.get(spec.model, record_id))
        opened = entry.snapshot(spec, record)
        values = dict(opened)
        links = read_now(lambda s: entry.current_links(s, spec, record_id))
    for field in spec.fields:
        value = values[field.name]
        if field.kind in NUMBERS:  # typed as text, read by the interface language (see _read_numbers)
            value = input_number(value, lang())
        st.session_state[f"{state}-{field.name}"] = NONE if field.kind is F.REF and value is None else value
    for name, value in links.items():
        st.session_state[f"{state}-{name}"] = value
    st.session_state[f"{state}-opened"] = (record_id, opened)
    st.session_state[f"{state}-opened-links"] = links if record_id is not None else None
    for suffix in ("errors", "conflict"):
        st.session_state.pop(f"{state}-{suffix}", None)


def _widget(spec: entry.FieldSpec, key: str, options: dict[int, str] | None) -> None:
    name = t(entry.FIELD_TITLE.key(spec.name)) + (" *" if spec.required else "")
    match spec.kind:
        case F.TEXT:
            st.text_input(name, key=key, max_chars=spec.max_length)
        case F.LONG_TEXT:
            st.text_area(name, key=key, height=90)
        case F.INT | F.NUMBER:
            example = input_number(1_250_000 if spec.kind is F.INT else 1250.5, lang())
            st.text_input(name, key=key, max_chars=40, placeholder=example)
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
        offered = entry.options(
            session, viewer, field.ref, parent_id=parent_id, record_id=record_id, lang=lang()
        )
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
    typed, refused = _read_numbers(spec, typed)
    if refused:
        st.session_state[f"{state}-errors"] = refused
        st.session_state[f"{state}-message"] = ("error", t("entry.error.fields", count=len(refused)))
        return

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

    saved_id = write(command, state=state, done=t("entry.saved"))
    if saved_id is not None:
        st.session_state[f"{state}-pick"] = saved_id
        st.session_state[f"{state}-loaded"] = None  # opened again from the database on the next draw


def _read_numbers(
    spec: entry.EntitySpec, typed: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, tuple[str, dict[str, Any]]]]:
    """The form's values with its numbers read by the interface language, and the errors of every field
    that does not fit when one of them is no number (then nothing is saved, and the form keeps what
    was typed)."""
    read, refused = dict(typed), {}
    for field in spec.fields:
        if field.kind in NUMBERS:
            read[field.name], problem = typed_number(typed.get(field.name))
            if problem:
                refused[field.name] = problem
    if refused:
        try:
            entry.validate(spec, read)
        except entry.FieldErrors as invalid:  # the other fields' errors, shown together
            refused = {**invalid.errors, **refused}
    return read, refused


def record_editor(viewer: Viewer, spec: entry.EntitySpec, *, parent_id: int | None) -> None:
    state = f"entry-{spec.entity}-{parent_id}"
    records = read_now(lambda s: entry.records_of(s, viewer, spec, parent_id, lang=lang()))
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
    show_message(state)
    if conflict := st.session_state.get(f"{state}-conflict"):
        show_conflict(conflict)
        st.button(t("entry.reload"), key=f"{state}-reload", on_click=reload_form, args=(state,))
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
                        st.error(t_plain(key, **values), icon=":material/error:")
        for link in entry.LINKS.get(spec.entity, ()):
            with db.read_session() as session:
                offered = _with_kept(
                    session,
                    link.name,
                    entry.link_options(session, viewer, spec, link.name, parent_id),
                    list(st.session_state.get(f"{state}-{link.name}") or []),
                )
            st.multiselect(
                t(entry.FIELD_TITLE.key(link.name)),
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
