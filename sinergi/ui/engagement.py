"""The engagement screen's parts: its tiles, the feedback and attendance charts, the meetings, and the
overdue and full feedback tables."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import pandas as pd
import streamlit as st

from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.i18n import registry
from sinergi.i18n.formatting import long_date, number, percent
from sinergi.i18n.texts import translate
from sinergi.reads import engagement
from sinergi.reads.engagement import EngagementTiles, FeedbackGrouping
from sinergi.reads.filters import Filters
from sinergi.reports import charts
from sinergi.ui import label, lang, t, tables
from sinergi.writes import voting

FILTER_FIELDS = ("regency", "company", "year", "period")

# The columns of the two feedback tables: those people act on first (its status, what was said and
# the answer, the action behind it: who and by when), then where it came from; at 1366 px the first
# ones are in view without scrolling sideways. The overdue list says why first.
LOG_VIEW = [
    "status",
    "text",
    "response",
    "action",
    "action_owner",
    "action_due",
    "action_status",
    "days_open",
    "kind",
    "source",
    "program",
    "meeting_date",
]
OVERDUE_VIEW = [
    "reason",
    "status",
    "text",
    "action",
    "action_owner",
    "action_due",
    "days_open",
    "source",
    "meeting_date",
]

# Per grouping of the feedback: the enumeration its groups are values of, the text of its axis, the
# name of its download and the colours of its bars (None: the theme's).
_GROUPINGS: dict[FeedbackGrouping, tuple[str, str, str, Mapping[str, str] | None]] = {
    "kind": ("feedback_kind", "engagement.axis.kind", "feedback-by-kind", None),
    "status": (
        "feedback_status",
        "engagement.axis.status",
        "feedback-by-status",
        charts.FEEDBACK_STATUS_COLOURS,
    ),
    "source_type": ("org_type", "engagement.axis.org_type", "feedback-by-organisation-type", None),
}


def tiles(viewer: Viewer, filters: Filters, today: date) -> EngagementTiles:
    """The counts the screen opens with: meetings, attendees, feedback, followed up, overdue."""
    return ui.read(engagement.engagement_tiles, viewer=viewer, filters=filters, today=today)


def tile_row(tiles: EngagementTiles) -> None:
    meetings, attendees, feedback, followed, overdue = st.columns(5)
    meetings.metric(t("engagement.tile.meetings"), number(tiles.meetings, lang()))
    attendees.metric(t("engagement.tile.attendees"), number(tiles.attendees, lang()))
    feedback.metric(t("engagement.tile.feedback"), number(tiles.feedback_items, lang()))
    followed.metric(
        t("engagement.tile.followed_up"),
        percent(tiles.followed_up_share, lang()),
        help=t(
            "engagement.tile.followed_up_help",
            count=number(tiles.followed_up, lang()),
            total=number(tiles.feedback_items, lang()),
        ),
    )
    overdue.metric(t("engagement.tile.overdue"), number(tiles.overdue, lang()), help=overdue_rule())


def overdue_rule() -> str:
    """When an item of feedback counts as overdue."""
    return t("engagement.tile.overdue_help", days=engagement.RESPONSE_DAYS)


def feedback_bars(viewer: Viewer, filters: Filters, *, by: FeedbackGrouping) -> None:
    """How many items of feedback there are per kind, status or kind of organisation, as bars."""
    kind, category_title, name, colours = _GROUPINGS[by]
    _bars(
        ui.read(engagement.feedback_counts, viewer=viewer, filters=filters, by=by),
        kind=kind,
        value="items",
        value_title=t("engagement.axis.items"),
        category_title=t(category_title),
        name=name,
        colours=colours,
    )


def attendance_bars(viewer: Viewer, filters: Filters) -> None:
    """How many people came per kind of organisation, as bars; a notice when nobody was recorded."""
    attendance = ui.read(engagement.attendance_by_org_type, viewer=viewer, filters=filters)
    if attendance.empty:
        st.info(t("engagement.no_attendance"))
        return
    _bars(
        attendance.rename(columns={"org_type": "group"}),
        kind="org_type",
        value="head_count",
        value_title=t("engagement.axis.people"),
        category_title=t("engagement.axis.org_type"),
        name="attendance-by-organisation-type",
    )


def _bars(
    frame: pd.DataFrame,
    *,
    kind: str,
    value: str,
    value_title: str,
    category_title: str,
    name: str,
    colours: Mapping[str, str] | None = None,
) -> None:
    data = frame.assign(label=_labels(kind, frame["group"]))
    chart = charts.ordered_bars(
        data,
        category="label",
        value=value,
        category_title=category_title,
        value_title=value_title,
        description=ui.bars_description(value_title, category_title),
        colours=colours,
    )
    ui.chart_block(chart, data, name=name)


def _labels(kind: str, values: pd.Series) -> pd.Series:
    distinct = {value: label(kind, value) for value in values.drop_duplicates() if isinstance(value, str)}
    return values.map(lambda value: distinct.get(value, ""))


# The meeting table's columns before those of the organisation types, with the key of each heading.
MEETING_HEADINGS = {
    "held_on": "engagement.col.date",
    "kind": "engagement.col.kind",
    "title": "engagement.col.title",
    "organiser": "engagement.col.organiser",
    "venue": "engagement.col.venue",
    "attendee_count": "engagement.col.attendees",
    "organisations": "engagement.col.organisations",
}


def meeting_table(viewer: Viewer, filters: Filters, *, total: int) -> None:
    """The first of the ``total`` meetings: when, what, who organised it where, and who came, by kind
    of organisation (those someone came for); all of them as a download."""
    language = lang()
    meetings = _meeting_view(
        ui.read(engagement.meeting_list, viewer=viewer, filters=filters, limit=engagement.SHOWN_ROWS),
        language,
    )
    full = ui.read_later(engagement.meeting_list, viewer=viewer, filters=filters)
    # The file is made after this run, outside it: everything from the session is taken now.
    headings = {name: translate(key, language) for name, key in MEETING_HEADINGS.items()} | {
        org_type: translate(registry.enum_key("org_type", org_type), language)
        for org_type in engagement.ORG_TYPES
    }
    tables.table(
        meetings,
        name="meetings",
        rows=lambda: _meeting_view(full(), language).rename(columns=headings),
        total=total,
        hide_index=True,
        width="stretch",
        column_config={
            "held_on": st.column_config.TextColumn(headings["held_on"]),
            "kind": st.column_config.TextColumn(headings["kind"]),
            "title": st.column_config.TextColumn(headings["title"], width="large"),
            "organiser": st.column_config.TextColumn(headings["organiser"], width="medium"),
            "venue": st.column_config.TextColumn(headings["venue"], width="medium"),
            "attendee_count": st.column_config.NumberColumn(headings["attendee_count"], format="%d"),
            "organisations": st.column_config.NumberColumn(headings["organisations"], format="%d"),
            **{
                org_type: st.column_config.NumberColumn(headings[org_type], format="%d")
                for org_type in engagement.ORG_TYPES
                if org_type in meetings
            },
        },
    )


def _meeting_view(meetings: pd.DataFrame, language: str) -> pd.DataFrame:
    """Meetings as the table shows them in ``language``: the organisation types someone came for only."""
    present_types = [org_type for org_type in engagement.ORG_TYPES if meetings[org_type].sum() > 0]
    days = {day: long_date(day, language) for day in meetings["held_on"].drop_duplicates()}
    kinds = {
        kind: translate(registry.enum_key("meeting_kind", kind), language)
        for kind in meetings["kind"].drop_duplicates()
    }
    shown = meetings.assign(held_on=meetings["held_on"].map(days), kind=meetings["kind"].map(kinds))
    return shown[[*MEETING_HEADINGS, *present_types]]


def overdue_table(viewer: Viewer, filters: Filters, today: date, *, total: int) -> None:
    """The first of the ``total`` overdue items of feedback, why each is overdue, and all as CSV."""
    _feedback_table(
        ui.read(
            engagement.overdue_feedback,
            viewer=viewer,
            filters=filters,
            today=today,
            limit=engagement.SHOWN_ROWS,
        ),
        columns=OVERDUE_VIEW,
        total=total,
        name="overdue-feedback",
        full=ui.read_later(engagement.overdue_feedback, viewer=viewer, filters=filters, today=today),
    )


def feedback_log_table(viewer: Viewer, filters: Filters, today: date, *, total: int) -> None:
    """The first of the ``total`` items of feedback, newest first, and all as CSV."""
    _feedback_table(
        ui.read(
            engagement.feedback_log, viewer=viewer, filters=filters, today=today, limit=engagement.SHOWN_ROWS
        ),
        columns=LOG_VIEW,
        total=total,
        name="feedback-log",
        full=ui.read_later(engagement.feedback_log, viewer=viewer, filters=filters, today=today),
    )


def _feedback_table(
    frame: pd.DataFrame, *, columns: list[str], total: int, name: str, full: Callable[[], pd.DataFrame]
) -> None:
    """The first feedback items as the reader sees them (who, what, the answer, and the action behind
    it), how many there are in all, and every one of them as a CSV download."""
    st.dataframe(
        engagement.feedback_view(frame, language=lang()),
        hide_index=True,
        width="stretch",
        column_order=columns,
        column_config={
            "reason": st.column_config.TextColumn(t("engagement.col.reason")),
            "meeting_date": st.column_config.TextColumn(t("engagement.col.meeting_date")),
            "source": st.column_config.TextColumn(t("engagement.col.source"), width="medium"),
            "kind": st.column_config.TextColumn(t("engagement.col.kind")),
            "text": st.column_config.TextColumn(t("engagement.col.text"), width=tables.TEXT_WIDTH),
            "program": st.column_config.TextColumn(t("engagement.col.program"), width="medium"),
            "response": st.column_config.TextColumn(t("engagement.col.response"), width=tables.TEXT_WIDTH),
            "status": st.column_config.TextColumn(t("engagement.col.status")),
            "days_open": st.column_config.NumberColumn(
                t("engagement.col.days_open"), help=t("engagement.days_open_help"), format="%d"
            ),
            "action": st.column_config.TextColumn(t("engagement.col.action"), width="medium"),
            "action_owner": st.column_config.TextColumn(t("engagement.col.action_owner")),
            "action_status": st.column_config.TextColumn(t("engagement.col.action_status")),
            "action_due": st.column_config.TextColumn(t("engagement.col.action_due")),
        },
        placeholder="–",
    )
    # The file is made after this run, outside it: everything from the session is taken now.
    language, headings = lang(), [t(engagement.FEEDBACK_HEADINGS[column]) for column in columns]
    ui.rows_download(
        lambda: engagement.feedback_download(full(), language=language)[headings],
        name=name,
        shown=len(frame),
        total=total,
    )


def vote_results(viewer: Viewer, filters: Filters) -> None:
    """What the rooms prioritised together: each closed vote's question and its options by dots."""
    closed = ui.read(voting.closed_rankings, viewer=viewer, filters=filters)
    if not closed:
        st.caption(t("engagement.no_votes"))
        return
    for held in closed:
        st.markdown(
            ui.t_plain(
                "engagement.vote_line",
                date=long_date(held.held_on, lang()),
                meeting=held.meeting,
                question=held.ranking.question,
            )
        )
        st.caption(t("vote.closed_line", phones=number(held.ranking.voters, lang())))
        st.dataframe(
            held.ranking.options[["label", "dots", "phones"]],
            hide_index=True,
            width="stretch",
            column_config={
                "label": st.column_config.TextColumn(t("vote.option"), width="large"),
                "dots": st.column_config.NumberColumn(t("vote.dots"), format="%d"),
                "phones": st.column_config.NumberColumn(t("vote.phones"), format="%d"),
            },
        )
