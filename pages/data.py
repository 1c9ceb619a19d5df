"""/data: enter and correct records by hand, import a filled template, export what one may read, and
make the semester evaluation report."""

import streamlit as st

from sinergi import ui
from sinergi.ui import entry as entry_screens
from sinergi.ui import report as report_screens
from sinergi.ui import t
from sinergi.ui import transfer as transfer_screens

viewer = ui.signed_in_page()

st.title(t("data.title"))
st.caption(t("data.caption"))


def export() -> None:
    # The export follows the filters in the URL, so "export this view" is a link away.
    transfer_screens.export_section(viewer, ui.viewer_filters(viewer))


# The chosen tab lives in the URL; only its content runs. A link naming a program (from the program's
# page) opens its semester report.
ui.url_tabs(
    {
        "data.tab.entry": lambda: entry_screens.entry_section(viewer),
        "data.tab.import": lambda: transfer_screens.import_section(viewer),
        "data.tab.export": export,
        "data.tab.report": lambda: report_screens.report_section(viewer),
    },
    default="data.tab.report" if ui.int_param("program") is not None else None,
)
