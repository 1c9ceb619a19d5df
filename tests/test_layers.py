"""The layout keeps its promises: rows are added, changed and deleted only by the write commands."""

from __future__ import annotations

import ast
import re

from sinergi.core.settings import PROJECT_ROOT

# Where a session may add, change or delete rows: the commands, the audit log and the helpers of the
# database module they call. And the synthetic databases of the benchmark: they fill an empty database
# with hundreds of thousands of rows with explicit ids, a few bulk INSERTs per table without audit
# rows; planned and written by the commands, the large scale would take many times as long to build.
WRITERS = (
    "sinergi/writes/",
    "sinergi/core/audit.py",
    "sinergi/core/db.py",
    "sinergi/worlds/synth.py",
)
# ORM writes, and Core statements on a model or a table (``insert(m.Result)``, ``table.insert()``).
WRITING = re.compile(
    r"\bsession\.(add|add_all|delete|merge)\("
    r"|\b(insert|update|delete)\((m\.|table\b|model\b)"
    r"|\.(insert|update|delete)\(\)"
)


def test_only_the_write_layer_writes_rows() -> None:
    sources = [
        PROJECT_ROOT / "app.py",
        PROJECT_ROOT / "manage.py",
        *(PROJECT_ROOT / "pages").glob("*.py"),
        *(PROJECT_ROOT / "sinergi").rglob("*.py"),
    ]
    writing_elsewhere = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for path in sources
        if not str(path.relative_to(PROJECT_ROOT)).startswith(WRITERS)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if WRITING.search(line)
    ]
    assert writing_elsewhere == []
    assert any(
        WRITING.search(line) for line in (PROJECT_ROOT / "sinergi/writes/results.py").read_text().splitlines()
    )


# app.py is a module at the top level, outside the packages import-linter checks (pyproject.toml):
# like a page, it sets the app up with the ui layer and Streamlit alone.
APP_IMPORTS = ("sinergi.ui", "streamlit")


def _imported_modules(source: str) -> list[str]:
    """The modules a source file imports by name, ``from sinergi import ui`` as ``sinergi.ui``."""
    modules = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            modules += [f"{base}.{alias.name}" for alias in node.names]
    return modules


def _outside_ui(source: str) -> list[str]:
    return [
        module
        for module in _imported_modules(source)
        if not any(module == allowed or module.startswith(f"{allowed}.") for allowed in APP_IMPORTS)
    ]


def test_app_imports_only_the_ui_layer_and_streamlit() -> None:
    assert _outside_ui((PROJECT_ROOT / "app.py").read_text()) == []


def test_an_import_below_the_ui_layer_in_app_is_caught() -> None:
    source = "import streamlit as st\nfrom sinergi import ui\nfrom sinergi.core import urls\nimport models\n"
    assert _outside_ui(source) == ["sinergi.core.urls", "models"]
