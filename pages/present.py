"""FGD live mode (/present?meeting=N): slides for a projector, the live wall, the input code and
moderation. Figures and the wall refresh on their own; the current slide stays."""

import streamlit as st

from sinergi import ui
from sinergi.ui import present, t

viewer = ui.signed_in_page()

# Large type for a room; the text is ours, never a participant's.
st.html(
    """<style>
    [data-testid="stMainBlockContainer"] { padding-top: 1rem; padding-bottom: 1rem; max-width: 100%; }
    [data-testid="stMetricValue"] { font-size: 2.6rem; }
    [data-testid="stMetricLabel"] p { font-size: 1.15rem; }
    .stMarkdown p, .stMarkdown li { font-size: 1.3rem; }
    [data-testid="stCaptionContainer"] p { font-size: 1.05rem; }
    h1 { font-size: 2.6rem !important; }
    .live-code { font-size: 3.2rem; font-weight: 700; letter-spacing: 0.3rem; font-family: monospace; }
    </style>"""
)

meeting_id = ui.int_param("meeting")
if meeting_id is None:
    present.back_to_app()
    st.title(t("live.title"))
    present.meeting_picker(viewer)
    st.stop()
meeting = present.live_meeting(viewer, meeting_id)
if isinstance(meeting, str):
    st.error(meeting, icon=":material/block:")
    present.back_to_app()
    st.stop()

slides = present.slides(viewer, meeting)
current = present.current_slide(meeting.id, len(slides))
bar = st.container(horizontal=True, vertical_alignment="center")
bar.button(
    t("live.prev"),
    icon=":material/arrow_back:",
    shortcut="Left",
    on_click=present.turn_slide,
    args=(meeting.id, -1, len(slides)),
    disabled=current == 0,
    key="live-prev",
)
bar.caption(t("live.slide_of", n=current + 1, total=len(slides)))
bar.button(
    t("live.next"),
    icon=":material/arrow_forward:",
    shortcut="Right",
    on_click=present.turn_slide,
    args=(meeting.id, 1, len(slides)),
    disabled=current == len(slides) - 1,
    key="live-next",
)
present.show_slide(viewer, meeting, slides[current])

# A switch rather than an expander: it stays as it was through every rerun.
if st.toggle(t("live.control"), key="live-control"):
    present.control_panel(viewer, meeting.id)
