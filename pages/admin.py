"""Admin: users and their rights, the achievement thresholds, share links and the audit log."""

import streamlit as st

from sinergi import ui
from sinergi.ui import admin, t

viewer = ui.signed_in_page()

if not viewer.is_admin:
    # The data layer refuses anyone else too, and logs the attempt; nothing of the page is drawn.
    admin.record_refused_visit(viewer)
    st.error(t("error.access_denied"), icon=":material/block:")
    st.stop()

st.title(t("admin.title"))
ui.show_notice(admin.DONE)

users_tab, thresholds_tab, links_tab, frameworks_tab, audit_tab = st.tabs(
    [
        t("admin.tab_users"),
        t("admin.tab_thresholds"),
        t("admin.tab_links"),
        t("admin.tab_frameworks"),
        t("admin.tab_audit"),
    ]
)

with users_tab:
    users = admin.users(viewer)
    admin.user_table(users)

    st.subheader(t("admin.create_heading"))
    admin.create_user_form(viewer)

    st.subheader(t("admin.manage_heading"))
    person = admin.pick_user(users)
    if person is not None:
        rights, access, password_box = st.columns(3, border=True)
        with rights:
            st.markdown(f"**{t('admin.change_role_heading')}**")
            admin.role_form(viewer, person)
            st.caption(t("admin.change_role_note"))
        with access:
            st.markdown(f"**{t('admin.access_heading')}**")
            admin.access_switch(viewer, person)
            st.caption(t("admin.disable_note"))
        with password_box:
            st.markdown(f"**{t('admin.reset_heading')}**")
            admin.password_reset_form(viewer, person)
            st.caption(t("admin.reset_note"))

with thresholds_tab:
    st.caption(t("admin.thresholds_caption"))
    admin.threshold_legend(viewer)
    admin.thresholds_form(viewer)

with links_tab:
    admin.share_links(viewer)

with frameworks_tab:
    st.caption(t("admin.frameworks_caption"))
    frameworks = admin.frameworks(viewer)
    admin.framework_list(viewer, frameworks)
    new_framework, new_point = st.columns(2, border=True)
    with new_framework:
        st.markdown(f"**{t('admin.framework_create_heading')}**")
        admin.framework_form(viewer)
    with new_point:
        st.markdown(f"**{t('admin.point_add_heading')}**")
        admin.point_form(viewer, frameworks)

with audit_tab:
    admin.audit_filters(viewer)
    admin.audit_log(viewer)
