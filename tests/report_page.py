"""The report section alone, for the browser test; the reader is the user named in the environment."""

from __future__ import annotations

import os

from sqlmodel import select

import models as m
from domain import db
from domain.access import viewer_for
from domain.report_screens import report_section

with db.read_session() as session:
    user = session.exec(select(m.User).where(m.User.username == os.environ["SINERGI_REPORT_TEST_USER"])).one()
    viewer = viewer_for(user)
report_section(viewer)
