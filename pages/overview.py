"""Overview (ringkasan): tiles, achievement by pillar and company, the trend, and where programs work."""

from domain import screens, ui

viewer = ui.signed_in_page()
screens.overview_screen(viewer)
