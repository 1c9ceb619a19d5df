"""Evidence files on screen: a list of them (name as typed, who added each and when, a download
button), and the uploader where a company adds them to a result or a compliance record."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st
from sqlmodel import Session

import models as m
from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.core.errors import DomainError
from sinergi.i18n.formatting import number
from sinergi.reads import evidence as evidence_reads
from sinergi.reads.evidence import EvidenceEntry
from sinergi.ui import lang, t
from sinergi.writes import evidence

# What the uploader offers by name; the command decides by content.
UPLOAD_TYPES = ["pdf", "jpg", "jpeg", "png"]
EXTENSIONS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}
ICONS = {
    "application/pdf": ":material/picture_as_pdf:",
    "image/jpeg": ":material/image:",
    "image/png": ":material/image:",
}
_NOTICE = "evidence-notice"


def download_name(entry: EvidenceEntry) -> str:
    """The file's name as typed, with the extension of what it is when the name says otherwise (a PNG
    named ``scan.pdf`` downloads as ``scan.pdf.png``, which the reader's computer opens as a picture)."""
    extensions = EXTENSIONS[entry.content_type]
    return entry.filename if entry.filename.lower().endswith(extensions) else entry.filename + extensions[0]


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{number(max(1, math.ceil(size / 1024)), lang())} KB"
    return f"{number(size / (1024 * 1024), lang(), decimals=1)} MB"


def file_list(
    viewer: Viewer,
    entries: list[EvidenceEntry],
    *,
    key: str,
    show_about: bool = False,
    remove: Callable[[EvidenceEntry], None] | None = None,
) -> None:
    """The files, each as a line: its name shown as typed, what it is evidence of (``show_about``), who
    added it and when in the reader's language, and a button that downloads its bytes (read only when
    pressed, past the shared cache); ``remove`` adds a button that takes it away."""
    if not entries:
        st.caption(t("evidence.none"))
        return
    for entry in entries:
        line = st.container(horizontal=True, vertical_alignment="center", key=f"{key}-file-{entry.id}")
        about = f"{ui.plain(entry.about)} · " if show_about else ""
        line.markdown(
            f"**{ui.plain(entry.filename)}**  \n" + about + _added(entry) + f" · {_size(entry.size)}",
        )
        line.download_button(
            t("evidence.download"),
            data=functools.partial(
                _bytes, ui.read_later(evidence_reads.file_content, viewer=viewer, file_id=entry.id)
            ),
            file_name=download_name(entry),
            mime=entry.content_type,
            key=f"{key}-download-{entry.id}",
            on_click="ignore",
            icon=ICONS[entry.content_type],
        )
        if remove is not None:
            line.button(
                t("evidence.remove"),
                key=f"{key}-remove-{entry.id}",
                icon=":material/delete:",
                on_click=remove,
                args=(entry,),
            )


def _added(entry: EvidenceEntry) -> str:
    return ui.t_plain("evidence.added", who=entry.added_by, when=ui.when(entry.added_at))


def _bytes(content: Callable[[], evidence_reads.EvidenceContent | None]) -> bytes:
    found = content()
    return found.data if found is not None else b""


def uploader(
    key: str, add: Callable[[Session, str, bytes], object], *, after: Callable[[], None] | None = None
) -> None:
    """A file picker and a button that keeps the picked file through ``add`` (a command given the
    session, the file's name and its bytes), then runs ``after``; what was refused is said under it,
    naming the file. The success is said where the caller shows the notice of ``key``."""
    round_ = st.session_state.get(f"{key}-round", 0)
    picked = st.file_uploader(
        t("evidence.upload"),
        type=UPLOAD_TYPES,
        key=f"{key}-upload-{round_}",
        help=t("evidence.upload_help", limit=_limit()),
        # Above the app's own limit, so that the app says in the reader's language that a file is too
        # large (the uploader's own message is in English).
        max_upload_size=math.ceil(evidence.max_bytes() / (1024 * 1024)) + 1,
    )
    if picked is None:
        return
    if st.button(t("evidence.add"), key=f"{key}-add-{round_}", type="primary", icon=":material/attach_file:"):
        name, data = picked.name, picked.getvalue()
        if ui.run_command(lambda session: add(session, name, data)) is not ui.REFUSED:
            st.session_state[f"{key}-round"] = round_ + 1  # a new, empty picker
            if after is not None:
                after()
            ui.rerun_with_notice(f"{_NOTICE}-{key}", ui.t_plain("evidence.added_notice", name=name))


def _limit() -> str:
    return number(evidence.max_bytes() / (1024 * 1024), lang(), decimals=0)


def remover(
    viewer: Viewer, key: str, after: Callable[[], None] | None = None
) -> Callable[[EvidenceEntry], None]:
    """What a remove button calls: takes the file away (the command asks who may), then says so."""

    def remove(entry: EvidenceEntry) -> None:
        def refused(error: DomainError) -> None:
            st.session_state[f"{key}-refused"] = ui.refusal(error)

        done = ui.run_command(
            lambda session: evidence.remove_file(
                session=session, viewer=viewer, file_id=entry.id, now=datetime.now(UTC)
            ),
            refused=refused,
        )
        if done is not ui.REFUSED:
            st.session_state[f"{_NOTICE}-{key}"] = ui.t_plain("evidence.removed", name=entry.filename)
            if after is not None:
                after()

    return remove


def show_refusal(key: str) -> None:
    if message := st.session_state.pop(f"{key}-refused", None):
        st.error(message, icon=":material/error:")


def result_evidence(viewer: Viewer, program: int) -> None:
    """The files of one recorded result of a program, picked by indicator and period, and where its
    company adds more (a verified result takes files from an admin only)."""
    st.subheader(t("evidence.heading"))
    choices = ui.read(evidence_reads.result_choices, viewer=viewer, program_id=program)
    if not choices:
        st.caption(t("evidence.no_results"))
        return
    names = {result_id: f"{about} · {ui.state_badge(state)}" for result_id, about, state in choices}
    states = {result_id: state for result_id, _, state in choices}
    result_id = st.selectbox(
        t("evidence.result"), list(names), format_func=names.__getitem__, key=f"evidence-result-{program}"
    )
    key = f"evidence-result-{result_id}"
    show_refusal(key)
    ui.show_notice(f"{_NOTICE}-{key}")
    files = ui.read(evidence_reads.result_files, viewer=viewer, result_ids=(result_id,))
    if states[result_id] == m.ResultState.VERIFIED and not viewer.is_admin:
        # The command refuses it too; the page does not offer what would be refused.
        file_list(viewer, files, key=key)
        st.caption(t("error.result_locked"))
        return
    file_list(viewer, files, key=key, remove=remover(viewer, key))
    uploader(
        key,
        lambda session, name, data: evidence.add_result_file(
            session=session, viewer=viewer, result_id=result_id, filename=name, data=data
        ),
    )


def compliance_evidence(
    viewer: Viewer, company: int, point: int, *, may_add: bool, changed: Callable[[], None]
) -> None:
    """The files of a company's compliance record on a point; ``may_add`` adds the uploader and remove
    buttons (its company, an admin). ``changed`` runs after a file comes or goes: the record's version
    moved, so the forms above open it again."""
    key = f"evidence-compliance-{company}-{point}"
    st.markdown(f"**{t('evidence.heading')}**")
    show_refusal(key)
    ui.show_notice(f"{_NOTICE}-{key}")
    files = ui.read(evidence_reads.compliance_files, viewer=viewer, company_id=company, point_id=point)
    file_list(viewer, files, key=key, remove=remover(viewer, key, changed) if may_add else None)
    if may_add:

        def add(session: Session, name: str, data: bytes) -> object:
            return evidence.add_compliance_file(
                session=session,
                viewer=viewer,
                company_id=company,
                point_id=point,
                filename=name,
                data=data,
                now=datetime.now(UTC),
            )

        uploader(key, add, after=changed)


def program_evidence(viewer: Viewer, program_id: int, *, verified_only: bool) -> None:
    """Every file of a program's results the viewer may read, each with what it is evidence of."""
    files = ui.read(
        evidence_reads.program_files, viewer=viewer, program_id=program_id, verified_only=verified_only
    )
    if not files:
        st.info(t("evidence.program_none"))
        return
    st.caption(t("evidence.program_intro", count=len(files)))
    file_list(viewer, files, key=f"evidence-program-{program_id}", show_about=True)


def queue_evidence(viewer: Viewer, result_ids: tuple[int, ...]) -> dict[int, list[EvidenceEntry]]:
    """The files of the results in the agency's queue that are picked, by result."""
    by_result: dict[int, list[EvidenceEntry]] = {}
    for entry in ui.read(evidence_reads.result_files, viewer=viewer, result_ids=result_ids):
        by_result.setdefault(entry.owner_id, []).append(entry)
    return by_result
