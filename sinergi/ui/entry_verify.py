"""The agency's verification of submitted results, and unlocking a verified one."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st
from sqlmodel import Session

import models as m
from sinergi.core.access import Viewer
from sinergi.ui import t
from sinergi.ui.entry_common import (
    read_now,
    result_columns,
    show_message,
    write,
)
from sinergi.writes import entry
from sinergi.writes.results import verify_result


def verification(viewer: Viewer) -> None:
    state = "verify"
    show_message(state)
    st.subheader(t("entry.verify.waiting"))
    waiting = read_now(lambda s: entry.verification_rows(s, viewer, m.ResultState.SUBMITTED))
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
                **result_columns(),
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

            write(command, state=state, done=t("entry.verify.done", count=len(chosen)))
            st.rerun()
    st.subheader(t("entry.unlock.title"))
    verified = read_now(lambda s: entry.verification_rows(s, viewer, m.ResultState.VERIFIED))
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
            write(
                lambda s: entry.unlock_result(session=s, viewer=viewer, result_id=result_id, reason=reason),
                state=state,
                done=t("entry.unlock.done"),
            )
            st.rerun()
