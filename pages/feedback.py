"""The public input form of a meeting open for input (/feedback?code=…), made for a phone, without an
account: check in, then send expectations and input. Nothing else of the app is reachable from here."""

import streamlit as st

from sinergi import ui
from sinergi.ui import public_form, t

ui.page_guard()
ui.language_switch(st, label_visibility="collapsed")

code = public_form.code_in_address()
if not code:
    st.title(t("live.form.title"))
    st.caption(t("live.form.enter_code"))
    public_form.code_form("")
    st.stop()

meeting = public_form.open_meeting(code)
if isinstance(meeting, str):
    st.title(t("live.form.title"))
    st.error(meeting, icon=":material/block:")
    public_form.code_form(code)
    st.stop()

st.title(t("live.form.title"))
st.caption(public_form.meeting_line(meeting))

# What a check-in or an input came to shows under its form, where the phone was tapped: drawn above,
# it would push the form down under the next tap (and a choice list opening below the screen's edge
# scrolls the page, which closes it at once).
if not public_form.checked_in(code):
    st.subheader(t("live.checkin.heading"))
    public_form.check_in_form(code, meeting.organisations)
    public_form.show_flash()
    st.stop()

public_form.device_part(code)
st.subheader(t("live.input.heading"))
public_form.input_form(code, meeting.programs)
public_form.show_flash()
