"""The cookie signing key: generated on first start into a git-ignored file, refused when weak."""

from __future__ import annotations

import secrets
import tomllib
from pathlib import Path

from sinergi.core.errors import DomainError
from sinergi.core.settings import env_setting

MIN_KEY_BYTES = 32
# Keys that appear in public examples and tutorials: anyone could sign a cookie with them.
PUBLIC_KEYS = frozenset(
    {
        "some_key",
        "some_signature_key",
        "random_signature_key",
        "abcdef",
        "secret",
        "changeme",
        "<generate with: python -c 'import secrets; print(secrets.token_hex(32))'>",
        "0" * 64,
        "a" * 64,
    }
)


class WeakCookieKey(DomainError):
    key = "error.weak_cookie_key"


def secrets_file() -> Path:
    """Where the key lives: ``SINERGI_SECRETS_FILE`` or ``.streamlit/secrets.toml``."""
    return Path(env_setting("SINERGI_SECRETS_FILE"))


def check_cookie_key(key: str) -> str:
    """The key itself, or WeakCookieKey when it is short or public."""
    if len(key.encode()) < MIN_KEY_BYTES or key in PUBLIC_KEYS or len(set(key)) < 8:
        raise WeakCookieKey(min=MIN_KEY_BYTES)
    return key


def cookie_key() -> str:
    """The cookie key from the secrets file; a missing file or key is created with a random key."""
    path = secrets_file()
    if path.exists():
        data = tomllib.loads(path.read_text())
        key = data.get("auth", {}).get("cookie_key")
        if key is not None:
            return check_cookie_key(str(key))
        if "auth" in data:
            raise WeakCookieKey(min=MIN_KEY_BYTES)
        text = path.read_text().rstrip("\n") + "\n\n"
    else:
        text = ""
    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + f'[auth]\ncookie_key = "{key}"\n')
    path.chmod(0o600)
    return key
