"""Meetings and feedback: who came, what stakeholders said, and what was done with it."""

from datetime import date

import streamlit as st

from sinergi import ui
from sinergi.ui import engagement, t

viewer = ui.signed_in_page()
today = date.today()

st.title(t("engagement.title"))
st.caption(t("engagement.caption"))

filters = ui.viewer_filters(viewer, fields=engagement.FILTER_FIELDS)
tiles = engagement.tiles(viewer, filters, today)
if tiles.meetings == 0:
    st.info(t("engagement.no_match") if filters.query_params() else t("engagement.empty"))
    st.stop()
engagement.tile_row(tiles)

st.subheader(t("engagement.charts"))
if tiles.feedback_items == 0:
    st.info(t("engagement.no_feedback"))
else:
    by_kind, by_status = st.columns(2)
    with by_kind:
        st.markdown(f"**{t('engagement.chart.by_kind')}**")
        engagement.feedback_bars(viewer, filters, by="kind")
    with by_status:
        st.markdown(f"**{t('engagement.chart.by_status')}**")
        engagement.feedback_bars(viewer, filters, by="status")
by_source, by_attendance = st.columns(2)
if tiles.feedback_items:
    with by_source:
        st.markdown(f"**{t('engagement.chart.by_source')}**")
        engagement.feedback_bars(viewer, filters, by="source_type")
with by_attendance:
    st.markdown(f"**{t('engagement.chart.attendance')}**")
    engagement.attendance_bars(viewer, filters)

st.subheader(t("engagement.meetings"))
engagement.meeting_table(viewer, filters, total=tiles.meetings)
st.caption(t("engagement.attendance_note"))

st.subheader(t("engagement.votes"))
engagement.vote_results(viewer, filters)

st.subheader(t("engagement.overdue"))
st.caption(engagement.overdue_rule())
if tiles.overdue == 0:
    st.success(t("engagement.no_overdue"))
else:
    engagement.overdue_table(viewer, filters, today, total=tiles.overdue)

st.subheader(t("engagement.log"))
st.caption(t("engagement.log_caption"))
if tiles.feedback_items == 0:
    st.info(t("engagement.no_feedback"))
else:
    engagement.feedback_log_table(viewer, filters, today, total=tiles.feedback_items)
