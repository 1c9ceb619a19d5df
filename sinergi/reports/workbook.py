"""The semester report as a workbook (.xlsx): the PDF's tables, one sheet each with numbers as numbers,
and a sheet of the charts. A pure function of the report's data."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl import Workbook
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Font, PatternFill

from sinergi.core import spreadsheet
from sinergi.reports.rendering import CHART_SCALE, GAP_FILL, Words, chart_caption, chart_images, image_size

if TYPE_CHECKING:  # the type only: the module that reads the report's data opens sessions
    from sinergi.reports.content import SemesterReport

# A sheet: its name, its table and the number formats of its columns by title.
Sheet = tuple[str, pd.DataFrame, dict[str, str]]


def report_xlsx(report: SemesterReport, lang: str, images: dict[int, bytes] | None = None) -> bytes:
    """The same tables as the PDF, one sheet each with numbers as numbers, and a sheet of the charts."""
    w = Words(lang)
    images = chart_images(report, lang) if images is None else images
    sheets = [
        _summary_sheet(report, w),
        _indicator_sheet(report, w),
        _gap_sheet(report, w),
        _budget_sheet(report, w),
        _beneficiary_sheet(report, w),
        _action_sheet(report, w),
        _feedback_sheet(report, w),
    ]
    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    written = [spreadsheet.add_sheet(workbook, name, frame, formats) for name, frame, formats in sheets]
    gap_sheet, gap_fill = written[1], PatternFill("solid", fgColor="".join(f"{c:02X}" for c in GAP_FILL))
    for row_number, gap in enumerate(report.indicators["gap"], start=2):
        if gap:
            for marked in gap_sheet[row_number]:
                marked.fill = gap_fill
    _add_chart_sheet(workbook, report, w, images)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _summary_sheet(report: SemesterReport, w: Words) -> Sheet:
    summary = report.summary
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
            (w.t("report.verified_count"), summary["verified"]),
            (w.t("report.unverified_count"), summary["unverified"]),
            (w.t("report.gap_count"), summary["gaps"]),
            (w.t("report.overdue_count"), summary["overdue_actions"]),
            *([(w.t("report.state"), note)] if (note := w.verification_note(report)) else []),
        ],
        columns=[w.t("report.item"), w.t("report.value")],
    )
    return w.t("report.sheet_summary"), about, {}


def _indicator_sheet(report: SemesterReport, w: Words) -> Sheet:
    indicators = report.indicators
    frame = pd.DataFrame(
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
            w.t("report.state"): indicators["state"].map(w.state),
        }
    )
    return w.t("report.indicators"), frame, {w.t("report.achievement"): "0%"}


def _gap_sheet(report: SemesterReport, w: Words) -> Sheet:
    gaps = report.gaps
    frame = pd.DataFrame(
        {
            w.t("report.program"): gaps["program"],
            w.t("report.indicator"): gaps["indicator"],
            w.t("report.unit"): gaps["unit"],
            w.t("report.target"): gaps["target"],
            w.t("report.actual"): gaps["actual"],
            w.t("report.shortfall"): (gaps["actual"] - gaps["target"]).abs(),
            w.t("report.achievement"): gaps["achievement"],
        }
    )
    return w.t("report.gaps"), frame, {w.t("report.achievement"): "0%"}


def _budget_sheet(report: SemesterReport, w: Words) -> Sheet:
    budget = report.budget
    frame = pd.DataFrame(
        {
            w.t("report.program"): budget["program"],
            w.t("report.year"): budget["year"],
            w.t("report.planned"): budget["planned"],
            w.t("report.spent"): budget["spent"],
            w.t("report.absorbed"): (budget["spent"] / budget["planned"].where(budget["planned"] > 0)),
        }
    )
    formats = {
        w.t("report.planned"): '"Rp" #,##0',
        w.t("report.spent"): '"Rp" #,##0',
        w.t("report.absorbed"): "0%",
    }
    return w.t("report.sheet_budget"), frame, formats


def _beneficiary_sheet(report: SemesterReport, w: Words) -> Sheet:
    frame = report.beneficiaries.rename(
        columns={
            "program": w.t("report.program"),
            "families_planned": w.t("report.families_planned"),
            "families_reached": w.t("report.families_reached"),
            "men_planned": w.t("report.men_planned"),
            "men_reached": w.t("report.men_reached"),
            "women_planned": w.t("report.women_planned"),
            "women_reached": w.t("report.women_reached"),
        }
    )
    return w.t("report.beneficiaries"), frame, {}


def _action_sheet(report: SemesterReport, w: Words) -> Sheet:
    actions = report.actions
    frame = pd.DataFrame(
        {
            w.t("report.program"): actions["program"],
            w.t("report.evaluation"): actions["evaluation"],
            w.t("report.action"): actions["action"],
            w.t("report.owner"): actions["owner"],
            w.t("report.due"): actions["due_date"],
            w.t("report.status"): actions["status"].map(lambda s: w.label("action_status", s)),
            w.t("report.overdue"): actions["overdue"].map(lambda o: w.t("report.yes") if o else ""),
        }
    )
    return w.t("report.actions"), frame, {}


def _feedback_sheet(report: SemesterReport, w: Words) -> Sheet:
    feedback = report.feedback
    frame = pd.DataFrame(
        {
            w.t("report.program"): feedback["program"],
            w.t("report.held_on"): feedback["held_on"],
            w.t("report.meeting"): feedback["meeting"],
            w.t("report.from"): feedback["source"],
            w.t("report.kind"): feedback["kind"].map(lambda k: w.label("feedback_kind", k)),
            w.t("report.said"): feedback["text"],
            w.t("report.response"): feedback["response"],
            w.t("report.status"): pd.Series(
                [
                    w.feedback_status(status, reason)
                    for status, reason in zip(feedback["status"], feedback["decline_reason"], strict=True)
                ],
                index=feedback.index,
                dtype=object,
            ),
        }
    )
    return w.t("report.feedback"), frame, {}


def _add_chart_sheet(workbook: Workbook, report: SemesterReport, w: Words, images: dict[int, bytes]) -> None:
    chart_sheet = workbook.create_sheet(spreadsheet.sheet_title(w.t("report.charts")))
    row_number = 1
    for row in report.indicators.itertuples(index=False):
        png = images.get(int(row.indicator_id))
        if png is None:
            continue
        caption = chart_sheet.cell(
            row=row_number,
            column=1,
            value=spreadsheet.neutralise(chart_caption(row, several=True)),
        )
        caption.font = Font(bold=True)
        picture = SheetImage(io.BytesIO(png))
        pixels_wide, pixels_high = image_size(png)
        picture.width, picture.height = round(pixels_wide / CHART_SCALE), round(pixels_high / CHART_SCALE)
        chart_sheet.add_image(picture, f"A{row_number + 1}")
        # Rows are 20 pixels high by default: leave the picture room before the next caption.
        row_number += int(picture.height // 20) + 3
    if not images:
        chart_sheet.cell(row=1, column=1, value=w.t("report.no_charts"))
