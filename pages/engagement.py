"""Meetings and feedback: who came, what stakeholders said, and what was done with it."""

from collections.abc import Mapping
from datetime import date

import pandas as pd
import streamlit as st

from domain import charts, engagement
from domain.filters import filter_options
from domain.formatting import long_date, number, percent
from domain.ui import chart_block, filter_bar, label, lang, read, signed_in_page, t

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
    return values.map(lambda day: long_date(day, lang()) if isinstance(day, date) else "")


def _labels(kind: str, values: pd.Series) -> pd.Series:
    return values.map(lambda value: label(kind, value) if isinstance(value, str) else "")


def _who(row: pd.Series) -> str:
    """The speaker and the organisation they spoke for, or the participant's type."""
    parts = [part for part in (row["speaker"], row["organisation"]) if part]
    if len(parts) == 2 and parts[0] != parts[1]:
        return f"{parts[0]} ({parts[1]})"
    return parts[0] if parts else label("org_type", row["source_type"])


def _answer(row: pd.Series) -> str:
    if row["response"]:
        return str(row["response"])
    if row["decline_reason"]:
        return t("engagement.declined", reason=row["decline_reason"])
    return ""


def _feedback_table(frame: pd.DataFrame, *, columns: list[str]) -> None:
    """Feedback items as the reader sees them: who, what, the answer, and the action behind it."""
    shown = pd.DataFrame(
        {
            "meeting_date": _dates(frame["meeting_date"]),
            "source": frame.apply(_who, axis=1) if not frame.empty else [],
            "kind": _labels("feedback_kind", frame["kind"]),
            "text": frame["text"],
            "program": frame["program"],
            "response": frame.apply(_answer, axis=1) if not frame.empty else [],
            "status": _labels("feedback_status", frame["status"]),
            "days_open": frame["days_open"],
            "action": frame["action"],
            "action_status": _labels("action_status", frame["action_status"]),
            "action_due": _dates(frame["action_due"]),
        }
    )
    if "reason" in frame:
        reasons = {
            "action_past_due": t("engagement.reason.action_past_due"),
            "no_response": t("engagement.reason.no_response", days=engagement.RESPONSE_DAYS),
        }
        shown["reason"] = frame["reason"].map(reasons)
    st.dataframe(
        shown,
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
overdue = read(engagement.overdue_feedback, viewer=viewer, filters=filters, today=today)
if overdue.empty:
    st.success(t("engagement.no_overdue"))
else:
    _feedback_table(overdue, columns=OVERDUE_VIEW)

st.subheader(t("engagement.log"))
st.caption(t("engagement.log_caption"))
if tiles.feedback_items == 0:
    st.info(t("engagement.no_feedback"))
else:
    _feedback_table(
        read(engagement.feedback_log, viewer=viewer, filters=filters, today=today), columns=LOG_VIEW
    )
