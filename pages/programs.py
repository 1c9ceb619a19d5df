"""Programs: a searchable, sortable table with status badges; a click opens the program's detail."""

from datetime import date

import streamlit as st

from sinergi import ui
from sinergi.reads import programs, queries
from sinergi.reads.filters import filter_options
from sinergi.ui import t

viewer = ui.signed_in_page()

st.title(t("programs.title"))
filters = ui.filter_bar(ui.read(filter_options, viewer=viewer))
search = ui.search_box(t("programs.search"), param="q")
table = ui.read(
    programs.program_table,
    viewer=viewer,
    filters=filters,
    thresholds=ui.read(queries.thresholds),
    today=date.today(),
)
if search:
    needle = search.casefold()
    table = table[
        table["name"].str.casefold().str.contains(needle, regex=False)
        | table["company"].str.casefold().str.contains(needle, regex=False)
    ]

if table.empty:
    st.info(t("programs.empty") if ui.read(queries.database_counts).programs == 0 else t("filter.no_match"))
    st.stop()

st.caption(t("programs.count", count=len(table)))
# Two thousand programs share a handful of pillars, stages and statuses: each word is looked up once.
shown = table.assign(
    link="/program?id=" + table["id"].astype(str),
    pillar=table["pillar"].map(ui.labels("pillar", table["pillar"].unique())),
    stage=table["stage"].map(ui.labels("stage", table["stage"].unique())),
    status=table["status"].map({status: ui.status_badge(status) for status in table["status"].unique()}),
    achievement=table["achievement"] * 100,
)
selection = st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    height=min(38 + 35 * len(shown), 640),
    column_order=[
        "link",
        "name",
        "company",
        "pillar",
        "stage",
        "poverty_alleviation",
        "status",
        "achievement",
        "gaps",
        "overdue_actions",
    ],
    column_config={
        "link": st.column_config.LinkColumn(" ", display_text=t("programs.open"), width="small"),
        "name": st.column_config.TextColumn(t("programs.name"), width="large"),
        "company": t("filter.company"),
        "pillar": t("filter.pillar"),
        "stage": t("programs.stage"),
        "poverty_alleviation": st.column_config.CheckboxColumn(t("programs.poverty")),
        "status": t("programs.status"),
        "achievement": st.column_config.ProgressColumn(
            t("programs.achievement"), format="%.0f%%", min_value=0, max_value=150
        ),
        "gaps": st.column_config.NumberColumn(t("programs.gaps"), help=t("programs.gaps_help"), format="%d"),
        "overdue_actions": st.column_config.NumberColumn(
            t("programs.overdue"), help=t("programs.overdue_help"), format="%d"
        ),
    },
    on_select="rerun",
    selection_mode="single-row",
    key="program-table",
)
rows = selection.selection.rows if selection else []
if rows:
    st.switch_page("pages/program.py", query_params={"id": str(int(shown.iloc[rows[0]]["id"]))})
