"""Reporting: who has reported what, per company and semester, and what each has not reported yet."""

from sinergi import ui
from sinergi.ui import reporting

viewer = ui.signed_in_page()
reporting.reporting_screen(viewer)
