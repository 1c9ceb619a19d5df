"""Inbox: the reader's own notices, newest first, each leading to where its thing is."""

from sinergi import ui
from sinergi.ui import inbox

viewer = ui.signed_in_page()
inbox.inbox_screen(viewer)
