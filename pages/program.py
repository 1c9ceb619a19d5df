"""Program detail (/program?id=N)."""

from sinergi import ui
from sinergi.reads import programs
from sinergi.ui import screens

viewer = ui.signed_in_page()
program_id = ui.int_param("id")
screens.program_screen(viewer, program_id)
if program_id is not None:
    profile = ui.read(programs.program_profile, viewer=viewer, program_id=program_id)
    if profile is not None:
        ui.share_form(viewer, company_id=profile.company_id, program_id=profile.id, filters=None)
