"""The semester report as a PDF (fpdf2) for the evaluation meeting: a pure function of its data."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from sinergi.core.errors import DomainError
from sinergi.i18n.formatting import number
from sinergi.reports.rendering import GAP_FILL, GAP_MARK, Words, chart_caption, chart_images, image_size

if TYPE_CHECKING:  # the type only: the module that reads the report's data opens sessions
    from sinergi.reports.content import SemesterReport

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
HEADING_FILL = (230, 236, 242)


class FontMissing(DomainError):
    key = "report.font_missing"


class ReportPDF(FPDF):
    """An A4 document of Sinergi's: ``running_title`` above every page, "page n of N" below it,
    ``title`` in its properties."""

    def __init__(self, w: Words, *, running_title: str, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.running_title = running_title
        self.words = w
        for style, file in FONT_FILES.items():
            path = FONT_DIR / file
            if not path.exists():
                raise FontMissing(path=str(path))
            self.add_font("DejaVu", style=style, fname=str(path))
        self.set_margins(12, 16, 12)
        self.set_auto_page_break(auto=True, margin=16)
        self.alias_nb_pages()
        self.set_title(title)
        self.set_author("Sinergi")

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
        self.cell(0, 5, self.words.t("report.page", page=self.page_no(), pages="{nb}"), align="C")
        self.set_text_color(0, 0, 0)


class TablePage:
    """Headings, paragraphs and tables across the page's width."""

    def __init__(self, pdf: ReportPDF, *, one_program: bool) -> None:
        self.pdf = pdf
        self.width = pdf.epw
        self.one_program = one_program

    def heading(self, text: str, size: float = 13) -> None:
        self.pdf.ln(3)
        self.pdf.set_font("DejaVu", "B", size)
        self.pdf.multi_cell(self.width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.pdf.ln(1)
        self.pdf.set_font("DejaVu", "", 9)

    def paragraph(self, text: str, size: float = 9) -> None:
        self.pdf.set_font("DejaVu", "", size)
        self.pdf.multi_cell(self.width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")

    def table(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        right: Sequence[int] = (),
        fills: Sequence[bool] | None = None,
        program_column: bool = False,
    ) -> None:
        if program_column and self.one_program:
            # The title block names the one program: its column would repeat it on every row.
            headings, rows = headings[1:], [values[1:] for values in rows]
            widths = [widths[0] + widths[1], *widths[2:]]
            right = [column - 1 for column in right]
        self.pdf.set_font("DejaVu", "", 8)
        with self.pdf.table(
            width=self.width,
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
        self.pdf.ln(2)


def report_pdf(report: SemesterReport, lang: str, images: dict[int, bytes] | None = None) -> bytes:
    """The report as a PDF for the evaluation meeting, in ``lang``."""
    w = Words(lang)
    images = chart_images(report, lang) if images is None else images
    pdf = ReportPDF(
        w,
        running_title=f"Sinergi · {w.t('report.title')} · {report.company} · {report.period}",
        title=f"{w.t('report.title')} {report.period} – {report.company}",
    )
    pdf.add_page()
    page = TablePage(pdf, one_program=len(report.programs) == 1)
    _title_block(page, report, w)
    _indicator_tables(page, report, w)
    _gap_table(page, report, w)
    _charts(page, report, w, images)
    _budget_tables(page, report, w)
    _action_table(page, report, w)
    _feedback_table(page, report, w)
    return bytes(pdf.output())


def _title_block(page: TablePage, report: SemesterReport, w: Words) -> None:
    pdf, width = page.pdf, page.width
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

    summary = report.summary
    page.heading(w.t("report.summary"))
    page.paragraph(
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
    if note := w.verification_note(report):
        page.paragraph(note)


def _indicator_tables(page: TablePage, report: SemesterReport, w: Words) -> None:
    """Indicators, program by program."""
    page.heading(w.t("report.indicators"))
    page.paragraph(w.t("report.gap_legend", mark=GAP_MARK), size=8)
    if note := w.verification_note(report):
        page.paragraph(note, size=8)
    page.pdf.ln(1)
    if not report.programs:
        page.paragraph(w.t("report.no_programs"))
    for profile in report.programs:
        own = report.indicators[report.indicators["program"] == profile.name]
        if len(report.programs) > 1:
            page.heading(profile.name, size=11)
        if own.empty:
            page.paragraph(w.t("report.no_indicators"))
            continue
        if own["actual"].isna().all() and own["target"].isna().all():
            page.paragraph(w.t("report.no_results", period=report.period))
            continue
        page.table(
            [
                w.t("report.indicator"),
                w.t("report.unit"),
                w.t("report.baseline"),
                w.t("report.target"),
                w.t("report.actual"),
                w.t("report.achievement"),
                w.t("report.status"),
                w.t("report.state"),
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
                    w.state(row.state),
                ]
                for row in own.itertuples(index=False)
            ],
            (50, 24, 22, 20, 20, 20, 28, 24),
            right=(2, 3, 4, 5),
            fills=[bool(g) for g in own["gap"]],
        )


def _gap_table(page: TablePage, report: SemesterReport, w: Words) -> None:
    page.heading(w.t("report.gaps"))
    gaps = report.gaps
    if gaps.empty:
        page.paragraph(w.t("report.no_gaps"))
        return
    page.table(
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


def _charts(page: TablePage, report: SemesterReport, w: Words, images: dict[int, bytes]) -> None:
    """Charts, two side by side, each under its caption; a pair that would not fit starts a page."""
    pdf = page.pdf
    gutter = 6.0
    cell_width = (page.width - gutter) / 2
    line = 3.8
    drawn = [
        (chart_caption(row, several=len(report.programs) > 1), png)
        for row in report.indicators.itertuples(index=False)
        if (png := images.get(int(row.indicator_id))) is not None
    ]
    if pdf.will_page_break(70):
        pdf.add_page()
    page.heading(w.t("report.charts"))
    if not drawn:
        page.paragraph(w.t("report.no_charts"))
    pdf.set_font("DejaVu", "B", 8)
    for first in range(0, len(drawn), 2):
        pair = drawn[first : first + 2]
        heights = [cell_width * high / wide for wide, high in (image_size(png) for _, png in pair)]
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


def _budget_tables(page: TablePage, report: SemesterReport, w: Words) -> None:
    """Budget and beneficiaries."""
    page.heading(w.t("report.budget", year=report.period_start.year))
    if report.budget.empty:
        page.paragraph(w.t("report.no_budget"))
    else:
        budget_rows = [
            [str(r.program), w.money(r.planned), w.money(r.spent), w.pct(_share(r.spent, r.planned))]
            for r in report.budget.itertuples(index=False)
        ]
        planned, spent = int(report.budget["planned"].sum()), int(report.budget["spent"].sum())
        budget_rows.append(
            [w.t("report.total"), w.money(planned), w.money(spent), w.pct(_share(spent, planned))]
        )
        page.table(
            [w.t("report.program"), w.t("report.planned"), w.t("report.spent"), w.t("report.absorbed")],
            budget_rows,
            (82, 40, 40, 24),
            right=(1, 2, 3),
        )
    page.heading(w.t("report.beneficiaries"))
    page.table(
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
    page.paragraph(w.t("report.reached_note"), size=8)


def _action_table(page: TablePage, report: SemesterReport, w: Words) -> None:
    """Follow-up actions."""
    page.heading(w.t("report.actions"))
    if report.actions.empty:
        page.paragraph(w.t("report.no_actions"))
        return
    page.table(
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


def _feedback_table(page: TablePage, report: SemesterReport, w: Words) -> None:
    page.heading(w.t("report.feedback"))
    if report.feedback.empty:
        page.paragraph(w.t("report.no_feedback", period=report.period))
        return
    page.table(
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
                w.feedback_status(str(r.status), r.decline_reason),
            ]
            for r in report.feedback.itertuples(index=False)
        ],
        (36, 27, 56, 43, 24),
    )


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _baseline_text(w: Words, value: float | None, year: int | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{w.num(value)} ({int(year)})" if year is not None and not pd.isna(year) else w.num(value)


def _reached_text(w: Words, reached: int, planned: int) -> str:
    return f"{number(reached, w.lang)} / {number(planned, w.lang)}"
