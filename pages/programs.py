"""Programs: a searchable, sortable table with status badges; a click opens the program's detail."""

import streamlit as st

from sinergi import ui
from sinergi.ui import programs, t, tables

viewer = ui.signed_in_page()

st.title(t("programs.title"))
filters = ui.viewer_filters(viewer, fields=ui.FIGURE_FILTER_FIELDS)
search = ui.search_box(t("programs.search"), param="q")
total = programs.program_count(viewer, filters, search)
if not total:
    st.info(programs.empty_list_notice(viewer))
    st.stop()

st.caption(programs.count_line(total))
shown, everything = programs.listed_programs(viewer, filters, search)
options = dict(
    column_order=[
        "link",
        "name",
        "status",
        "achievement",
        "checked",
        "gaps",
        "overdue_actions",
        "company",
        "pillar",
        "stage",
        "poverty_alleviation",
    ],
    column_config={
        "link": st.column_config.LinkColumn(" ", display_text=t("programs.open"), width="small"),
        "name": st.column_config.TextColumn(t("programs.name"), width="medium"),
        "company": t("filter.company"),
        "pillar": t("filter.pillar"),
        "stage": t("programs.stage"),
        "poverty_alleviation": st.column_config.CheckboxColumn(t("programs.poverty")),
        "status": t("programs.status"),
        "achievement": st.column_config.ProgressColumn(
            t("programs.achievement"), format="%.0f%%", min_value=0, max_value=150
        ),
        "checked": st.column_config.TextColumn(t("state.column")),
        "gaps": st.column_config.NumberColumn(t("programs.gaps"), help=t("programs.gaps_help"), format="%d"),
        "overdue_actions": st.column_config.NumberColumn(
            t("programs.overdue"), help=t("programs.overdue_help"), format="%d"
        ),
    },
)
selection = tables.table(
    shown,
    name="programs",
    rows=lambda: tables.as_shown(everything(), options),
    total=total,
    hide_index=True,
    width="stretch",
    height=tables.height(len(shown), most=640),
    on_select="rerun",
    selection_mode="single-row",
    key="program-table",
    **options,
)
rows = selection.selection.rows if selection else []
if rows:
    st.switch_page("pages/program.py", query_params={"id": str(int(shown.iloc[rows[0]]["id"]))})
