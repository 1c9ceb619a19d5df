"""The admin screen's parts: users and their rights, the achievement thresholds, share links, the
coordination frameworks and the audit log. Each change runs as one command; its success is shown after
the page runs again (:data:`DONE`)."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import pandas as pd
import streamlit as st
from sqlmodel import Session

import models as m
from sinergi import ui
from sinergi.core import db
from sinergi.core.access import AccessDenied, Viewer
from sinergi.i18n import registry
from sinergi.i18n.formatting import input_number, long_date, number, percent
from sinergi.reads import queries
from sinergi.reads.filters import filter_options
from sinergi.ui import lang, t, tables
from sinergi.ui.account import password_help
from sinergi.ui.entry_common import typed_number
from sinergi.writes import accounts, admin, sharing
from sinergi.writes import compliance as compliance_commands

# Where a change's success waits for the next run (:func:`ui.show_notice`).
DONE = "admin-done"
# A share link's times, shown in the app's zone.
_LINK_TIMES = ("created_at", "expires_at", "revoked_at", "last_used_at")


class Person(NamedTuple):
    """The account an admin manages, as its row of the user table shows it."""

    id: int
    username: str
    role: str
    company: str | None
    regency: str | None
    disabled: bool


def record_refused_visit(viewer: Viewer) -> None:
    """Ask the data layer for the users as ``viewer``, who is no admin: it refuses, and logs the
    attempt."""
    with contextlib.suppress(AccessDenied), db.read_session() as session:
        admin.user_rows(session=session, viewer=viewer)


def _run(command: Callable[[Session], object], *, done: str, clear: str | None = None) -> None:
    """One command in one transaction; its refusal is shown here, its success after a rerun (the
    widgets whose keys start with ``clear`` then start empty; on failure the form keeps what was
    typed)."""
    if ui.run_command(command) is not ui.REFUSED:
        ui.rerun_with_notice(DONE, done, clear=clear)


def _now() -> datetime:
    return datetime.now(UTC)


def _without_id(columns: list[str]) -> list[str]:
    """The columns a table of the data layer's shows: all but the row's id."""
    return [column for column in columns if column != "id"]


def _role_names() -> dict[str, str]:
    return ui.labels("role", [role.value for role in m.Role])


# Users ------------------------------------------------------------------------------------------


def users(viewer: Viewer) -> pd.DataFrame:
    return ui.read(admin.user_rows, viewer=viewer)


def user_table(users: pd.DataFrame) -> None:
    tables.table(
        users.assign(
            role=users["role"].map(_role_names()),
            company=users["company"].fillna("–"),
            regency=users["regency"].fillna("–"),
            created_at=ui.times(users["created_at"]),
        ),
        hide_index=True,
        width="stretch",
        column_order=_without_id(admin.USER_COLUMNS),
        column_config={
            "username": t("admin.username"),
            "display_name": t("admin.display_name"),
            "email": t("admin.email"),
            "role": t("admin.role"),
            "company": t("admin.company"),
            "regency": t("admin.regency"),
            "disabled": st.column_config.CheckboxColumn(t("admin.disabled")),
            "created_at": t("admin.created_at"),
        },
        key="admin-users",
        name="users",
    )


def create_user_form(viewer: Viewer) -> None:
    """A new account: its name, role, where it belongs and its first password."""
    options = ui.read(filter_options, viewer=viewer)
    role_names = _role_names()
    company_names = {"": t("admin.none"), **{name: name for _, name in options.companies}}
    regency_names = {"": t("admin.none"), **{name: name for _, name in options.regencies}}
    with st.form("admin-create", enter_to_submit=False):
        left, right = st.columns(2)
        username = left.text_input(
            t("admin.username"), key="admin-create-username", help=t("admin.username_help")
        )
        display_name = right.text_input(t("admin.display_name"), key="admin-create-display-name")
        email = left.text_input(t("admin.email"), key="admin-create-email")
        role = right.selectbox(
            t("admin.role"), list(role_names), format_func=role_names.__getitem__, key="admin-create-role"
        )
        company = left.selectbox(
            t("admin.company"),
            list(company_names),
            format_func=company_names.__getitem__,
            key="admin-create-company",
            help=t("admin.company_help"),
        )
        regency = right.selectbox(
            t("admin.regency"),
            list(regency_names),
            format_func=regency_names.__getitem__,
            key="admin-create-regency",
            help=t("admin.regency_help"),
        )
        password, confirm = _password_pair(
            left,
            right,
            title=t("admin.password"),
            password_key="admin-create-password",
            confirm_key="admin-create-confirm",
        )
        create = st.form_submit_button(t("admin.create_submit"), type="primary", icon=":material/person_add:")
    if not create:
        return
    if password != confirm:
        st.error(t("admin.password_mismatch"), icon=":material/error:")
    elif role == m.Role.COMPANY and not company:
        st.error(t(admin.CompanyRequired.key), icon=":material/error:")
    elif role == m.Role.AGENCY and not regency:
        st.error(t(admin.RegencyRequired.key), icon=":material/error:")
    else:
        data = accounts.UserInput(
            username=username,
            display_name=display_name,
            email=email,
            role=role,
            password=password,
            company=company or None,
            regency=regency or None,
        )
        _run(
            lambda session: accounts.create_user(session=session, data=data, actor=viewer),
            done=ui.t_plain("admin.created", username=username.strip().lower()),
            clear="admin-create-",
        )


def _password_pair(
    first: Any, second: Any, *, title: str, password_key: str, confirm_key: str
) -> tuple[str, str]:
    """A password and its confirmation, in ``first`` and ``second`` (columns, or ``st``)."""
    password = first.text_input(
        title, type="password", key=password_key, autocomplete="new-password", help=password_help()
    )
    confirm = second.text_input(
        t("admin.password_confirm"), type="password", key=confirm_key, autocomplete="new-password"
    )
    return str(password), str(confirm)


def pick_user(users: pd.DataFrame) -> Person | None:
    """A choice of the accounts, by username and name."""
    people = {int(row.id): f"{row.username} — {row.display_name}" for row in users.itertuples(index=False)}
    chosen = st.selectbox(t("admin.user"), list(people), format_func=people.__getitem__, key="admin-user")
    if chosen is None:
        return None
    row = users.set_index("id").loc[chosen]
    return Person(
        id=int(chosen),
        username=str(row["username"]),
        role=str(row["role"]),
        company=None if pd.isna(row["company"]) else str(row["company"]),
        regency=None if pd.isna(row["regency"]) else str(row["regency"]),
        disabled=bool(row["disabled"]),
    )


def role_form(viewer: Viewer, person: Person) -> None:
    """The account's role, and the company or regency it belongs to."""
    options = ui.read(filter_options, viewer=viewer)
    role_names = _role_names()
    current_company = next((i for i, name in options.companies if name == person.company), None)
    current_regency = next((i for i, name in options.regencies if name == person.regency), None)
    company_ids: dict[int | None, str] = {None: t("admin.none"), **dict(options.companies)}
    regency_ids: dict[int | None, str] = {None: t("admin.none"), **dict(options.regencies)}
    with st.form(f"admin-role-{person.id}", enter_to_submit=False):
        new_role = st.selectbox(
            t("admin.role"),
            list(role_names),
            index=list(role_names).index(person.role),
            format_func=role_names.__getitem__,
            key=f"admin-role-role-{person.id}",
        )
        new_company = st.selectbox(
            t("admin.company"),
            list(company_ids),
            index=list(company_ids).index(current_company),
            format_func=company_ids.__getitem__,
            key=f"admin-role-company-{person.id}",
            help=t("admin.company_help"),
        )
        new_regency = st.selectbox(
            t("admin.regency"),
            list(regency_ids),
            index=list(regency_ids).index(current_regency),
            format_func=regency_ids.__getitem__,
            key=f"admin-role-regency-{person.id}",
            help=t("admin.regency_help"),
        )
        save = st.form_submit_button(t("admin.change_role_submit"))
    if save:
        _run(
            lambda session: admin.change_role(
                session=session,
                viewer=viewer,
                user_id=person.id,
                role=new_role,
                company_id=new_company,
                regency_id=new_regency,
                now=_now(),
            ),
            done=ui.t_plain("admin.role_changed", username=person.username),
        )


def access_switch(viewer: Viewer, person: Person) -> None:
    """Whether the account may sign in, and a button that turns it around (not for one's own)."""
    disabled = person.disabled
    own = person.id == viewer.user_id
    st.markdown(t("admin.is_disabled") if disabled else t("admin.is_enabled"))
    if st.button(
        t("admin.enable") if disabled else t("admin.disable"),
        key=f"admin-disable-{person.id}",
        disabled=own,
        help=t("admin.own_account_help") if own else None,
        icon=":material/lock_open:" if disabled else ":material/block:",
    ):
        _run(
            lambda session: admin.set_disabled(
                session=session, viewer=viewer, user_id=person.id, disabled=not disabled, now=_now()
            ),
            done=ui.t_plain("admin.enabled" if disabled else "admin.disabled_done", username=person.username),
        )


def password_reset_form(viewer: Viewer, person: Person) -> None:
    """A new password for the account, typed twice."""
    with st.form(f"admin-reset-{person.id}", enter_to_submit=False):
        new_password, confirm = _password_pair(
            st,
            st,
            title=t("admin.new_password"),
            password_key=f"admin-reset-password-{person.id}",
            confirm_key=f"admin-reset-confirm-{person.id}",
        )
        reset = st.form_submit_button(t("admin.reset_submit"))
    if not reset:
        return
    if new_password != confirm:
        st.error(t("admin.password_mismatch"), icon=":material/error:")
        return
    _run(
        lambda session: admin.reset_password(
            session=session, viewer=viewer, user_id=person.id, new_password=new_password, now=_now()
        ),
        done=ui.t_plain("admin.password_reset_done", username=person.username),
        clear="admin-reset-",
    )


# Thresholds -------------------------------------------------------------------------------------


def threshold_legend(viewer: Viewer) -> None:
    """The statuses and the achievement each starts at, as the thresholds stand."""
    limits = ui.read(queries.thresholds, viewer=viewer)
    on_track, needs_attention = (
        percent(v, lang()) for v in (limits.on_track_min, limits.needs_attention_min)
    )
    st.markdown(
        "\n".join(
            [
                f"- {ui.status_badge('on_track')}: ≥ {on_track}",
                f"- {ui.status_badge('needs_attention')}: ≥ {needs_attention}",
                f"- {ui.status_badge('off_track')}: < {needs_attention}",
            ]
        )
    )


def thresholds_form(viewer: Viewer) -> None:
    """The two thresholds, in percent of the target, typed in the reader's language."""
    limits = ui.read(queries.thresholds, viewer=viewer)
    with st.form("admin-thresholds", enter_to_submit=False):
        left, right = st.columns(2)
        titles = {
            "on_track_min": t("admin.on_track_min"),
            "needs_attention_min": t("admin.needs_attention_min"),
        }
        typed = {
            "on_track_min": _percent_input(left, titles["on_track_min"], limits.on_track_min, key="on-track"),
            "needs_attention_min": _percent_input(
                right, titles["needs_attention_min"], limits.needs_attention_min, key="needs-attention"
            ),
        }
        save = st.form_submit_button(t("admin.thresholds_submit"), type="primary")
    if not save:
        return
    read = {name: typed_number(text) for name, text in typed.items()}
    refused = [(name, error) for name, (_, error) in read.items() if error is not None]
    for name, (key, values) in refused:
        st.error(f"{titles[name]}: {ui.t_plain(key, **values)}", icon=":material/error:")
    if refused:
        return
    shares = {
        name: float(value) / 100 if value is not None else float("nan") for name, (value, _) in read.items()
    }
    _run(
        lambda session: admin.set_thresholds(session=session, viewer=viewer, **shares),
        done=t("admin.thresholds_saved"),
    )


def _percent_input(where: Any, title: str, share: float, *, key: str) -> str:
    """A threshold typed in percent, as text read by the interface language (``92,5`` in Indonesian,
    ``92.5`` in English, whatever the browser's language): ``share`` is a fraction."""
    return str(
        where.text_input(
            title, value=input_number(round(share * 100, 4), lang()), key=f"admin-thresholds-{key}"
        )
    )


# Share links ------------------------------------------------------------------------------------


def share_links(viewer: Viewer) -> None:
    """Every share link, how many are active, and a button per active one that revokes it."""
    links = ui.read(sharing.list_links, viewer=viewer)
    if links.empty:
        st.info(t("admin.links_empty"))
        return
    kinds = {kind.value: t(registry.SHARE_KIND.key(kind.value)) for kind in m.ShareKind}
    active = links[links["active"]]
    st.caption(t("admin.links_count", count=number(len(links), lang()), active=number(len(active), lang())))
    tables.table(
        links.assign(
            kind=links["kind"].map(kinds),
            **{column: ui.times(links[column]) for column in _LINK_TIMES},
        ),
        name="share-links",
        hide_index=True,
        width="stretch",
        column_order=[*_without_id(sharing.LINK_COLUMNS), "active"],
        column_config={
            "kind": t("admin.link_kind"),
            "label": t("admin.link_label"),
            "company": t("admin.company"),
            "program": t("admin.link_program"),
            "created_by": t("admin.link_created_by"),
            "created_at": t("admin.created_at"),
            "expires_at": t("admin.link_expires"),
            "revoked_at": t("admin.link_revoked"),
            "last_used_at": t("admin.link_last_used"),
            "uses": st.column_config.NumberColumn(t("admin.link_uses"), format="%d"),
            "verified_only": st.column_config.CheckboxColumn(t("share.verified_only")),
            "active": st.column_config.CheckboxColumn(t("admin.link_active")),
        },
        key="admin-links",
    )
    if not active.empty:
        st.markdown(f"**{t('admin.revoke_heading')}**")
    for link in active.itertuples(index=False):
        row = st.container(horizontal=True, vertical_alignment="center")
        row.markdown(
            ui.t_plain(
                "admin.link_line",
                label=link.label or kinds.get(str(link.kind), str(link.kind)),
                company=link.company,
                created_by=link.created_by,
            )
        )
        if row.button(t("admin.revoke"), key=f"admin-revoke-{link.id}", icon=":material/link_off:"):
            _run(_revoke(viewer, int(link.id)), done=t("admin.link_revoked_done"))


def _revoke(viewer: Viewer, link_id: int) -> Callable[[Session], object]:
    def command(session: Session) -> None:
        sharing.revoke_link(session=session, viewer=viewer, link_id=link_id, now=_now())

    return command


# Coordination frameworks ------------------------------------------------------------------------


def frameworks(viewer: Viewer) -> list[m.Framework]:
    """The coordination frameworks, newest plan year first."""
    return [f for f in ui.read(queries.frameworks, viewer=viewer) if f.id is not None]


def _regencies(viewer: Viewer) -> dict[int, str]:
    return dict(ui.read(filter_options, viewer=viewer).regencies)


def framework_list(viewer: Viewer, frameworks: list[m.Framework]) -> None:
    """Each framework, opened to its points."""
    if not frameworks:
        st.info(t("admin.frameworks_empty"))
    regencies = _regencies(viewer)
    for framework in frameworks:
        assert framework.id is not None
        heading = ui.t_plain(
            "admin.framework_line",
            name=framework.name,
            regency=regencies.get(framework.regency_id, "–"),
            year=framework.plan_year,
            issued=long_date(framework.issued_on, lang()),
        )
        with st.expander(heading):
            _point_table(viewer, framework.id)


def _point_table(viewer: Viewer, framework_id: int) -> None:
    points = ui.read(queries.framework_points, viewer=viewer, framework_id=framework_id)
    if not points:
        st.caption(t("admin.framework_no_points"))
        return
    rule_names = ui.labels("point_rule", [rule.value for rule in m.PointRule])
    tables.table(
        pd.DataFrame(
            [
                {
                    "number": point.number,
                    "title": point.title,
                    "text": point.text,
                    "deadline": long_date(point.deadline, lang()),
                    "evidence_needed": point.evidence_needed,
                    "rule": rule_names.get(point.rule, point.rule),
                    "rule_min": point.rule_min,
                }
                for point in points
            ]
        ),
        name=f"points-{framework_id}",
        hide_index=True,
        width="stretch",
        column_config={
            "number": st.column_config.NumberColumn(t("admin.point_number"), format="%d"),
            "title": t("admin.point_title"),
            "text": st.column_config.TextColumn(t("admin.point_text"), width="large"),
            "deadline": t("admin.point_deadline"),
            "evidence_needed": t("admin.point_evidence"),
            "rule": t("admin.point_rule"),
            "rule_min": st.column_config.NumberColumn(t("admin.point_rule_min"), format="%d"),
        },
        key=f"admin-framework-points-{framework_id}",
    )


def framework_form(viewer: Viewer) -> None:
    """A new framework: the regency that issued it, its name, plan year and date of issue."""
    regencies = _regencies(viewer)
    if not regencies:
        st.info(t("admin.no_regencies"))
        return
    with st.form("admin-framework", enter_to_submit=False):
        regency = st.selectbox(
            t("admin.framework_regency"),
            list(regencies),
            format_func=regencies.__getitem__,
            key="admin-framework-regency",
        )
        name = st.text_input(
            t("admin.framework_name"), max_chars=compliance_commands.MAX_NAME, key="admin-framework-name"
        )
        left, right = st.columns(2)
        plan_year = left.number_input(
            t("admin.framework_plan_year"),
            min_value=compliance_commands.MIN_PLAN_YEAR,
            max_value=compliance_commands.MAX_PLAN_YEAR,
            value=date.today().year,
            step=1,
            key="admin-framework-plan-year",
        )
        issued_on = right.date_input(
            t("admin.framework_issued_on"),
            value=date.today(),
            format="DD.MM.YYYY",
            key="admin-framework-issued-on",
        )
        create = st.form_submit_button(
            t("admin.framework_create_submit"), type="primary", icon=":material/add:"
        )
    if create:
        _run(
            lambda session: compliance_commands.create_framework(
                session=session,
                viewer=viewer,
                regency_id=regency,
                name=name,
                plan_year=int(plan_year),
                issued_on=issued_on,
            ),
            done=ui.t_plain("admin.framework_created", name=" ".join(name.split())),
            clear="admin-framework-",
        )


def point_form(viewer: Viewer, frameworks: list[m.Framework]) -> None:
    """A new point of a framework: its number, title, text, evidence, deadline and how it is judged."""
    if not frameworks:
        st.info(t("admin.frameworks_empty"))
        return
    regencies = _regencies(viewer)
    names = {
        f.id: f"{f.name} ({regencies.get(f.regency_id, '–')}, {f.plan_year})"
        for f in frameworks
        if f.id is not None
    }
    rule_names = ui.labels("point_rule", [rule.value for rule in m.PointRule])
    with st.form("admin-point", enter_to_submit=False):
        framework_id = st.selectbox(
            t("admin.point_framework"),
            list(names),
            format_func=names.__getitem__,
            key="admin-point-framework",
        )
        left, right = st.columns([1, 3])
        number_ = left.number_input(
            t("admin.point_number"), min_value=1, value=1, step=1, key="admin-point-number"
        )
        title = right.text_input(
            t("admin.point_title"), max_chars=compliance_commands.MAX_TITLE, key="admin-point-title"
        )
        text = st.text_area(t("admin.point_text"), key="admin-point-text")
        evidence = st.text_area(t("admin.point_evidence"), key="admin-point-evidence")
        left, middle, right = st.columns(3)
        deadline = left.date_input(
            t("admin.point_deadline"), value=None, format="DD.MM.YYYY", key="admin-point-deadline"
        )
        rule = middle.selectbox(
            t("admin.point_rule"),
            list(rule_names),
            format_func=rule_names.__getitem__,
            key="admin-point-rule",
        )
        rule_min = right.number_input(
            t("admin.point_rule_min"),
            min_value=1,
            value=None,
            step=1,
            key="admin-point-rule-min",
            help=t("admin.point_rule_min_help"),
        )
        add = st.form_submit_button(t("admin.point_add_submit"), icon=":material/playlist_add:")
    if add:
        _run(
            lambda session: compliance_commands.add_point(
                session=session,
                viewer=viewer,
                framework_id=framework_id,
                number=int(number_),
                title=title,
                text=text,
                deadline=deadline,
                evidence_needed=evidence,
                rule=rule,
                rule_min=None if rule_min is None else int(rule_min),
            ),
            done=t("admin.point_added", number=int(number_)),
            clear="admin-point-",
        )


# Audit ------------------------------------------------------------------------------------------

_AUDIT_LIMIT = 500


def audit_filters(viewer: Viewer) -> None:
    """The audit log's filters by action, username, entity and dates, kept in the URL."""
    choices = ui.read(admin.audit_choices, viewer=viewer)
    action_names = {"": t("admin.all"), **{a: audit_word(registry.AUDIT_ACTION, a) for a in choices.actions}}
    entity_names = {"": t("admin.all"), **{e: audit_word(registry.AUDIT_ENTITY, e) for e in choices.entities}}
    action, user, entity, since, until = st.columns(5)
    _choice_filter(
        action, t("admin.audit_action"), action_names, param="audit_action", key="admin-audit-action"
    )
    user.text_input(
        t("admin.audit_username"),
        value=st.query_params.get("audit_user", ""),
        key="admin-audit-user",
        on_change=ui.store_param,
        args=("audit_user", "admin-audit-user"),
    )
    _choice_filter(
        entity, t("admin.audit_entity"), entity_names, param="audit_entity", key="admin-audit-entity"
    )
    for where, title, param, key in (
        (since, t("admin.audit_since"), "audit_from", "admin-audit-since"),
        (until, t("admin.audit_until"), "audit_to", "admin-audit-until"),
    ):
        where.date_input(
            title,
            value=ui.date_param(param),
            key=key,
            format="DD.MM.YYYY",
            on_change=ui.store_param,
            args=(param, key),
        )


def _choice_filter(where: Any, title: str, names: dict[str, str], *, param: str, key: str) -> None:
    wanted = st.query_params.get(param, "")
    where.selectbox(
        title,
        list(names),
        index=list(names).index(wanted) if wanted in names else 0,
        format_func=names.__getitem__,
        key=key,
        on_change=ui.store_param,
        args=(param, key),
    )


def audit_word(words: registry.Family, code: str) -> str:
    """The reader's word for an audit row's action or entity; the code itself if it has none (an
    empty entity stays empty)."""
    if not code:
        return ""
    key, known = words.key(code), words.keys()
    return t(key) if key in known else code


def audit_detail(detail: str) -> str:
    """An audit row's note: an action or entity it names in the reader's words, anything else (an
    address, a file name, a reason typed) as it is."""
    if detail in registry.AUDIT_ENTITIES:
        return audit_word(registry.AUDIT_ENTITY, detail)
    if detail in registry.AUDIT_ACTIONS:
        return audit_word(registry.AUDIT_ACTION, detail)
    return detail


# An ISO date, alone or at the start of a time, as the audit's before and after values hold them.
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _audit_value(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return t("admin.audit_yes") if value else t("admin.audit_no")
    if isinstance(value, str) and _ISO_DAY.match(value):
        with contextlib.suppress(ValueError):
            if len(value) == 10:
                return long_date(date.fromisoformat(value), lang())
            return ui.when(datetime.fromisoformat(value))
    return str(value)


def audit_values(text: str) -> str:
    """An audit row's values before or after the change (JSON) as ``field: value`` pairs, its dates
    and times as the reader reads them; text that is no JSON object is shown as it is."""
    if not text:
        return ""
    try:
        values = json.loads(text)
    except ValueError:
        return text
    if not isinstance(values, dict):
        return text
    return "; ".join(f"{field}: {_audit_value(value)}" for field, value in values.items())


def audit_log(viewer: Viewer) -> None:
    """The newest entries of the audit log that match the filters in the URL."""
    log = ui.read(
        admin.audit_rows,
        viewer=viewer,
        action=st.query_params.get("audit_action") or None,
        username=st.query_params.get("audit_user") or None,
        entity=st.query_params.get("audit_entity") or None,
        since=ui.date_param("audit_from"),
        until=ui.date_param("audit_to"),
        limit=_AUDIT_LIMIT,
    )
    if log.empty:
        st.info(t("admin.audit_empty"))
        return
    note = t("admin.audit_count", count=number(len(log), lang()))
    if len(log) >= _AUDIT_LIMIT:
        note += " " + t("admin.audit_limited", limit=number(_AUDIT_LIMIT, lang()))
    st.caption(note)
    tables.table(
        log.assign(
            at=ui.times(log["at"], seconds=True),
            action=log["action"].map(lambda action: audit_word(registry.AUDIT_ACTION, action)),
            entity=log["entity"].map(lambda entity: audit_word(registry.AUDIT_ENTITY, entity)),
            before=log["before"].map(audit_values),
            after=log["after"].map(audit_values),
            detail=log["detail"].map(audit_detail),
        ),
        name="audit",
        hide_index=True,
        width="stretch",
        column_order=_without_id(admin.AUDIT_COLUMNS),
        column_config={
            "at": t("admin.audit_at"),
            "username": t("admin.username"),
            "action": t("admin.audit_action"),
            "entity": t("admin.audit_entity"),
            "entity_id": st.column_config.NumberColumn(t("admin.audit_entity_id"), format="%d"),
            "before": st.column_config.TextColumn(t("admin.audit_before"), width="medium"),
            "after": st.column_config.TextColumn(t("admin.audit_after"), width="medium"),
            "detail": t("admin.audit_detail"),
        },
        key="admin-audit",
    )
