"""The import (upload → preview → confirm) and export sections of the /data page."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from sinergi.core import db, spreadsheet
from sinergi.core.access import AccessDenied, Viewer
from sinergi.i18n.formatting import number
from sinergi.reads.filters import Filters
from sinergi.transfer import archive, exporting, importing, parsing
from sinergi.transfer.sheets import SHEETS, header, sheet_name
from sinergi.ui import lang, t

_PREVIEW = "transfer-preview"
_DONE = "transfer-done"
_AUTO = ""


def import_section(viewer: Viewer) -> None:
    """Download the template, upload a filled file, read every error, then import it in one go."""
    st.subheader(t("transfer.import_heading"))
    if not viewer.may_import():
        st.info(t("transfer.not_allowed"))
        return
    st.caption(t("transfer.import_intro"))
    st.download_button(
        t("transfer.template"),
        data=lambda: exporting.template_workbook(viewer=viewer, lang=lang()),
        file_name="sinergi-templat.xlsx" if lang() == "id" else "sinergi-template.xlsx",
        mime=spreadsheet.XLSX_MIME,
        key="transfer-template",
        on_click="ignore",
        icon=":material/download:",
    )
    upload = st.file_uploader(
        t("transfer.upload"),
        type=["xlsx", "csv"],
        key="transfer-upload",
        max_upload_size=max(1, parsing.max_upload_bytes() // (1024 * 1024)),
    )
    if upload is None:
        st.session_state.pop(_PREVIEW, None)
        st.session_state.pop(_DONE, None)
        return
    done = st.session_state.get(_DONE)
    entity = _AUTO
    if upload.name.lower().endswith(".csv"):
        names = {_AUTO: t("transfer.csv_auto")} | {spec.key: sheet_name(spec.key, lang()) for spec in SHEETS}
        entity = st.selectbox(
            t("transfer.csv_entity"), list(names), format_func=names.__getitem__, key="transfer-entity"
        )
    data = upload.getvalue()
    fingerprint = (hashlib.sha256(data).hexdigest(), entity, viewer)
    if done and done[0] == fingerprint:
        _show_done(done)
        return
    cached = st.session_state.get(_PREVIEW)
    if cached is None or cached[0] != fingerprint:
        with st.spinner(t("transfer.checking")):
            cached = (fingerprint, _check(viewer, upload.name, data, entity))
        st.session_state[_PREVIEW] = cached
    if isinstance(cached[1], str):
        st.error(cached[1], icon=":material/block:")
        return
    outcome, reading = cached[1]
    show_reading(reading)
    if outcome.problems:
        st.error(t("transfer.preview_errors", count=len(outcome.problems)), icon=":material/error:")
        st.dataframe(problems_frame(outcome.problems), hide_index=True, width="stretch", placeholder="–")
        return
    st.success(t("transfer.preview_ok"), icon=":material/check_circle:")
    st.dataframe(summary_frame(outcome), hide_index=True, width="stretch", placeholder="–")
    checked = not reading.flagged or st.checkbox(t("transfer.numbers.checked"), key="transfer-checked")
    if st.button(
        t("transfer.confirm"),
        type="primary",
        key="transfer-confirm",
        icon=":material/upload:",
        disabled=not checked,
    ):
        result = _check(viewer, upload.name, data, entity, preview=outcome)
        st.session_state.pop(_PREVIEW, None)
        if isinstance(result, str):
            st.error(result, icon=":material/block:")
        elif result[0].problems:  # the data changed between preview and confirm
            problems = result[0].problems
            st.error(t("transfer.preview_errors", count=len(problems)), icon=":material/error:")
            st.dataframe(problems_frame(problems), hide_index=True, width="stretch", placeholder="–")
        else:
            st.session_state[_DONE] = (fingerprint, result[0])
            st.rerun()


def _check(
    viewer: Viewer, name: str, data: bytes, entity: str, *, preview: importing.Report | None = None
) -> tuple[importing.Report, parsing.Reading] | str:
    """The report of a preview or, given the preview it confirms, of the import itself, with how the
    file's numbers were read; or the reason the file was refused."""
    try:
        sheets = parsing.read_upload(name, data, entity=entity or None, lang=lang())
        report = importing.import_sheets(
            engine=db.get_engine(),
            viewer=viewer,
            sheets=sheets,
            commit=preview is not None,
            file_name=name,
            preview=preview,
        )
        return report, parsing.read_numbers_by(sheets, lang())
    except archive.FileRefused as refused:
        return t(refused.key, **refused.values)
    except AccessDenied as denied:
        return t(denied.key)


def _show_done(done: tuple[object, importing.Report]) -> None:
    st.success(t("transfer.done"), icon=":material/task_alt:")
    st.dataframe(summary_frame(done[1]), hide_index=True, width="stretch", placeholder="–")


def show_reading(reading: parsing.Reading) -> None:
    """How the file's numbers typed as text were read, and the values a person might read otherwise."""
    if not reading.texts:
        return
    way = t("transfer.numbers.read_id" if reading.convention == "id" else "transfer.numbers.read_en")
    why = t("transfer.numbers.decided" if reading.decided else "transfer.numbers.by_language")
    st.info(f"{way} {why}", icon=":material/pin:")
    if not reading.flagged:
        return
    language, flagged = lang(), reading.flagged
    st.warning(t("transfer.numbers.flagged", count=len(flagged)), icon=":material/warning:")
    st.dataframe(
        pd.DataFrame(
            {
                t("transfer.col_sheet"): [sheet_name(f.sheet, language) for f in flagged],
                t("transfer.col_row"): [f.row for f in flagged],
                t("transfer.col_column"): [header(f.column, language) for f in flagged],
                t("transfer.col_typed"): [f.text for f in flagged],
                t("transfer.col_read_as"): [number(f.read_as, language, decimals=10) for f in flagged],
                t("transfer.col_other"): [number(f.other, language, decimals=10) for f in flagged],
            }
        ),
        hide_index=True,
        width="stretch",
        placeholder="–",
    )


def problems_frame(problems: list[importing.Problem]) -> pd.DataFrame:
    """Errors as the reader sees them: sheet, row number as the spreadsheet shows it, column, message."""
    language = lang()
    return pd.DataFrame(
        {
            t("transfer.col_sheet"): [sheet_name(p.sheet, language) for p in problems],
            t("transfer.col_row"): [p.row for p in problems],
            t("transfer.col_column"): [header(p.column, language) if p.column else "–" for p in problems],
            t("transfer.col_message"): [t(p.key, **dict(p.values)) for p in problems],
        }
    )


def summary_frame(report: importing.Report) -> pd.DataFrame:
    """Rows per sheet that are new, changed and unchanged."""
    sheets = [s.key for s in SHEETS if s.key in {*report.created, *report.updated, *report.unchanged}]
    return pd.DataFrame(
        {
            t("transfer.col_sheet"): [sheet_name(key, lang()) for key in sheets],
            t("transfer.col_created"): [report.created.get(key, 0) for key in sheets],
            t("transfer.col_updated"): [report.updated.get(key, 0) for key in sheets],
            t("transfer.col_unchanged"): [report.unchanged.get(key, 0) for key in sheets],
        }
    )


def export_section(viewer: Viewer, filters: Filters) -> None:
    """What the viewer may read, narrowed by the page's filters, as .xlsx (all sheets) or one .csv."""
    st.subheader(t("transfer.export_heading"))
    st.caption(t("transfer.export_intro"))
    language = lang()

    def sheets() -> dict[str, pd.DataFrame]:
        with db.read_session() as session:
            return exporting.export_sheets(session=session, viewer=viewer, filters=filters, lang=language)

    buttons = st.container(horizontal=True)
    buttons.download_button(
        t("transfer.xlsx"),
        data=lambda: spreadsheet.workbook_bytes(sheets()),
        file_name="sinergi.xlsx",
        mime=spreadsheet.XLSX_MIME,
        key="transfer-export-xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )
    names = {
        spec.key: sheet_name(spec.key, language) for spec in SHEETS if viewer.is_admin or not spec.reference
    }
    chosen = st.selectbox(
        t("transfer.csv_sheet"), list(names), format_func=names.__getitem__, key="transfer-export-sheet"
    )
    st.download_button(
        t("transfer.csv"),
        data=lambda: spreadsheet.csv_bytes(sheets()[names[chosen]]),
        file_name=f"sinergi-{chosen}.csv",
        mime="text/csv",
        key="transfer-export-csv",
        on_click="ignore",
        icon=":material/csv:",
    )
