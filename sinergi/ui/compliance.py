"""The compliance screen's parts: choosing a framework, its summary and matrix, its points and
deadlines, and one company's record against them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.i18n.formatting import long_date, number
from sinergi.reads import compliance, queries
from sinergi.reads.compliance import Basis, FrameworkSummary, PointDeadline, PointRecord
from sinergi.reports import charts
from sinergi.ui import label, lang, plain, t, tables

# A company's row on a slide: tall enough for its name at the room's text size.
ROOM_ROW_HEIGHT = 48


def pick_framework(viewer: Viewer) -> int | None:
    """A choice of the frameworks ``viewer`` may see, the chosen one kept in the URL; None, after
    saying why, when there is none."""
    choices = {f.id: f for f in ui.read(queries.frameworks, viewer=viewer) if f.id is not None}
    if not choices:
        # Only an admin can add a framework (or load the demo's); a company or agency is told none
        # covers its regencies yet, a reader of every regency that there is none yet.
        if viewer.is_admin:
            st.info(t("compliance_page.no_framework"))
        elif viewer.framework_conditions():
            st.info(t("compliance_page.no_framework_here"))
        else:
            st.info(t("compliance_page.no_framework_yet"))
        return None
    wanted = ui.int_param("framework")
    # The options' labels are in the reader's language, and a selectbox keeps showing the label it was
    # chosen under: one widget per language, each starting from the URL, follows the language switch.
    key = f"compliance-framework-{lang()}"
    return int(
        st.selectbox(
            t("compliance_page.framework"),
            list(choices),
            index=list(choices).index(wanted) if wanted in choices else 0,
            format_func=lambda i: t(
                "compliance_page.framework_option", name=choices[i].name, year=choices[i].plan_year
            ),
            key=key,
            on_change=ui.store_param,
            args=("framework", key),
        )
    )


def framework_summary(viewer: Viewer, framework_id: int) -> FrameworkSummary | None:
    return ui.read(compliance.framework_summary, viewer=viewer, framework_id=framework_id)


def summary_text(summary: FrameworkSummary) -> str:
    """Whose framework it is, since when, for which year, how many points and companies it covers."""
    text = ui.t_plain(
        "compliance_page.summary",
        regency=summary.regency,
        issued=long_date(summary.issued_on, lang()),
        year=summary.plan_year,
        points=number(summary.points, lang()),
        companies=number(summary.companies, lang()),
    )
    if summary.meeting_title:
        text += " " + ui.t_plain("compliance_page.meeting", title=summary.meeting_title)
    return text


def matrix(viewer: Viewer, framework_id: int, today: date) -> pd.DataFrame:
    """Every company's status against every point of the framework, a row a cell: read once per run,
    the tiles and the deadlines count from it."""
    return ui.read(compliance.compliance_matrix_frame, viewer=viewer, framework_id=framework_id, today=today)


def status_tiles(matrix: pd.DataFrame) -> None:
    """How many cells of the matrix stand at each status."""
    counts = compliance.counts_of(matrix)
    for tile, count in zip(st.columns(len(charts.COMPLIANCE_COLOURS)), counts, strict=True):
        tile.metric(
            label("compliance", count.status),
            number(count.cells, lang()),
            help=t("compliance_page.counts_help"),
        )


def matrix_chart(matrix: pd.DataFrame, framework_id: int) -> None:
    """The matrix as coloured cells, company by point, with its data and image to download."""
    chart, shown = status_matrix(matrix)
    ui.chart_block(chart, shown.drop(columns="point_text"), name=f"compliance-matrix-{framework_id}")


def status_matrix(matrix: pd.DataFrame, *, room: bool = False) -> tuple[Any, pd.DataFrame]:
    """The chart of ``matrix`` (a row per company and point), company by point coloured by status,
    and the data it draws. For a room the cells are taller, the text larger, and a point is named by
    its number and the start of its title, read from across the room."""
    status_labels = ui.labels("compliance", charts.COMPLIANCE_COLOURS)
    point_text = matrix["point"].astype(str) + ". " + matrix["point_title"]
    shown = pd.DataFrame(
        {
            "company": matrix["company"],
            "point": (
                [
                    f"{n}. {_short(str(title))}"
                    for n, title in zip(matrix["point"], matrix["point_title"], strict=True)
                ]
                if room
                else matrix["point"]
            ),
            "point_title": matrix["point_title"],
            "status": matrix["status"],
            "status_label": matrix["status"].map(status_labels),
            "manual": matrix["manual"],
            # How many documents each record has, in the data behind the chart (its CSV).
            "evidence_files": matrix["evidence_files"],
            "point_text": point_text,
        }
    )
    chart = charts.status_matrix(
        shown,
        row="company",
        column="point",
        row_title=t("compliance_page.company"),
        column_title=t("compliance_page.point"),
        status_labels=status_labels,
        description=t("chart.compliance_matrix", statuses=", ".join(status_labels.values())),
        **({"row_height": ROOM_ROW_HEIGHT, "font_size": charts.ROOM_FONT_SIZE} if room else {}),
    )
    return (charts.for_room(chart) if room else chart), shown


def _short(title: str, limit: int = 18) -> str:
    """A point's title cut at a word to at most ``limit`` characters, with an ellipsis if cut."""
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def point_list(viewer: Viewer, framework_id: int) -> None:
    """Each point of the framework, opened to its text, deadline, rule and the evidence it asks for."""
    for point in ui.read(queries.framework_points, viewer=viewer, framework_id=framework_id):
        deadline = (
            t("point.deadline", date=long_date(point.deadline, lang()))
            if point.deadline
            else t("compliance_page.no_deadline")
        )
        with st.expander(ui.t_plain("compliance_page.point_label", number=point.number, title=point.title)):
            st.markdown(plain(point.text))
            st.markdown(
                f"- {deadline}\n"
                f"- {t('compliance_page.judged', rule=label('point_rule', point.rule))}\n"
                + (
                    f"- {ui.t_plain('compliance_page.evidence_needed', evidence=point.evidence_needed)}"
                    if point.evidence_needed
                    else ""
                )
            )


def deadline_table(viewer: Viewer, framework_id: int, today: date, matrix: pd.DataFrame) -> None:
    """The points with a deadline, how long is left (or overdue), and how many companies of ``matrix``
    are open on each."""
    points = ui.read(queries.framework_points, viewer=viewer, framework_id=framework_id)
    deadlines = compliance.deadlines_of(points, matrix, today)
    if not deadlines:
        st.info(t("compliance_page.no_deadlines"))
        return
    st.caption(t("compliance_page.deadlines_caption", today=long_date(today, lang())))
    tables.table(
        pd.DataFrame(
            {
                t("compliance_page.col_point"): [d.number for d in deadlines],
                t("compliance_page.col_title"): [d.title for d in deadlines],
                t("compliance_page.col_deadline"): [long_date(d.deadline, lang()) for d in deadlines],
                t("compliance_page.col_time"): [_remaining(d) for d in deadlines],
                t("compliance_page.col_open"): [d.open_companies for d in deadlines],
            }
        ),
        name="deadlines",
        hide_index=True,
        width="stretch",
    )


def _remaining(deadline: PointDeadline) -> str:
    if deadline.days_overdue == 1:
        return t("compliance_page.days_overdue_one")
    if deadline.days_overdue:
        return t("compliance_page.days_overdue", days=number(deadline.days_overdue, lang()))
    if deadline.days_left == 0:
        return t("compliance_page.due_today")
    if deadline.days_left == 1:
        return t("compliance_page.days_left_one")
    return t("compliance_page.days_left", days=number(deadline.days_left, lang()))


def pick_company(matrix: pd.DataFrame, framework_id: int) -> int:
    """A choice of the matrix's companies, the chosen one kept in the URL."""
    companies = dict(matrix[["company_id", "company"]].drop_duplicates().itertuples(index=False, name=None))
    key = f"compliance-company-{framework_id}"
    wanted = ui.int_param("company")
    return int(
        st.selectbox(
            t("compliance_page.company"),
            list(companies),
            index=list(companies).index(wanted) if wanted in companies else 0,
            format_func=companies.__getitem__,
            key=key,
            on_change=ui.store_param,
            args=("company", key),
        )
    )


def company_record(viewer: Viewer, framework_id: int, company_id: int, today: date) -> None:
    """One company against the framework: whether it takes part, its poverty-alleviation programs of
    the plan year, and its status, evidence and verification point by point."""
    detail = ui.read(
        compliance.company_compliance,
        viewer=viewer,
        framework_id=framework_id,
        company_id=company_id,
        today=today,
    )
    if detail is None:
        return
    _participation(detail.participation)
    st.markdown(f"**{t('compliance_page.programs_heading', year=detail.plan_year)}**")
    if not detail.poverty_programs:
        st.caption(t("compliance_page.no_programs", year=detail.plan_year))
    for program in detail.poverty_programs:
        start = long_date(program.start_date, lang())
        stage = label("stage", program.stage)
        when = (
            t(
                "compliance_page.program_between",
                stage=stage,
                start=start,
                end=long_date(program.end_date, lang()),
            )
            if program.end_date
            else t("compliance_page.program_since", stage=stage, start=start)
        )
        # A link to the app's own page, made of the program's id; its name only labels it, as text.
        st.markdown(f"- [{plain(program.name)}](program?id={int(program.id)}) — {when}")
    st.markdown(f"**{t('compliance_page.record_heading')}**")
    # A table draws its cells as Markdown: each holds its text escaped, and so shows it as typed.
    st.table(_record_table(detail.points).map(plain).rename(index=plain))


def _participation(participation: compliance.Participation | None) -> None:
    if participation is None:
        st.caption(t("compliance_page.no_participation"))
    elif participation.declined:
        st.warning(
            t("compliance_page.declined", date=long_date(participation.letter_on, lang()))
            if participation.letter_on
            else t("compliance_page.declined_no_letter")
        )
        if participation.reason:
            st.markdown(ui.t_plain("compliance_page.reason", reason=participation.reason))
    else:
        st.markdown(t("compliance_page.taking_part"))


def _record_table(points: tuple[PointRecord, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("compliance_page.col_point"): [f"{r.number}. {r.title}" for r in points],
            t("compliance_page.col_status"): [label("compliance", r.status) for r in points],
            t("compliance_page.col_basis"): [_basis(r) for r in points],
            t("compliance_page.col_evidence"): [r.evidence or "–" for r in points],
            t("compliance_page.col_document_date"): [long_date(r.document_date, lang()) for r in points],
            t("compliance_page.col_note"): [r.note or "–" for r in points],
            t("compliance_page.col_verified_by"): [r.verified_by or "–" for r in points],
            t("compliance_page.col_verified_at"): [ui.day_of(r.verified_at) for r in points],
        }
    ).set_index(t("compliance_page.col_point"))


def _basis(record: PointRecord) -> str:
    if record.basis is Basis.HAND:
        return t("compliance_page.basis_hand")
    if record.basis is Basis.AWAITING:
        return t("compliance_page.basis_awaiting")
    if record.basis is Basis.DECLINED:
        return t("compliance_page.basis_declined")
    return label("point_rule", record.rule)
