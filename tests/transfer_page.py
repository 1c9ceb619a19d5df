"""A bare page with the import and export sections, for the browser tests.

It acts as the user named in ``SINERGI_TEST_USER``; the sections themselves sit in the /data page.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st
from sqlmodel import select

import models as m
from domain.access import viewer_for
from domain.db import read_session
from domain.filters import Filters
from domain.transfer_screens import export_section, import_section

with read_session() as session:
    user = session.exec(select(m.User).where(m.User.username == os.environ["SINERGI_TEST_USER"])).one()
viewer = viewer_for(user)
import_tab, export_tab = st.tabs(["Impor", "Ekspor"])
with import_tab:
    import_section(viewer)
with export_tab:
    export_section(viewer, Filters())
