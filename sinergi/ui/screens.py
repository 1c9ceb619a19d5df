"""Screens drawn for a viewer: the overview and a program's detail, shared by their own pages and by
the read-only pages behind share links."""

import functools
import math
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pandas as pd
import streamlit as st

import models as m
from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.i18n.formatting import long_date, number, rupiah
from sinergi.i18n.texts import feedback_status_text
from sinergi.reads import compliance as compliance_reads
from sinergi.reads import overview, programs, queries
from sinergi.reads.filters import Filters, filter_options
from sinergi.reports import charts
from sinergi.reports.rendering import STATE_LEGEND_KEYS
from sinergi.rules.achievement import Thresholds
from sinergi.ui import lang, t, tables
from sinergi.ui.evidence import program_evidence
from sinergi.worlds import demo

# The columns of the indicators' CSV download, beside their chart.
INDICATOR_CSV_COLUMNS = [
    "indicator",
    "unit",
    "period",
    "target",
    "actual",
    "achievement",
    "status",
    "gap",
    "state",
    "baseline",
]


def decimal_texts(language: str) -> Callable[[float | None], str]:
    """``number(value, language, decimals=2)``, made fast for the semester table's many cells.

    Babel looks the locale's symbols up again for every number; they are taken once here (from one
    number Babel wrote) and the rounding is Babel's: half to even, on the decimal the float prints as.
    """
    sample = number(1234.5, language, decimals=2)  # "1.234,5" or "1,234.5"
    group, point = sample[1], sample[5]
    cent = Decimal("0.01")

    def text(value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return number(value, language, decimals=2)
        whole, _, fraction = f"{Decimal(str(value)).quantize(cent, ROUND_HALF_EVEN):,.2f}".partition(".")
        fraction = fraction.rstrip("0")
        whole = whole.replace(",", group)
        return f"{whole}{point}{fraction}" if fraction else whole

    return text


def _indicators_csv(panels: list[charts.IndicatorPanel]) -> pd.DataFrame:
    rows = [row for panel in panels for row in panel.rows]
    return pd.DataFrame(rows, columns=INDICATOR_CSV_COLUMNS)


def overview_screen(viewer: Viewer, filters: Filters | None = None) -> None:
    """Tiles, achievement by pillar and company, the trend and places; with a filter bar and a share
    form unless ``filters`` are given (a shared view keeps the filters it was shared with)."""
    st.title(t("overview.title"))
    if ui.read(demo.holds_demo_data):
        st.caption(f":material/info: {t('app.demo_notice')}")

    if filters is None:
        filters = ui.filter_bar(ui.read(filter_options, viewer=viewer), fields=ui.FIGURE_FILTER_FIELDS)
        company = viewer.company_id if viewer.role is m.Role.COMPANY else filters.company_id
        ui.share_form(viewer, company_id=company, program_id=None, filters=filters)
    thresholds = ui.read(queries.thresholds, viewer=viewer)
    counts = ui.read(queries.database_counts, viewer=viewer)
    if counts.is_empty:
        st.info(t("overview.empty"))
        st.stop()

    tiles = ui.read(overview.overview_tiles, viewer=viewer, filters=filters, thresholds=thresholds)
    if tiles.programs == 0:
        st.info(t("filter.no_match"))
        st.stop()

    framework = ui.read(queries.framework_for_overview, viewer=viewer, regency_id=filters.regency_id)
    compliance = (
        ui.read(
            compliance_reads.compliance_summary, viewer=viewer, framework_id=framework.id, today=date.today()
        )
        if framework
        else None
    )

    if filters.verified_only or viewer.verified_only:
        st.caption(f":material/verified: {t('state.verified_only_shown')}")
    _overview_tiles(tiles, framework, compliance)
    _achievement_charts(viewer, filters, thresholds, tiles.period)
    _trend_chart(viewer, filters, thresholds)
    _places(viewer, filters)


def _overview_tiles(
    tiles: overview.OverviewTiles,
    framework: m.Framework | None,
    compliance: compliance_reads.ComplianceSummary | None,
) -> None:
    """The two rows of tiles: programs, people and budget; results, meetings, feedback, compliance."""
    row = st.columns(4)
    ui.progress_metric(
        row[0],
        t("overview.tile.programs"),
        tiles.programs_active,
        tiles.programs,
        help=t("overview.help.programs"),
    )
    ui.progress_metric(row[1], t("overview.tile.families"), tiles.families_reached, tiles.families_planned)
    ui.progress_metric(row[2], t("overview.tile.people"), tiles.people_reached, tiles.people_planned)
    ui.budget_metric(
        row[3], tiles.budget_year or t("overview.all_years"), tiles.budget_spent, tiles.budget_planned
    )
    # What was reported beside what is on target, both of the indicators due in the period: an
    # indicator nobody reported counts against both rather than dropping out of them.
    results_row = st.columns(5)
    period = tiles.period or "–"
    # Each results tile says how many of its figures an agency has verified, beneath it and in its help.
    for column, title, about, count, verified in (
        (
            results_row[0],
            t("overview.tile.reported", period=period),
            t("overview.help.reported"),
            tiles.results_reported,
            tiles.results_reported_verified,
        ),
        (
            results_row[1],
            t("overview.tile.on_track", period=period),
            t("overview.help.on_track"),
            tiles.results_on_track,
            tiles.results_on_track_verified,
        ),
    ):
        ui.progress_metric(
            column,
            title,
            count,
            tiles.results_due,
            help=about + "\n\n" + _verified_text(verified, count),
        )
        if count:
            column.caption(_verified_text(verified, count))
    results_row[2].metric(t("overview.tile.meetings"), number(tiles.meetings, lang()))
    ui.progress_metric(
        results_row[3],
        t("overview.tile.feedback_closed"),
        tiles.feedback_closed,
        tiles.feedback_items,
        help=t("overview.help.feedback_closed"),
    )
    if framework and compliance:
        ui.progress_metric(
            results_row[4],
            t("overview.tile.compliance"),
            compliance.met,
            compliance.applicable,
            help=ui.t_plain("overview.help.compliance", name=framework.name),
        )


def _verified_text(verified: int, count: int) -> str:
    return t("state.verified_of", verified=number(verified, lang()), count=number(count, lang()))


def _achievement_charts(viewer: Viewer, filters: Filters, thresholds: Thresholds, period: str | None) -> None:
    """The shares of the period's indicators by status, not reported among them, by pillar beside by
    company."""
    status_labels = ui.labels("achievement", charts.SHARE_COLOURS)
    left, right = st.columns(2)
    for column, group, title_key in (
        (left, "pillar", "overview.by_pillar"),
        (right, "company", "overview.by_company"),
    ):
        with column:
            st.subheader(t(title_key, period=period or "–"))
            data = ui.read(
                overview.achievement_by, viewer=viewer, filters=filters, thresholds=thresholds, group=group
            )
            if data.empty:
                st.info(t("overview.no_results"))
                continue
            if group == "pillar":
                data = data.assign(group=data["group"].map(lambda v: ui.label("pillar", v)))
            data = data.assign(status_label=data["status"].map(status_labels))
            group_title = t("filter.pillar" if group == "pillar" else "filter.company")
            chart = charts.status_share_bars(
                data,
                group="group",
                group_title=group_title,
                status_labels=status_labels,
                share_title=t("overview.share_of_results"),
                description=t(
                    "chart.status_share",
                    group=group_title.lower(),
                    statuses=", ".join(status_labels.values()),
                ),
                state_labels={
                    "verified": t("state.legend_verified"),
                    "unverified": t("state.legend_unverified"),
                },
                state_title=t("state.legend"),
            )
            ui.chart_block(chart, data, name=f"achievement-by-{group}")


def _trend_chart(viewer: Viewer, filters: Filters, thresholds: Thresholds) -> None:
    st.subheader(t("overview.trend"))
    trend = ui.read(overview.achievement_trend, viewer=viewer, filters=filters, thresholds=thresholds)
    if trend.empty:
        st.info(t("overview.no_results"))
    else:
        ui.chart_block(
            charts.trend_line(
                trend,
                period_title=t("filter.period"),
                value_title=t("overview.average_achievement"),
                reported_title=t("overview.reported_share"),
                verified_title=t("state.verified_share"),
                description=t("chart.trend"),
            ),
            trend,
            name="achievement-trend",
        )
        st.caption(t("overview.trend_note"))


def _places(viewer: Viewer, filters: Filters) -> None:
    """Where the programs work: a chart by regency and, once asked for, the list of villages."""
    st.subheader(t("overview.where"))
    places = ui.read(overview.places_by_regency, viewer=viewer, filters=filters)
    if places.by_regency.empty:
        st.info(t("overview.no_places"))
    else:
        by_regency = places.by_regency
        left, right = st.columns([2, 3])
        with left:
            ui.chart_block(
                charts.count_bars(
                    by_regency,
                    category="regency",
                    value="programs",
                    category_title=t("filter.regency"),
                    value_title=t("overview.program_villages"),
                    description=ui.bars_description(t("overview.program_villages"), t("filter.regency")),
                ),
                by_regency,
                name="programs-by-regency",
            )
        # The village list is drawn once asked for: at a regency's scale it holds hundreds of rows,
        # and a table is what costs a first view in the browser most after the charts.
        villages = right.expander(
            t("overview.village_list", count=number(places.villages, lang())),
            icon=":material/table:",
            key="villages-open",
            on_change="rerun",
        )
        if villages.open:
            villages.dataframe(
                ui.read(overview.program_locations, viewer=viewer, filters=filters),
                hide_index=True,
                width="stretch",
                column_config={
                    "regency": t("filter.regency"),
                    "district": t("overview.district"),
                    "village": t("overview.village"),
                    "programs": st.column_config.NumberColumn(t("count.programs"), format="%d"),
                    "families_reached": st.column_config.NumberColumn(
                        t("overview.families_reached"), format="%d"
                    ),
                },
                placeholder="–",
            )


def _semester_table(
    by_indicator: dict[int, list[dict[str, Any]]], number_text: Callable[[float | None], str]
) -> pd.DataFrame:
    """Indicators by semester, each cell "actual / target" and its result's state (✔ verified, else the
    state's mark and word), a gap marked with ⚠️ (marks rather than colours: they survive a copy into a
    spreadsheet, a print in black and white, and colour blindness)."""
    cells: dict[str, dict[str, str]] = {}
    periods: set[str] = set()
    for records in by_indicator.values():
        for record in programs.semesters(records):
            state = record["state"]
            mark = ui.STATE_MARKS["verified"] if state == m.ResultState.VERIFIED else ui.state_badge(state)
            cell = f"{number_text(record['actual'])} / {number_text(record['target'])} {mark}"
            row = cells.setdefault(str(record["indicator"]), {})
            row[record["period"]] = f"⚠️ {cell}" if record["gap"] else cell
            periods.add(record["period"])
    columns = sorted(periods)
    # Plain Python text: a table of a few hundred short cells is built and sent faster so than as
    # pandas' Arrow-backed strings, which it would build column by column and convert once more.
    return pd.DataFrame(
        [[row.get(period) for period in columns] for row in cells.values()],
        index=list(cells),
        columns=columns,
        dtype=object,
    )


def program_tiles(profile: programs.ProgramProfile, to_date: pd.DataFrame) -> None:
    """A program's four tiles: families and people reached, the latest year's budget spent, and the
    indicators on track (``to_date`` as ``programs.indicators_to_date`` gives it)."""

    tiles = st.columns(4)
    ui.progress_metric(
        tiles[0],
        t("overview.tile.families"),
        profile.families_reached,
        profile.families_planned,
    )
    ui.progress_metric(
        tiles[1],
        t("overview.tile.people"),
        profile.men_reached + profile.women_reached,
        profile.men_planned + profile.women_planned,
        help=t(
            "program.by_sex",
            men=number(profile.men_reached, lang()),
            women=number(profile.women_reached, lang()),
        ),
    )
    if profile.budgets:
        year, planned, spent = profile.budgets[-1]
        ui.budget_metric(tiles[2], year, spent, planned)
    measured = to_date[to_date["status"] != "no_data"]
    verified = int((measured["state"] == m.ResultState.VERIFIED).sum())
    checked = t("state.verified_of", verified=number(verified, lang()), count=number(len(measured), lang()))
    ui.progress_metric(
        tiles[3],
        t("program.indicators_on_track"),
        int((measured["status"] == "on_track").sum()),
        len(measured),
        help=t("program.indicators_on_track_help") + "\n\n" + checked,
    )
    if len(measured):
        tiles[3].caption(checked)


def program_screen(viewer: Viewer, program_id: int | None, *, back_link: bool = True) -> None:
    """A program's facts and tiles, then in tabs: its indicators planned against achieved per semester,
    budget and beneficiaries, evaluations with their follow-up actions, and the feedback about it."""
    profile = (
        ui.read(programs.program_profile, viewer=viewer, program_id=program_id)
        if program_id is not None
        else None
    )
    if profile is None:
        st.title(t("nav.program"))
        st.info(t("program.not_found"))
        if back_link:
            st.page_link("pages/programs.py", label=t("program.back"), icon=":material/arrow_back:")
        st.stop()

    thresholds = ui.read(queries.thresholds, viewer=viewer)
    # A signed-in reader may narrow the figures to verified ones; a link shared so is always narrowed
    # (the reads apply the viewer's limit whatever is asked).
    verified_only = ui.verified_toggle(viewer) if back_link else viewer.verified_only
    by_indicator = programs.results_by_indicator(
        ui.read(
            programs.indicator_results,
            viewer=viewer,
            program_id=profile.id,
            thresholds=thresholds,
            verified_only=verified_only,
        )
    )
    to_date = programs.indicators_to_date(by_indicator, thresholds)

    if back_link:  # a signed-in reader, not a shared link
        links = st.container(horizontal=True)
        links.page_link("pages/programs.py", label=t("program.back"), icon=":material/arrow_back:")
        links.page_link(
            "pages/data.py",
            label=t("program.report_link"),
            icon=":material/picture_as_pdf:",
            # No tab in the link: this page's own tabs would take it from the address on the way.
            query_params={"program": str(profile.id)},
        )
    st.title(ui.plain(profile.name))
    facts = [
        ui.plain(profile.company),
        ui.label("pillar", profile.pillar),
        t("program.stage", stage=ui.label("stage", profile.stage)),
        f"{long_date(profile.start_date, lang())} – "
        + (long_date(profile.end_date, lang()) if profile.end_date else t("program.ongoing")),
    ]
    if profile.poverty_alleviation:
        facts.append(t("program.poverty"))
    st.caption(" · ".join(facts))
    if verified_only or viewer.verified_only:
        st.caption(f":material/verified: {t('state.verified_only_shown')}")
    if ui.read(demo.holds_demo_data):
        st.caption(f":material/info: {t('app.demo_notice')}")
    if profile.description:
        st.text(profile.description)

    program_tiles(profile, to_date)
    # Overdue follow-ups are said above the tabs, whichever one is open.
    actions = ui.read(programs.program_actions, viewer=viewer, program_id=profile.id, today=date.today())
    overdue = int(actions["overdue"].sum())
    if overdue:
        st.warning(
            t("program.actions_overdue", count=overdue, tab=t("program.tab.evaluations")),
            icon=":material/schedule:",
        )

    # A section per tab, the chosen one in the URL (…&tab=Masukan, a link to send); only it is drawn,
    # so a reader who came for the indicators does not wait for the budget, the evaluations' table
    # and the feedback.
    ui.url_tabs(
        {
            "program.tab.indicators": lambda: _indicator_section(profile, by_indicator, to_date),
            "program.tab.budget": lambda: _budget_section(profile),
            "program.tab.evaluations": lambda: _evaluation_section(actions),
            "program.tab.feedback": lambda: _feedback_section(viewer, profile),
            "program.tab.evidence": lambda: program_evidence(
                viewer, profile.id, verified_only=verified_only or viewer.verified_only
            ),
        }
    )


def _indicator_section(
    profile: programs.ProgramProfile, by_indicator: dict[int, list[dict[str, Any]]], to_date: pd.DataFrame
) -> None:
    """The indicators to date (as ``programs.indicators_to_date`` gives them), their semesters as one
    chart of a panel each, and as a table."""
    number_text = decimal_texts(lang())
    if not by_indicator:
        st.info(t("program.no_indicators"))
        return
    status_labels = ui.labels("achievement", charts.STATUS_COLOURS)
    state_labels = {state: t(STATE_LEGEND_KEYS[state]) for state in charts.STATE_FILL}
    _indicators_to_date(to_date, number_text)
    panels, gaps, without_results = _indicator_panels(by_indicator, number_text, status_labels, state_labels)
    if panels:
        ui.chart_block(
            charts.indicator_stack(
                panels,
                titles=charts.IndicatorTitles(
                    period=t("filter.period"),
                    actual=t("program.actual"),
                    target=t("program.target"),
                    baseline=t("program.baseline_short"),
                    state=t("state.legend"),
                ),
                status_labels=status_labels,
                state_labels=state_labels,
                description=t("chart.indicators"),
            ),
            functools.partial(_indicators_csv, panels),
            name=f"program-{profile.id}-indicators",
        )
    if gaps:
        st.warning("\n".join([t("program.gaps"), *gaps]), icon=":material/warning:")
    if without_results:
        st.info(t("program.no_results", indicators=", ".join(ui.plain(name) for name in without_results)))

    st.subheader(t("program.table"))
    st.dataframe(_semester_table(by_indicator, number_text), width="stretch", placeholder="–")
    st.caption(t("program.table_note") + " " + t("state.table_note"))


def _indicators_to_date(to_date: pd.DataFrame, number_text: Callable[[float | None], str]) -> None:
    """Each indicator's target, actual and achievement up to the latest semester, as a table."""
    # Figures as text written in the reader's language: a number column would follow the browser's
    # locale, and "2,400" reads as 2.4 in Indonesian.
    summary = to_date.assign(
        target=to_date["target"].map(number_text),
        actual=to_date["actual"].map(number_text),
        status=to_date["status"].map(ui.status_badge),
        achievement=to_date["achievement"] * 100,
        gap=to_date["gap"].map(lambda gap: "⚠️ " + t("program.gap") if gap else ""),
        state=to_date["state"].map(ui.state_badge),
    )
    st.dataframe(
        summary,
        hide_index=True,
        width="stretch",
        column_order=[
            "indicator",
            "unit",
            "up_to",
            "target",
            "actual",
            "achievement",
            "status",
            "state",
            "gap",
        ],
        column_config={
            "indicator": st.column_config.TextColumn(t("program.indicator"), width="large"),
            "unit": t("program.unit"),
            "up_to": t("program.up_to"),
            "target": st.column_config.TextColumn(t("program.target"), alignment="right"),
            "actual": st.column_config.TextColumn(t("program.actual"), alignment="right"),
            "achievement": st.column_config.ProgressColumn(
                t("programs.achievement"), format="%.0f%%", min_value=0, max_value=150
            ),
            "status": t("programs.status"),
            "state": st.column_config.TextColumn(t("state.column"), help=t("state.column_help")),
            "gap": t("program.gap_column"),
        },
        placeholder="–",
    )


def _indicator_panels(
    by_indicator: dict[int, list[dict[str, Any]]],
    number_text: Callable[[float | None], str],
    status_labels: dict[str, str],
    state_labels: dict[str, str],
) -> tuple[list[charts.IndicatorPanel], list[str], list[str]]:
    """A chart panel per indicator with results, the semesters below target (as Markdown list items of
    plain text) and the indicators without any result."""
    # One chart for all indicators, a panel each; the rows are walked as plain records, since
    # pandas' per-group overhead, repeated for every indicator, costs more than the few rows each has.
    panels: list[charts.IndicatorPanel] = []
    gaps: list[str] = []
    without_results: list[str] = []
    for records in by_indicator.values():
        first = records[0]
        heading = f"{first['indicator']} ({first['unit']})"
        with_periods = programs.semesters(records)
        if not with_periods:
            without_results.append(heading)
            continue
        baseline = (
            t("program.baseline", value=number_text(first["baseline"]), year=int(first["baseline_year"]))
            if pd.notna(first["baseline"]) and pd.notna(first["baseline_year"])
            else t("program.no_baseline")
        )
        about = [
            ui.label("indicator_kind", first["kind"]),
            ui.label("direction", first["direction"]),
            ui.label("accumulation", first["accumulation"]),
        ]
        panels.append(
            charts.IndicatorPanel(
                title=heading,
                subtitle=" · ".join([*about, baseline]),
                unit=str(first["unit"]),
                rows=[
                    row
                    | {
                        "status_label": status_labels[row["status"]],
                        "state_label": state_labels.get(str(row["state"]), "–"),
                    }
                    for row in with_periods
                ],
            )
        )
        below = [str(record["period"]) for record in with_periods if record["gap"]]
        if below:
            gaps.append(f"- {ui.plain(heading)}: {', '.join(below)}")
    return panels, gaps, without_results


def _budget_section(profile: programs.ProgramProfile) -> None:
    """Budget per year, families and people planned and reached, places, partners and SDGs."""
    left, right = st.columns(2)
    if profile.budgets:
        budget = pd.DataFrame(profile.budgets, columns=["year", "planned", "spent"])
        left.dataframe(
            budget.assign(
                planned=budget["planned"].map(lambda v: rupiah(v, lang())),
                spent=budget["spent"].map(lambda v: rupiah(v, lang())),
                share=(budget["spent"] / budget["planned"].where(budget["planned"] > 0)) * 100,
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "year": st.column_config.NumberColumn(t("filter.year"), format="%d"),
                "planned": t("program.budget_planned"),
                "spent": t("program.budget_spent"),
                "share": st.column_config.ProgressColumn(
                    t("program.absorbed"), format="%.0f%%", min_value=0, max_value=100
                ),
            },
            placeholder="–",
        )
    else:
        left.info(t("program.no_budget"))
    people = pd.DataFrame(
        {
            "group": [t("program.families"), t("program.men"), t("program.women")],
            "planned": [
                number(value, lang())
                for value in (profile.families_planned, profile.men_planned, profile.women_planned)
            ],
            "reached": [
                number(value, lang())
                for value in (profile.families_reached, profile.men_reached, profile.women_reached)
            ],
        }
    )
    right.dataframe(
        people,
        hide_index=True,
        width="stretch",
        column_config={
            "group": " ",
            "planned": st.column_config.TextColumn(t("program.planned"), alignment="right"),
            "reached": st.column_config.TextColumn(t("program.reached"), alignment="right"),
        },
        placeholder="–",
    )
    left, right = st.columns(2)
    left.markdown(
        f"**{t('program.places')}**  \n" + ("  \n".join(ui.plain(place) for place in profile.places) or "–")
    )
    right.markdown(
        f"**{t('program.partners')}**  \n"
        + (
            "  \n".join(
                f"{ui.plain(name)} ({ui.label('partner_role', role)})" for name, role in profile.partners
            )
            or "–"
        )
    )
    if profile.sdgs:
        st.caption(t("program.sdgs", sdgs=", ".join(str(s) for s in profile.sdgs)))


def _evaluation_section(actions: pd.DataFrame) -> None:
    """The follow-up actions of the program's evaluations (as ``programs.program_actions`` gives
    them), overdue ones marked."""
    if actions.empty:
        st.info(t("program.no_actions"))
    else:
        st.dataframe(
            actions.assign(
                held_on=actions["held_on"].map(lambda d: long_date(d, lang()) if pd.notna(d) else "–"),
                due_date=actions["due_date"].map(lambda d: long_date(d, lang()) if pd.notna(d) else "–"),
                status=[
                    ("⏰ " if overdue else "") + ui.label("action_status", status)
                    for status, overdue in zip(actions["status"], actions["overdue"], strict=True)
                ],
            ),
            hide_index=True,
            width="stretch",
            column_order=["action", "owner", "due_date", "status", "evaluation", "held_on", "period"],
            column_config={
                "evaluation": t("program.evaluation"),
                "held_on": t("program.held_on"),
                "period": t("filter.period"),
                "action": st.column_config.TextColumn(t("program.action"), width=tables.TEXT_WIDTH),
                "owner": t("program.owner"),
                "due_date": t("program.due"),
                "status": t("programs.status"),
            },
            placeholder="–",
        )


def _feedback_section(viewer: Viewer, profile: programs.ProgramProfile) -> None:
    """What stakeholders said about the program, and what became of it."""
    feedback = ui.read(programs.program_feedback, viewer=viewer, program_id=profile.id)
    if feedback.empty:
        st.info(t("program.no_feedback"))
    else:
        st.dataframe(
            feedback.assign(
                held_on=feedback["held_on"].map(lambda d: long_date(d, lang())),
                kind=feedback["kind"].map(lambda v: ui.label("feedback_kind", v)),
                status=[
                    feedback_status_text(status, reason, lang())
                    for status, reason in zip(feedback["status"], feedback["decline_reason"], strict=True)
                ],
            ),
            hide_index=True,
            width="stretch",
            column_order=["status", "text", "response", "held_on", "meeting", "source", "kind"],
            column_config={
                "held_on": t("program.held_on"),
                "meeting": t("program.meeting"),
                "source": t("program.source"),
                "kind": t("program.kind"),
                "text": st.column_config.TextColumn(t("program.said"), width=tables.TEXT_WIDTH),
                "response": st.column_config.TextColumn(t("program.response"), width=tables.TEXT_WIDTH),
                "status": t("programs.status"),
            },
            placeholder="–",
        )
