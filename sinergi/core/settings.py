"""Settings, declared once with their defaults and help. Environment variables override defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
# The database directory and file are readable by their owner only.
DEFAULT_SQLITE_PATH = DATA_DIR / "db" / "sinergi.db"


@dataclass(frozen=True)
class SettingSpec:
    """One environment setting: its variable, default and the help shown in the README."""

    env: str
    default: str
    help: str


ENV_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "DATABASE_URL",
        f"sqlite:///{DEFAULT_SQLITE_PATH}",
        "SQLAlchemy URL of the database. Without it, a SQLite file under data/.",
    ),
    SettingSpec(
        "SINERGI_SECRETS_FILE",
        str(PROJECT_ROOT / ".streamlit" / "secrets.toml"),
        "Where the cookie signing key is kept (git-ignored; generated on first start).",
    ),
    SettingSpec(
        "SINERGI_SQLITE_BUSY_TIMEOUT_MS",
        "30000",
        "How long a SQLite write waits for another writer before it gives up, in milliseconds.",
    ),
    SettingSpec(
        "SINERGI_PROXY_ADDRESS_HEADER",
        "",
        "Behind a reverse proxy: the request header that carries the client's address (for example "
        "X-Forwarded-For; its last entry is used, the one the proxy added). Empty: the connection's address.",
    ),
    SettingSpec(
        "SINERGI_LIVE_CHECKINS_PER_ADDRESS",
        "60",
        "How many check-ins one client address may make to one meeting (a hall on one Wi-Fi shares an "
        "address: leave room for everyone in it).",
    ),
    SettingSpec(
        "SINERGI_LIVE_INPUTS_PER_ADDRESS",
        "600",
        "How many inputs the public form takes from one client address in a minute, all its phones together "
        "(a hall on one Wi-Fi shares an address: 60 phones, as many as may check in from one, sending 10 "
        "each in a busy minute; each phone is held to 20 a minute of its own).",
    ),
    SettingSpec(
        "SINERGI_LIVE_CODE_MISSES_PER_ADDRESS",
        "20",
        "How many meeting codes that open nothing one client address may try in ten minutes.",
    ),
    SettingSpec(
        "SINERGI_SMTP_HOST",
        "",
        "The mail server notices are sent through by `manage.py send-notices`. Empty: no e-mail, the "
        "notices are in the app's inbox only.",
    ),
    SettingSpec("SINERGI_SMTP_PORT", "587", "The mail server's port."),
    SettingSpec(
        "SINERGI_SMTP_USER", "", "The user name to sign in to the mail server with; empty: no sign-in."
    ),
    SettingSpec("SINERGI_SMTP_PASSWORD", "", "The password to sign in to the mail server with."),
    SettingSpec("SINERGI_SMTP_FROM", "sinergi@localhost", "The sender address of the notices mailed."),
    SettingSpec(
        "SINERGI_SMTP_STARTTLS",
        "true",
        "Whether to encrypt the connection to the mail server with STARTTLS before signing in (true or "
        "false; false only for a server on this machine or network).",
    ),
    SettingSpec(
        "SINERGI_IMPORT_MAX_MB",
        "10",
        "The largest .xlsx or .csv file an import accepts, in megabytes.",
    ),
    SettingSpec(
        "SINERGI_EVIDENCE_MAX_MB",
        "10",
        "The largest evidence document (PDF, JPEG or PNG) a result or compliance record takes, in megabytes.",
    ),
    SettingSpec(
        "SINERGI_IMPORT_MAX_EXPANDED_MB",
        "40",
        "The most an .xlsx upload may expand to once unzipped, in megabytes (50,000 rows take about 27), "
        "checked before any of its XML is read.",
    ),
    SettingSpec(
        "SINERGI_IMPORT_MAX_RATIO",
        "100",
        "How many times its own size an .xlsx upload may expand to once unzipped (a workbook people "
        "make expands about 10 times; a zip bomb, thousands).",
    ),
    SettingSpec(
        "SINERGI_TIME_ZONE",
        "Asia/Makassar",
        "The time zone times of day are shown in (an IANA name; Asia/Makassar is WITA, East Kalimantan's "
        "zone). Times are stored in UTC.",
    ),
)


def env_setting(name: str) -> str:
    """The value of a declared environment setting, or its default."""
    for spec in ENV_SETTINGS:
        if spec.env == name:
            return os.environ.get(name) or spec.default
    raise KeyError(f"undeclared setting {name}")


def database_url() -> str:
    return env_setting("DATABASE_URL")


def time_zone() -> ZoneInfo:
    """The zone readers see times of day in (``SINERGI_TIME_ZONE``); an unknown name is refused."""
    name = env_setting("SINERGI_TIME_ZONE")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"SINERGI_TIME_ZONE: unknown time zone {name!r}") from error


@dataclass(frozen=True)
class SmtpSettings:
    """Where notices are mailed through (``SINERGI_SMTP_*``)."""

    host: str
    port: int
    user: str
    password: str
    sender: str
    starttls: bool


def smtp_settings() -> SmtpSettings | None:
    """The mail server's settings, or None when ``SINERGI_SMTP_HOST`` is not set (no e-mail)."""
    host = env_setting("SINERGI_SMTP_HOST")
    if not host:
        return None
    return SmtpSettings(
        host=host,
        port=int(env_setting("SINERGI_SMTP_PORT")),
        user=env_setting("SINERGI_SMTP_USER"),
        password=env_setting("SINERGI_SMTP_PASSWORD"),
        sender=env_setting("SINERGI_SMTP_FROM"),
        starttls=env_setting("SINERGI_SMTP_STARTTLS").strip().lower() in ("1", "true", "yes", "on"),
    )


@dataclass(frozen=True)
class AdminSetting:
    """A rule an admin can change in the app, stored in the ``setting`` table."""

    key: str
    default: float
    help: str


# Achievement thresholds: actual against target, as a fraction (0.9 = 90 %).
ADMIN_SETTINGS: tuple[AdminSetting, ...] = (
    AdminSetting("on_track_min", 0.9, "Achievement at or above this is on track."),
    AdminSetting(
        "needs_attention_min", 0.6, "Achievement at or above this, below on track, needs attention."
    ),
)


@dataclass(frozen=True)
class LoginPolicy:
    """How failed password checks (signing in, changing one's password) are slowed down and refused.

    Failures are counted in the database, per client address and per username, before a password
    is looked at, so neither a reload nor a new browser nor runs started side by side start afresh.
    An address with ``lock_after`` failures in the window is refused whatever names it tries; other
    addresses are untouched, so guessing from one place cannot lock an account's owner out. A username
    that failed ``user_slow_after`` times in the window, from any addresses, is not locked either: its
    password is checked at most once every ``user_interval_seconds`` until the failures wear off, so
    its owner gets in after a short wait while guessing from many places stays slow.
    """

    slow_after: int = 3
    lock_after: int = 5
    user_slow_after: int = 10
    user_interval_seconds: float = 10.0
    window_minutes: int = 15
    max_delay_seconds: float = 8.0

    def delay_seconds(self, failures: int) -> float:
        """Pause before answering, doubling with each failure past ``slow_after``."""
        if failures < self.slow_after:
            return 0.0
        return float(min(2 ** (failures - self.slow_after), self.max_delay_seconds))

    def locked(self, failures: int) -> bool:
        return failures >= self.lock_after


LOGIN_POLICY = LoginPolicy()
COOKIE_NAME = "sinergi_auth"
COOKIE_EXPIRY_DAYS = 7.0
