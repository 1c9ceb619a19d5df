"""Changes in two steps: plan, reading only, then write a batch of planned changes in one transaction.

Each kind of change has a plan (``plans.py`` for the records a form or an import row writes,
``plan_result`` in ``results.py``): it asks ``core.access`` whether the viewer may make it, checks the
typed values against the entity's field spec, finds the record and remembers it as it was read, and
adds an :class:`Op` to a :class:`Batch`, without writing. The import plans tens of thousands of rows this way
without holding the write lock. :meth:`Batch.write` then writes every planned change in the caller's
transaction, a few bulk statements per table, with their audit rows, after comparing each record the
plan read with what the database holds now: a record someone else changed or created meanwhile stops
the whole batch (a :class:`Failure` naming where the change came from: an import's sheet and row). A
single-record command (``record_result``, ``save_record``) finds its record by id, plans it with the
same plan as the import and writes a batch of one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Engine, bindparam, insert, inspect, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel, col, select

import models as m
from sinergi.core import audit, db
from sinergi.core.access import Viewer
from sinergi.core.errors import DomainError
from sinergi.writes import feedback_figures, notices, summaries
from sinergi.writes.fields import FieldErrors


@dataclass(frozen=True)
class Change:
    field: str
    opened: Any  # what the form was opened with
    saved: Any  # what someone else saved meanwhile
    yours: Any  # what this save would have written


class EditConflict(DomainError):
    """Someone saved the record after this form was opened; nothing was written."""

    key = "entry.error.conflict"

    def __init__(self, changes: list[Change], *, deleted: bool = False) -> None:
        super().__init__(count=len(changes))
        self.changes, self.deleted = changes, deleted


def refused(column: str, key: str, **values: object) -> FieldErrors:
    """A change refused for one field (or "" for the whole change), with the values its message shows."""
    return FieldErrors({column: (key, {k: str(v) for k, v in values.items()})})


def record_id(value: Any) -> Any:
    """A record stands for its id once written; other values stand for themselves."""
    return cast(Any, value).id if isinstance(value, SQLModel) else value


def _snapshot(record: Any) -> dict[str, Any]:
    return {column.name: getattr(record, column.name) for column in record.__table__.columns}


@dataclass(frozen=True)
class Failure:
    """Why a batch was not written: the change that stopped it, by where it came from."""

    part: str
    number: int
    key: str


@dataclass
class Op:
    """What one change writes into one record: ``values`` (records among them stand for their ids)."""

    part: str
    number: int
    record: Any
    existed: bool
    values: dict[str, Any]
    then: Callable[[Session, Any], None] | None = None
    audit: Audited | None = None


@dataclass(frozen=True)
class Audited:
    """The audit row a change writes: its entity, the fields it shows, what they held before (None:
    the change creates the record)."""

    entity: str
    fields: tuple[str, ...]
    before: dict[str, Any] | None


@dataclass
class NewResult:
    """A result a batch creates, held as plain values: the write inserts it with one statement, and
    building tens of thousands of ORM records would cost more than checking them."""

    indicator_id: int
    period_id: int
    target: float | None = None
    actual: float | None = None
    narrative: str = ""
    evidence: str = ""
    plausibility_note: str = ""
    state: str = m.ResultState.DRAFT
    submitted_at: datetime | None = None
    verified_by_id: int | None = None
    verified_at: datetime | None = None
    return_note: str = ""
    returned_by_id: int | None = None
    returned_at: datetime | None = None
    updated_at: datetime = field(default_factory=m.utcnow)
    version: int = 1
    id: int | None = None


# The insert takes every column from it, so it must hold what the table holds.
assert {f.name for f in fields(NewResult)} == set(m.Result.__table__.columns.keys())  # type: ignore[attr-defined]


@dataclass
class ResultOp:
    number: int
    record: m.Result  # or a NewResult, which holds the same attributes
    existed: bool
    seen_version: int
    indicator: m.Indicator
    period: m.Period
    before: dict[str, Any] | None
    after: dict[str, Any]
    # Sent for verification by this change (an import's row with state "submitted"): its agency is told.
    submitted: bool = False


@dataclass
class PreparedResults:
    stored: list[ResultOp]
    fresh: list[ResultOp]
    stored_rows: list[dict[str, Any]]
    fresh_rows: list[dict[str, Any]]
    audits: list[dict[str, Any]]


def _chunks(items: list[ResultOp], size: int = 500) -> list[list[ResultOp]]:
    return [items[n : n + size] for n in range(0, len(items), size)]


def _count_nothing(outcome: str, part: str) -> None:
    pass


class Batch:
    """Changes planned on what ``session`` reads and what earlier changes of the batch would create.

    ``count`` hears of each change planned: ``created``, ``updated`` or ``unchanged``, and its part.
    Planning changes records read only in memory: ``session`` must not flush them (``autoflush`` off,
    and the session discarded once the plan is made).
    """

    def __init__(
        self, session: Session, viewer: Viewer, count: Callable[[str, str], None] = _count_nothing
    ) -> None:
        self.session, self.viewer, self.count = session, viewer, count
        # Records by natural key: read from the database once, or created by an earlier change.
        self.found: dict[tuple[Any, ...], Any] = {}
        self.seen: dict[int, dict[str, Any]] = {}  # a record read, as it was read
        self.created: set[int] = set()  # records this batch creates
        self.links: dict[int, dict[str, list[Any]]] = {}  # a program's links as an earlier change set them
        self.ops: list[Op] = []
        self.result_ops: list[ResultOp] = []
        self.results_read: set[int] = set()
        self._periods: dict[str, m.Period] | None = None
        self.number = 0
        self._row_keys: list[tuple[Any, ...]] = []
        self.new_villages: list[tuple[m.Village, m.District]] = []
        self.prepared: PreparedResults | None = None
        self.spent = False  # written, or tried: its records hold ids the database may not

    @property
    def periods(self) -> dict[str, m.Period]:
        """The semesters by code: read on first use, and those this batch creates."""
        if self._periods is None:
            self._periods = {p.code: p for p in self.session.exec(select(m.Period))}
        return self._periods

    def usable_by(self, viewer: Viewer) -> bool:
        """Whether this plan may be written for ``viewer``: it was made for them, and no write has used
        it yet."""
        return not self.spent and self.viewer == viewer

    # Changes planned together: one that fails leaves nothing behind for those after it -----------
    def begin(self, number: int) -> tuple[int, int]:
        self.number, self._row_keys = number, []
        return len(self.ops), len(self.result_ops)

    def undo(self, mark: tuple[int, int]) -> None:
        for key in self._row_keys:
            self.found.pop(key, None)
            if key[0] == "Period":
                self.periods.pop(key[1][1], None)
        del self.ops[mark[0] :], self.result_ops[mark[1] :]

    # Records and their versions, by natural key --------------------------------------------
    def one(self, model: Any, **where: Any) -> Any:
        """The record of ``model`` whose columns hold ``where`` (records stand for their ids)."""
        key = (
            model.__name__,
            *sorted((k, ("record", id(v)) if isinstance(v, SQLModel) else v) for k, v in where.items()),
        )
        if key in self.found:
            return self.found[key]
        if any(isinstance(v, SQLModel) and record_id(v) is None for v in where.values()):
            return None  # a record this batch creates has nothing in the database yet
        conditions = [getattr(model, k) == record_id(v) for k, v in where.items()]
        record = self.session.exec(select(model).where(*conditions)).first()
        if record is not None:
            self.found[key] = record
            self.seen.setdefault(id(record), _snapshot(record))
        return record

    def new(self, record: Any, **where: Any) -> Any:
        """Remember ``record``, created by this change, under its natural key."""
        key = (
            type(record).__name__,
            *sorted((k, ("record", id(v)) if isinstance(v, SQLModel) else v) for k, v in where.items()),
        )
        self.remember(key, record)
        return record

    def remember(self, key: tuple[Any, ...], record: Any) -> None:
        """Remember ``record``, created by this change, under ``key``."""
        self.found[key] = record
        self.created.add(id(record))
        self._row_keys.append(key)

    def result(self, indicator: m.Indicator, period: m.Period) -> m.Result | None:
        """The result of an indicator for a period: an indicator's results are read all at once."""
        if indicator.id is not None and id(indicator) not in self.results_read:
            self.results_read.add(id(indicator))
            by_id = {p.id: p for p in self.periods.values() if p.id is not None}
            for found in self.session.exec(select(m.Result).where(m.Result.indicator_id == indicator.id)):
                if found.period_id not in by_id:  # a period someone added after this plan began
                    continue
                self.found[
                    ("Result", ("indicator", id(indicator)), ("period", id(by_id[found.period_id])))
                ] = found
        result: m.Result | None = self.found.get(
            ("Result", ("indicator", id(indicator)), ("period", id(period)))
        )
        return result

    # Who may plan what -----------------------------------------------------------------------
    def admin_only(self) -> None:
        if not self.viewer.is_admin:
            raise refused("", "transfer.err.admin_only")

    def authorise_company(self, company: m.Company) -> None:
        """The viewer may write the company's data (a company this batch creates: admins only)."""
        allowed = self.viewer.is_admin if company.id is None else self.viewer.may_write_company(company.id)
        if not allowed:
            raise refused("company", "transfer.err.other_company", value=company.name)

    def authorise_meeting(self, company: m.Company | None) -> None:
        """A meeting is kept by its organising company; one without a company is an admin's."""
        if company is None:
            self.admin_only()
        else:
            self.authorise_company(company)

    # Recording what to write -------------------------------------------------------------
    def save(
        self,
        part: str,
        entity: Any,
        existed: bool,
        values: dict[str, Any],
        *,
        links_changed: bool = False,
        then: Callable[[Session, Any], None] | None = None,
        audited: Audited | None = None,
        always: bool = False,
    ) -> None:
        """Apply ``values`` to ``entity`` (here, in memory), count it as created, updated or unchanged,
        and remember what the write is to do: with ``audited``, its audit row too. ``always`` writes
        every value, a new version of the record even when nothing changed (a form's save)."""
        changed = {
            k: v
            for k, v in values.items()
            if always or getattr(entity, k) != record_id(v) or (record_id(v) is None and v is not None)
        }
        for key, value in changed.items():
            setattr(entity, key, record_id(value))
        if not existed:
            outcome = "created"
            changed = dict(values)
        elif changed or links_changed or always:
            outcome = "updated"
            if hasattr(entity, "version"):
                entity.version += 1
                changed["version"] = entity.version
            if hasattr(entity, "updated_at"):
                entity.updated_at = changed["updated_at"] = m.utcnow()
        else:
            outcome = "unchanged"
        self.ops.append(Op(part, self.number, entity, existed, changed, then, audited))
        self.count(outcome, part)

    # Writing -------------------------------------------------------------------------------
    def commit(self, engine: Engine, *, file_name: str, summary: dict[str, Any]) -> list[Failure]:
        """Write the plan of a file's import in one transaction of its own, with the audit row of the
        file (``summary``: what it created and updated); nothing is written when a failure stops it."""
        self.spent = True  # a write, even one rolled back, leaves its ids in the plan's records
        self.prepare()  # before the write lock is taken
        try:
            with db.write_session(engine) as session:
                failures = self.write(session)
                if failures:
                    raise _Rollback(failures)
                audit.record(
                    session=session,
                    actor=self.viewer,
                    action="import",
                    entity="file",
                    detail=file_name[:200],
                    after=summary,
                )
        except _Rollback as stopped:
            return stopped.failures
        return []

    def write(self, session: Session, *, raising: bool = False) -> list[Failure]:
        """Write what was planned, in the caller's transaction; the failures that stop it.

        A record the plan read and someone else changed since is a failure of its change, as is a
        record another writer created meanwhile under the same natural key. The result rows and their
        audit rows are prepared before (:meth:`prepare`); here each table's records go in as a few bulk
        statements, and the records read are compared a chunk at a time. A database error, or a step
        of a change refusing it, is a failure of that change too; ``raising`` (a single-record command)
        lets it through as it was raised instead."""
        results = self.prepared or self.prepare()
        try:
            changed = self._changed_since(session)
        except SQLAlchemyError:
            if raising:
                raise
            return [Failure(self.ops[0].part, self.ops[0].number, "transfer.err.database")]
        if changed is not None:
            return [Failure(changed.part or "results", changed.number, "transfer.err.changed")]
        position = 0
        while position < len(self.ops):
            batch = self._batch(position)
            try:
                if len(batch) > 1:
                    self._insert(session, batch)
                else:
                    self._apply(session, batch[0])
            except (FieldErrors, EditConflict):
                if raising:
                    raise
                return [Failure(batch[0].part or "results", batch[0].number, "transfer.err.changed")]
            except SQLAlchemyError:
                if raising:
                    raise
                return [Failure(batch[0].part or "results", batch[0].number, "transfer.err.database")]
            position += len(batch)
        try:
            session.flush()
            failures = self._write_results(session, results)
            submitted = {op.record.id for op in self.result_ops if op.submitted and op.record.id is not None}
            if not failures and submitted:
                notices.notify_submitted_results(session, sorted(submitted))
            return failures
        except SQLAlchemyError:
            if raising:
                raise
            number = self.result_ops[0].number if self.result_ops else 1
            return [Failure("results", number, "transfer.err.database")]

    def _changed_since(self, session: Session) -> Op | None:
        """The first op whose record, read by the plan, someone else changed or deleted since; the
        records read are loaded into ``session`` a chunk of ids per statement."""
        read = {
            id(op.record): op
            for op in reversed(self.ops)
            # A record read under this write's own lock (a form's save) has nothing to compare.
            if op.existed and id(op.record) not in self.created and id(op.record) in self.seen
        }
        by_model: dict[Any, list[Any]] = {}
        for op in read.values():
            by_model.setdefault(type(op.record), []).append(op.record)
        for model, records in by_model.items():
            keys = inspect(model).primary_key
            if len(keys) == 1:
                ids = [inspect(record).identity[0] for record in records]
                for n in range(0, len(ids), 500):
                    # Locked until the write commits (PostgreSQL), so nothing changes between this
                    # comparison and the write; SQLite's write lock already holds every other writer.
                    list(session.exec(select(model).where(keys[0].in_(ids[n : n + 500])).with_for_update()))
            for record in records:
                target = session.get(model, inspect(record).identity)  # from the identity map when loaded
                if target is None or _snapshot(target) != self.seen[id(record)]:
                    return read[id(record)]
        return None

    def _batch(self, position: int) -> list[Op]:
        """The ops from ``position`` that one INSERT can write: records this batch creates, of one table,
        each written once, that need nothing of one another and no step after their own, in a table
        with an id."""
        first = self.ops[position]
        batch = [first]
        model = type(first.record)
        if (
            first.existed
            or first.then is not None
            or first.audit is not None
            or len(inspect(model).primary_key) != 1
        ):
            return batch  # written as it is: a table keyed by more than one column has no id to take
        members = {id(first.record)}
        for op in self.ops[position + 1 :]:
            if (
                op.existed
                or op.then is not None
                or type(op.record) is not model
                or id(op.record) in members
                or any(id(v) in members for v in op.values.values())
            ):
                break
            batch.append(op)
            members.add(id(op.record))
        return batch

    def _insert(self, session: Session, batch: list[Op]) -> None:
        """Insert new records of one table in one statement and take their ids; later ops find them in
        ``session`` as records read."""
        model = type(batch[0].record)
        table = model.__table__
        (key,) = inspect(model).primary_key
        rows = []
        for op in batch:
            for name, value in op.values.items():
                setattr(op.record, name, record_id(value))
            rows.append({c.name: getattr(op.record, c.name) for c in table.columns if c is not key})
        statement = insert(table).returning(key, sort_by_parameter_order=True)
        new_ids = session.connection().execute(statement, rows).scalars().all()
        for op, new_id in zip(batch, new_ids, strict=True):
            setattr(op.record, key.name, new_id)
            make_transient_to_detached(op.record)
            session.add(op.record)
        session.info.setdefault("written_tables", set()).add(table.name)
        records = [op.record for op in batch]
        if model is m.Program:
            summaries.note(session, programs=[r.id for r in records])
        elif model in (m.Indicator, m.ProgramBudget, m.ProgramVillage):
            summaries.note(session, programs=[r.program_id for r in records])
        elif model is m.Period:
            summaries.note(session, periods=[r.id for r in records])
        elif model is m.FeedbackItem:
            feedback_figures.note(session, meetings=[r.meeting_id for r in records])

    def _apply(self, session: Session, op: Op) -> None:
        record = op.record
        target: Any = record
        if op.existed and id(record) not in self.created:
            # The record as this transaction holds it: loaded by _changed_since, or by the command.
            target = session.get(type(record), inspect(record).identity)
            assert target is not None  # _changed_since found it, or the command holds it locked
        for key, value in op.values.items():
            setattr(target, key, record_id(value))
        session.add(target)
        if not op.existed or op.then is not None or op.audit is not None:
            session.flush()  # its id, for the ops after it, its own step and its audit row
        if op.then is not None:
            op.then(session, target)
        if op.audit is not None:
            audit.record(
                session=session,
                actor=self.viewer,
                action="create" if op.audit.before is None else "update",
                entity=op.audit.entity,
                entity_id=target.id,
                before=op.audit.before,
                after={name: getattr(target, name) for name in op.audit.fields},
            )

    def prepare(self) -> PreparedResults:
        """What the write of the results needs, worked out before its transaction begins: every column
        of each result row and the audit row of each result change."""
        columns = [c.name for c in inspect(m.Result).columns if c.name != "id"]
        first: dict[int, ResultOp] = {}
        for op in self.result_ops:
            first.setdefault(id(op.record), op)
        stored = [op for op in first.values() if op.existed and id(op.record) not in self.created]
        fresh = [op for op in first.values() if id(op.record) in self.created]
        audits = [
            audit.row_values(
                actor=self.viewer,
                action="update" if op.before else "create",
                entity="result",
                entity_id=None,  # known once the write has inserted it
                before=op.before,
                after=op.after,
            )
            for op in self.result_ops
        ]
        self.prepared = PreparedResults(
            stored=stored,
            fresh=fresh,
            stored_rows=[
                {"id": op.record.id, **{c: getattr(op.record, c) for c in columns}} for op in stored
            ],
            fresh_rows=[{c: getattr(op.record, c) for c in columns} for op in fresh],
            audits=audits,
        )
        return self.prepared

    def _write_results(self, session: Session, prepared: PreparedResults) -> list[Failure]:
        """Every result at once: one statement for the new, one for the changed, one for the audit."""
        stored, fresh = prepared.stored, prepared.fresh
        failures: list[Failure] = []
        for chunk in _chunks(stored):
            versions = dict(
                session.exec(
                    select(m.Result.id, m.Result.version)
                    .where(col(m.Result.id).in_([op.record.id for op in chunk]))
                    .with_for_update()
                ).all()
            )
            failures += [
                Failure("results", op.number, "transfer.err.changed")
                for op in chunk
                if versions.get(op.record.id) != op.seen_version
            ]
        known = [op for op in fresh if op.indicator.id is not None and op.period.id is not None]
        for chunk in _chunks(known):
            taken = set(
                session.exec(
                    select(m.Result.indicator_id, m.Result.period_id).where(
                        col(m.Result.indicator_id).in_({op.indicator.id for op in chunk})
                    )
                ).all()
            )
            failures += [
                Failure("results", op.number, "transfer.err.changed")
                for op in chunk
                if (op.indicator.id, op.period.id) in taken
            ]
        if failures:
            return failures
        table: Any = m.Result.__table__  # type: ignore[attr-defined]
        connection = session.connection()
        if fresh:
            for op, row in zip(fresh, prepared.fresh_rows, strict=True):
                row["indicator_id"] = op.record.indicator_id = record_id(op.indicator)
                row["period_id"] = op.record.period_id = record_id(op.period)
            connection.execute(insert(table), prepared.fresh_rows)  # executemany: no ids returned
            wanted = {(op.indicator.id, op.period.id): op for op in fresh}
            indicators = sorted({cast(int, op.indicator.id) for op in fresh})
            for n in range(0, len(indicators), 500):
                for result_id, indicator_id, period_id in connection.execute(
                    select(table.c.id, table.c.indicator_id, table.c.period_id).where(
                        table.c.indicator_id.in_(indicators[n : n + 500])
                    )
                ):
                    found = wanted.get((indicator_id, period_id))
                    if found is not None:
                        found.record.id = result_id
        if stored:
            connection.execute(
                update(table).where(table.c.id == bindparam("_id")),
                [
                    {"_id": row["id"], **{k: v for k, v in row.items() if k != "id"}}
                    for row in prepared.stored_rows
                ],
            )
        if self.result_ops:
            for op, entry_row in zip(self.result_ops, prepared.audits, strict=True):
                entry_row["entity_id"] = op.record.id
            connection.execute(insert(m.AuditLog.__table__), prepared.audits)  # type: ignore[attr-defined]
            session.info.setdefault("written_tables", set()).update({"result", "audit_log"})
            summaries.note(session, indicators=[op.record.indicator_id for op in self.result_ops])
        return []


class _Rollback(Exception):
    def __init__(self, failures: list[Failure]) -> None:
        super().__init__()
        self.failures = failures
