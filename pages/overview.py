"""Overview (ringkasan): tiles, achievement by pillar and company, the trend, and where programs work."""

from sinergi import ui
from sinergi.ui import screens

viewer = ui.signed_in_page()
screens.overview_screen(viewer)
