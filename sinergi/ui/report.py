"""The semester evaluation report's section: what to report on, and the PDF and .xlsx downloads."""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from sinergi import ui
from sinergi.core import db, spreadsheet
from sinergi.core.access import Viewer
from sinergi.reads import overview, queries
from sinergi.reads.filters import Filters
from sinergi.reports import content, pdf, workbook
from sinergi.reports.rendering import chart_images
from sinergi.ui import t

PROGRAM = "program"
COMPANY = "company"


def report_section(viewer: Viewer) -> None:
    """Pick one program or a whole company and a semester; download the report as PDF or .xlsx.

    The files are made only when a button is clicked, through the same access rules as the pages.
    """
    st.subheader(t("report.heading"))
    st.caption(t("report.intro"))
    choices = ui.read(content.report_choices, viewer=viewer)
    if not choices.programs:
        st.info(t("report.nothing"))
        return
    if not choices.periods:
        st.info(t("report.no_periods"))
        return

    # A link from a program's page (?program=N) opens the report of that program.
    linked = ui.int_param("program")
    for listed, _, owner in choices.programs:
        if listed == linked and st.session_state.get("report-linked") != linked:
            st.session_state["report-linked"] = linked
            st.session_state["report-scope"] = PROGRAM
            st.session_state["report-company"] = owner
            st.session_state[f"report-program-{owner}"] = linked
    # Display names are fixed while the widgets are built (see ui.filter_bar).
    scopes = {PROGRAM: t("report.scope_program"), COMPANY: t("report.scope_company")}
    companies = dict(choices.companies)
    left, middle, right = st.columns([2, 3, 1])
    scope = left.radio(
        t("report.scope"), list(scopes), format_func=scopes.__getitem__, key="report-scope", horizontal=True
    )
    company_id = middle.selectbox(
        t("report.choose_company"), list(companies), format_func=companies.__getitem__, key="report-company"
    )
    # The latest semester with reported actuals, as the overview shows it.
    latest = ui.read(overview.reporting_period, filters=Filters(), viewer=viewer)
    periods = list(choices.periods)
    period = right.selectbox(
        t("report.choose_period"),
        periods,
        index=periods.index(latest) if latest in periods else 0,
        key="report-period",
    )
    if company_id is None or period is None:
        return
    program_id: int | None = None
    subject = companies[company_id]
    if scope == PROGRAM:
        programs = {i: name for i, name, company in choices.programs if company == company_id}
        program_id = st.selectbox(
            t("report.choose_program"),
            list(programs),
            format_func=programs.__getitem__,
            key=f"report-program-{company_id}",
        )
        if program_id is None:
            return
        subject = programs[program_id]

    scope_ids = {"program_id": program_id} if program_id is not None else {"company_id": company_id}
    st.caption(ui.t_plain("report.subject", subject=subject, period=period))
    verified_only = st.checkbox(
        t("report.verified_only_option"), key="report-verified-only", help=t("filter.verified_help")
    )
    _downloads(viewer, subject, period, scope_ids, verified_only=verified_only)


FORMATS = {
    "pdf": ("report.download_pdf", "application/pdf", ":material/picture_as_pdf:"),
    "xlsx": (
        "report.download_xlsx",
        spreadsheet.XLSX_MIME,
        ":material/table:",
    ),
}


def _downloads(
    viewer: Viewer, subject: str, period: str, scope_ids: dict[str, int], *, verified_only: bool
) -> None:
    """The PDF and .xlsx buttons; a file is made only when its button is clicked."""
    language = ui.lang()

    def made(kind: str) -> bytes:
        # Runs when the button is clicked, outside the page's run: no Streamlit calls in here.
        with db.read_session() as session:
            data = content.semester_report(
                session=session,
                viewer=viewer,
                period=period,
                thresholds=queries.thresholds(session=session, viewer=viewer),
                today=date.today(),
                verified_only=verified_only,
                **scope_ids,
            )
        if data is None:
            raise LookupError(f"nothing to report for {scope_ids} in {period}")
        images = chart_images(data, language)
        return (
            pdf.report_pdf(data, language, images)
            if kind == "pdf"
            else workbook.report_xlsx(data, language, images)
        )

    buttons = st.container(horizontal=True)
    for kind, (text, mime, icon) in FORMATS.items():
        buttons.download_button(
            t(text),
            data=partial(made, kind),
            file_name=content.file_name(subject, period, kind),
            mime=mime,
            on_click="ignore",
            icon=icon,
            key=f"report-{kind}",
            type="primary" if kind == "pdf" else "secondary",
        )
