"""FGD live mode (/present?meeting=N): slides for a projector, the live wall, the input code and
moderation. Figures and the wall refresh on their own; the current slide stays."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from sinergi import ui
from sinergi.core import db
from sinergi.core.access import Viewer
from sinergi.core.errors import DomainError
from sinergi.i18n.formatting import long_date, number
from sinergi.reads import programs, queries
from sinergi.reports import charts
from sinergi.ui import label, lang, plain, screens, t
from sinergi.writes import live

REFRESH_SECONDS = 3
WALL_HEIGHT = 520

viewer = ui.signed_in_page()

# Large type for a room; the text is ours, never a participant's.
st.html(
    """<style>
    [data-testid="stMainBlockContainer"] { padding-top: 1rem; padding-bottom: 1rem; max-width: 100%; }
    [data-testid="stMetricValue"] { font-size: 2.6rem; }
    [data-testid="stMetricLabel"] p { font-size: 1.15rem; }
    .stMarkdown p, .stMarkdown li { font-size: 1.3rem; }
    [data-testid="stCaptionContainer"] p { font-size: 1.05rem; }
    h1 { font-size: 2.6rem !important; }
    .live-code { font-size: 3.2rem; font-weight: 700; letter-spacing: 0.3rem; font-family: monospace; }
    </style>"""
)


def fresh(query: Any, **arguments: Any) -> Any:
    """A query read anew on every refresh: the live figures change from other server processes too."""
    with db.read_session() as session:
        return query(session=session, **arguments)


def _back_to_app() -> None:
    """A way back to the app: the projector view shows no sidebar."""
    st.page_link("pages/overview.py", label=t("live.back_to_app"), icon=":material/arrow_back:")


def _pick_meeting() -> None:
    _back_to_app()
    st.title(t("live.title"))
    meetings = ui.read(live.runnable_meetings, viewer=viewer)
    if not meetings:
        st.info(t("live.no_meetings"))
        st.stop()
    names = {mid: f"{long_date(held, lang())} · {title}" for mid, title, held in meetings}
    chosen = st.selectbox(t("live.pick_meeting"), list(names), format_func=names.__getitem__)
    if st.button(t("live.present"), type="primary", icon=":material/co_present:"):
        st.query_params["meeting"] = str(chosen)
        st.rerun()
    st.stop()


meeting_id = ui.int_param("meeting")
if meeting_id is None:
    _pick_meeting()
    raise AssertionError("unreachable")  # _pick_meeting stops the run
try:
    # Read here rather than through the cache, whose refusal would end the run before the way back.
    meeting: live.LiveMeeting = fresh(live.live_meeting, viewer=viewer, meeting_id=meeting_id)
except DomainError as error:
    st.error(t(error.key, **error.values), icon=":material/block:")
    _back_to_app()
    st.stop()

framework = (
    ui.read(queries.framework_for_overview, viewer=viewer, regency_id=meeting.regency_id)
    if meeting.regency_id is not None
    else None
)
slides: list[tuple[str, int | None]] = [
    ("welcome", None),
    *(("program", program_id) for program_id, _ in meeting.programs),
    *([("compliance", framework.id)] if framework is not None else []),
    ("wall", None),
]
slide_key = f"live-slide-{meeting.id}"
current = min(max(int(st.session_state.get(slide_key, 0)), 0), len(slides) - 1)
st.session_state[slide_key] = current


def _go(step: int) -> None:
    st.session_state[slide_key] = min(max(st.session_state[slide_key] + step, 0), len(slides) - 1)


def _tiles_strip(target: Any, counts: live.LiveCounts) -> None:
    cells = target.columns(3)
    cells[0].metric(t("live.attendance"), number(counts.attendee_count, lang()))
    cells[1].metric(t("live.checked_in"), number(counts.checked_in, lang()))
    cells[2].metric(t("live.approved"), number(counts.approved, lang()))


def _code_block(now: datetime) -> None:
    current_meeting: live.LiveMeeting = fresh(live.live_meeting, viewer=viewer, meeting_id=meeting_id)
    if not current_meeting.is_open(now) or current_meeting.code is None:
        st.info(t("live.not_open"), icon=":material/phonelink_off:")
        return
    url = live.feedback_url(st.context.url, current_meeting.code)
    st.image(live.qr_png(url), width=220)
    st.markdown(t("live.scan", url=plain(url.split("?")[0])))
    st.html(f'<div class="live-code" data-testid="live-code">{current_meeting.code}</div>')


def _welcome_slide(now: datetime) -> None:
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.title(meeting.title)
        st.caption(
            " · ".join(
                part
                for part in (
                    label("meeting_kind", meeting.kind),
                    long_date(meeting.held_on, lang()),
                    meeting.venue,
                )
                if part
            )
        )
        st.subheader(t("live.programs"))
        if meeting.programs:
            st.markdown("\n".join(f"- {plain(name)}" for _, name in meeting.programs))
        else:
            st.info(t("live.no_programs"))
        _tiles_strip(st, fresh(live.live_counts, viewer=viewer, meeting_id=meeting_id))
    with right:
        _code_block(now)


def _program_slide(program_id: int) -> None:
    profile = ui.read(programs.program_profile, viewer=viewer, program_id=program_id)
    if profile is None:
        st.info(t("program.not_found"))
        return
    thresholds = ui.read(queries.thresholds)
    results = ui.read(programs.indicator_results, viewer=viewer, program_id=program_id, thresholds=thresholds)
    by_indicator = programs.results_by_indicator(results)
    to_date = programs.indicators_to_date(by_indicator, thresholds)
    st.title(profile.name)
    st.caption(
        " · ".join(
            [
                profile.company,
                ui.label("pillar", profile.pillar),
                t("program.stage", stage=label("stage", profile.stage)),
            ]
        )
    )
    screens.program_tiles(profile, to_date)
    series_list = [series for records in by_indicator.values() if (series := programs.semesters(records))]
    if not series_list:
        st.info(t("program.no_indicators"))
        return
    status_labels = ui.labels("achievement", charts.STATUS_COLOURS)
    columns = st.columns(2, gap="large")
    for index, records in enumerate(series_list[:4]):
        first = records[0]
        with columns[index % 2]:
            st.markdown(f"**{plain(str(first['indicator']))}** ({plain(str(first['unit']))})")
            chart = charts.indicator_bullets(
                [record | {"status_label": status_labels[record["status"]]} for record in records],
                period_title=t("filter.period"),
                actual_title=t("program.actual"),
                target_title=t("program.target"),
                baseline_title=t("program.baseline_short"),
                unit=str(first["unit"]),
                status_labels=status_labels,
            )
            ui.draw_chart(chart, height=190)


def _compliance_slide(framework_id: int) -> None:
    assert framework is not None
    st.title(t("live.slide.compliance"))
    st.caption(framework.name)
    summary = ui.read(
        queries.compliance_summary, viewer=viewer, framework_id=framework_id, today=date.today()
    )
    tiles = st.columns(2)
    ui.progress_metric(
        tiles[0],
        t("live.compliance_met"),
        summary.met,
        summary.applicable,
    )
    tiles[1].metric(t("live.compliance_cells"), number(sum(n for _, n in summary.by_status), lang()))
    data = pd.DataFrame(
        [(label("compliance", status), n) for status, n in summary.by_status if n],
        columns=["status", "cells"],
    )
    if not data.empty:
        chart = charts.count_bars(
            data,
            category="status",
            value="cells",
            category_title=t("programs.status"),
            value_title=t("live.compliance_cells"),
        )
        ui.draw_chart(chart, height=260)


def _item_source(item: Any) -> str:
    """Under an item's text: its kind, and who sent it, for whom and about which program, if known."""
    who = (item.speaker, item.organisation, item.program)
    return " · ".join([label("feedback_kind", str(item.kind)), *(plain(str(part)) for part in who if part)])


def _wall_slide(now: datetime) -> None:
    counts: live.LiveCounts = fresh(live.live_counts, viewer=viewer, meeting_id=meeting_id)
    wall: pd.DataFrame = fresh(live.wall_items, viewer=viewer, meeting_id=meeting_id)
    left, right = st.columns([3, 1], gap="large")
    with left:
        st.title(t("live.slide.wall"))
        if wall.empty:
            st.info(t("live.wall_empty"), icon=":material/forum:")
        # Newest first; the wall scrolls within itself, the page keeps its place.
        cards = st.container(height=WALL_HEIGHT, border=False).columns(3)
        for index, item in enumerate(wall.itertuples(index=False)):
            with cards[index % 3].container(border=True):
                st.markdown(plain(str(item.text)))
                st.caption(_item_source(item))
    with right:
        _code_block(now)
        _tiles_strip(st.container(), counts)
        st.metric(t("live.received"), number(counts.received, lang()))
        kinds = pd.DataFrame(
            [(label("feedback_kind", kind), n) for kind, n in counts.by_kind if n], columns=["kind", "items"]
        )
        if not kinds.empty:
            st.caption(t("live.by_kind"))
            st.dataframe(
                kinds,
                hide_index=True,
                width="stretch",
                column_config={"kind": t("live.axis.kind"), "items": t("live.axis.items")},
            )
        types = pd.DataFrame(
            [(label("org_type", org_type), n) for org_type, n in counts.by_org_type],
            columns=["type", "items"],
        )
        if not types.empty:
            st.caption(t("live.by_org_type"))
            st.dataframe(
                types,
                hide_index=True,
                width="stretch",
                column_config={"type": t("live.axis.org_type"), "items": t("live.axis.items")},
            )


@st.fragment(run_every=timedelta(seconds=REFRESH_SECONDS))
def live_slide(kind: str) -> None:
    """The welcome slide or the wall, redrawn every few seconds with who came and what they sent."""
    now = datetime.now(UTC)
    if kind == "welcome":
        _welcome_slide(now)
    else:
        _wall_slide(now)


def slide_view() -> None:
    """The current slide: a program's or the compliance figures once, the live ones kept fresh."""
    kind, ref = slides[st.session_state[slide_key]]
    if kind == "program" and ref is not None:
        _program_slide(ref)
    elif kind == "compliance" and ref is not None:
        _compliance_slide(ref)
    else:
        live_slide(kind)


bar = st.container(horizontal=True, vertical_alignment="center")
bar.button(
    t("live.prev"),
    icon=":material/arrow_back:",
    shortcut="Left",
    on_click=_go,
    args=(-1,),
    disabled=current == 0,
    key="live-prev",
)
bar.caption(t("live.slide_of", n=current + 1, total=len(slides)))
bar.button(
    t("live.next"),
    icon=":material/arrow_forward:",
    shortcut="Right",
    on_click=_go,
    args=(1,),
    disabled=current == len(slides) - 1,
    key="live-next",
)
slide_view()


_PANEL_ERROR = "live-panel-error"


def _act(action: Any) -> None:
    """Run a facilitator's action (a button's callback); keep the reason if it is refused."""
    ui.run_command(action, refused=_keep_panel_error)


def _keep_panel_error(error: DomainError) -> None:
    st.session_state[_PANEL_ERROR] = ui.refusal(error)


def _open_input(viewer: Viewer) -> None:
    now = datetime.now(UTC)
    hours = int(st.session_state.get("live-open-hours", live.DEFAULT_OPEN_HOURS))
    _act(
        lambda s: live.open_input(
            session=s, viewer=viewer, meeting_id=meeting.id, now=now, open_until=now + timedelta(hours=hours)
        )
    )


def _close_input(viewer: Viewer) -> None:
    _act(lambda s: live.close_input(session=s, viewer=viewer, meeting_id=meeting.id, now=datetime.now(UTC)))


def _moderate(viewer: Viewer, item_ids: list[int], moderation: str) -> None:
    _act(
        lambda s: live.moderate(
            session=s, viewer=viewer, item_ids=item_ids, moderation=moderation, now=datetime.now(UTC)
        )
    )


@st.fragment(run_every=timedelta(seconds=REFRESH_SECONDS))
def control_panel(viewer: Viewer) -> None:
    """Open or close input, and approve or hide what came in."""
    now = datetime.now(UTC)
    refused = st.session_state.pop(_PANEL_ERROR, None)
    if refused:
        st.error(refused, icon=":material/block:")
    state: live.LiveMeeting = fresh(live.live_meeting, viewer=viewer, meeting_id=meeting_id)
    if state.is_open(now) and state.open_until is not None:
        minutes = max(1, int((state.open_until - now).total_seconds() // 60))
        st.success(t("live.open_left", code=state.code, minutes=number(minutes, lang())))
        st.button(
            t("live.close"), icon=":material/lock:", key="live-close", on_click=_close_input, args=(viewer,)
        )
    else:
        if state.code is not None:
            st.info(t("live.closed"))
        row = st.container(horizontal=True, vertical_alignment="bottom")
        row.number_input(
            t("live.open_hours"),
            min_value=1,
            max_value=live.MAX_OPEN_HOURS,
            value=live.DEFAULT_OPEN_HOURS,
            key="live-open-hours",
        )
        row.button(
            t("live.open"),
            type="primary",
            icon=":material/qr_code_2:",
            key="live-open",
            on_click=_open_input,
            args=(viewer,),
        )

    st.subheader(t("live.moderation"))
    pending: pd.DataFrame = fresh(live.pending_items, viewer=viewer, meeting_id=meeting_id)
    if pending.empty:
        st.caption(t("live.no_pending"))
    else:
        top = st.container(horizontal=True, vertical_alignment="center")
        top.markdown(t("live.pending_count", count=number(len(pending), lang())))
        top.button(
            t("live.approve_all"),
            type="primary",
            icon=":material/done_all:",
            key="live-approve-all",
            on_click=_moderate,
            args=(viewer, [int(i) for i in pending["id"]], "approved"),
        )
        for item in pending.head(50).itertuples(index=False):
            with st.container(border=True, horizontal=True, vertical_alignment="center"):
                st.markdown(f"{plain(str(item.text))}  \n:gray[{_item_source(item)}]", width="stretch")
                item_id = int(item.id)
                st.button(
                    t("live.approve"),
                    key=f"live-approve-{item_id}",
                    icon=":material/check:",
                    on_click=_moderate,
                    args=(viewer, [item_id], "approved"),
                )
                st.button(
                    t("live.hide"),
                    key=f"live-hide-{item_id}",
                    icon=":material/visibility_off:",
                    on_click=_moderate,
                    args=(viewer, [item_id], "hidden"),
                )
    st.caption(t("live.follow_up"))


# A switch rather than an expander: it stays as it was through every rerun.
if st.toggle(t("live.control"), key="live-control"):
    control_panel(viewer)
