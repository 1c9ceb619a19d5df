"""Compliance evidence (a company) and its verification (an agency) for one coordination point."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import streamlit as st
from sqlmodel import Session

import models as m
from sinergi.core.access import Viewer
from sinergi.ui import labels, plain, t
from sinergi.ui.entry_common import (
    read_now,
    reload_form,
    show_conflict,
    show_message,
    write,
)
from sinergi.ui.evidence import compliance_evidence
from sinergi.writes import compliance as compliance_commands
from sinergi.writes import entry


def _open_compliance(state: str, company: int, point: int) -> None:
    """Fill both compliance forms with the record as the database holds it now, and remember its
    version and values: a save binds to them."""

    def opened_now(session: Session) -> tuple[int | None, dict[str, Any]]:
        record = compliance_commands.record_for(session, company, point)
        return (record.version if record else None), compliance_commands.snapshot(record)

    version, opened = read_now(opened_now)
    st.session_state[f"{state}-opened"] = (version, opened)
    st.session_state[f"{state}-evidence"] = opened["evidence"]
    st.session_state[f"{state}-document_date"] = opened["document_date"]
    st.session_state[f"{state}-status"] = opened["manual_status"] or m.ComplianceStatus.PENDING.value
    st.session_state[f"{state}-note"] = opened["note"]
    st.session_state[f"{state}-loaded"] = True
    st.session_state.pop(f"{state}-conflict", None)


def _save_evidence(viewer: Viewer, state: str, company: int, point: int) -> None:
    _save(
        compliance_commands.record_compliance_evidence,
        state,
        viewer=viewer,
        company_id=company,
        point_id=point,
        evidence=st.session_state.get(f"{state}-evidence") or "",
        document_date=st.session_state.get(f"{state}-document_date"),
    )


def _save_verification(viewer: Viewer, state: str, company: int, point: int) -> None:
    _save(
        compliance_commands.verify_compliance,
        state,
        viewer=viewer,
        company_id=company,
        point_id=point,
        status=st.session_state.get(f"{state}-status") or m.ComplianceStatus.PENDING.value,
        note=st.session_state.get(f"{state}-note") or "",
    )


def _save(command: Callable[..., object], state: str, **typed: Any) -> None:
    """Run a compliance command bound to the version and values the forms were opened with."""
    version, opened = st.session_state[f"{state}-opened"]
    saved = write(
        lambda s: command(session=s, expected_version=version, opened=opened, now=datetime.now(UTC), **typed),
        state=state,
        done=t("entry.saved"),
    )
    if saved is not None:
        st.session_state[f"{state}-loaded"] = None  # opened again from the database on the next draw


def compliance(viewer: Viewer) -> None:
    points = read_now(lambda s: entry.compliance_points(s, viewer))
    if not points:
        st.info(t("entry.no_points"), icon=":material/info:")
        return
    point = st.selectbox(t("entry.point"), list(points), format_func=points.get, key="compliance-point")
    if viewer.role is m.Role.COMPANY:
        company: int | None = viewer.company_id
    else:
        companies = read_now(lambda s: entry.compliance_companies(s, viewer, point))
        company = st.selectbox(
            t("entry.company"), list(companies), format_func=companies.get, key="compliance-company"
        )
    if company is None:
        return
    state = f"compliance-{company}-{point}"
    if not st.session_state.get(f"{state}-loaded"):
        _open_compliance(state, company, point)
    show_message(state)
    statuses = [s.value for s in m.ComplianceStatus]
    status_names = labels("compliance", statuses)
    if conflict := st.session_state.get(f"{state}-conflict"):
        show_conflict(conflict, names={"manual_status": status_names})
        st.button(t("entry.reload"), key=f"{state}-reload", on_click=reload_form, args=(state,))
    _, opened = st.session_state[f"{state}-opened"]
    if viewer.role is m.Role.COMPANY or viewer.is_admin:
        with st.form(f"evidence-{company}-{point}", enter_to_submit=False):
            st.markdown(f"**{t('entry.evidence.title')}**")
            st.text_area(t("field.evidence"), key=f"{state}-evidence")
            st.date_input(
                t("field.document_date"), key=f"{state}-document_date", value=None, format="DD/MM/YYYY"
            )
            st.form_submit_button(
                t("entry.save"),
                on_click=_save_evidence,
                args=(viewer, state, company, point),
                icon=":material/save:",
            )
    # The files beside the evidence text; the verification below binds to them as it does to the text.
    compliance_evidence(
        viewer,
        company,
        point,
        may_add=viewer.role is m.Role.COMPANY or viewer.is_admin,
        changed=lambda: reload_form(state),
    )
    if viewer.role is m.Role.AGENCY or viewer.is_admin:
        with st.form(f"verify-{company}-{point}", enter_to_submit=False):
            st.markdown(f"**{t('entry.compliance.verify')}**")
            # The evidence the verification binds to: as it was when this form was opened.
            if opened["evidence"]:
                st.caption(t("entry.compliance.evidence_given", evidence=plain(opened["evidence"])))
            st.selectbox(
                t("field.status"), statuses, key=f"{state}-status", format_func=status_names.__getitem__
            )
            st.text_area(t("field.note"), key=f"{state}-note")
            st.form_submit_button(
                t("entry.compliance.verify_button"),
                on_click=_save_verification,
                args=(viewer, state, company, point),
                icon=":material/verified:",
            )
