"""The layout keeps its promises: rows are added, changed and deleted only by the write commands."""

from __future__ import annotations

import re

from sinergi.core.settings import PROJECT_ROOT

# Where a session may add, change or delete rows: the commands, the audit log and the helpers of the
# database module they call, and the import and the worlds until they load through commands alone.
WRITERS = (
    "sinergi/writes/",
    "sinergi/core/audit.py",
    "sinergi/core/db.py",
    "sinergi/transfer/",
    "sinergi/worlds/",
)
WRITING = re.compile(r"\bsession\.(add|add_all|delete|merge)\(|\b(insert|update|delete)\(m\.")


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
