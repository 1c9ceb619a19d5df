"""Unlocking a verified result; the results waiting for verification are in the agency's queue
(:mod:`sinergi.ui.verify`)."""

from __future__ import annotations

import streamlit as st

import models as m
from sinergi.core.access import Viewer
from sinergi.ui import t
from sinergi.ui.entry_common import (
    read_now,
    show_message,
    write,
)
from sinergi.writes import entry


def verification(viewer: Viewer) -> None:
    state = "verify"
    show_message(state)
    # Submitted results are verified, or sent back with a note, in the agency's queue.
    st.page_link("pages/verify.py", label=t("entry.verify.open_queue"), icon=":material/verified:")
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
