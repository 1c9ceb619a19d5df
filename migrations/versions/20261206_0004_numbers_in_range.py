"""numbers in range: every amount, target, actual and count finite and within its declared bounds

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 03:30:00

The bounds are the ones the tables declare (``__bounds__`` in ``models``), written out here so that
this migration keeps meaning what it meant when later models change. A stored value outside them
stops the upgrade with the rows to mend, rather than being changed or dropped silently.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDICATOR_VALUE = (-1e12, 1e12)
RUPIAH = (0, 1e15)
PEOPLE = (0, 1e8)
BENEFICIARIES = (
    "families_planned",
    "families_reached",
    "men_planned",
    "men_reached",
    "women_planned",
    "women_reached",
)
# table -> (the columns that name a row, {column: bounds})
BOUNDED: dict[str, tuple[tuple[str, ...], dict[str, tuple[float, float]]]] = {
    "program": (("id",), dict.fromkeys(BENEFICIARIES, PEOPLE)),
    "program_budget": (("id",), {"planned": RUPIAH, "spent": RUPIAH}),
    "indicator": (("id",), {"baseline_value": INDICATOR_VALUE}),
    "result": (("id",), {"target": INDICATOR_VALUE, "actual": INDICATOR_VALUE}),
    "meeting": (("id",), {"attendee_count": PEOPLE}),
    "meeting_attendance": (("meeting_id", "organisation_id"), {"head_count": PEOPLE}),
}


def _condition(column: str, low: float, high: float) -> str:
    return f"{column} IS NULL OR ({column} >= {low:.0f} AND {column} <= {high:.0f})"


def _refuse_rows_out_of_range() -> None:
    connection = op.get_bind()
    found: list[str] = []
    for table, (keys, columns) in BOUNDED.items():
        for column, (low, high) in columns.items():
            statement = sa.text(
                f"SELECT {', '.join(keys)}, {column} FROM {table} "
                f"WHERE NOT ({_condition(column, low, high)}) ORDER BY {', '.join(keys)} LIMIT 20"
            )
            for row in connection.execute(statement):
                key = ", ".join(f"{name}={value}" for name, value in zip(keys, row, strict=False))
                found.append(f"{table}.{column} = {row[-1]!r} ({key}): allowed {low:.0f} to {high:.0f}")
    if found:
        raise RuntimeError(
            "These stored values are outside the range Sinergi now enforces; correct them and upgrade "
            "again:\n  " + "\n  ".join(found)
        )


def upgrade() -> None:
    _refuse_rows_out_of_range()
    for table, (_, columns) in BOUNDED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, (low, high) in columns.items():
                batch_op.create_check_constraint(
                    op.f(f"ck_{table}_{column}_in_range"), _condition(column, low, high)
                )


def downgrade() -> None:
    for table, (_, columns) in BOUNDED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(op.f(f"ck_{table}_{column}_in_range"), type_="check")
