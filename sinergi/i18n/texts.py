"""Every user-facing string, in Bahasa Indonesia (default) and English.

The texts live in one gettext catalog per language beside this module,
``locale/<language>/LC_MESSAGES/messages.po``: the msgid is the key the code asks for (``overview.title``),
the msgstr its text. Both catalogs are read once, at import, with Babel; nothing is compiled.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final

from babel.messages.pofile import read_po

import models as m
from sinergi.i18n.formatting import number
from sinergi.i18n.registry import enum_key

LANGUAGES: Final = ("id", "en")
DEFAULT_LANGUAGE: Final = "id"

LOCALE_DIR: Final = Path(__file__).parent / "locale"


def catalog_path(lang: str) -> Path:
    """Where the catalog of ``lang`` lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def read_catalog(lang: str) -> dict[str, str]:
    """The texts of ``lang`` by key, in the catalog's order; a catalog Babel cannot parse raises."""
    with catalog_path(lang).open("rb") as file:
        catalog = read_po(file, locale=lang, abort_invalid=True)
    return {
        message.id: message.string
        for message in catalog
        if message.id and isinstance(message.id, str) and isinstance(message.string, str)
    }


def _load() -> Mapping[str, tuple[str, str]]:
    indonesian, english = (read_catalog(lang) for lang in LANGUAGES)
    # A key missing from one catalog shows as itself there, as an unknown key does.
    keys = dict.fromkeys([*indonesian, *english])
    return MappingProxyType({key: (indonesian.get(key, key), english.get(key, key)) for key in keys})


# key -> (Bahasa Indonesia, English), read-only
TEXTS: Final[Mapping[str, tuple[str, str]]] = _load()


def translate(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``values`` filled in; an unknown key shows as itself.

    A float among the values (a limit, an amount) is written with the separators of ``lang``; an int
    (a year, a count of characters) is written as it is.
    """
    pair = TEXTS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    if not values:
        return text
    shown = {name: number(v, lang, decimals=2) if isinstance(v, float) else v for name, v in values.items()}
    return text.format(**shown)


def feedback_status_text(status: object, reason: object, language: str) -> str:
    """A feedback item's status in words; a declined one with its reason ("Ditolak: di luar wilayah
    kerja"), wherever the status is shown."""
    if not isinstance(status, str):
        return ""
    if status == m.FeedbackStatus.DECLINED.value and isinstance(reason, str) and reason.strip():
        return translate("engagement.declined", language, reason=reason.strip())
    return translate(enum_key("feedback_status", status), language)
