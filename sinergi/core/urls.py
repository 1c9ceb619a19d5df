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
        "reporting",
        "verify",
        "data",
        "inbox",
        "account",
        "admin",
        "shared",
        "present",
        "console",
        "feedback",
    }
)


# Pages drawn without the sidebar and its navigation: the projector view and the public form.
BARE_PAGES = frozenset({"present", "feedback"})


def page_path(page_url: str | None) -> str:
    """The url path of the app page an address is on: ``program`` for ``…/program?id=3``, "" for the
    overview."""
    return _split_path(urlsplit(page_url or "").path)[1]


def _split_path(path: str) -> tuple[list[str], str]:
    """An address's path as the segments of the app's base path and the app page's own url path."""
    segments = [segment for segment in path.split("/") if segment]
    if segments and segments[-1] in PAGE_PATHS:
        return segments[:-1], segments[-1]
    return segments, ""


def app_base(page_url: str | None) -> str:
    """Scheme, host and any base path of the app, without the page's own path, query or a final slash.

    ``http://host:8501/program?id=3`` and ``http://host:8501`` both give ``http://host:8501``; an app
    served under ``/sinergi`` keeps it.
    """
    if not page_url:
        return ""
    parts = urlsplit(page_url)
    base, _page = _split_path(parts.path)
    path = "/" + "/".join(base) if base else ""
    return f"{parts.scheme}://{parts.netloc}{path}" if parts.netloc else path


def page_url(page_url_now: str | None, path: str) -> str:
    """The full address of ``path`` (e.g. ``shared?token=…``) on the server the reader is using."""
    return f"{app_base(page_url_now)}/{path.lstrip('/')}"
