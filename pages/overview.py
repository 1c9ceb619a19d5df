"""Overview (ringkasan): tiles, achievement by pillar and company, the trend, and where programs work."""

from datetime import date

import streamlit as st

from domain import charts, overview, queries, ui
from domain.filters import filter_options
from domain.formatting import number, rupiah, rupiah_short
from domain.ui import lang, t

viewer = ui.signed_in_page()

st.title(t("overview.title"))
if ui.read(queries.holds_demo_data):
    st.caption(f":material/info: {t('app.demo_notice')}")

filters = ui.filter_bar(ui.read(filter_options, viewer=viewer))
thresholds = ui.read(queries.thresholds)
counts = ui.read(queries.database_counts)
if counts.is_empty:
    st.info(t("overview.empty"))
    st.stop()

tiles = ui.read(overview.overview_tiles, viewer=viewer, filters=filters, thresholds=thresholds)
if tiles.programs == 0:
    st.info(t("filter.no_match"))
    st.stop()

framework = ui.read(queries.framework_for_overview, viewer=viewer, regency_id=filters.regency_id)
compliance = (
    ui.read(queries.compliance_summary, viewer=viewer, framework_id=framework.id, today=date.today())
    if framework
    else None
)


def count(value: float) -> str:
    return number(value, lang())


def money(value: float) -> str:
    return rupiah_short(value, lang())


row = st.columns(4)
ui.progress_metric(
    row[0],
    t("overview.tile.programs"),
    tiles.programs_active,
    tiles.programs,
    formatter=count,
    help=t("overview.help.programs"),
)
ui.progress_metric(
    row[1], t("overview.tile.families"), tiles.families_reached, tiles.families_planned, formatter=count
)
ui.progress_metric(
    row[2], t("overview.tile.people"), tiles.people_reached, tiles.people_planned, formatter=count
)
ui.progress_metric(
    row[3],
    t("overview.tile.budget", year=tiles.budget_year or t("overview.all_years")),
    tiles.budget_spent,
    tiles.budget_planned,
    formatter=money,
    help=t(
        "overview.help.budget",
        spent=rupiah(tiles.budget_spent, lang()),
        planned=rupiah(tiles.budget_planned, lang()),
    ),
)
row = st.columns(4)
ui.progress_metric(
    row[0],
    t("overview.tile.on_track", period=tiles.period or "–"),
    tiles.results_on_track,
    tiles.results_with_data,
    formatter=count,
    help=t("overview.help.on_track"),
)
row[1].metric(t("overview.tile.meetings"), count(tiles.meetings))
ui.progress_metric(
    row[2], t("overview.tile.feedback_closed"), tiles.feedback_closed, tiles.feedback_items, formatter=count
)
if framework and compliance:
    ui.progress_metric(
        row[3],
        t("overview.tile.compliance"),
        compliance.met,
        compliance.applicable,
        formatter=count,
        help=t("overview.help.compliance", name=framework.name),
    )

status_labels = ui.labels("achievement", charts.STATUS_COLOURS)
left, right = st.columns(2)
for column, group, title_key in (
    (left, "pillar", "overview.by_pillar"),
    (right, "company", "overview.by_company"),
):
    with column:
        st.subheader(t(title_key, period=tiles.period or "–"))
        data = ui.read(
            overview.achievement_by, viewer=viewer, filters=filters, thresholds=thresholds, group=group
        )
        if data.empty:
            st.info(t("overview.no_results"))
            continue
        if group == "pillar":
            data = data.assign(group=data["group"].map(lambda v: ui.label("pillar", v)))
        data = data.assign(status_label=data["status"].map(status_labels))
        chart = charts.status_share_bars(
            data,
            group="group",
            group_title=t("filter.pillar" if group == "pillar" else "filter.company"),
            status_labels=status_labels,
            share_title=t("overview.share_of_results"),
        )
        ui.chart_block(chart, data, name=f"achievement-by-{group}")

st.subheader(t("overview.trend"))
trend = ui.read(overview.achievement_trend, viewer=viewer, filters=filters, thresholds=thresholds)
if trend.empty:
    st.info(t("overview.no_results"))
else:
    ui.chart_block(
        charts.trend_line(
            trend, period_title=t("filter.period"), value_title=t("overview.average_achievement")
        ),
        trend,
        name="achievement-trend",
    )
    st.caption(t("overview.trend_note"))

st.subheader(t("overview.where"))
places = ui.read(overview.program_locations, viewer=viewer, filters=filters)
if places.empty:
    st.info(t("overview.no_places"))
else:
    by_regency = places.groupby("regency", as_index=False)["programs"].sum()
    left, right = st.columns([2, 3])
    with left:
        ui.chart_block(
            charts.count_bars(
                by_regency,
                category="regency",
                value="programs",
                category_title=t("filter.regency"),
                value_title=t("overview.program_villages"),
            ),
            by_regency,
            name="programs-by-regency",
        )
    right.dataframe(
        places,
        hide_index=True,
        width="stretch",
        column_config={
            "regency": t("filter.regency"),
            "district": t("overview.district"),
            "village": t("overview.village"),
            "programs": st.column_config.NumberColumn(t("count.programs"), format="%d"),
            "families_reached": st.column_config.NumberColumn(t("overview.families_reached"), format="%d"),
        },
    )
