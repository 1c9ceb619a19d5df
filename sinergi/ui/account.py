"""The account page: who the reader is signed in as, and what a new password must be (the change
itself goes through the sign-in's throttle: ``signin.change_own_password``)."""

from __future__ import annotations

from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.ui import label, plain, t
from sinergi.writes import accounts


def profile_facts(viewer: Viewer) -> str | None:
    """The reader's name, username, role and where they belong, as a Markdown list (what was typed shown
    as typed); None for a reader without an account (a shared link's)."""
    profile = ui.read(accounts.own_profile, viewer=viewer)
    if profile is None:
        return None
    facts = [
        f"- {t('admin.display_name')}: **{plain(profile.display_name)}**",
        # A username is letters, digits and ``._-`` only (accounts._USERNAME): safe in a code span.
        f"- {t('admin.username')}: `{profile.username}`",
        f"- {t('admin.role')}: {label('role', profile.role)}",
    ]
    if profile.company:
        facts.append(f"- {t('admin.company')}: {plain(profile.company)}")
    if profile.regency:
        facts.append(f"- {t('admin.regency')}: {plain(profile.regency)}")
    if profile.email:
        facts.append(f"- {t('admin.email')}: {plain(profile.email)}")
    return "\n".join(facts)


def password_help() -> str:
    """What a new password must be."""
    return t("admin.password_help", min=accounts.MIN_PASSWORD_LENGTH)
