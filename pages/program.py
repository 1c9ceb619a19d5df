"""Program detail (/program?id=N): the program's screen, and a read-only link to it for its company."""

from sinergi import ui
from sinergi.ui import programs, screens

viewer = ui.signed_in_page()
program_id = ui.int_param("id")
screens.program_screen(viewer, program_id)
if program_id is not None:
    programs.share_program_form(viewer, program_id)
