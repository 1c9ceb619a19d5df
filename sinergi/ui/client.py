"""Who is on the other end of a run: the client's address, for limits kept per address."""

from __future__ import annotations

import streamlit as st

from sinergi.core.settings import env_setting

UNKNOWN = "unknown"


def client_address() -> str:
    """The client's address: from the header a reverse proxy sets when one is configured
    (``SINERGI_PROXY_ADDRESS_HEADER``, its last entry, the one that proxy added), else the
    connection's own address; "unknown" when neither is known (a test run without a browser)."""
    header = env_setting("SINERGI_PROXY_ADDRESS_HEADER")
    value = st.context.headers.get(header) if header else st.context.ip_address
    # Without a browser (a test run) the context holds no text here.
    entries = [entry.strip() for entry in value.split(",")] if isinstance(value, str) else []
    return entries[-1][:64] if entries and entries[-1] else UNKNOWN
