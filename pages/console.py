"""FGD presenter console (/console?meeting=N), for the facilitator's laptop: which slide the room
sees and what comes next, a timer, input opened and closed, the moderation queue and the head count.
Every audience view (/present?meeting=N) follows it."""

import streamlit as st

from sinergi import ui
from sinergi.ui import present, t

viewer = ui.signed_in_page()

meeting_id = ui.int_param("meeting")
if meeting_id is None:
    st.title(t("live.console_title"))
    present.meeting_picker(viewer, page="console")
    st.stop()
meeting = present.live_meeting(viewer, meeting_id)
if isinstance(meeting, str):
    st.error(meeting, icon=":material/block:")
    st.stop()

st.title(ui.plain(meeting.title))
st.link_button(
    t("live.open_audience"),
    present.audience_address(meeting.id),
    icon=":material/open_in_new:",
)
slides = present.slides(viewer, meeting)
left, right = st.columns([2, 3], gap="large")
with left:
    present.console_bar(viewer, meeting, slides)
    present.timer(viewer, meeting.id)
    present.slide_list(viewer, meeting, slides)
with right:
    present.control_panel(viewer, meeting.id)
    present.vote_panel(viewer, meeting)
    present.summary_downloads(viewer, meeting.id)
