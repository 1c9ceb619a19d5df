"""/verify: the agency's queue of submitted results, verified or sent back with a note; and the results
sent back, which their company corrects and submits again."""

from sinergi import ui
from sinergi.ui import verify

viewer = ui.signed_in_page()
verify.verify_screen(viewer)
