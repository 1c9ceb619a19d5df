"""A meeting's attendance: the organisations present and their head counts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sinergi.core.access import Viewer
from sinergi.i18n.formatting import input_number
from sinergi.ui import lang, t, t_plain
from sinergi.ui.entry_common import (
    read_now,
    show_message,
    typed_number,
    write,
)
from sinergi.writes import entry


def attendance(viewer: Viewer, meeting: int) -> None:
    """The organisations present and their head counts. The grid keeps what it was opened with, and a
    save applies only what was changed in it, so phones that check in meanwhile are not wiped out."""
    state = f"attendance-{meeting}"
    show_message(state)
    if f"{state}-opened" not in st.session_state:
        st.session_state[f"{state}-opened"] = read_now(lambda s: entry.attendance_of(s, viewer, meeting))
        st.session_state[f"{state}-version"] = st.session_state.get(f"{state}-version", 0) + 1
    opened: dict[int, int] = st.session_state[f"{state}-opened"]
    names = read_now(entry.organisations)
    ids_by_name = {name: oid for oid, name in names.items()}
    # Head counts as text, read by the interface language rather than the browser's.
    frame = pd.DataFrame(
        {
            "organisation": [names[o] for o in opened],
            "head_count": [input_number(count, lang()) for count in opened.values()],
        },
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
            "head_count": st.column_config.TextColumn(
                t("field.head_count"), required=True, default="1", max_chars=20
            ),
        },
    )
    buttons = st.container(horizontal=True)
    if buttons.button(t("entry.save"), type="primary", key=f"{state}-save", icon=":material/save:"):
        rows = edited.replace("", None).dropna(how="all")
        if rows["organisation"].isna().any() or rows["head_count"].isna().any():
            st.session_state[f"{state}-message"] = ("error", t("entry.error.attendance_incomplete"))
            st.rerun()
        counts, refused = _head_counts(rows, ids_by_name)
        if refused:
            st.session_state[f"{state}-message"] = ("error", refused)
            st.rerun()
        saved = write(
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


def _head_counts(rows: pd.DataFrame, ids_by_name: dict[str, int]) -> tuple[dict[int, int], str]:
    """The head count of each organisation, read by the interface language; or, when a count is not a
    whole number, the message that names the organisation and says why (nothing is saved then)."""
    counts: dict[int, int] = {}
    for organisation, text in zip(rows["organisation"], rows["head_count"], strict=True):
        count, problem = typed_number(text)
        if problem or not isinstance(count, int):
            why = t(problem[0], **problem[1]) if problem else t("entry.error.whole_number")
            return {}, t_plain("entry.attendance.bad_count", organisation=organisation, problem=why)
        oid = ids_by_name[organisation]
        counts[oid] = counts.get(oid, 0) + count
    return counts, ""
