"""The entry tab of /data: what the viewer may fill in, and for it a form per kind of record
(:mod:`~sinergi.ui.entry_forms`), the results grid (:mod:`~sinergi.ui.entry_results`), verification
(:mod:`~sinergi.ui.entry_verify`), attendance (:mod:`~sinergi.ui.entry_meetings`) and compliance
evidence (:mod:`~sinergi.ui.entry_compliance`). Every save goes through :mod:`sinergi.writes.entry`.
"""

from __future__ import annotations

import streamlit as st

import models as m
from sinergi.core.access import Viewer
from sinergi.i18n import registry
from sinergi.ui import lang, t
from sinergi.ui.entry_common import (
    read_now,
)
from sinergi.ui.entry_compliance import compliance
from sinergi.ui.entry_forms import record_editor
from sinergi.ui.entry_meetings import attendance
from sinergi.ui.entry_results import results_grid
from sinergi.ui.entry_verify import verification
from sinergi.ui.evidence import result_evidence
from sinergi.writes import entry

TASKS = (
    "program",
    "indicator",
    "program_budget",
    "results",
    "evaluation",
    "follow_up_action",
    "meeting",
    "attendance",
    "feedback_item",
    "compliance",
    "verify",
)
# The name of a task in the picker: the text "entry.task.<task>".
TASK_NAME = registry.family("entry.task.{}", lambda: TASKS)


def tasks_for(viewer: Viewer) -> list[str]:
    """What the viewer can fill in here; the data layer refuses the rest anyway."""
    if viewer.shared_link_id is not None or viewer.role is m.Role.VIEWER:
        return []
    if viewer.role is m.Role.AGENCY:
        return ["verify", "meeting", "attendance", "feedback_item", "compliance"]
    if viewer.role is m.Role.COMPANY:
        return [task for task in TASKS if task != "verify"]
    return list(TASKS)


def entry_section(viewer: Viewer) -> None:
    tasks = tasks_for(viewer)
    if not tasks:
        st.info(t("entry.read_only"), icon=":material/visibility:")
        return
    # Display names are fixed while a widget is built (see ui.filter_bar), never looked up later.
    names = {task: t(TASK_NAME.key(task)) for task in tasks}
    task = st.selectbox(t("entry.task"), tasks, format_func=names.__getitem__, key="entry-task")
    match task:
        case "program" | "evaluation":
            if (company := _company_picker(viewer)) is not None:
                record_editor(viewer, entry.SPECS[task], parent_id=company)
        case "indicator" | "program_budget" | "follow_up_action":
            if (company := _company_picker(viewer)) is not None and (
                program := _program_picker(viewer, company)
            ) is not None:
                record_editor(viewer, entry.SPECS[task], parent_id=program)
        case "results":
            if (company := _company_picker(viewer)) is not None and (
                program := _program_picker(viewer, company)
            ) is not None:
                results_grid(viewer, program)
                result_evidence(viewer, program)
        case "meeting":
            # A company's meetings; an agency's own (no company); an admin picks a company or none.
            company = _company_picker(viewer) if viewer.role is not m.Role.AGENCY else None
            record_editor(viewer, entry.MEETING, parent_id=company)
        case "attendance":
            company = _company_picker(viewer) if viewer.role is not m.Role.AGENCY else None
            meetings = read_now(lambda s: entry.records_of(s, viewer, entry.MEETING, company, lang=lang()))
            if (meeting := _meeting_picker(meetings)) is not None:
                attendance(viewer, meeting)
        case "feedback_item":
            if (
                meeting := _meeting_picker(
                    read_now(lambda s: entry.feedback_meetings(s, viewer, lang=lang()))
                )
            ) is not None:
                record_editor(viewer, entry.FEEDBACK_RESPONSE, parent_id=meeting)
        case "compliance":
            compliance(viewer)
        case "verify":
            verification(viewer)


def _company_picker(viewer: Viewer) -> int | None:
    if viewer.role is m.Role.COMPANY:
        return viewer.company_id
    companies = read_now(lambda s: entry.writable_companies(s, viewer))
    return st.selectbox(
        t("entry.company"),
        list(companies),
        format_func=companies.get,
        key="entry-company",
        index=None,
        placeholder=t("entry.choose"),
    )


def _program_picker(viewer: Viewer, company: int) -> int | None:
    programs = read_now(lambda s: entry.records_of(s, viewer, entry.PROGRAM, company, lang=lang()))
    if not programs:
        st.info(t("entry.no_programs"), icon=":material/info:")
        return None
    return st.selectbox(t("entry.program"), list(programs), format_func=programs.get, key="entry-program")


def _meeting_picker(meetings: dict[int, str]) -> int | None:
    if not meetings:
        st.info(t("entry.no_meetings"), icon=":material/info:")
        return None
    return st.selectbox(
        t("entry.meeting"), list(meetings), format_func=meetings.__getitem__, key="entry-meeting"
    )
