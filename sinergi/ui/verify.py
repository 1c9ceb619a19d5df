"""/verify: the agency's queue of submitted results, each with what it is judged by, verified one or
many at once or sent back to its company with a note; and the results sent back, with their notes."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

import pandas as pd
import streamlit as st

import models as m
from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.core.errors import DomainError
from sinergi.i18n.formatting import number, percent
from sinergi.reads import queries, verification
from sinergi.ui import lang, t, tables
from sinergi.ui.evidence import file_list, queue_evidence
from sinergi.writes.results import RETURN_NOTE_LIMIT, return_result, verify_results

_NOTICE = "verify-notice"
_ERROR = "verify-error"
# The columns a verifier acts on come first, so that they fit a 1366 px screen beside the sidebar; the
# long texts follow, and the selected rows show them in full under the table.
_QUEUE_ORDER = ["company", "indicator", "period", "actual", "target", "achievement", "previous", "unit",
                "program", "narrative", "evidence"]  # fmt: skip
_RETURNED_ORDER = ["return_note", "company", "indicator", "period", "actual", "target", "returned_by",
                   "returned_at", "program"]  # fmt: skip


def nav_visibility(viewer: Viewer | None) -> Literal["visible", "hidden"]:
    """The page is in the menu of those it holds something for: the agency's queue, and a company's
    results sent back to it. Hidden, it stays reachable by address and shows only what the reads allow."""
    if viewer is None or viewer.shared_link_id is not None or viewer.role is m.Role.VIEWER:
        return "hidden"
    return "visible"


def verify_screen(viewer: Viewer) -> None:
    st.title(t("verify.title"))
    ui.show_notice(_NOTICE)
    if error := st.session_state.pop(_ERROR, None):
        st.error(error, icon=":material/error:")
    may_verify = viewer.shared_link_id is None and viewer.role in (m.Role.ADMIN, m.Role.AGENCY)
    if may_verify:
        _queue(viewer)
    if viewer.shared_link_id is None and viewer.role is not m.Role.VIEWER:
        _returned(viewer, own=not may_verify)
    else:
        st.info(t("verify.read_only"), icon=":material/visibility:")


def _figure(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else number(value, lang(), decimals=2)


def _when(value: Any) -> str:
    return ui.day_of(value) if isinstance(value, datetime) else "–"


def _queue(viewer: Viewer) -> None:
    st.caption(t("verify.intro"))
    thresholds = ui.read(queries.thresholds, viewer=viewer)
    queue = ui.read(verification.verification_queue, viewer=viewer, thresholds=thresholds)
    if queue.empty:
        st.info(t("verify.empty"), icon=":material/task_alt:")
        return
    st.caption(t("verify.count", count=number(len(queue), lang())))
    shown = queue.assign(
        actual=queue["actual"].map(_figure),
        target=queue["target"].map(_figure),
        previous=queue["previous"].map(_figure),
        achievement=queue["achievement"].map(lambda ratio: percent(ratio, lang())),
    )
    # Keyed by what it shows: a selection never moves to rows the verifier has not seen.
    seen = ",".join(f"{i}:{v}" for i, v in zip(queue["result_id"], queue["version"], strict=True))
    picked = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=tables.height(len(shown), most=520),
        column_order=_QUEUE_ORDER,
        column_config={
            "company": st.column_config.TextColumn(t("verify.col.company"), width=170),
            "indicator": st.column_config.TextColumn(t("verify.col.indicator"), width=220),
            "period": st.column_config.TextColumn(t("verify.col.period"), width=80),
            "actual": st.column_config.TextColumn(t("verify.col.actual"), width=95, alignment="right"),
            "target": st.column_config.TextColumn(t("verify.col.target"), width=95, alignment="right"),
            "achievement": st.column_config.TextColumn(
                t("verify.col.achievement"), width=95, help=t("verify.help.achievement"), alignment="right"
            ),
            "previous": st.column_config.TextColumn(
                t("verify.col.previous"), width=95, help=t("verify.help.previous"), alignment="right"
            ),
            "unit": st.column_config.TextColumn(t("verify.col.unit"), width=80),
            "program": st.column_config.TextColumn(t("verify.col.program"), width=180),
            "narrative": st.column_config.TextColumn(t("verify.col.narrative"), width=260),
            "evidence": st.column_config.TextColumn(t("verify.col.evidence"), width=260),
        },
        on_select="rerun",
        selection_mode="multi-row",
        key=f"verify-queue-{hashlib.sha1(seen.encode()).hexdigest()[:12]}",
        placeholder="–",
    )
    rows = list(picked.selection.rows) if picked else []
    chosen = queue.iloc[rows]
    if chosen.empty:
        st.caption(t("verify.pick"))
        return
    _details(viewer, chosen)
    _actions(viewer, chosen)


def _details(viewer: Viewer, chosen: pd.DataFrame) -> None:
    """The selected results in full: the narrative, the evidence and the note on an unusual actual,
    shown as typed (stored text is never read as Markdown), and the result's evidence files to open."""
    files = queue_evidence(viewer, tuple(int(i) for i in chosen["result_id"]))
    for _, row in chosen.iterrows():
        with st.container(border=True):
            heading = " · ".join(str(row[c]) for c in ("company", "program", "indicator", "period"))
            st.markdown(f"**{ui.plain(heading)}**")
            st.caption(
                f"{ui.status_badge(str(row['status']))} · {percent(row['achievement'], lang())} · "
                + t("verify.submitted_on", day=_when(row["submitted_at"]))
            )
            titles = {
                "narrative": t("verify.col.narrative"),
                "evidence": t("verify.col.evidence"),
                "plausibility_note": t("verify.col.plausibility_note"),
            }
            for column, title in titles.items():
                value = str(row[column] or "").strip()
                st.markdown(f"**{ui.plain(title)}**  \n{ui.plain(value) if value else '–'}")
            st.markdown(f"**{ui.plain(t('evidence.heading'))}**")
            result_id = int(row["result_id"])
            file_list(viewer, files.get(result_id, []), key=f"verify-evidence-{result_id}")


def _actions(viewer: Viewer, chosen: pd.DataFrame) -> None:
    seen = [(int(i), int(v)) for i, v in zip(chosen["result_id"], chosen["version"], strict=True)]
    count = len(seen)
    if st.button(
        t("verify.verify_selected", count=count),
        type="primary",
        key="verify-selected",
        icon=":material/verified:",
    ):
        done = ui.run_command(
            lambda session: verify_results(session=session, viewer=viewer, seen=seen), refused=_keep_refusal
        )
        if done is not ui.REFUSED:
            ui.rerun_with_notice(_NOTICE, t("verify.done", count=done))
        st.rerun()
    with st.container(border=True):
        st.markdown(f"**{ui.plain(t('verify.send_back_heading', count=count))}**")
        note = st.text_area(
            t("verify.note"),
            key="verify-note",
            max_chars=RETURN_NOTE_LIMIT,
            placeholder=t("verify.note_hint"),
        )
        if st.button(t("verify.send_back"), key="verify-send-back", icon=":material/undo:"):

            def command(session: Any) -> int:
                for result_id, version in seen:
                    return_result(
                        session=session, viewer=viewer, result_id=result_id, note=note, version=version
                    )
                return count

            sent = ui.run_command(command, refused=_keep_refusal)
            if sent is not ui.REFUSED:
                ui.rerun_with_notice(_NOTICE, t("verify.sent_back", count=sent), clear="verify-note")
            st.rerun()


def _keep_refusal(error: DomainError) -> None:
    """A refusal is shown at the top of the next run, over the queue read anew."""
    st.session_state[_ERROR] = ui.refusal(error)


def _returned(viewer: Viewer, *, own: bool) -> None:
    """The results sent back and not yet submitted again, each with its note: a company's own (to
    correct on /data), or what an agency sent back."""
    st.subheader(t("verify.returned.title"))
    returned = ui.read(verification.returned_results, viewer=viewer)
    if returned.empty:
        st.caption(t("verify.returned.none"))
        return
    if own:
        st.warning(t("verify.returned.company_intro", count=len(returned)), icon=":material/undo:")
        st.page_link("pages/data.py", label=t("verify.returned.correct"), icon=":material/edit_note:")
    else:
        st.caption(t("verify.returned.agency_intro"))
    shown = returned.assign(
        actual=returned["actual"].map(_figure),
        target=returned["target"].map(_figure),
        returned_at=returned["returned_at"].map(_when),
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_order=_RETURNED_ORDER,
        column_config={
            "return_note": st.column_config.TextColumn(t("verify.col.return_note"), width=320),
            "company": st.column_config.TextColumn(t("verify.col.company"), width=160),
            "indicator": st.column_config.TextColumn(t("verify.col.indicator"), width=200),
            "period": st.column_config.TextColumn(t("verify.col.period"), width=80),
            "actual": st.column_config.TextColumn(t("verify.col.actual"), width=95, alignment="right"),
            "target": st.column_config.TextColumn(t("verify.col.target"), width=95, alignment="right"),
            "returned_by": st.column_config.TextColumn(t("verify.col.returned_by"), width=130),
            "returned_at": st.column_config.TextColumn(t("verify.col.returned_at"), width=110),
            "program": st.column_config.TextColumn(t("verify.col.program"), width=180),
        },
        placeholder="–",
    )
    for _, row in returned.iterrows():
        where = " · ".join(str(row[c]) for c in ("program", "indicator", "period"))
        st.markdown(f"**{ui.plain(where)}** — {ui.plain(str(row['return_note']))}")
