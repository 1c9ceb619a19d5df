"""Export of what a viewer may read as one frame per sheet, and the template workbook."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session, col, func, select

import models as m
from models.programs import BENEFICIARY_COLUMNS
from sinergi.core import spreadsheet
from sinergi.core.access import Viewer
from sinergi.i18n.texts import translate
from sinergi.reads.filters import Filters
from sinergi.transfer.sheets import (
    SHEET_ABOUT,
    SHEETS,
    TEMPLATE_KIND,
    TEMPLATE_RULE,
    Column,
    SheetSpec,
    enum_choices,
    enum_label,
    header,
    sheet_name,
)

# ---------------------------------------------------------------------------------------------
# Export: what a viewer may see with the current filters, as one frame per sheet


def _frame(spec: SheetSpec, records: list[dict[str, Any]], lang: str) -> pd.DataFrame:
    columns = [c.key for c in spec.columns]
    frame = pd.DataFrame(records, columns=columns)
    for column in spec.columns:
        if column.kind.startswith("enum:"):
            kind = column.kind[5:]
            frame[column.key] = [enum_label(kind, v, lang) if v else None for v in frame[column.key]]
        elif column.kind == "bool":
            frame[column.key] = [
                translate("transfer.yes" if v else "transfer.no", lang) for v in frame[column.key]
            ]
        elif column.kind in ("list", "intlist"):
            frame[column.key] = ["; ".join(str(x) for x in v) for v in frame[column.key]]
        elif column.kind in ("int", "number"):
            frame[column.key] = frame[column.key].astype(object).where(frame[column.key].notna(), None)
    frame.columns = [header(c, lang) for c in columns]
    return frame


def export_sheets(
    *, session: Session, viewer: Viewer, filters: Filters, lang: str, reference: bool | None = None
) -> dict[str, pd.DataFrame]:
    """Every sheet this viewer may read, narrowed by ``filters``, with headers in ``lang``.

    Admins also get the reference sheets (places, companies, organisations) so that the file can
    rebuild the records in an empty database.
    """
    with_reference = viewer.is_admin if reference is None else (reference and viewer.is_admin)
    export = _Export(session, viewer, filters)
    if with_reference:
        export.places()
        export.companies_and_organisations()
    export.programs()
    export.budgets()
    export.indicators()
    export.results()
    export.evaluations()
    export.actions()
    export.meetings()
    export.attendance()
    export.feedback()
    records = export.records
    # Sorted by names rather than ids, so the same records export the same in any database.
    for key, sort_by in _EXPORT_ORDER.items():
        records[key].sort(key=lambda r: tuple(_sortable(r[k]) for k in sort_by))
    return {
        sheet_name(spec.key, lang): _frame(spec, records[spec.key], lang)
        for spec in SHEETS
        if with_reference or not spec.reference
    }


class _Export:
    """The records of each sheet, gathered one sheet at a time from what the earlier sheets found."""

    def __init__(self, session: Session, viewer: Viewer, filters: Filters) -> None:
        self.session, self.viewer, self.filters = session, viewer, filters
        self.year = filters.effective_year
        self.records: dict[str, list[dict[str, Any]]] = {spec.key: [] for spec in SHEETS}
        self.companies = {c.id: c for c in session.exec(select(m.Company))}
        self.regencies = {r.id: r for r in session.exec(select(m.Regency))}
        self.districts = {d.id: d for d in session.exec(select(m.District))}
        self.villages = {v.id: v for v in session.exec(select(m.Village))}
        self.organisations = {o.id: o for o in session.exec(select(m.Organisation))}
        self.programs_found: dict[int | None, m.Program] = {}
        self.indicators_found: dict[int | None, m.Indicator] = {}
        self.periods = {p.id: p for p in session.exec(select(m.Period))}
        # Program names the viewer may read, for the evaluations and feedback that name them.
        self.readable = {
            p.id: p.name for p in session.exec(select(m.Program).where(*viewer.program_conditions()))
        }
        self.meetings_found: dict[int | None, m.Meeting] = {}

    def places(self) -> None:
        for village in sorted(self.villages.values(), key=lambda v: (v.district_id, v.name)):
            district = self.districts[village.district_id]
            regency = self.regencies[district.regency_id]
            self.records["villages"].append(
                {
                    "regency": regency.name,
                    "regency_kind": regency.kind,
                    "province": regency.province,
                    "district": district.name,
                    "village": village.name,
                    "village_kind": village.kind,
                }
            )

    def companies_and_organisations(self) -> None:
        links: dict[int, list[str]] = {}
        for link in self.session.exec(select(m.CompanyRegency)):
            links.setdefault(link.company_id, []).append(self.regencies[link.regency_id].name)
        for company in sorted(self.companies.values(), key=lambda c: c.name):
            assert company.id is not None
            self.records["companies"].append(
                {
                    "company": company.name,
                    "short_name": company.short_name,
                    "sector": company.sector,
                    "regencies": sorted(links.get(company.id, [])),
                }
            )
        for org in sorted(self.organisations.values(), key=lambda o: o.name):
            self.records["organisations"].append(
                {
                    "organisation": org.name,
                    "org_type": org.org_type,
                    "regency": self.regencies[org.regency_id].name if org.regency_id else None,
                }
            )

    def _village_text(self, village_id: int) -> str:
        village = self.villages[village_id]
        return f"{village.name} ({self.districts[village.district_id].name})"

    def _program_links(
        self, program_ids: list[int | None]
    ) -> tuple[dict[int, list[str]], dict[tuple[int, str], list[str]], dict[int, list[int]]]:
        """Each program's villages, its partners by role and its SDGs."""
        session, within = self.session, col(m.ProgramVillage.program_id).in_(program_ids)
        villages: dict[int, list[str]] = {}
        for pv in session.exec(select(m.ProgramVillage).where(within)):
            villages.setdefault(pv.program_id, []).append(self._village_text(pv.village_id))
        partners: dict[tuple[int, str], list[str]] = {}
        for pp in session.exec(
            select(m.ProgramPartner).where(col(m.ProgramPartner.program_id).in_(program_ids))
        ):
            partners.setdefault((pp.program_id, pp.role), []).append(
                self.organisations[pp.organisation_id].name
            )
        sdgs: dict[int, list[int]] = {}
        for ps in session.exec(select(m.ProgramSdg).where(col(m.ProgramSdg.program_id).in_(program_ids))):
            sdgs.setdefault(ps.program_id, []).append(ps.sdg)
        return villages, partners, sdgs

    def programs(self) -> None:
        programs = list(
            self.session.exec(
                select(m.Program)
                .where(*self.viewer.program_conditions(), *self.filters.program_conditions())
                .order_by(col(m.Program.company_id), col(m.Program.name))
            )
        )
        self.programs_found = {p.id: p for p in programs}
        villages, partners, sdgs = self._program_links(list(self.programs_found))
        for program in programs:
            assert program.id is not None
            self.records["programs"].append(
                {
                    "company": self.companies[program.company_id].name,
                    "program": program.name,
                    "description": program.description,
                    "pillar": program.pillar,
                    "stage": program.stage,
                    "poverty_alleviation": program.poverty_alleviation,
                    "start_date": program.start_date,
                    "end_date": program.end_date,
                    **{name: getattr(program, name) for name in BENEFICIARY_COLUMNS},
                    "villages": sorted(villages.get(program.id, [])),
                    "sdgs": sorted(sdgs.get(program.id, [])),
                    "beneficiary_groups": sorted(
                        partners.get((program.id, m.PartnerRole.BENEFICIARY_GROUP), [])
                    ),
                    "implementing_partners": sorted(
                        partners.get((program.id, m.PartnerRole.IMPLEMENTING_PARTNER), [])
                    ),
                }
            )

    def _owner(self, program_id: int) -> dict[str, Any]:
        program = self.programs_found[program_id]
        return {"company": self.companies[program.company_id].name, "program": program.name}

    def budgets(self) -> None:
        budgets = select(m.ProgramBudget).where(
            col(m.ProgramBudget.program_id).in_(list(self.programs_found))
        )
        if self.year is not None:
            budgets = budgets.where(col(m.ProgramBudget.year) == self.year)
        order = (col(m.ProgramBudget.program_id), col(m.ProgramBudget.year))
        for budget in self.session.exec(budgets.order_by(*order)):
            self.records["budgets"].append(
                {
                    **self._owner(budget.program_id),
                    "year": budget.year,
                    "planned": budget.planned,
                    "spent": budget.spent,
                }
            )

    def indicators(self) -> None:
        self.indicators_found = {
            i.id: i
            for i in self.session.exec(
                select(m.Indicator)
                .where(col(m.Indicator.program_id).in_(list(self.programs_found)))
                .order_by(col(m.Indicator.id))
            )
        }
        for indicator in self.indicators_found.values():
            self.records["indicators"].append(
                {
                    **self._owner(indicator.program_id),
                    "indicator": indicator.name,
                    "unit": indicator.unit,
                    "indicator_kind": indicator.kind,
                    "baseline_value": indicator.baseline_value,
                    "baseline_year": indicator.baseline_year,
                    "direction": indicator.direction,
                    "accumulation": indicator.accumulation,
                }
            )

    def results(self) -> None:
        results = select(m.Result).where(col(m.Result.indicator_id).in_(list(self.indicators_found)))
        if self.filters.period:
            results = results.join(m.Period).where(col(m.Period.code) == self.filters.period)
        elif self.year is not None:
            results = results.join(m.Period).where(col(m.Period.year) == self.year)
        found = list(self.session.exec(results.order_by(col(m.Result.indicator_id), col(m.Result.period_id))))
        files = self._evidence_counts([r.id for r in found if r.id is not None])
        for result in found:
            indicator = self.indicators_found[result.indicator_id]
            self.records["results"].append(
                {
                    **self._owner(indicator.program_id),
                    "indicator": indicator.name,
                    "period": self.periods[result.period_id].code,
                    "target": result.target,
                    "actual": result.actual,
                    "narrative": result.narrative,
                    "evidence": result.evidence,
                    "result_state": result.state,
                    "evidence_files": files.get(result.id, 0),
                }
            )

    def _evidence_counts(self, result_ids: list[int]) -> dict[int | None, int]:
        """How many evidence files each of the results has (their bytes stay out of the export)."""
        counted = select(m.EvidenceFile.result_id, func.count()).group_by(col(m.EvidenceFile.result_id))
        counts: dict[int | None, int] = {}
        for start in range(0, len(result_ids), 10_000):  # bounded IN lists, for SQLite's limit
            chunk = result_ids[start : start + 10_000]
            counts.update(self.session.exec(counted.where(col(m.EvidenceFile.result_id).in_(chunk))).all())
        return counts

    def _evaluation_wanted(
        self, evaluation: m.Evaluation, covered: set[int], with_exported: set[int]
    ) -> bool:
        """An evaluation is exported when it covers an exported program, or covers none and is the
        viewer's own company's; within the filters' period or year."""
        filters, period = self.filters, self.periods[evaluation.period_id]
        if evaluation.id in with_exported:
            wanted = True
        elif evaluation.id in covered or (filters.company_id not in (None, evaluation.company_id)):
            wanted = False
        else:
            wanted = self.viewer.is_admin or self.viewer.company_id == evaluation.company_id
        if filters.period:
            return wanted and period.code == filters.period
        if self.year is not None:
            return wanted and period.year == self.year
        return wanted

    def evaluations(self) -> None:
        """Each exported evaluation lists every program of it the viewer may read."""
        covered: dict[int, list[str]] = {}
        with_exported: set[int] = set()
        for covering in self.session.exec(select(m.EvaluationProgram)):
            if covering.program_id in self.readable:
                covered.setdefault(covering.evaluation_id, []).append(self.readable[covering.program_id])
            if covering.program_id in self.programs_found:
                with_exported.add(covering.evaluation_id)
        self.all_evaluations = {e.id: e for e in self.session.exec(select(m.Evaluation))}
        visible_meetings = {
            mt.id: mt for mt in self.session.exec(select(m.Meeting).where(*self.viewer.meeting_conditions()))
        }
        for evaluation in self.all_evaluations.values():
            assert evaluation.id is not None
            if not self._evaluation_wanted(evaluation, set(covered), with_exported):
                continue
            meeting = visible_meetings.get(evaluation.meeting_id) if evaluation.meeting_id else None
            self.records["evaluations"].append(
                {
                    "company": self.companies[evaluation.company_id].name,
                    "evaluation": evaluation.title,
                    "evaluated_on": evaluation.held_on,
                    "period": self.periods[evaluation.period_id].code,
                    "meeting": meeting.title if meeting else None,
                    "held_on": meeting.held_on if meeting else None,
                    "evaluated_programs": sorted(covered.get(evaluation.id, [])),
                    "notes": evaluation.notes,
                }
            )

    def actions(self) -> None:
        actions = select(m.FollowUpAction).where(
            col(m.FollowUpAction.program_id).in_(list(self.programs_found))
        )
        for action in self.session.exec(actions.order_by(col(m.FollowUpAction.id))):
            source = self.all_evaluations.get(action.evaluation_id) if action.evaluation_id else None
            indicator = self.indicators_found.get(action.indicator_id)
            self.records["actions"].append(
                {
                    **self._owner(action.program_id),
                    "indicator": indicator.name if indicator else None,
                    "description": action.description,
                    "owner": action.owner,
                    "due_date": action.due_date,
                    "action_status": action.status,
                    "completed_on": action.completed_on,
                    "evaluation": source.title if source else None,
                    "evaluated_on": source.held_on if source else None,
                }
            )

    def _meeting_key(self, meeting_id: int) -> dict[str, Any]:
        meeting = self.meetings_found[meeting_id]
        company = self.companies.get(meeting.organiser_company_id) if meeting.organiser_company_id else None
        return {
            "company": company.name if company else None,
            "meeting": meeting.title,
            "held_on": meeting.held_on,
        }

    def meetings(self) -> None:
        meeting_filter = [*self.viewer.meeting_conditions()]
        if self.filters.company_id is not None:
            meeting_filter.append(col(m.Meeting.organiser_company_id) == self.filters.company_id)
        if self.filters.regency_id is not None:
            meeting_filter.append(col(m.Meeting.regency_id) == self.filters.regency_id)
        if self.year is not None:
            meeting_filter.append(
                col(m.Meeting.held_on).between(date(self.year, 1, 1), date(self.year, 12, 31))
            )
        order = (col(m.Meeting.held_on), col(m.Meeting.id))
        self.meetings_found = {
            mt.id: mt for mt in self.session.exec(select(m.Meeting).where(*meeting_filter).order_by(*order))
        }
        for meeting in self.meetings_found.values():
            assert meeting.id is not None
            organiser = meeting.organiser_organisation_id
            self.records["meetings"].append(
                {
                    **self._meeting_key(meeting.id),
                    "meeting_kind": meeting.kind,
                    "venue": meeting.venue,
                    "organiser_organisation": self.organisations[organiser].name if organiser else None,
                    "regency": self.regencies[meeting.regency_id].name if meeting.regency_id else None,
                    "purpose": meeting.purpose,
                    "attendee_count": meeting.attendee_count,
                }
            )

    def attendance(self) -> None:
        attendance = select(m.MeetingAttendance).where(
            col(m.MeetingAttendance.meeting_id).in_(list(self.meetings_found))
        )
        order = (col(m.MeetingAttendance.meeting_id), col(m.MeetingAttendance.organisation_id))
        for row in self.session.exec(attendance.order_by(*order)):
            self.records["attendance"].append(
                {
                    **self._meeting_key(row.meeting_id),
                    "organisation": self.organisations[row.organisation_id].name,
                    "head_count": row.head_count,
                }
            )

    def feedback(self) -> None:
        feedback = select(m.FeedbackItem).where(col(m.FeedbackItem.meeting_id).in_(list(self.meetings_found)))
        for item in self.session.exec(
            feedback.order_by(col(m.FeedbackItem.meeting_id), col(m.FeedbackItem.id))
        ):
            organisation = self.organisations[item.organisation_id] if item.organisation_id else None
            self.records["feedback"].append(
                {
                    **self._meeting_key(item.meeting_id),
                    "organisation": organisation.name if organisation else None,
                    "source_type": item.source_type,
                    "speaker": item.speaker,
                    "feedback_program": self.readable.get(item.program_id) if item.program_id else None,
                    "feedback_kind": item.kind,
                    "text": item.text,
                    "response": item.response,
                    "feedback_status": item.status,
                    "decline_reason": item.decline_reason,
                    "moderation": item.moderation,
                }
            )


_EXPORT_ORDER = {
    "programs": ("company", "program"),
    "budgets": ("company", "program", "year"),
    "indicators": ("company", "program"),
    "results": ("company", "program", "indicator", "period"),
    "actions": ("company", "program"),
    "meetings": ("held_on", "company", "meeting"),
    "attendance": ("held_on", "company", "meeting", "organisation"),
    "feedback": ("held_on", "company", "meeting"),
    "evaluations": ("company", "evaluation", "evaluated_on"),
}


def _sortable(value: Any) -> tuple[bool, Any]:
    return (value is None, value if value is not None else "")


def export_workbook(*, session: Session, viewer: Viewer, filters: Filters, lang: str) -> bytes:
    return spreadsheet.workbook_bytes(
        export_sheets(session=session, viewer=viewer, filters=filters, lang=lang)
    )


# ---------------------------------------------------------------------------------------------
# The template workbook


def template_sheets(*, viewer: Viewer, lang: str) -> dict[str, pd.DataFrame]:
    """An instructions sheet, then one empty sheet per entity this viewer may import."""
    specs = [s for s in SHEETS if viewer.is_admin or not s.reference]
    lines: list[dict[str, str]] = [
        {"a": translate("transfer.tpl.title", lang), "b": ""},
        *({"a": translate(TEMPLATE_RULE.key(n), lang), "b": ""} for n in range(1, 7)),
        {"a": "", "b": ""},
    ]
    for spec in specs:
        lines.append({"a": sheet_name(spec.key, lang), "b": translate(SHEET_ABOUT.key(spec.key), lang)})
        for column in spec.columns:
            if not column.exported_only:
                lines.append({"a": "  " + header(column.key, lang), "b": _column_help(column, lang)})
    instructions = pd.DataFrame(lines)
    instructions.columns = [translate("transfer.tpl.col_what", lang), translate("transfer.tpl.col_how", lang)]
    sheets = {translate("transfer.sheet.instructions", lang): instructions}
    for spec in specs:
        # A star marks what must be filled; the import reads the header with or without it.
        headers = [
            header(c.key, lang) + (" *" if c.required else "") for c in spec.columns if not c.exported_only
        ]
        sheets[sheet_name(spec.key, lang)] = pd.DataFrame(columns=headers)
    return sheets


def _column_help(column: Column, lang: str) -> str:
    parts = [translate("transfer.tpl.required" if column.required else "transfer.tpl.optional", lang)]
    if column.kind.startswith("enum:"):
        parts.append(
            translate("transfer.tpl.choices", lang, choices=", ".join(enum_choices(column.kind[5:], lang)))
        )
    else:
        parts.append(translate(TEMPLATE_KIND.key(column.kind), lang))
    return " · ".join(parts)


def template_workbook(*, viewer: Viewer, lang: str) -> bytes:
    return spreadsheet.workbook_bytes(template_sheets(viewer=viewer, lang=lang))
