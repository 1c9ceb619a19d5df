"""A meeting's summary, to send to its participants: a PDF of one or two pages and the same tables as a
workbook. Pure functions of the summary (``reads.engagement.meeting_summary``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from sinergi.core import spreadsheet
from sinergi.reads.engagement import MeetingSummary
from sinergi.reports.pdf import ReportPDF, TablePage
from sinergi.reports.rendering import Words
from sinergi.writes.voting import Ranking

# The inputs listed one by one in the PDF; the workbook has every one.
PDF_ITEMS = 60


def summary_pdf(summary: MeetingSummary, lang: str, votes: Sequence[Ranking] = ()) -> bytes:
    """The summary as a PDF: the meeting, who came, what was said by kind and status, the inputs
    themselves, what the room prioritised (``votes``, closed) and the follow-up actions."""
    w = Words(lang)
    pdf = ReportPDF(
        w,
        running_title=f"Sinergi · {w.t('summary.title')} · {summary.title}",
        title=f"{w.t('summary.title')} – {summary.title}",
    )
    pdf.add_page()
    page = TablePage(pdf, one_program=False)
    page.heading(summary.title, size=15)
    details = [w.label("meeting_kind", summary.kind), w.day(summary.held_on), summary.venue]
    page.paragraph(" · ".join(part for part in details if part))
    page.paragraph(
        w.t("summary.present", people=w.num(summary.attendee_count), phones=w.num(summary.checked_in))
    )

    page.heading(w.t("summary.attendance"))
    if summary.attendance.empty:
        page.paragraph(w.t("summary.no_attendance"))
    else:
        page.table(
            [w.t("summary.org_type"), w.t("summary.organisations"), w.t("summary.people")],
            [
                [w.label("org_type", str(r.org_type)), w.num(r.organisations), w.num(r.head_count)]
                for r in summary.attendance.itertuples(index=False)
            ],
            (90, 48, 48),
            right=(1, 2),
        )

    page.heading(w.t("summary.inputs"))
    if summary.inputs.empty:
        page.paragraph(w.t("summary.no_inputs"))
    else:
        page.table(
            [w.t("report.kind"), w.t("report.status"), w.t("summary.count")],
            [
                [
                    w.label("feedback_kind", str(r.kind)),
                    w.label("feedback_status", str(r.status)),
                    w.num(r.items),
                ]
                for r in summary.inputs.itertuples(index=False)
            ],
            (70, 70, 46),
            right=(2,),
        )
        shown = summary.items.head(PDF_ITEMS)
        page.table(
            [w.t("report.kind"), w.t("report.said"), w.t("report.from"), w.t("report.status")],
            [
                [
                    w.label("feedback_kind", str(r.kind)),
                    str(r.text) + (f"\n→ {r.response}" if r.response else ""),
                    str(r.organisation or "–"),
                    w.feedback_status(str(r.status), r.decline_reason),
                ]
                for r in shown.itertuples(index=False)
            ],
            (28, 86, 40, 32),
        )
        if len(summary.items) > len(shown):
            page.paragraph(w.t("summary.more_in_workbook", count=w.num(len(summary.items) - len(shown))))

    for vote in votes:
        page.heading(w.t("summary.vote", question=vote.question))
        page.paragraph(w.t("summary.voters", phones=w.num(vote.voters), dots=w.num(vote.dots)))
        page.table(
            [w.t("vote.option"), w.t("vote.dots"), w.t("vote.phones")],
            [[str(r.label), w.num(r.dots), w.num(r.phones)] for r in vote.options.itertuples(index=False)],
            (130, 28, 28),
            right=(1, 2),
        )

    page.heading(w.t("report.actions"))
    if summary.actions.empty:
        page.paragraph(w.t("summary.no_actions"))
    else:
        page.table(
            [w.t("report.action"), w.t("report.owner"), w.t("report.due"), w.t("report.status")],
            [
                [
                    str(r.action),
                    str(r.owner or "–"),
                    w.day(r.due_date),
                    w.label("action_status", str(r.status)),
                ]
                for r in summary.actions.itertuples(index=False)
            ],
            (86, 40, 30, 30),
        )
    return bytes(pdf.output())


def summary_xlsx(summary: MeetingSummary, lang: str, votes: Sequence[Ranking] = ()) -> bytes:
    """The summary's tables, one sheet each, numbers as numbers and every input listed; the votes in
    one sheet, a row per option."""
    w = Words(lang)
    sheets = {
        w.t("summary.attendance"): pd.DataFrame(
            {
                w.t("summary.org_type"): [
                    w.label("org_type", str(v)) for v in summary.attendance["org_type"]
                ],
                w.t("summary.organisations"): summary.attendance["organisations"],
                w.t("summary.people"): summary.attendance["head_count"],
            }
        ),
        w.t("summary.inputs"): pd.DataFrame(
            {
                w.t("report.kind"): [w.label("feedback_kind", str(v)) for v in summary.inputs["kind"]],
                w.t("report.status"): [w.label("feedback_status", str(v)) for v in summary.inputs["status"]],
                w.t("summary.count"): summary.inputs["items"],
            }
        ),
        w.t("summary.items"): pd.DataFrame(
            {
                w.t("report.kind"): [w.label("feedback_kind", str(v)) for v in summary.items["kind"]],
                w.t("report.said"): summary.items["text"],
                w.t("report.from"): summary.items["organisation"],
                w.t("report.status"): [
                    w.feedback_status(str(status), reason)
                    for status, reason in zip(
                        summary.items["status"], summary.items["decline_reason"], strict=True
                    )
                ],
                w.t("report.response"): summary.items["response"],
            }
        ),
        w.t("report.actions"): pd.DataFrame(
            {
                w.t("report.action"): summary.actions["action"],
                w.t("report.owner"): summary.actions["owner"],
                w.t("report.due"): summary.actions["due_date"],
                w.t("report.status"): [w.label("action_status", str(v)) for v in summary.actions["status"]],
            }
        ),
    }
    if votes:
        sheets[w.t("vote.heading")] = pd.DataFrame(
            [
                {
                    w.t("vote.question"): vote.question,
                    w.t("vote.option"): option.label,
                    w.t("vote.dots"): option.dots,
                    w.t("vote.phones"): option.phones,
                }
                for vote in votes
                for option in vote.options.itertuples(index=False)
            ]
        )
    return spreadsheet.workbook_bytes(sheets)


def file_name(summary: MeetingSummary, extension: str) -> str:
    """``ringkasan-2025-06-12-fgd-renstra.pdf``: the date and the title, safe in any file system."""
    slug = re.sub(r"[^a-z0-9]+", "-", summary.title.lower()).strip("-")[:60] or "meeting"
    return f"ringkasan-{summary.held_on.isoformat()}-{slug}.{extension}"
