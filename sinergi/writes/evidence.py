"""Evidence documents: a PDF, JPEG or PNG file added to a result or a compliance record, or removed.

Who may: whoever may write the result's figures or the record's evidence
(:meth:`~sinergi.core.access.Viewer.may_attach_to_result`, ``may_attach_to_compliance``); a verified
result takes no file but from an admin. A file's type is what its first bytes say, never its name: a
text file named ``.pdf`` is refused. Each file is held to the size limit (``SINERGI_EVIDENCE_MAX_MB``)
and kept whole in the database, so every app server serves the same bytes.

A verifier binds to what it saw: a file added to or removed from a result waiting in the agency's
queue (or already verified) raises the result's version, and one on a compliance record raises the
record's, so a verification of what was shown before is refused as stale.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime
from typing import Any

from sqlmodel import Session

import models as m
from sinergi.core import audit
from sinergi.core.access import Viewer, refuse
from sinergi.core.errors import DomainError, ResultLocked
from sinergi.core.settings import env_setting
from sinergi.writes.compliance import _check_company, _point_and_framework, locked_record
from sinergi.writes.results import _indicator_company
from sinergi.writes.versions import new_version

# What a file's first bytes are for each type it may be; nothing else is taken.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
# The longest file name kept (the column holds as much); a longer one keeps its end, the extension.
MAX_NAME = 255


class EvidenceEmpty(DomainError):
    key = "evidence.error.empty"


class EvidenceTooLarge(DomainError):
    key = "evidence.error.too_large"


class EvidenceWrongType(DomainError):
    """The content is no PDF, JPEG or PNG, whatever the file's name says."""

    key = "evidence.error.type"


class EvidenceOwnerMissing(DomainError):
    """The result or compliance record the file was meant for is gone."""

    key = "evidence.error.owner_missing"


def max_bytes() -> int:
    """The largest evidence file taken, from ``SINERGI_EVIDENCE_MAX_MB``."""
    return int(float(env_setting("SINERGI_EVIDENCE_MAX_MB")) * 1024 * 1024)


def content_type_of(data: bytes) -> str | None:
    """The type the content is (``application/pdf``, ``image/jpeg``, ``image/png``), or None."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def clean_name(filename: str) -> str:
    """The name as typed, without control characters (a line break would split it on screen and in a
    download's header) or outer spaces; it is shown as text and never used as a path."""
    name = "".join(c for c in filename if unicodedata.category(c)[0] != "C").strip()
    return (name[-MAX_NAME:] if len(name) > MAX_NAME else name) or "bukti"


def checked_file(filename: str, data: bytes) -> tuple[str, str]:
    """The cleaned name and the content type of a file that may be kept; refused otherwise, each
    refusal naming the file."""
    name = clean_name(filename)
    if not data:
        raise EvidenceEmpty(name=name)
    limit = max_bytes()
    if len(data) > limit:
        raise EvidenceTooLarge(name=name, limit=env_setting("SINERGI_EVIDENCE_MAX_MB"))
    kind = content_type_of(data)
    if kind is None:
        raise EvidenceWrongType(name=name)
    return name, kind


def _values(file: m.EvidenceFile) -> dict[str, Any]:
    return {
        "result_id": file.result_id,
        "compliance_record_id": file.compliance_record_id,
        "filename": file.filename,
        "content_type": file.content_type,
        "size": file.size,
        "sha256": file.sha256,
    }


def _store(
    session: Session,
    viewer: Viewer,
    name: str,
    kind: str,
    data: bytes,
    *,
    result_id: int | None = None,
    compliance_record_id: int | None = None,
) -> m.EvidenceFile:
    file = m.EvidenceFile(
        result_id=result_id,
        compliance_record_id=compliance_record_id,
        filename=name,
        content_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        added_by_id=viewer.user_id,
    )
    session.add(file)
    session.flush()
    audit.record(
        session=session,
        actor=viewer,
        action="add_evidence_file",
        entity="evidence_file",
        entity_id=file.id,
        after=_values(file),
    )
    return file


def _result_for_change(session: Session, viewer: Viewer, result_id: int, detail: str) -> m.Result:
    """The result, locked until the write ends, if the viewer may change its files; refused (and the
    refusal logged as ``detail``) for anyone else, ResultLocked for its company once it is verified."""
    result = session.get(m.Result, result_id, with_for_update=True)
    if result is None:
        raise EvidenceOwnerMissing()
    company_id, _ = _indicator_company(session, result.indicator_id)
    if not viewer.may_attach_to_result(company_id, result.state):
        if viewer.may_write_company(company_id):
            raise ResultLocked(result_id=result_id)
        refuse(viewer=viewer, entity="result", entity_id=result_id, detail=detail)
    if result.state in (m.ResultState.SUBMITTED, m.ResultState.VERIFIED):
        # What the verifier was shown has changed: a verification bound to the old version is refused.
        new_version(session, result, m.utcnow())
    return result


def add_result_file(
    *, session: Session, viewer: Viewer, result_id: int, filename: str, data: bytes
) -> m.EvidenceFile:
    """Keep a file as evidence of a result: its program's company or an admin, while it is not verified
    (an admin also then). Refused as :class:`EvidenceEmpty`, :class:`EvidenceTooLarge` or
    :class:`EvidenceWrongType` when the file does not fit."""
    result = _result_for_change(session, viewer, result_id, "add evidence file")
    name, kind = checked_file(filename, data)
    return _store(session, viewer, name, kind, data, result_id=result.id)


def add_compliance_file(
    *,
    session: Session,
    viewer: Viewer,
    company_id: int,
    point_id: int,
    filename: str,
    data: bytes,
    now: datetime,
) -> m.EvidenceFile:
    """Keep a file as a company's evidence for a coordination point: the company's staff or an admin.
    A company without a record for the point yet gets one (its evidence text empty), as a first save
    of evidence would give it."""
    _, framework = _point_and_framework(session, point_id)
    if not viewer.may_attach_to_compliance(company_id):
        refuse(
            viewer=viewer,
            entity="framework_point",
            entity_id=point_id,
            detail=f"evidence file company {company_id}",
        )
    _check_company(session, company_id, framework)
    name, kind = checked_file(filename, data)
    record = locked_record(session, company_id, point_id)
    if record is None:
        record = m.ComplianceRecord(company_id=company_id, point_id=point_id, updated_at=now)
        session.add(record)
        session.flush()
        audit.record(
            session=session,
            actor=viewer,
            action="record_evidence",
            entity="compliance_record",
            entity_id=record.id,
            after={"company_id": company_id, "point_id": point_id, "version": record.version},
        )
    else:
        new_version(session, record, now)
    return _store(session, viewer, name, kind, data, compliance_record_id=record.id)


def remove_file(*, session: Session, viewer: Viewer, file_id: int, now: datetime) -> None:
    """Take a file away: whoever may add one to its result or compliance record."""
    file = session.get(m.EvidenceFile, file_id, with_for_update=True)
    if file is None:
        raise EvidenceOwnerMissing()
    if file.result_id is not None:
        _result_for_change(session, viewer, file.result_id, "remove evidence file")
    else:
        record = session.get(m.ComplianceRecord, file.compliance_record_id, with_for_update=True)
        assert record is not None  # the foreign key keeps it
        if not viewer.may_attach_to_compliance(record.company_id):
            refuse(viewer=viewer, entity="evidence_file", entity_id=file_id, detail="remove")
        new_version(session, record, now)
    before = _values(file)
    session.delete(file)
    audit.record(
        session=session,
        actor=viewer,
        action="remove_evidence_file",
        entity="evidence_file",
        entity_id=file_id,
        before=before,
    )
