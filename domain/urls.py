"""Addresses of the app's own pages, made from the address the reader's browser is on."""

from __future__ import annotations

from urllib.parse import urlsplit

# The url paths registered in app.py; the overview's is empty.
PAGE_PATHS = frozenset(
    {
        "programs",
        "program",
        "engagement",
        "compliance",
        "data",
        "account",
        "admin",
        "shared",
        "present",
        "feedback",
    }
)


# Pages drawn without the sidebar and its navigation: the projector view and the public form.
BARE_PAGES = frozenset({"present", "feedback"})


def page_path(page_url: str | None) -> str:
    """The url path of the app page an address is on: ``program`` for ``…/program?id=3``, "" for the
    overview."""
    segments = _segments(page_url)
    return segments[-1] if segments and segments[-1] in PAGE_PATHS else ""


def _segments(page_url: str | None) -> list[str]:
    return [segment for segment in urlsplit(page_url or "").path.split("/") if segment]


def app_base(page_url: str | None) -> str:
    """Scheme, host and any base path of the app, without the page's own path, query or a final slash.

    ``http://host:8501/program?id=3`` and ``http://host:8501`` both give ``http://host:8501``; an app
    served under ``/sinergi`` keeps it.
    """
    if not page_url:
        return ""
    parts = urlsplit(page_url)
    segments = _segments(page_url)
    if page_path(page_url):
        segments.pop()
    path = "/" + "/".join(segments) if segments else ""
    return f"{parts.scheme}://{parts.netloc}{path}" if parts.netloc else path


def page_url(page_url_now: str | None, path: str) -> str:
    """The full address of ``path`` (e.g. ``shared?token=…``) on the server the reader is using."""
    return f"{app_base(page_url_now)}/{path.lstrip('/')}"
