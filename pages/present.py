"""FGD audience view (/present?meeting=N), for the projector and any other screen in the room: the
slide the presenter console shows, approved items only, and the code to send input. It follows the
console on its own; nothing here is pending or meant for the facilitator alone."""

import streamlit as st

from sinergi import ui
from sinergi.ui import present, t

viewer = ui.signed_in_page()
present.room_style()

meeting_id = ui.int_param("meeting")
if meeting_id is None:
    present.back_to_app()
    st.title(t("live.title"))
    present.meeting_picker(viewer, page="present")
    st.stop()
refused = present.live_meeting(viewer, meeting_id)
if isinstance(refused, str):
    st.error(refused, icon=":material/block:")
    present.back_to_app()
    st.stop()
present.audience_view(viewer, meeting_id)
