"""The programs list and what the program page adds to its screen: a share link for the program."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd

from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.i18n import registry
from sinergi.i18n.formatting import number
from sinergi.i18n.texts import translate
from sinergi.reads import programs, queries
from sinergi.reads.filters import Filters
from sinergi.ui import t

# Programs the list draws; a province holds tens of thousands, all of them in its download.
SHOWN_PROGRAMS = 500


def program_count(viewer: Viewer, filters: Filters, search: str) -> int:
    """How many programs ``viewer`` may see under ``filters`` whose name or company contains ``search``."""
    return ui.read(programs.program_count, viewer=viewer, filters=filters, search=search)


def listed_programs(
    viewer: Viewer, filters: Filters, search: str
) -> tuple[pd.DataFrame, Callable[[], pd.DataFrame]]:
    """The first ``SHOWN_PROGRAMS`` of those programs, as :func:`for_reading` words them (only they
    are read, however many there are), and every one of them worded alike, read only when called (by
    the download, after this run, so the reader's language is taken now)."""
    arguments = _table_arguments(viewer, filters, search)
    reader = _reader()
    first = for_reading(ui.read(programs.program_table, **arguments, limit=SHOWN_PROGRAMS), **reader)
    everything = ui.read_later(programs.program_table, **arguments)
    return first, lambda: for_reading(everything(), **reader)


def _table_arguments(viewer: Viewer, filters: Filters, search: str) -> dict[str, Any]:
    """What the list and its download read :func:`sinergi.reads.programs.program_table` with."""
    return {
        "viewer": viewer,
        "filters": filters,
        "thresholds": ui.read(queries.thresholds, viewer=viewer),
        "today": date.today(),
        "search": search,
    }


def _reader() -> dict[str, str]:
    """The reader's language and the address of a program's page in it (``{id}`` for the program)."""
    return {"language": ui.lang(), "address": ui.with_language("/program?id={id}")}


def for_reading(table: pd.DataFrame, *, language: str, address: str) -> pd.DataFrame:
    """Programs as the list shows them in ``language``: pillar, stage and status in words, achievement
    in percent, how many of the period's measured results an agency verified (``checked``, in words)
    and a link to each (``link``, ``address`` with the program's ``{id}``)."""

    # Thousands of programs share a handful of pillars, stages and statuses: each word is looked up once.
    def words(kind: str, column: str) -> dict[str, str]:
        return {
            value: translate(registry.enum_key(kind, value), language) for value in table[column].unique()
        }

    checked_words = _checked_words(language)
    statuses = {
        status: f"{ui.STATUS_MARKS.get(status, '')} {word}"
        for status, word in words("achievement", "status").items()
    }
    return table.assign(
        link=table["id"].map(lambda program_id: address.format(id=program_id)),
        pillar=table["pillar"].map(words("pillar", "pillar")),
        stage=table["stage"].map(words("stage", "stage")),
        status=table["status"].map(statuses),
        achievement=table["achievement"] * 100,
        checked=[
            checked_words(int(verified), int(measured))
            for verified, measured in zip(table["verified"], table["measured"], strict=True)
        ],
    )


def _checked_words(language: str) -> Callable[[int, int], str]:
    """The words for "v of n verified" in ``language``, each pair worded once (programs share a few)."""

    @functools.cache
    def checked(verified: int, measured: int) -> str:
        if not measured:
            return "–"
        return translate(
            "state.verified_of",
            language,
            verified=number(verified, language),
            count=number(measured, language),
        )

    return checked


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
