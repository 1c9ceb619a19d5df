"""The semester evaluation report of a program or a company for one period, as PDF and as .xlsx."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, cast

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Font, PatternFill
from sqlalchemy import func
from sqlmodel import Session, col, select

import models as m
from sinergi.core import spreadsheet
from sinergi.core.access import Viewer, refuse
from sinergi.core.db import reads
from sinergi.core.errors import DomainError
from sinergi.i18n.formatting import long_date, number, percent, rupiah
from sinergi.i18n.registry import enum_key
from sinergi.i18n.texts import translate
from sinergi.reads.programs import (
    OPEN_ACTION,
    ProgramProfile,
    indicator_results,
    nan_to_none,
    program_actions,
    program_feedback,
)
from sinergi.reads.programs import program_profile as read_program_profile
from sinergi.reports import charts
from sinergi.rules.achievement import Thresholds

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
GAP_MARK = "⚠"
GAP_FILL = (253, 226, 212)
HEADING_FILL = (230, 236, 242)
# Charts are drawn small and once per indicator: a company with eight programs stays quick.
CHART_WIDTH_PX = 420
CHART_HEIGHT_PX = 170
CHART_SCALE = 1.5


class FontMissing(DomainError):
    key = "report.font_missing"


@dataclass(frozen=True)
class ReportChoices:
    """What the reader may report on: companies, programs (id, name, company id) and semesters."""

    companies: tuple[tuple[int, str], ...]
    programs: tuple[tuple[int, str, int], ...]
    periods: tuple[str, ...]


@reads(m.Company, m.Program, m.ProgramVillage, m.Village, m.District, m.Period)
def report_choices(*, session: Session, viewer: Viewer) -> ReportChoices:
    """The companies with programs the viewer may read, those programs, and the semesters newest first."""
    program_rows = session.exec(
        select(m.Program.id, m.Program.name, m.Program.company_id)
        .where(*viewer.program_conditions())
        .order_by(m.Program.name)
    ).all()
    company_ids = {company_id for _, _, company_id in program_rows}
    companies = session.exec(
        select(m.Company.id, m.Company.name)
        # The programs decide: an agency names the company of every program in its regency.
        .where(col(m.Company.id).in_(company_ids))
        .order_by(m.Company.name)
    ).all()
    periods = session.exec(select(m.Period.code).order_by(col(m.Period.code).desc())).all()
    return ReportChoices(
        companies=tuple((i, n) for i, n in companies if i is not None),
        programs=tuple((i, n, c) for i, n, c in program_rows if i is not None),
        periods=tuple(str(p) for p in periods),
    )


@dataclass(frozen=True)
class SemesterReport:
    """Everything the report prints, independent of the reader's language."""

    company: str
    company_id: int
    program_id: int | None  # set when the report covers one program
    period: str
    period_start: date
    period_end: date
    made_on: date
    programs: tuple[ProgramProfile, ...]
    evaluations: tuple[tuple[str, date], ...]
    # program, indicator_id, indicator, unit, baseline, baseline_year, direction, target, actual,
    # achievement, status, gap (one row per indicator; no result in the period leaves figures empty)
    indicators: pd.DataFrame
    # indicator_id, period, target, actual, achievement, status, baseline: every period up to this one
    series: pd.DataFrame
    # program, year, planned, spent
    budget: pd.DataFrame
    # program, families_planned, families_reached, men_planned, men_reached, women_planned, women_reached
    beneficiaries: pd.DataFrame
    # program, evaluation, action, owner, due_date, status, overdue
    actions: pd.DataFrame
    # program, held_on, meeting, source, kind, text, response, status
    feedback: pd.DataFrame

    @property
    def gaps(self) -> pd.DataFrame:
        return self.indicators[self.indicators["gap"]]


INDICATOR_COLUMNS = [
    "program",
    "indicator_id",
    "indicator",
    "unit",
    "baseline",
    "baseline_year",
    "direction",
    "target",
    "actual",
    "achievement",
    "status",
    "gap",
]
SERIES_COLUMNS = ["indicator_id", "period", "target", "actual", "achievement", "status", "baseline"]
ACTION_COLUMNS = ["program", "evaluation", "action", "owner", "due_date", "status", "overdue"]
FEEDBACK_COLUMNS = ["program", "held_on", "meeting", "source", "kind", "text", "response", "status"]


def semester_report(
    *,
    session: Session,
    viewer: Viewer,
    period: str,
    thresholds: Thresholds,
    today: date,
    company_id: int | None = None,
    program_id: int | None = None,
) -> SemesterReport | None:
    """The report of one program (``program_id``) or of a company's programs (``company_id``) for a
    semester, as far as the viewer may read them; None when the program, company or period is unknown.

    A company user asking for another company, or an agency user for a company with no program in
    its regency, is refused (AccessDenied) and the attempt logged.
    """
    if (company_id is None) == (program_id is None):
        raise ValueError("give either company_id or program_id")
    found_period = session.exec(select(m.Period).where(m.Period.code == period)).first()
    if found_period is None:
        return None

    if program_id is not None:
        profile = read_program_profile(session=session, viewer=viewer, program_id=program_id)
        if profile is None:
            return None
        profiles: list[ProgramProfile] = [profile]
        company_id = profile.company_id
    else:
        assert company_id is not None
        if session.get(m.Company, company_id) is None:
            return None
        readable = [col(m.Program.company_id) == company_id, *viewer.program_conditions()]
        if viewer.role is m.Role.COMPANY and viewer.company_id != company_id:
            refuse(viewer=viewer, entity="company", entity_id=company_id, detail="report")
        if viewer.role is m.Role.AGENCY and not session.exec(select(func.count()).where(*readable)).one():
            # Nothing of this company works in the agency's regency.
            refuse(viewer=viewer, entity="company", entity_id=company_id, detail="report")
        program_ids = session.exec(
            select(m.Program.id)
            .where(
                *readable,
                col(m.Program.start_date) <= found_period.end_date,
                col(m.Program.end_date).is_(None) | (col(m.Program.end_date) >= found_period.start_date),
            )
            .order_by(m.Program.name)
        ).all()
        profiles = [
            p
            for i in program_ids
            if i is not None
            and (p := read_program_profile(session=session, viewer=viewer, program_id=i)) is not None
        ]
    company = session.get(m.Company, company_id)
    assert company is not None and company.id is not None

    indicator_rows: list[dict[str, Any]] = []
    series_frames: list[pd.DataFrame] = []
    action_frames: list[pd.DataFrame] = []
    feedback_frames: list[pd.DataFrame] = []
    for profile in profiles:
        results = indicator_results(
            session=session, viewer=viewer, program_id=profile.id, thresholds=thresholds
        )
        for indicator_id, group in results.groupby("indicator_id", sort=False):
            first = group.iloc[0]
            in_period = group[group["period"] == period]
            row = in_period.iloc[0] if not in_period.empty else None
            indicator_rows.append(
                {
                    "program": profile.name,
                    "indicator_id": int(indicator_id),
                    "indicator": first["indicator"],
                    "unit": first["unit"],
                    "baseline": nan_to_none(first["baseline"]),
                    "baseline_year": _int(first["baseline_year"]),
                    "direction": first["direction"],
                    "target": nan_to_none(row["target"]) if row is not None else None,
                    "actual": nan_to_none(row["actual"]) if row is not None else None,
                    "achievement": nan_to_none(row["achievement"]) if row is not None else None,
                    "status": str(row["status"]) if row is not None else "no_data",
                    "gap": bool(row["gap"]) if row is not None else False,
                }
            )
        measured = results[results["period"].notna() & (results["period"] <= period)]
        series_frames.append(measured[SERIES_COLUMNS])

        actions = program_actions(session=session, viewer=viewer, program_id=profile.id, today=today)
        due_in_period = actions["due_date"].map(
            lambda d: (
                d is not None and not pd.isna(d) and found_period.start_date <= d <= found_period.end_date
            )
        )
        # Agreed at this semester's evaluation, due within it, or still open from an earlier one.
        agreed_by_then = actions["period"].isna() | (actions["period"].fillna("") <= period)
        still_open = actions["status"].isin(OPEN_ACTION) & agreed_by_then
        keep = (actions["period"] == period) | still_open | due_in_period
        action_frames.append(_rows(actions, keep).assign(program=profile.name)[ACTION_COLUMNS])

        feedback = program_feedback(session=session, viewer=viewer, program_id=profile.id)
        in_window = feedback["held_on"].map(lambda d: found_period.start_date <= d <= found_period.end_date)
        feedback_frames.append(_rows(feedback, in_window).assign(program=profile.name)[FEEDBACK_COLUMNS])

    evaluations = session.exec(
        select(col(m.Evaluation.title), col(m.Evaluation.held_on))
        .join(m.EvaluationProgram, col(m.EvaluationProgram.evaluation_id) == col(m.Evaluation.id))
        .where(
            m.Evaluation.period_id == found_period.id,
            col(m.EvaluationProgram.program_id).in_([p.id for p in profiles]),
        )
        .distinct()
        .order_by(col(m.Evaluation.held_on))
    ).all()

    year = found_period.year
    budget = pd.DataFrame(
        [(p.name, y, planned, spent) for p in profiles for y, planned, spent in p.budgets if y == year],
        columns=["program", "year", "planned", "spent"],
    )
    beneficiaries = pd.DataFrame(
        [
            (
                p.name,
                p.families_planned,
                p.families_reached,
                p.men_planned,
                p.men_reached,
                p.women_planned,
                p.women_reached,
            )
            for p in profiles
        ],
        columns=[
            "program",
            "families_planned",
            "families_reached",
            "men_planned",
            "men_reached",
            "women_planned",
            "women_reached",
        ],
    )
    return SemesterReport(
        company=company.name,
        company_id=company.id,
        program_id=program_id,
        period=period,
        period_start=found_period.start_date,
        period_end=found_period.end_date,
        made_on=today,
        programs=tuple(profiles),
        evaluations=tuple((str(title), held_on) for title, held_on in evaluations),
        indicators=pd.DataFrame(indicator_rows, columns=INDICATOR_COLUMNS),
        series=_concat(series_frames, SERIES_COLUMNS),
        budget=budget,
        beneficiaries=beneficiaries,
        actions=_concat(action_frames, ACTION_COLUMNS),
        feedback=_concat(feedback_frames, FEEDBACK_COLUMNS),
    )


def _rows(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """The rows where ``mask`` holds; an empty frame stays a frame with its columns."""
    return frame.loc[mask.astype(bool).to_numpy()]


def _concat(frames: Sequence[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    non_empty = [f for f in frames if not f.empty]
    if not non_empty:
        return pd.DataFrame(columns=columns)
    return pd.concat(non_empty, ignore_index=True)[columns]


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _day(value: Any) -> date | None:
    if value is None or pd.isna(value):
        return None
    assert isinstance(value, date)
    return value


# Charts ------------------------------------------------------------------------------------------


def chart_images(report: SemesterReport, lang: str) -> dict[int, bytes]:
    """One PNG per indicator that has figures up to the report's period, keyed by indicator id."""
    t = partial(translate, lang=lang)
    status_labels = {status: t(enum_key("achievement", status)) for status in charts.STATUS_COLOURS}
    specs: dict[int, str] = {}
    for row in report.indicators.itertuples(index=False):
        data = report.series[report.series["indicator_id"] == row.indicator_id]
        if data.empty:
            continue
        chart = charts.indicator_bullets(
            data.assign(status_label=data["status"].map(status_labels)),
            period_title=t("report.period"),
            actual_title=t("report.actual"),
            target_title=t("report.target"),
            baseline_title=t("report.baseline"),
            unit=str(row.unit),
            status_labels=status_labels,
        )
        # The builder's output is checked against the Vega-Lite schema by its own tests.
        specs[int(row.indicator_id)] = json.dumps(
            {**charts.in_language(chart, lang), "width": CHART_WIDTH_PX, "height": CHART_HEIGHT_PX}
        )
    return dict(zip(specs, _render(tuple(specs.values())), strict=True))


@lru_cache(maxsize=8)
def _render(specs: tuple[str, ...]) -> tuple[bytes, ...]:
    """The PNGs of ``specs``; kept for a while, since the PDF and the .xlsx of one report draw the
    same charts (a spec holds its data, so a changed figure is a new key)."""
    # vl-convert draws outside the interpreter lock: two at a time halves the wait.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return tuple(pool.map(partial(charts.to_png, scale=CHART_SCALE), specs))


# Texts shared by both formats -------------------------------------------------------------------


class _Words:
    """The report's words and figures in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def t(self, key: str, **values: object) -> str:
        return translate(key, self.lang, **values)

    def label(self, kind: str, value: str) -> str:
        return translate(enum_key(kind, value), self.lang)

    def num(self, value: float | None) -> str:
        return number(value, self.lang, decimals=2)

    def pct(self, value: float | None) -> str:
        return percent(value, self.lang)

    def day(self, value: Any) -> str:
        return long_date(_day(value), self.lang)

    def money(self, value: float | None) -> str:
        return rupiah(value, self.lang)


def file_name(subject: str, period: str, extension: str) -> str:
    """e.g. ``laporan-evaluasi-2023-S1-pt-indexim-coalindo.pdf`` for a company or program name."""
    slug = "".join(c if c.isalnum() else "-" for c in subject.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"laporan-evaluasi-{period}-{slug[:60].strip('-')}.{extension}"


# PDF ---------------------------------------------------------------------------------------------


class _ReportPDF(FPDF):
    def __init__(self, running_title: str, page_text: Callable[[int], str]) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.running_title = running_title
        self.page_text = page_text
        for style, file in FONT_FILES.items():
            path = FONT_DIR / file
            if not path.exists():
                raise FontMissing(path=str(path))
            self.add_font("DejaVu", style=style, fname=str(path))
        self.set_margins(12, 16, 12)
        self.set_auto_page_break(auto=True, margin=16)
        self.alias_nb_pages()

    def header(self) -> None:
        self.set_font("DejaVu", "", 8)
        self.set_text_color(110, 110, 110)
        self.set_y(7)
        self.cell(0, 5, self.running_title, align="L")
        self.set_text_color(0, 0, 0)
        self.set_y(16)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, self.page_text(self.page_no()), align="C")
        self.set_text_color(0, 0, 0)


def report_pdf(report: SemesterReport, lang: str, images: dict[int, bytes] | None = None) -> bytes:
    """The report as a PDF for the evaluation meeting, in ``lang``."""
    w = _Words(lang)
    images = chart_images(report, lang) if images is None else images
    pdf = _ReportPDF(
        running_title=f"Sinergi · {w.t('report.title')} · {report.company} · {report.period}",
        page_text=lambda n: w.t("report.page", page=n, pages="{nb}"),
    )
    pdf.set_title(f"{w.t('report.title')} {report.period} – {report.company}")
    pdf.set_author("Sinergi")
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: float = 13) -> None:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(1)
        pdf.set_font("DejaVu", "", 9)

    def paragraph(text: str, size: float = 9) -> None:
        pdf.set_font("DejaVu", "", size)
        pdf.multi_cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")

    def table(
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        right: Sequence[int] = (),
        fills: Sequence[bool] | None = None,
        program_column: bool = False,
    ) -> None:
        if program_column and len(report.programs) == 1:
            # The title block names the one program: its column would repeat it on every row.
            headings, rows = headings[1:], [values[1:] for values in rows]
            widths = [widths[0] + widths[1], *widths[2:]]
            right = [column - 1 for column in right]
        pdf.set_font("DejaVu", "", 8)
        with pdf.table(
            width=width,
            col_widths=tuple(widths),
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
            line_height=4.2,
            padding=1,
            text_align="LEFT",
            repeat_headings=1,
        ) as grid:
            top = grid.row()
            for heading_text in headings:
                top.cell(heading_text)
            for index, values in enumerate(rows):
                style = FontFace(fill_color=GAP_FILL) if fills is not None and fills[index] else None
                row = grid.row()
                for column, value in enumerate(values):
                    row.cell(value, align="RIGHT" if column in right else "LEFT", style=style)
        pdf.ln(2)

    # Title block.
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(width, 9, w.t("report.title"), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(width, 7, report.company, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(2)
    session_text = (
        "; ".join(f"{title} ({w.day(held_on)})" for title, held_on in report.evaluations)
        if report.evaluations
        else w.t("report.no_evaluation")
    )
    facts = [
        (
            w.t("report.period"),
            f"{report.period} ({w.day(report.period_start)} – {w.day(report.period_end)})",
        ),
        (w.t("report.programs"), ", ".join(p.name for p in report.programs) or "–"),
        (w.t("report.evaluation_session"), session_text),
        (w.t("report.made_on"), w.day(report.made_on)),
    ]
    for name, value in facts:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(42, 5.5, name)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(width - 42, 5.5, value, new_x="LMARGIN", new_y="NEXT", align="L")

    summary = summary_figures(report)
    heading(w.t("report.summary"))
    paragraph(
        w.t(
            "report.summary_text",
            indicators=summary["indicators"],
            measured=summary["measured"],
            on_track=summary["on_track"],
            gaps=summary["gaps"],
            actions=summary["open_actions"],
            overdue=summary["overdue_actions"],
            feedback=summary["feedback"],
        )
    )

    # Indicators, program by program.
    heading(w.t("report.indicators"))
    paragraph(w.t("report.gap_legend", mark=GAP_MARK), size=8)
    pdf.ln(1)
    if not report.programs:
        paragraph(w.t("report.no_programs"))
    for profile in report.programs:
        own = report.indicators[report.indicators["program"] == profile.name]
        if len(report.programs) > 1:
            heading(profile.name, size=11)
        if own.empty:
            paragraph(w.t("report.no_indicators"))
            continue
        if own["actual"].isna().all() and own["target"].isna().all():
            paragraph(w.t("report.no_results", period=report.period))
            continue
        table(
            [
                w.t("report.indicator"),
                w.t("report.unit"),
                w.t("report.baseline"),
                w.t("report.target"),
                w.t("report.actual"),
                w.t("report.achievement"),
                w.t("report.status"),
            ],
            [
                [
                    (f"{GAP_MARK} " if row.gap else "") + str(row.indicator),
                    str(row.unit),
                    _baseline_text(w, row.baseline, row.baseline_year),
                    w.num(row.target),
                    w.num(row.actual),
                    w.pct(row.achievement),
                    w.label("achievement", str(row.status)),
                ]
                for row in own.itertuples(index=False)
            ],
            (50, 26, 22, 20, 20, 22, 30),
            right=(2, 3, 4, 5),
            fills=[bool(g) for g in own["gap"]],
        )

    # Gaps.
    heading(w.t("report.gaps"))
    gaps = report.gaps
    if gaps.empty:
        paragraph(w.t("report.no_gaps"))
    else:
        table(
            [
                w.t("report.program"),
                w.t("report.indicator"),
                w.t("report.target"),
                w.t("report.actual"),
                w.t("report.shortfall"),
                w.t("report.achievement"),
            ],
            [
                [
                    str(row.program),
                    f"{GAP_MARK} {row.indicator} ({row.unit})",
                    w.num(row.target),
                    w.num(row.actual),
                    w.num(abs((row.actual or 0) - (row.target or 0))),
                    w.pct(row.achievement),
                ]
                for row in gaps.itertuples(index=False)
            ],
            (44, 62, 20, 20, 20, 24),
            right=(2, 3, 4, 5),
            fills=[True] * len(gaps),
            program_column=True,
        )

    # Charts, two side by side, each under its caption; a pair that would not fit starts a page.
    gutter = 6.0
    cell_width = (width - gutter) / 2
    line = 3.8
    drawn = [
        (_chart_caption(row, several=len(report.programs) > 1), png)
        for row in report.indicators.itertuples(index=False)
        if (png := images.get(int(row.indicator_id))) is not None
    ]
    if pdf.will_page_break(70):
        pdf.add_page()
    heading(w.t("report.charts"))
    if not drawn:
        paragraph(w.t("report.no_charts"))
    pdf.set_font("DejaVu", "B", 8)
    for first in range(0, len(drawn), 2):
        pair = drawn[first : first + 2]
        heights = [cell_width * high / wide for wide, high in (_image_size(png) for _, png in pair)]
        captions = [
            line
            * len(cast(list[str], pdf.multi_cell(cell_width, line, caption, dry_run=True, output="LINES")))
            for caption, _ in pair
        ]
        caption_height = max(captions) + 1
        if pdf.will_page_break(caption_height + max(heights) + 2):
            pdf.add_page()
        top = pdf.get_y()
        for column, (caption, png) in enumerate(pair):
            left = pdf.l_margin + column * (cell_width + gutter)
            pdf.set_xy(left, top)
            pdf.set_font("DejaVu", "B", 8)
            pdf.multi_cell(cell_width, line, caption, align="L")
            pdf.image(io.BytesIO(png), x=left, y=top + caption_height, w=cell_width)
        pdf.set_xy(pdf.l_margin, top + caption_height + max(heights) + 3)

    # Budget and beneficiaries.
    heading(w.t("report.budget", year=report.period_start.year))
    if report.budget.empty:
        paragraph(w.t("report.no_budget"))
    else:
        budget_rows = [
            [str(r.program), w.money(r.planned), w.money(r.spent), w.pct(_share(r.spent, r.planned))]
            for r in report.budget.itertuples(index=False)
        ]
        planned, spent = int(report.budget["planned"].sum()), int(report.budget["spent"].sum())
        budget_rows.append(
            [w.t("report.total"), w.money(planned), w.money(spent), w.pct(_share(spent, planned))]
        )
        table(
            [w.t("report.program"), w.t("report.planned"), w.t("report.spent"), w.t("report.absorbed")],
            budget_rows,
            (82, 40, 40, 24),
            right=(1, 2, 3),
        )
    heading(w.t("report.beneficiaries"))
    table(
        [
            w.t("report.program"),
            w.t("report.families"),
            w.t("report.men"),
            w.t("report.women"),
        ],
        [
            [
                str(r.program),
                _reached_text(w, r.families_reached, r.families_planned),
                _reached_text(w, r.men_reached, r.men_planned),
                _reached_text(w, r.women_reached, r.women_planned),
            ]
            for r in report.beneficiaries.itertuples(index=False)
        ],
        (70, 40, 38, 38),
        right=(1, 2, 3),
    )
    paragraph(w.t("report.reached_note"), size=8)

    # Follow-up actions.
    heading(w.t("report.actions"))
    if report.actions.empty:
        paragraph(w.t("report.no_actions"))
    else:
        table(
            [
                w.t("report.program"),
                w.t("report.action"),
                w.t("report.owner"),
                w.t("report.due"),
                w.t("report.status"),
            ],
            [
                [
                    str(r.program),
                    str(r.action),
                    str(r.owner or "–"),
                    w.day(r.due_date),
                    (f"{GAP_MARK} {w.t('report.overdue')} · " if r.overdue else "")
                    + w.label("action_status", str(r.status)),
                ]
                for r in report.actions.itertuples(index=False)
            ],
            (36, 64, 32, 26, 28),
            fills=[bool(o) for o in report.actions["overdue"]],
            program_column=True,
        )

    # Feedback.
    heading(w.t("report.feedback"))
    if report.feedback.empty:
        paragraph(w.t("report.no_feedback", period=report.period))
    else:
        table(
            [
                w.t("report.from"),
                w.t("report.kind"),
                w.t("report.said"),
                w.t("report.response"),
                w.t("report.status"),
            ],
            [
                [
                    f"{r.source or '–'}\n{w.day(r.held_on)}",
                    w.label("feedback_kind", str(r.kind)),
                    str(r.text),
                    str(r.response or "–"),
                    w.label("feedback_status", str(r.status)),
                ]
                for r in report.feedback.itertuples(index=False)
            ],
            (36, 27, 56, 43, 24),
        )
    return bytes(pdf.output())


def summary_figures(report: SemesterReport) -> dict[str, int]:
    indicators = report.indicators
    return {
        "indicators": len(indicators),
        "measured": int((indicators["status"] != "no_data").sum()),
        "on_track": int((indicators["status"] == "on_track").sum()),
        "gaps": int(indicators["gap"].sum()),
        "open_actions": int(report.actions["status"].isin(OPEN_ACTION).sum()),
        "overdue_actions": int(report.actions["overdue"].astype(bool).sum()),
        "feedback": len(report.feedback),
    }


def _chart_caption(row: Any, *, several: bool) -> str:
    caption = f"{row.indicator} ({row.unit})"
    return f"{caption} – {row.program}" if several else caption


def _image_size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as picture:
        return picture.size


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _baseline_text(w: _Words, value: float | None, year: int | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{w.num(value)} ({int(year)})" if year is not None and not pd.isna(year) else w.num(value)


def _reached_text(w: _Words, reached: int, planned: int) -> str:
    return f"{number(reached, w.lang)} / {number(planned, w.lang)}"


# .xlsx -------------------------------------------------------------------------------------------


def report_xlsx(report: SemesterReport, lang: str, images: dict[int, bytes] | None = None) -> bytes:
    """The same tables as the PDF, one sheet each with numbers as numbers, and a sheet of the charts."""
    w = _Words(lang)
    images = chart_images(report, lang) if images is None else images
    summary = summary_figures(report)
    sheets: list[tuple[str, pd.DataFrame, dict[str, str]]] = []
    about = pd.DataFrame(
        [
            (w.t("report.company"), report.company),
            (w.t("report.period"), report.period),
            (w.t("report.period_start"), report.period_start),
            (w.t("report.period_end"), report.period_end),
            (w.t("report.programs"), ", ".join(p.name for p in report.programs)),
            *(
                (w.t("report.evaluation_session"), f"{title} ({w.day(held_on)})")
                for title, held_on in report.evaluations
            ),
            (w.t("report.made_on"), report.made_on),
            (w.t("report.indicator_count"), summary["indicators"]),
            (w.t("report.gap_count"), summary["gaps"]),
            (w.t("report.overdue_count"), summary["overdue_actions"]),
        ],
        columns=[w.t("report.item"), w.t("report.value")],
    )
    sheets.append((w.t("report.sheet_summary"), about, {}))
    indicators = report.indicators
    sheets.append(
        (
            w.t("report.indicators"),
            pd.DataFrame(
                {
                    w.t("report.program"): indicators["program"],
                    w.t("report.indicator"): indicators["indicator"],
                    w.t("report.unit"): indicators["unit"],
                    w.t("report.baseline"): indicators["baseline"],
                    w.t("report.baseline_year"): indicators["baseline_year"],
                    w.t("report.target"): indicators["target"],
                    w.t("report.actual"): indicators["actual"],
                    w.t("report.achievement"): indicators["achievement"],
                    w.t("report.status"): indicators["status"].map(lambda s: w.label("achievement", s)),
                    w.t("report.gap"): indicators["gap"].map(lambda g: w.t("report.yes") if g else ""),
                }
            ),
            {w.t("report.achievement"): "0%"},
        )
    )
    gaps = report.gaps
    sheets.append(
        (
            w.t("report.gaps"),
            pd.DataFrame(
                {
                    w.t("report.program"): gaps["program"],
                    w.t("report.indicator"): gaps["indicator"],
                    w.t("report.unit"): gaps["unit"],
                    w.t("report.target"): gaps["target"],
                    w.t("report.actual"): gaps["actual"],
                    w.t("report.shortfall"): (gaps["actual"] - gaps["target"]).abs(),
                    w.t("report.achievement"): gaps["achievement"],
                }
            ),
            {w.t("report.achievement"): "0%"},
        )
    )
    budget = report.budget
    sheets.append(
        (
            w.t("report.sheet_budget"),
            pd.DataFrame(
                {
                    w.t("report.program"): budget["program"],
                    w.t("report.year"): budget["year"],
                    w.t("report.planned"): budget["planned"],
                    w.t("report.spent"): budget["spent"],
                    w.t("report.absorbed"): (
                        budget["spent"] / budget["planned"].where(budget["planned"] > 0)
                    ),
                }
            ),
            {
                w.t("report.planned"): '"Rp" #,##0',
                w.t("report.spent"): '"Rp" #,##0',
                w.t("report.absorbed"): "0%",
            },
        )
    )
    people = report.beneficiaries
    sheets.append(
        (
            w.t("report.beneficiaries"),
            people.rename(
                columns={
                    "program": w.t("report.program"),
                    "families_planned": w.t("report.families_planned"),
                    "families_reached": w.t("report.families_reached"),
                    "men_planned": w.t("report.men_planned"),
                    "men_reached": w.t("report.men_reached"),
                    "women_planned": w.t("report.women_planned"),
                    "women_reached": w.t("report.women_reached"),
                }
            ),
            {},
        )
    )
    actions = report.actions
    sheets.append(
        (
            w.t("report.actions"),
            pd.DataFrame(
                {
                    w.t("report.program"): actions["program"],
                    w.t("report.evaluation"): actions["evaluation"],
                    w.t("report.action"): actions["action"],
                    w.t("report.owner"): actions["owner"],
                    w.t("report.due"): actions["due_date"],
                    w.t("report.status"): actions["status"].map(lambda s: w.label("action_status", s)),
                    w.t("report.overdue"): actions["overdue"].map(lambda o: w.t("report.yes") if o else ""),
                }
            ),
            {},
        )
    )
    feedback = report.feedback
    sheets.append(
        (
            w.t("report.feedback"),
            pd.DataFrame(
                {
                    w.t("report.program"): feedback["program"],
                    w.t("report.held_on"): feedback["held_on"],
                    w.t("report.meeting"): feedback["meeting"],
                    w.t("report.from"): feedback["source"],
                    w.t("report.kind"): feedback["kind"].map(lambda k: w.label("feedback_kind", k)),
                    w.t("report.said"): feedback["text"],
                    w.t("report.response"): feedback["response"],
                    w.t("report.status"): feedback["status"].map(lambda s: w.label("feedback_status", s)),
                }
            ),
            {},
        )
    )

    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    written = [spreadsheet.add_sheet(workbook, name, frame, formats) for name, frame, formats in sheets]
    gap_sheet, gap_fill = written[1], PatternFill("solid", fgColor="".join(f"{c:02X}" for c in GAP_FILL))
    for row_number, gap in enumerate(report.indicators["gap"], start=2):
        if gap:
            for marked in gap_sheet[row_number]:
                marked.fill = gap_fill

    chart_sheet = workbook.create_sheet(spreadsheet.sheet_title(w.t("report.charts")))
    row_number = 1
    for row in report.indicators.itertuples(index=False):
        png = images.get(int(row.indicator_id))
        if png is None:
            continue
        caption = chart_sheet.cell(
            row=row_number,
            column=1,
            value=spreadsheet.neutralise(_chart_caption(row, several=True)),
        )
        caption.font = Font(bold=True)
        picture = SheetImage(io.BytesIO(png))
        pixels_wide, pixels_high = _image_size(png)
        picture.width, picture.height = round(pixels_wide / CHART_SCALE), round(pixels_high / CHART_SCALE)
        chart_sheet.add_image(picture, f"A{row_number + 1}")
        # Rows are 20 pixels high by default: leave the picture room before the next caption.
        row_number += int(picture.height // 20) + 3
    if not images:
        chart_sheet.cell(row=1, column=1, value=w.t("report.no_charts"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
