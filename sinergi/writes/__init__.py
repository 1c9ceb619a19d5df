"""Changes: each is a command that authorises, validates, writes and audits in one transaction."""

# Every write keeps the figures the pages read in step with the rows they come from.
from sinergi.writes import feedback_figures as feedback_figures
from sinergi.writes import summaries as summaries
