"""Meetings and feedback: who came, what stakeholders said, and what was done with it."""

from collections.abc import Callable, Mapping
from datetime import date

import pandas as pd
import streamlit as st

from sinergi.i18n.formatting import long_date, number, percent
from sinergi.reads import engagement
from sinergi.reads.filters import filter_options
from sinergi.reports import charts
from sinergi.ui import (
    chart_block,
    filter_bar,
    label,
    lang,
    read,
    read_later,
    rows_download,
    signed_in_page,
    t,
)

viewer = signed_in_page()

# The columns of the two feedback tables, in reading order: the overdue list says why first.
LOG_VIEW = [
    "meeting_date",
    "source",
    "kind",
    "text",
    "program",
    "response",
    "status",
    "days_open",
    "action",
    "action_status",
    "action_due",
]
OVERDUE_VIEW = ["reason", "days_open", "meeting_date", "source", "text", "status", "action", "action_due"]


def _dates(values: pd.Series) -> pd.Series:
    """Dates in the reader's language, each distinct date formatted once."""
    distinct = {day: long_date(day, lang()) for day in values.drop_duplicates() if isinstance(day, date)}
    return values.map(lambda day: distinct.get(day, ""))


def _labels(kind: str, values: pd.Series) -> pd.Series:
    distinct = {value: label(kind, value) for value in values.drop_duplicates() if isinstance(value, str)}
    return values.map(lambda value: distinct.get(value, ""))


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
            "text": st.column_config.TextColumn(t("engagement.col.text"), width="large"),
            "program": st.column_config.TextColumn(t("engagement.col.program"), width="medium"),
            "response": st.column_config.TextColumn(t("engagement.col.response"), width="large"),
            "status": st.column_config.TextColumn(t("engagement.col.status")),
            "days_open": st.column_config.NumberColumn(
                t("engagement.col.days_open"), help=t("engagement.days_open_help"), format="%d"
            ),
            "action": st.column_config.TextColumn(t("engagement.col.action"), width="large"),
            "action_status": st.column_config.TextColumn(t("engagement.col.action_status")),
            "action_due": st.column_config.TextColumn(t("engagement.col.action_due")),
        },
    )
    # The file is made after this run, outside it: everything from the session is taken now.
    language, headings = lang(), [t(engagement.FEEDBACK_HEADINGS[column]) for column in columns]
    rows_download(
        lambda: engagement.feedback_download(full(), language=language)[headings],
        name=name,
        shown=len(frame),
        total=total,
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
        colours=colours,
    )
    chart_block(chart, data, name=name)


st.title(t("engagement.title"))
st.caption(t("engagement.caption"))

filters = filter_bar(read(filter_options, viewer=viewer), fields=("regency", "company", "year", "period"))
today = date.today()
tiles = read(engagement.engagement_tiles, viewer=viewer, filters=filters, today=today)

if tiles.meetings == 0:
    st.info(t("engagement.no_match") if filters.query_params() else t("engagement.empty"))
    st.stop()

meetings_tile, attendees_tile, feedback_tile, followed_tile, overdue_tile = st.columns(5)
meetings_tile.metric(t("engagement.tile.meetings"), number(tiles.meetings, lang()))
attendees_tile.metric(t("engagement.tile.attendees"), number(tiles.attendees, lang()))
feedback_tile.metric(t("engagement.tile.feedback"), number(tiles.feedback_items, lang()))
followed_tile.metric(
    t("engagement.tile.followed_up"),
    percent(tiles.followed_up_share, lang()),
    help=t(
        "engagement.tile.followed_up_help",
        count=number(tiles.followed_up, lang()),
        total=number(tiles.feedback_items, lang()),
    ),
)
overdue_tile.metric(
    t("engagement.tile.overdue"),
    number(tiles.overdue, lang()),
    help=t("engagement.tile.overdue_help", days=engagement.RESPONSE_DAYS),
)

st.subheader(t("engagement.charts"))
items_title = t("engagement.axis.items")
org_type_title = t("engagement.axis.org_type")
if tiles.feedback_items == 0:
    st.info(t("engagement.no_feedback"))
else:
    by_kind, by_status = st.columns(2)
    with by_kind:
        st.markdown(f"**{t('engagement.chart.by_kind')}**")
        _bars(
            read(engagement.feedback_counts, viewer=viewer, filters=filters, by="kind"),
            kind="feedback_kind",
            value="items",
            value_title=items_title,
            category_title=t("engagement.axis.kind"),
            name="feedback-by-kind",
        )
    with by_status:
        st.markdown(f"**{t('engagement.chart.by_status')}**")
        _bars(
            read(engagement.feedback_counts, viewer=viewer, filters=filters, by="status"),
            kind="feedback_status",
            value="items",
            value_title=items_title,
            category_title=t("engagement.axis.status"),
            name="feedback-by-status",
            colours=charts.FEEDBACK_STATUS_COLOURS,
        )
by_source, by_attendance = st.columns(2)
if tiles.feedback_items:
    with by_source:
        st.markdown(f"**{t('engagement.chart.by_source')}**")
        _bars(
            read(engagement.feedback_counts, viewer=viewer, filters=filters, by="source_type"),
            kind="org_type",
            value="items",
            value_title=items_title,
            category_title=org_type_title,
            name="feedback-by-organisation-type",
        )
attendance = read(engagement.attendance_by_org_type, viewer=viewer, filters=filters)
with by_attendance:
    st.markdown(f"**{t('engagement.chart.attendance')}**")
    if attendance.empty:
        st.info(t("engagement.no_attendance"))
    else:
        _bars(
            attendance.rename(columns={"org_type": "group"}),
            kind="org_type",
            value="head_count",
            value_title=t("engagement.axis.people"),
            category_title=org_type_title,
            name="attendance-by-organisation-type",
        )

st.subheader(t("engagement.meetings"))
meetings = read(engagement.meeting_list, viewer=viewer, filters=filters)
present_types = [org_type for org_type in engagement.ORG_TYPES if meetings[org_type].sum() > 0]
st.dataframe(
    meetings.assign(held_on=_dates(meetings["held_on"]), kind=_labels("meeting_kind", meetings["kind"]))[
        ["held_on", "kind", "title", "organiser", "venue", "attendee_count", "organisations", *present_types]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "held_on": st.column_config.TextColumn(t("engagement.col.date")),
        "kind": st.column_config.TextColumn(t("engagement.col.kind")),
        "title": st.column_config.TextColumn(t("engagement.col.title"), width="large"),
        "organiser": st.column_config.TextColumn(t("engagement.col.organiser"), width="medium"),
        "venue": st.column_config.TextColumn(t("engagement.col.venue"), width="medium"),
        "attendee_count": st.column_config.NumberColumn(t("engagement.col.attendees"), format="%d"),
        "organisations": st.column_config.NumberColumn(t("engagement.col.organisations"), format="%d"),
        **{
            org_type: st.column_config.NumberColumn(label("org_type", org_type), format="%d")
            for org_type in present_types
        },
    },
)
st.caption(t("engagement.attendance_note"))

st.subheader(t("engagement.overdue"))
st.caption(t("engagement.tile.overdue_help", days=engagement.RESPONSE_DAYS))
if tiles.overdue == 0:
    st.success(t("engagement.no_overdue"))
else:
    _feedback_table(
        read(
            engagement.overdue_feedback,
            viewer=viewer,
            filters=filters,
            today=today,
            limit=engagement.SHOWN_ROWS,
        ),
        columns=OVERDUE_VIEW,
        total=tiles.overdue,
        name="overdue-feedback",
        full=read_later(engagement.overdue_feedback, viewer=viewer, filters=filters, today=today),
    )

st.subheader(t("engagement.log"))
st.caption(t("engagement.log_caption"))
if tiles.feedback_items == 0:
    st.info(t("engagement.no_feedback"))
else:
    _feedback_table(
        read(
            engagement.feedback_log, viewer=viewer, filters=filters, today=today, limit=engagement.SHOWN_ROWS
        ),
        columns=LOG_VIEW,
        total=tiles.feedback_items,
        name="feedback-log",
        full=read_later(engagement.feedback_log, viewer=viewer, filters=filters, today=today),
    )
