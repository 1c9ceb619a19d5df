"""The reporting screen: per company and semester, the indicators due, reported, submitted, verified and
missing, and on a click the names of what a company has not reported."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.i18n.formatting import number
from sinergi.reads import queries, reporting
from sinergi.reads.filters import Filters, filter_options
from sinergi.ui import lang, t, tables

# Rows of the company × semester table drawn on the page.
SHOWN_ROWS = 500


def reporting_screen(viewer: Viewer) -> None:
    """Filters, the period's totals, the company × semester table and the missing names of a row."""
    st.title(t("reporting.title"))
    st.caption(t("reporting.intro"))
    filters = ui.filter_bar(ui.read(filter_options, viewer=viewer))
    table = ui.read(reporting.completeness, viewer=viewer, filters=filters, at_least=SHOWN_ROWS)
    if table.empty:
        nothing_yet = ui.read(queries.database_counts, viewer=viewer).programs == 0
        st.info(t("reporting.empty") if nothing_yet else t("filter.no_match"))
        st.stop()
    _totals(table)
    row = _company_table(viewer, table, filters)
    if row is None:
        st.caption(t("reporting.pick_row"))
        return
    _missing_names(viewer, filters, row)


def _totals(table: pd.DataFrame) -> None:
    """The newest semester of the table: companies that reported everything due, indicators reported."""
    latest = str(table["period"].max())
    rows = table[table["period"] == latest]
    tiles = st.columns(3)
    ui.progress_metric(
        tiles[0],
        t("reporting.tile.complete", period=latest),
        int((rows["missing"] == 0).sum()),
        len(rows),
        help=t("reporting.help.complete"),
    )
    ui.progress_metric(
        tiles[1],
        t("reporting.tile.reported", period=latest),
        int(rows["reported"].sum()),
        int(rows["due"].sum()),
    )
    ui.progress_metric(
        tiles[2],
        t("reporting.tile.verified", period=latest),
        int(rows["verified"].sum()),
        int(rows["due"].sum()),
    )


def _company_table(viewer: Viewer, table: pd.DataFrame, filters: Filters) -> pd.Series | None:
    """The table of companies by semester (its first rows; all of them in the download); the row the
    reader selected, if any."""
    count = (
        len(table)
        if len(table) < SHOWN_ROWS
        else ui.read(reporting.completeness_count, viewer=viewer, filters=filters)
    )
    st.caption(t("reporting.count", count=number(count, lang())))
    # The rows most in need first: a province's companies by semester are all in the download.
    shown = table.head(SHOWN_ROWS).assign(share_reported=table["share_reported"].head(SHOWN_ROWS) * 100)
    counts = {
        name: st.column_config.NumberColumn(title, help=help_text, format="%d")
        for name, title, help_text in (
            ("due", t("reporting.due"), t("reporting.due_help")),
            ("reported", t("reporting.reported"), t("reporting.reported_help")),
            ("submitted", t("reporting.submitted"), t("reporting.submitted_help")),
            ("verified", t("reporting.verified"), t("reporting.verified_help")),
            ("missing", t("reporting.missing"), t("reporting.missing_help")),
        )
    }
    # The selection is kept per set of filters: the same row number means another row once they change.
    key = "reporting-table-" + "-".join(f"{k}.{v}" for k, v in sorted(filters.query_params().items()))
    selection = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=tables.height(len(shown), most=640),
        column_order=[column for column in reporting.COMPLETENESS_COLUMNS if column != "company_id"],
        column_config={
            "company": st.column_config.TextColumn(t("filter.company"), width="large"),
            "period": t("filter.period"),
            **counts,
            "share_reported": st.column_config.ProgressColumn(
                t("reporting.share_reported"), format="%.0f%%", min_value=0, max_value=100
            ),
        },
        on_select="rerun",
        selection_mode="single-row",
        key=key,
        placeholder="–",
    )
    ui.rows_download(
        ui.read_later(reporting.completeness, viewer=viewer, filters=filters),
        name="reporting",
        shown=len(shown),
        total=count,
    )
    rows = selection.selection.rows if selection else []
    return shown.iloc[rows[0]] if rows else None


def _missing_names(viewer: Viewer, filters: Filters, row: pd.Series) -> None:
    """What the company of ``row`` has due in its semester and has not reported, program by program."""
    company, period = str(row["company"]), str(row["period"])
    st.subheader(t("reporting.missing_heading", company=ui.plain(company), period=period))
    missing = ui.read(
        reporting.missing_indicators,
        viewer=viewer,
        filters=filters,
        company_id=int(row["company_id"]),
        period=period,
    )
    if missing.empty:
        st.success(t("reporting.nothing_missing"))
        return
    no_entry = t("reporting.no_entry")
    shown = missing.assign(
        state=missing["state"].map(
            lambda state: ui.label("result_state", state) if isinstance(state, str) else no_entry
        )
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_order=["program", "indicator", "unit", "target", "state"],
        column_config={
            "program": st.column_config.TextColumn(t("reporting.program"), width="large"),
            "indicator": st.column_config.TextColumn(t("reporting.indicator"), width="large"),
            "unit": t("reporting.unit"),
            "target": st.column_config.NumberColumn(t("reporting.target")),
            "state": t("reporting.entry"),
        },
        placeholder="–",
    )
