"""Changes: each is a command that authorises, validates, writes and audits in one transaction."""
