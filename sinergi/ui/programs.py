"""The programs list and what the program page adds to its screen: a share link for the program."""

from __future__ import annotations

from datetime import date

import pandas as pd

from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.i18n.formatting import number
from sinergi.reads import programs, queries
from sinergi.reads.filters import Filters
from sinergi.ui import t

# Programs the list draws; a province holds tens of thousands, all of them in its download.
SHOWN_PROGRAMS = 500


def find_programs(viewer: Viewer, filters: Filters, search: str) -> pd.DataFrame:
    """The programs ``viewer`` may see under ``filters`` whose name or company contains ``search``, as
    :func:`sinergi.reads.programs.program_table` gives them; :func:`for_reading` words them."""
    table = ui.read(
        programs.program_table,
        viewer=viewer,
        filters=filters,
        thresholds=ui.read(queries.thresholds, viewer=viewer),
        today=date.today(),
    )
    if search:
        needle = search.casefold()
        table = table[
            table["name"].str.casefold().str.contains(needle, regex=False)
            | table["company"].str.casefold().str.contains(needle, regex=False)
        ]
    return table


def for_reading(table: pd.DataFrame) -> pd.DataFrame:
    """Programs as the list shows them: pillar, stage and status in the reader's words, achievement in
    percent, how many of the period's measured results an agency verified (``checked``, in words) and a
    link to each (``link``)."""
    # Thousands of programs share a handful of pillars, stages and statuses: each word is looked up once.
    return table.assign(
        link=table["id"].map(lambda program_id: ui.with_language(f"/program?id={program_id}")),
        pillar=table["pillar"].map(ui.labels("pillar", table["pillar"].unique())),
        stage=table["stage"].map(ui.labels("stage", table["stage"].unique())),
        status=table["status"].map({status: ui.status_badge(status) for status in table["status"].unique()}),
        achievement=table["achievement"] * 100,
        checked=[
            t("state.verified_of", verified=number(verified, ui.lang()), count=number(measured, ui.lang()))
            if measured
            else "–"
            for verified, measured in zip(table["verified"], table["measured"], strict=True)
        ],
    )


def count_line(total: int) -> str:
    """How many programs the list holds, in the reader's language."""
    return t("programs.count", count=number(total, ui.lang()))


def empty_list_notice(viewer: Viewer) -> str:
    """Why the list is empty: no program yet that the viewer may read, or none matching the filters."""
    nothing_yet = ui.read(queries.database_counts, viewer=viewer).programs == 0
    return t("programs.empty") if nothing_yet else t("filter.no_match")


def share_program_form(viewer: Viewer, program_id: int) -> None:
    """The form that makes a read-only link to the program, when the reader may see it."""
    profile = ui.read(programs.program_profile, viewer=viewer, program_id=program_id)
    if profile is not None:
        ui.share_form(viewer, company_id=profile.company_id, program_id=profile.id, filters=None)
