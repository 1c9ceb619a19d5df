"""The two catalogs: both parse and agree, every key the code uses is in both, and every key is used."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import sinergi
from sinergi.core.settings import PROJECT_ROOT
from sinergi.i18n import registry
from sinergi.i18n.texts import LANGUAGES, TEXTS, catalog_path, read_catalog, translate

# What a key looks like: dotted lowercase words, e.g. "overview.tile.budget".
KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
# Calls whose first argument is a key: ui.t, the report's words.t, translate.
KEY_CALLS = {"t", "translate"}


def source_files() -> list[Path]:
    return [
        PROJECT_ROOT / "app.py",
        PROJECT_ROOT / "manage.py",
        *sorted((PROJECT_ROOT / "pages").glob("*.py")),
        *sorted((PROJECT_ROOT / "sinergi").rglob("*.py")),
    ]


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _text(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


@cache
def scanned() -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """(every string literal of the code, the literals that are keys, calls that build a key in place).

    A literal is a key when it is the first argument of ``t``/``translate``, the value of a ``key`` or
    ``…_key`` (an error's ``key = "..."``), or shaped like a key in a namespace the catalogs use (a key in
    a tuple or dict of specs, an error's arguments).
    """
    literals: set[str] = set()
    keys: set[str] = set()
    built: list[str] = []
    for path in source_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        in_fstrings = {
            id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values
        }
        for node in ast.walk(tree):
            if (text := _text(node)) is not None and id(node) not in in_fstrings:
                literals.add(text)
            if isinstance(node, ast.Call) and _name(node.func) in KEY_CALLS and node.args:
                first = node.args[0]
                if (text := _text(first)) is not None:
                    keys.add(text)
                elif isinstance(first, ast.JoinedStr | ast.BinOp):
                    built.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                named = [_name(target) for target in targets]
                text = _text(node.value)
                if text is not None and any(name == "key" or name.endswith("_key") for name in named):
                    keys.add(text)
    namespaces = {key.split(".")[0] for key in TEXTS} | {
        family.pattern.split(".")[0] for family in registry._FAMILIES
    }
    keys |= {text for text in literals if KEY.fullmatch(text) and text.split(".")[0] in namespaces}
    return frozenset(literals), frozenset(keys), tuple(built)


@cache
def made_keys() -> frozenset[str]:
    """Every key the registry lists, once every module of the package has declared its families."""
    for module in pkgutil.walk_packages(sinergi.__path__, "sinergi."):
        importlib.import_module(module.name)
    return registry.keys()


@cache
def catalog(lang: str) -> dict[str, str]:
    return read_catalog(lang)


def placeholders(text: str) -> set[tuple[str, str, str | None]]:
    return {
        (name, spec or "", conversion)
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_catalog_parses_with_babel(lang: str) -> None:
    source = catalog_path(lang).read_text(encoding="utf-8")
    with catalog_path(lang).open("rb") as file:
        parsed = read_po(file, locale=lang, abort_invalid=True)
    assert str(parsed.locale) == lang
    messages = [message for message in parsed if message.id]
    assert messages, "the catalog has texts"
    # Babel keeps one of two entries with the same msgid: count the entries in the file too.
    assert len(re.findall(r'^msgid "', source, re.M)) == len(messages) + 1, "a key is defined twice"
    assert not [message.id for message in messages if message.fuzzy], "a fuzzy text would still be shown"
    assert not list(parsed.obsolete), "obsolete entries are deleted, not kept"
    for message in messages:
        assert isinstance(message.string, str) and message.string.strip(), message.id
        assert KEY.fullmatch(str(message.id)), message.id


@pytest.mark.parametrize("lang", LANGUAGES)
def test_texts_with_placeholders_are_marked_python_brace_format(lang: str) -> None:
    # Babel derives the flag from the msgid (a key, without braces), so it is read from the file.
    for block in catalog_path(lang).read_text(encoding="utf-8").strip().split("\n\n")[1:]:
        key = re.search(r'^msgid "(.*)"$', block, re.M)
        assert key is not None, block
        flagged = bool(re.search(r"^#,.*\bpython-brace-format\b", block, re.M))
        assert flagged == bool(placeholders(catalog(lang)[key.group(1)])), key.group(1)


def test_both_catalogs_have_the_same_keys_and_placeholders() -> None:
    indonesian, english = catalog("id"), catalog("en")
    assert sorted(set(indonesian) ^ set(english)) == []
    for key, text in indonesian.items():
        assert placeholders(text) == placeholders(english[key]), key


def test_texts_is_the_catalogs_read_only() -> None:
    assert dict(TEXTS) == {key: (text, catalog("en")[key]) for key, text in catalog("id").items()}
    with pytest.raises(TypeError):
        TEXTS["overview.title"] = ("", "")  # type: ignore[index]


def test_every_key_the_code_uses_exists_in_both_languages() -> None:
    _, literal, _ = scanned()
    made = made_keys()
    assert len(literal) > 500 and made, "the scan finds the keys"
    for lang in LANGUAGES:
        assert sorted((literal | made) - set(catalog(lang))) == [], lang


def test_every_enumeration_value_has_a_label() -> None:
    made = made_keys()
    for kind, enum in registry.ENUMERATIONS.items():
        assert {registry.enum_key(kind, member.value) for member in enum} <= made <= set(TEXTS), kind


def test_keys_made_at_run_time_come_from_the_registry() -> None:
    _, _, built = scanned()
    assert built == (), "a key built in place is not seen by the checks: declare a family in the registry"


def test_every_key_in_the_catalogs_is_used() -> None:
    literals, _, _ = scanned()
    unused = set(catalog("id")) - literals - made_keys()
    assert sorted(unused) == []


def test_unknown_key_shows_itself_and_values_fill_in() -> None:
    assert translate("no.such.key", "id") == "no.such.key"
    assert translate("no.such.key", "en", count=3) == "no.such.key"
    assert translate("tile.of_whole", "en", whole="5") == "of 5"
    assert translate("tile.of_whole", "id", whole="5") == "dari 5"
    assert translate("entry.error.minimum", "en", min=2.0) == "Must not be less than 2."
