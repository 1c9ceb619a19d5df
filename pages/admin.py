"""Admin: users and their rights, the achievement thresholds, share links and the audit log."""

import contextlib
from collections.abc import Callable
from datetime import UTC, date, datetime

import streamlit as st
from sqlmodel import Session

import models as m
from sinergi import ui
from sinergi.core import db
from sinergi.core.access import AccessDenied
from sinergi.i18n import registry
from sinergi.i18n.formatting import number, percent
from sinergi.reads import queries
from sinergi.reads.filters import filter_options
from sinergi.ui import lang, t
from sinergi.writes import accounts, admin, sharing
from sinergi.writes import compliance as compliance_commands

viewer = ui.signed_in_page()

if not viewer.is_admin:
    # The data layer refuses anyone else too, and logs the attempt; nothing of the page is drawn.
    with contextlib.suppress(AccessDenied), db.read_session() as refused:
        admin.user_rows(session=refused, viewer=viewer)
    st.error(t("error.access_denied"), icon=":material/block:")
    st.stop()

_DONE = "admin-done"


def _run(command: Callable[[Session], object], *, done: str, clear: str | None = None) -> None:
    """One command in one transaction; its refusal is shown here, its success after a rerun.

    On failure the form keeps what was typed; on success the widgets whose keys start with
    ``clear`` start empty again.
    """
    if ui.run_command(command) is ui.REFUSED:
        return
    if clear:
        for key in [k for k in st.session_state if str(k).startswith(clear)]:
            del st.session_state[key]
    st.session_state[_DONE] = done
    st.rerun()


def _without_id(columns: list[str]) -> list[str]:
    """The columns a table of the data layer's shows: all but the row's id."""
    return [column for column in columns if column != "id"]


def _now() -> datetime:
    return datetime.now(UTC)


def _revoke(link_id: int) -> Callable[[Session], object]:
    def command(session: Session) -> None:
        sharing.revoke_link(session=session, viewer=viewer, link_id=link_id, now=_now())

    return command


def _store_param(param: str, key: str) -> None:
    """Copy an audit filter into the URL, so the view can be sent as a link."""
    value = st.session_state[key]
    text = value.isoformat() if isinstance(value, date) else str(value or "").strip()
    if text:
        st.query_params[param] = text
    elif param in st.query_params:
        del st.query_params[param]


def _date_param(param: str) -> date | None:
    try:
        return date.fromisoformat(st.query_params.get(param, ""))
    except ValueError:
        return None


st.title(t("admin.title"))
if message := st.session_state.pop(_DONE, None):
    st.success(message, icon=":material/check_circle:")

users_tab, thresholds_tab, links_tab, frameworks_tab, audit_tab = st.tabs(
    [
        t("admin.tab_users"),
        t("admin.tab_thresholds"),
        t("admin.tab_links"),
        t("admin.tab_frameworks"),
        t("admin.tab_audit"),
    ]
)

# Users ------------------------------------------------------------------------------------------
with users_tab:
    users = ui.read(admin.user_rows, viewer=viewer)
    options = ui.read(filter_options, viewer=viewer)
    role_names = ui.labels("role", [role.value for role in m.Role])
    st.dataframe(
        users.assign(
            role=users["role"].map(role_names),
            company=users["company"].fillna("–"),
            regency=users["regency"].fillna("–"),
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
            "created_at": st.column_config.DatetimeColumn(t("admin.created_at"), format="YYYY-MM-DD HH:mm"),
        },
        key="admin-users",
    )

    st.subheader(t("admin.create_heading"))
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
        password = left.text_input(
            t("admin.password"),
            type="password",
            key="admin-create-password",
            autocomplete="new-password",
            help=t("admin.password_help", min=accounts.MIN_PASSWORD_LENGTH),
        )
        confirm = right.text_input(
            t("admin.password_confirm"),
            type="password",
            key="admin-create-confirm",
            autocomplete="new-password",
        )
        create = st.form_submit_button(t("admin.create_submit"), type="primary", icon=":material/person_add:")
    if create:
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
                done=t("admin.created", username=username.strip().lower()),
                clear="admin-create-",
            )

    st.subheader(t("admin.manage_heading"))
    people = {int(row.id): f"{row.username} — {row.display_name}" for row in users.itertuples(index=False)}
    chosen = st.selectbox(t("admin.user"), list(people), format_func=people.__getitem__, key="admin-user")
    if chosen is not None:
        person = users.set_index("id").loc[chosen]
        current_company = next((i for i, name in options.companies if name == person["company"]), None)
        current_regency = next((i for i, name in options.regencies if name == person["regency"]), None)
        company_ids: dict[int | None, str] = {None: t("admin.none"), **dict(options.companies)}
        regency_ids: dict[int | None, str] = {None: t("admin.none"), **dict(options.regencies)}
        rights, access, password_box = st.columns(3, border=True)

        with rights:
            st.markdown(f"**{t('admin.change_role_heading')}**")
            with st.form(f"admin-role-{chosen}", enter_to_submit=False):
                new_role = st.selectbox(
                    t("admin.role"),
                    list(role_names),
                    index=list(role_names).index(person["role"]),
                    format_func=role_names.__getitem__,
                    key=f"admin-role-role-{chosen}",
                )
                new_company = st.selectbox(
                    t("admin.company"),
                    list(company_ids),
                    index=list(company_ids).index(current_company),
                    format_func=company_ids.__getitem__,
                    key=f"admin-role-company-{chosen}",
                    help=t("admin.company_help"),
                )
                new_regency = st.selectbox(
                    t("admin.regency"),
                    list(regency_ids),
                    index=list(regency_ids).index(current_regency),
                    format_func=regency_ids.__getitem__,
                    key=f"admin-role-regency-{chosen}",
                    help=t("admin.regency_help"),
                )
                save_role = st.form_submit_button(t("admin.change_role_submit"))
            st.caption(t("admin.change_role_note"))
            if save_role:
                _run(
                    lambda session: admin.change_role(
                        session=session,
                        viewer=viewer,
                        user_id=chosen,
                        role=new_role,
                        company_id=new_company,
                        regency_id=new_regency,
                        now=_now(),
                    ),
                    done=t("admin.role_changed", username=person["username"]),
                )

        with access:
            disabled = bool(person["disabled"])
            st.markdown(f"**{t('admin.access_heading')}**")
            st.markdown(t("admin.is_disabled") if disabled else t("admin.is_enabled"))
            if st.button(
                t("admin.enable") if disabled else t("admin.disable"),
                key=f"admin-disable-{chosen}",
                disabled=chosen == viewer.user_id,
                help=t("admin.own_account_help") if chosen == viewer.user_id else None,
                icon=":material/lock_open:" if disabled else ":material/block:",
            ):
                _run(
                    lambda session: admin.set_disabled(
                        session=session, viewer=viewer, user_id=chosen, disabled=not disabled, now=_now()
                    ),
                    done=t(
                        "admin.enabled" if disabled else "admin.disabled_done", username=person["username"]
                    ),
                )
            st.caption(t("admin.disable_note"))

        with password_box:
            st.markdown(f"**{t('admin.reset_heading')}**")
            with st.form(f"admin-reset-{chosen}", enter_to_submit=False):
                new_password = st.text_input(
                    t("admin.new_password"),
                    type="password",
                    key=f"admin-reset-password-{chosen}",
                    autocomplete="new-password",
                    help=t("admin.password_help", min=accounts.MIN_PASSWORD_LENGTH),
                )
                new_confirm = st.text_input(
                    t("admin.password_confirm"),
                    type="password",
                    key=f"admin-reset-confirm-{chosen}",
                    autocomplete="new-password",
                )
                reset = st.form_submit_button(t("admin.reset_submit"))
            st.caption(t("admin.reset_note"))
            if reset:
                if new_password != new_confirm:
                    st.error(t("admin.password_mismatch"), icon=":material/error:")
                else:
                    _run(
                        lambda session: admin.reset_password(
                            session=session,
                            viewer=viewer,
                            user_id=chosen,
                            new_password=new_password,
                            now=_now(),
                        ),
                        done=t("admin.password_reset_done", username=person["username"]),
                        clear=f"admin-reset-{chosen}",
                    )

# Thresholds -------------------------------------------------------------------------------------
with thresholds_tab:
    limits = ui.read(queries.thresholds)
    st.caption(t("admin.thresholds_caption"))
    st.markdown(
        "\n".join(
            [
                f"- {ui.status_badge('on_track')}: ≥ {percent(limits.on_track_min, lang())}",
                f"- {ui.status_badge('needs_attention')}: ≥ {percent(limits.needs_attention_min, lang())}",
                f"- {ui.status_badge('off_track')}: < {percent(limits.needs_attention_min, lang())}",
            ]
        )
    )
    with st.form("admin-thresholds", enter_to_submit=False):
        left, right = st.columns(2)
        on_track = left.number_input(
            t("admin.on_track_min"),
            min_value=0.0,
            max_value=1000.0,
            value=limits.on_track_min * 100,
            step=5.0,
            format="%.1f",
            key="admin-thresholds-on-track",
        )
        needs_attention = right.number_input(
            t("admin.needs_attention_min"),
            min_value=0.0,
            max_value=1000.0,
            value=limits.needs_attention_min * 100,
            step=5.0,
            format="%.1f",
            key="admin-thresholds-needs-attention",
        )
        save_limits = st.form_submit_button(t("admin.thresholds_submit"), type="primary")
    if save_limits:
        _run(
            lambda session: admin.set_thresholds(
                session=session,
                viewer=viewer,
                on_track_min=on_track / 100,
                needs_attention_min=needs_attention / 100,
            ),
            done=t("admin.thresholds_saved"),
        )

# Share links ------------------------------------------------------------------------------------
with links_tab:
    links = ui.read(sharing.list_links, viewer=viewer)
    if links.empty:
        st.info(t("admin.links_empty"))
    else:
        kinds = {kind.value: t(registry.SHARE_KIND.key(kind.value)) for kind in m.ShareKind}
        st.caption(
            t(
                "admin.links_count",
                count=number(len(links), lang()),
                active=number(int(links["active"].sum()), lang()),
            )
        )
        st.dataframe(
            links.assign(kind=links["kind"].map(kinds)),
            hide_index=True,
            width="stretch",
            column_order=[*_without_id(sharing.LINK_COLUMNS), "active"],
            column_config={
                "kind": t("admin.link_kind"),
                "label": t("admin.link_label"),
                "company": t("admin.company"),
                "program": t("admin.link_program"),
                "created_by": t("admin.link_created_by"),
                "created_at": st.column_config.DatetimeColumn(
                    t("admin.created_at"), format="YYYY-MM-DD HH:mm"
                ),
                "expires_at": st.column_config.DatetimeColumn(
                    t("admin.link_expires"), format="YYYY-MM-DD HH:mm"
                ),
                "revoked_at": st.column_config.DatetimeColumn(
                    t("admin.link_revoked"), format="YYYY-MM-DD HH:mm"
                ),
                "last_used_at": st.column_config.DatetimeColumn(
                    t("admin.link_last_used"), format="YYYY-MM-DD HH:mm"
                ),
                "uses": st.column_config.NumberColumn(t("admin.link_uses"), format="%d"),
                "active": st.column_config.CheckboxColumn(t("admin.link_active")),
            },
            key="admin-links",
        )
        active = links[links["active"]]
        if not active.empty:
            st.markdown(f"**{t('admin.revoke_heading')}**")
        for link in active.itertuples(index=False):
            row = st.container(horizontal=True, vertical_alignment="center")
            row.markdown(
                t(
                    "admin.link_line",
                    label=link.label or kinds.get(str(link.kind), str(link.kind)),
                    company=link.company,
                    created_by=link.created_by,
                )
            )
            if row.button(t("admin.revoke"), key=f"admin-revoke-{link.id}", icon=":material/link_off:"):
                _run(_revoke(int(link.id)), done=t("admin.link_revoked_done"))

# Coordination frameworks ------------------------------------------------------------------------
with frameworks_tab:
    st.caption(t("admin.frameworks_caption"))
    regencies = dict(ui.read(filter_options, viewer=viewer).regencies)
    frameworks = [f for f in ui.read(queries.frameworks, viewer=viewer) if f.id is not None]
    rule_names = ui.labels("point_rule", [rule.value for rule in m.PointRule])
    if not frameworks:
        st.info(t("admin.frameworks_empty"))
    for framework in frameworks:
        assert framework.id is not None
        heading = t(
            "admin.framework_line",
            name=framework.name,
            regency=regencies.get(framework.regency_id, "–"),
            year=framework.plan_year,
            issued=framework.issued_on.strftime("%d.%m.%Y"),
        )
        with st.expander(heading):
            points = ui.read(queries.framework_points, viewer=viewer, framework_id=framework.id)
            if not points:
                st.caption(t("admin.framework_no_points"))
                continue
            st.dataframe(
                [
                    {
                        "number": point.number,
                        "title": point.title,
                        "text": point.text,
                        "deadline": point.deadline,
                        "evidence_needed": point.evidence_needed,
                        "rule": rule_names.get(point.rule, point.rule),
                        "rule_min": point.rule_min,
                    }
                    for point in points
                ],
                hide_index=True,
                width="stretch",
                column_config={
                    "number": st.column_config.NumberColumn(t("admin.point_number"), format="%d"),
                    "title": t("admin.point_title"),
                    "text": st.column_config.TextColumn(t("admin.point_text"), width="large"),
                    "deadline": st.column_config.DateColumn(t("admin.point_deadline"), format="DD.MM.YYYY"),
                    "evidence_needed": t("admin.point_evidence"),
                    "rule": t("admin.point_rule"),
                    "rule_min": st.column_config.NumberColumn(t("admin.point_rule_min"), format="%d"),
                },
                key=f"admin-framework-points-{framework.id}",
            )

    new_framework, new_point = st.columns(2, border=True)
    with new_framework:
        st.markdown(f"**{t('admin.framework_create_heading')}**")
        if not regencies:
            st.info(t("admin.no_regencies"))
        else:
            with st.form("admin-framework", enter_to_submit=False):
                framework_regency = st.selectbox(
                    t("admin.framework_regency"),
                    list(regencies),
                    format_func=regencies.__getitem__,
                    key="admin-framework-regency",
                )
                framework_name = st.text_input(
                    t("admin.framework_name"),
                    max_chars=compliance_commands.MAX_NAME,
                    key="admin-framework-name",
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
                create_framework = st.form_submit_button(
                    t("admin.framework_create_submit"), type="primary", icon=":material/add:"
                )
            if create_framework:
                _run(
                    lambda session: compliance_commands.create_framework(
                        session=session,
                        viewer=viewer,
                        regency_id=framework_regency,
                        name=framework_name,
                        plan_year=int(plan_year),
                        issued_on=issued_on,
                    ),
                    done=t("admin.framework_created", name=" ".join(framework_name.split())),
                    clear="admin-framework-",
                )

    with new_point:
        st.markdown(f"**{t('admin.point_add_heading')}**")
        if frameworks:
            framework_names = {
                f.id: f"{f.name} ({regencies.get(f.regency_id, '–')}, {f.plan_year})"
                for f in frameworks
                if f.id is not None
            }
            with st.form("admin-point", enter_to_submit=False):
                point_framework = st.selectbox(
                    t("admin.point_framework"),
                    list(framework_names),
                    format_func=framework_names.__getitem__,
                    key="admin-point-framework",
                )
                left, right = st.columns([1, 3])
                point_number = left.number_input(
                    t("admin.point_number"), min_value=1, value=1, step=1, key="admin-point-number"
                )
                point_title = right.text_input(
                    t("admin.point_title"), max_chars=compliance_commands.MAX_TITLE, key="admin-point-title"
                )
                point_text = st.text_area(t("admin.point_text"), key="admin-point-text")
                point_evidence = st.text_area(t("admin.point_evidence"), key="admin-point-evidence")
                left, middle, right = st.columns(3)
                point_deadline = left.date_input(
                    t("admin.point_deadline"), value=None, format="DD.MM.YYYY", key="admin-point-deadline"
                )
                point_rule = middle.selectbox(
                    t("admin.point_rule"),
                    list(rule_names),
                    format_func=rule_names.__getitem__,
                    key="admin-point-rule",
                )
                point_rule_min = right.number_input(
                    t("admin.point_rule_min"),
                    min_value=1,
                    value=None,
                    step=1,
                    key="admin-point-rule-min",
                    help=t("admin.point_rule_min_help"),
                )
                add_point = st.form_submit_button(t("admin.point_add_submit"), icon=":material/playlist_add:")
            if add_point:
                _run(
                    lambda session: compliance_commands.add_point(
                        session=session,
                        viewer=viewer,
                        framework_id=point_framework,
                        number=int(point_number),
                        title=point_title,
                        text=point_text,
                        deadline=point_deadline,
                        evidence_needed=point_evidence,
                        rule=point_rule,
                        rule_min=None if point_rule_min is None else int(point_rule_min),
                    ),
                    done=t("admin.point_added", number=int(point_number)),
                    clear="admin-point-",
                )
        else:
            st.info(t("admin.frameworks_empty"))

# Audit ------------------------------------------------------------------------------------------
with audit_tab:
    choices = ui.read(admin.audit_choices, viewer=viewer)
    action_names = {"": t("admin.all"), **{a: a for a in choices.actions}}
    entity_names = {"": t("admin.all"), **{e: e for e in choices.entities}}
    wanted_action = st.query_params.get("audit_action", "")
    wanted_entity = st.query_params.get("audit_entity", "")
    first, second, third, fourth, fifth = st.columns(5)
    first.selectbox(
        t("admin.audit_action"),
        list(action_names),
        index=list(action_names).index(wanted_action) if wanted_action in action_names else 0,
        format_func=action_names.__getitem__,
        key="admin-audit-action",
        on_change=_store_param,
        args=("audit_action", "admin-audit-action"),
    )
    second.text_input(
        t("admin.audit_username"),
        value=st.query_params.get("audit_user", ""),
        key="admin-audit-user",
        on_change=_store_param,
        args=("audit_user", "admin-audit-user"),
    )
    third.selectbox(
        t("admin.audit_entity"),
        list(entity_names),
        index=list(entity_names).index(wanted_entity) if wanted_entity in entity_names else 0,
        format_func=entity_names.__getitem__,
        key="admin-audit-entity",
        on_change=_store_param,
        args=("audit_entity", "admin-audit-entity"),
    )
    fourth.date_input(
        t("admin.audit_since"),
        value=_date_param("audit_from"),
        key="admin-audit-since",
        format="DD.MM.YYYY",
        on_change=_store_param,
        args=("audit_from", "admin-audit-since"),
    )
    fifth.date_input(
        t("admin.audit_until"),
        value=_date_param("audit_to"),
        key="admin-audit-until",
        format="DD.MM.YYYY",
        on_change=_store_param,
        args=("audit_to", "admin-audit-until"),
    )
    limit = 500
    log = ui.read(
        admin.audit_rows,
        viewer=viewer,
        action=st.query_params.get("audit_action") or None,
        username=st.query_params.get("audit_user") or None,
        entity=st.query_params.get("audit_entity") or None,
        since=_date_param("audit_from"),
        until=_date_param("audit_to"),
        limit=limit,
    )
    if log.empty:
        st.info(t("admin.audit_empty"))
    else:
        note = t("admin.audit_count", count=number(len(log), lang()))
        if len(log) >= limit:
            note += " " + t("admin.audit_limited", limit=number(limit, lang()))
        st.caption(note)
        st.dataframe(
            log,
            hide_index=True,
            width="stretch",
            column_order=_without_id(admin.AUDIT_COLUMNS),
            column_config={
                "at": st.column_config.DatetimeColumn(t("admin.audit_at"), format="YYYY-MM-DD HH:mm:ss"),
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
