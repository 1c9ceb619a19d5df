"""The live mode's parts (/present?meeting=N): choosing a meeting, its slides for a projector (the
welcome, each program, the compliance figures, the live wall) and the facilitator's control panel.
The welcome slide, the wall and the panel redraw themselves every few seconds."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple, TypeVar

import pandas as pd
import streamlit as st
from sqlmodel import Session

from sinergi import ui
from sinergi.core import spreadsheet, urls
from sinergi.core.access import Viewer
from sinergi.core.errors import DomainError
from sinergi.i18n.formatting import long_date, number
from sinergi.reads import compliance as compliance_reads
from sinergi.reads import engagement as engagement_reads
from sinergi.reads import programs, queries
from sinergi.reports import charts
from sinergi.reports import meeting as meeting_report
from sinergi.ui import compliance as compliance_ui
from sinergi.ui import label, lang, plain, screens, t, tables
from sinergi.writes import live, voting

REFRESH_SECONDS = 3
# A program's slide: how many indicator charts it shows, and how tall each is drawn.
SLIDE_INDICATORS = 2
SLIDE_CHART_HEIGHT = 300
# The options of a closed vote offered as follow-up actions, most dots first.
TOP_OPTIONS = 3
WALL_HEIGHT = 460
# The QR code, large enough to scan from a few rows back, small enough to leave the counts in view.
QR_WIDTH = 180
_PANEL_ERROR = "live-panel-error"

T = TypeVar("T")


class Slide(NamedTuple):
    """One slide: ``welcome``, ``program`` (``ref`` its id), ``compliance`` (``ref`` the framework's id,
    ``caption`` its name) or ``wall``."""

    kind: str
    ref: int | None = None
    caption: str = ""


def _fresh(query: Callable[..., T], **arguments: Any) -> T:
    """A query read anew on every refresh, past the cache: the live figures change from other server
    processes too."""
    return ui.read_later(query, **arguments)()


def back_to_app() -> None:
    """A way back to the app: the projector view shows no sidebar."""
    st.page_link("pages/overview.py", label=t("live.back_to_app"), icon=":material/arrow_back:")


def meeting_picker(viewer: Viewer, *, page: str) -> None:
    """The meetings ``viewer`` may run, and a button that opens the one chosen on ``page`` (the
    console or the audience view)."""
    meetings = ui.read(live.runnable_meetings, viewer=viewer)
    if not meetings:
        st.info(t("live.no_meetings"))
        return
    names = {mid: f"{long_date(held, lang())} · {plain(title)}" for mid, title, held in meetings}
    chosen = st.selectbox(t("live.pick_meeting"), list(names), format_func=names.__getitem__)
    label_key = "live.open_console" if page == "console" else "live.present"
    if st.button(t(label_key), type="primary", icon=":material/co_present:"):
        st.query_params["meeting"] = str(chosen)
        st.rerun()


def audience_address(meeting_id: int) -> str:
    """The audience view of the meeting, to open on the projector's screen."""
    return urls.page_url(st.context.url, f"present?meeting={meeting_id}")


def room_style() -> None:
    """Large type for a room; the text is ours, never a participant's."""
    st.html(
        """<style>
        [data-testid="stMainBlockContainer"] { padding-top: 1rem; padding-bottom: 1rem; max-width: 100%; }
        [data-testid="stMetricValue"] { font-size: 2.6rem; }
        [data-testid="stMetricLabel"] p { font-size: 1.15rem; }
        .stMarkdown p, .stMarkdown li { font-size: 1.3rem; }
        [data-testid="stCaptionContainer"] p { font-size: 1.05rem; }
        h1 { font-size: 2.4rem !important; }
        .live-code { font-size: 3.2rem; font-weight: 700; letter-spacing: 0.3rem; font-family: monospace; }
        </style>"""
    )


def live_meeting(viewer: Viewer, meeting_id: int) -> live.LiveMeeting | str:
    """The meeting to present, or why ``viewer`` may not, in the reader's language."""
    # Read here rather than through the cache, whose refusal would end the run before the way back.
    try:
        return _fresh(live.live_meeting, viewer=viewer, meeting_id=meeting_id)
    except DomainError as error:
        return ui.refusal(error)


def slides(viewer: Viewer, meeting: live.LiveMeeting) -> list[Slide]:
    """The welcome, a slide per program of the meeting, the compliance figures of its regency's
    framework if there is one, and the wall."""
    framework = (
        ui.read(queries.framework_for_overview, viewer=viewer, regency_id=meeting.regency_id)
        if meeting.regency_id is not None
        else None
    )
    ranking = _fresh(voting.current_ranking, viewer=viewer, meeting_id=meeting.id)
    return [
        Slide("welcome"),
        *(Slide("program", program_id) for program_id, _ in meeting.programs),
        *([Slide("compliance", framework.id, framework.name)] if framework is not None else []),
        *([Slide("vote", ranking.id)] if ranking is not None else []),
        Slide("wall"),
    ]


def slide_title(slide: Slide, meeting: live.LiveMeeting) -> str:
    """What a slide shows, in a word or two, for the console's list."""
    if slide.kind == "program":
        name = dict(meeting.programs).get(slide.ref or 0, "")
        return t("live.slide.program", name=plain(name))
    if slide.kind == "compliance":
        return t("live.slide.compliance")
    if slide.kind == "vote":
        return t("live.slide.vote")
    return t("live.slide.welcome") if slide.kind == "welcome" else t("live.slide.wall")


def shown_slide(meeting: live.LiveMeeting, count: int) -> int:
    """The slide the room sees: the console's, within the ``count`` there are."""
    return min(max(meeting.slide, 0), count - 1)


def show(viewer: Viewer, meeting_id: int, slide: int) -> None:
    """Show the room slide ``slide`` (a button's callback)."""
    now = datetime.now(UTC)
    _act(lambda s: live.show_slide(session=s, viewer=viewer, meeting_id=meeting_id, slide=slide, now=now))


def show_slide(viewer: Viewer, meeting: live.LiveMeeting, slide: Slide) -> None:
    """The slide as the room sees it."""
    if slide.kind == "program" and slide.ref is not None:
        _program_slide(viewer, slide.ref)
    elif slide.kind == "compliance" and slide.ref is not None:
        _compliance_slide(viewer, slide.ref, slide.caption)
    elif slide.kind == "welcome":
        _welcome_slide(viewer, meeting, datetime.now(UTC))
    elif slide.kind == "vote":
        _vote_slide(viewer, meeting.id)
    else:
        _wall_slide(viewer, meeting.id, datetime.now(UTC))


@st.fragment(run_every=timedelta(seconds=REFRESH_SECONDS))
def audience_view(viewer: Viewer, meeting_id: int) -> None:
    """What the room sees, and only that: the slide the console shows, approved items, the code.
    Redrawn every few seconds, so every screen showing it follows the console."""
    meeting = live_meeting(viewer, meeting_id)
    if isinstance(meeting, str):
        st.error(meeting, icon=":material/block:")
        return
    shown = slides(viewer, meeting)
    show_slide(viewer, meeting, shown[shown_slide(meeting, len(shown))])


def _tiles_strip(target: Any, counts: live.LiveCounts) -> None:
    cells = target.columns(3)
    cells[0].metric(t("live.attendance"), number(counts.attendee_count, lang()))
    cells[1].metric(t("live.checked_in"), number(counts.checked_in, lang()))
    cells[2].metric(t("live.approved"), number(counts.approved, lang()))


def _code_block(viewer: Viewer, meeting_id: int, now: datetime) -> None:
    """The code and its QR image while input is open."""
    meeting = _fresh(live.live_meeting, viewer=viewer, meeting_id=meeting_id)
    if not meeting.is_open(now) or meeting.code is None:
        if meeting.was_opened():
            st.info(t("live.input_closed"), icon=":material/lock:")
        else:
            st.info(t("live.not_open"), icon=":material/phonelink_off:")
        return
    url = live.feedback_url(st.context.url, meeting.code)
    st.image(live.qr_png(url), width=QR_WIDTH)
    st.markdown(t("live.scan", url=plain(url.split("?")[0])))
    st.html(f'<div class="live-code" data-testid="live-code">{meeting.code}</div>')


def _welcome_slide(viewer: Viewer, meeting: live.LiveMeeting, now: datetime) -> None:
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.title(plain(meeting.title))
        details = (label("meeting_kind", meeting.kind), long_date(meeting.held_on, lang()), meeting.venue)
        st.caption(" · ".join(plain(part) for part in details if part))
        st.subheader(t("live.programs"))
        if meeting.programs:
            st.markdown("\n".join(f"- {plain(name)}" for _, name in meeting.programs))
        else:
            st.info(t("live.no_programs"))
        _tiles_strip(st, _fresh(live.live_counts, viewer=viewer, meeting_id=meeting.id))
    with right:
        _code_block(viewer, meeting.id, now)


def _program_slide(viewer: Viewer, program_id: int) -> None:
    profile = ui.read(programs.program_profile, viewer=viewer, program_id=program_id)
    if profile is None:
        st.info(t("program.not_found"))
        return
    thresholds = ui.read(queries.thresholds, viewer=viewer)
    results = ui.read(programs.indicator_results, viewer=viewer, program_id=program_id, thresholds=thresholds)
    by_indicator = programs.results_by_indicator(results)
    to_date = programs.indicators_to_date(by_indicator, thresholds)
    st.title(plain(profile.name))
    stage = t("program.stage", stage=label("stage", profile.stage))
    st.caption(" · ".join([plain(profile.company), label("pillar", profile.pillar), stage]))
    screens.program_tiles(profile, to_date)
    series_list = [series for records in by_indicator.values() if (series := programs.semesters(records))]
    if not series_list:
        st.info(t("program.no_indicators"))
        return
    status_labels = ui.labels("achievement", charts.STATUS_COLOURS)
    # Two indicators a slide, large enough to read from the back of the room; the rest are named.
    columns = st.columns(SLIDE_INDICATORS, gap="large")
    for index, records in enumerate(series_list[:SLIDE_INDICATORS]):
        first = records[0]
        with columns[index]:
            st.markdown(f"**{plain(str(first['indicator']))}** ({plain(str(first['unit']))})")
            chart = charts.indicator_bullets(
                [record | {"status_label": status_labels[record["status"]]} for record in records],
                period_title=t("filter.period"),
                actual_title=t("program.actual"),
                target_title=t("program.target"),
                baseline_title=t("program.baseline_short"),
                unit=str(first["unit"]),
                status_labels=status_labels,
                description=t("chart.indicator", indicator=str(first["indicator"])),
            )
            ui.draw_chart(charts.for_room(chart), height=SLIDE_CHART_HEIGHT)
    if len(series_list) > SLIDE_INDICATORS:
        others = [str(records[0]["indicator"]) for records in series_list[SLIDE_INDICATORS:]]
        st.caption(t("live.more_indicators", names=", ".join(plain(name) for name in others)))


def _compliance_slide(viewer: Viewer, framework_id: int, framework_name: str) -> None:
    """Each company against each point, coloured by status and named: who has done what."""
    st.title(t("live.slide.compliance"))
    st.caption(plain(framework_name))
    today = date.today()
    summary = ui.read(
        compliance_reads.compliance_summary, viewer=viewer, framework_id=framework_id, today=today
    )
    ui.progress_metric(st, t("live.compliance_met"), summary.met, summary.applicable)
    matrix = ui.read(
        compliance_reads.compliance_matrix_frame, viewer=viewer, framework_id=framework_id, today=today
    )
    if matrix.empty:
        return
    chart, _ = compliance_ui.status_matrix(matrix, room=True)
    ui.draw_chart(chart)


def _item_source(item: Any) -> str:
    """Under an item's text: its kind, and who sent it, for whom and about which program, if known."""
    who = (item.speaker, item.organisation, item.program)
    return " · ".join([label("feedback_kind", str(item.kind)), *(plain(str(part)) for part in who if part)])


def _wall_slide(viewer: Viewer, meeting_id: int, now: datetime) -> None:
    counts = _fresh(live.live_counts, viewer=viewer, meeting_id=meeting_id)
    wall = _fresh(live.wall_items, viewer=viewer, meeting_id=meeting_id)
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
                if item.duplicates:
                    st.caption(t("live.duplicates", count=number(int(item.duplicates), lang())))
    with right:
        _code_block(viewer, meeting_id, now)
        # The counts as lines that wrap rather than tiles whose labels a narrow column would cut.
        figures = [
            (counts.attendee_count, t("live.attendance")),
            (counts.checked_in, t("live.checked_in")),
            (counts.approved, t("live.approved")),
            (counts.received, t("live.received")),
        ]
        st.markdown("  \n".join(f"**{number(value, lang())}** {text}" for value, text in figures))
        kinds = [f"{label('feedback_kind', kind)} {number(n, lang())}" for kind, n in counts.by_kind if n]
        types = [f"{label('org_type', kind)} {number(n, lang())}" for kind, n in counts.by_org_type]
        for caption, parts in ((t("live.by_kind"), kinds), (t("live.by_org_type"), types)):
            if parts:
                st.caption(f"{caption}: " + " · ".join(parts))


def _act(action: Callable[[Session], object]) -> None:
    """Run a facilitator's action (a button's callback); keep the reason if it is refused."""
    ui.run_command(action, refused=_keep_panel_error)


def _keep_panel_error(error: DomainError) -> None:
    st.session_state[_PANEL_ERROR] = ui.refusal(error)


def _open_input(viewer: Viewer, meeting_id: int) -> None:
    now = datetime.now(UTC)
    hours = int(st.session_state.get("live-open-hours", live.DEFAULT_OPEN_HOURS))
    _act(
        lambda s: live.open_input(
            session=s, viewer=viewer, meeting_id=meeting_id, now=now, open_until=now + timedelta(hours=hours)
        )
    )


def _close_input(viewer: Viewer, meeting_id: int) -> None:
    _act(lambda s: live.close_input(session=s, viewer=viewer, meeting_id=meeting_id, now=datetime.now(UTC)))


def _moderate(viewer: Viewer, item_ids: list[int], moderation: str) -> None:
    _act(
        lambda s: live.moderate(
            session=s, viewer=viewer, item_ids=item_ids, moderation=moderation, now=datetime.now(UTC)
        )
    )


def console_bar(viewer: Viewer, meeting: live.LiveMeeting, shown: list[Slide]) -> None:
    """Back and on (also with the arrow keys), which slide the room sees and which comes next. One part
    of the console however many lines it shows: the timer under it refreshes every second, and
    Streamlit knows it by its place, so a place moved by a line gone on the last slide could be redrawn
    where the console's page has nothing, which breaks it ("Bad delta path index")."""
    with st.container():
        current = shown_slide(meeting, len(shown))
        bar = st.container(horizontal=True, vertical_alignment="center")
        bar.button(
            t("live.prev"),
            icon=":material/arrow_back:",
            shortcut="Left",
            on_click=show,
            args=(viewer, meeting.id, current - 1),
            disabled=current == 0,
            key="live-prev",
        )
        bar.markdown(t("live.slide_of", n=current + 1, total=len(shown)))
        bar.button(
            t("live.next"),
            icon=":material/arrow_forward:",
            shortcut="Right",
            on_click=show,
            args=(viewer, meeting.id, current + 1),
            disabled=current == len(shown) - 1,
            key="live-next",
        )
        st.markdown(t("live.now_showing", title=slide_title(shown[current], meeting)))
        if current + 1 < len(shown):
            st.caption(t("live.up_next", title=slide_title(shown[current + 1], meeting)))


def slide_list(viewer: Viewer, meeting: live.LiveMeeting, shown: list[Slide]) -> None:
    """Every slide, the one the room sees marked; a click shows another."""
    current = shown_slide(meeting, len(shown))
    st.caption(t("live.slide_list"))
    for index, slide in enumerate(shown):
        st.button(
            f"{index + 1}. {slide_title(slide, meeting)}",
            key=f"live-slide-{index}",
            type="primary" if index == current else "tertiary",
            on_click=show,
            args=(viewer, meeting.id, index),
        )


@st.fragment(run_every=timedelta(seconds=1))
def timer(viewer: Viewer, meeting_id: int) -> None:
    """How long the room has seen this slide, and how long input stays open."""
    now = datetime.now(UTC)
    meeting = _fresh(live.live_meeting, viewer=viewer, meeting_id=meeting_id)
    parts = []
    if meeting.slide_at is not None:
        parts.append(t("live.on_slide_for", time=_clock(now - meeting.slide_at)))
    if meeting.is_open(now) and meeting.open_until is not None:
        parts.append(t("live.open_for", time=_clock(meeting.open_until - now)))
    st.caption(" · ".join(parts) or t("live.timer_idle"))


def _clock(span: timedelta) -> str:
    """A span as a clock: 4:05, or 1:04:05 past an hour."""
    seconds = max(int(span.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


@st.fragment(run_every=timedelta(seconds=REFRESH_SECONDS))
def control_panel(viewer: Viewer, meeting_id: int) -> None:
    """Open or close input, who came, and what came in: approve, hide, fix a typo or merge a duplicate."""
    refused = st.session_state.pop(_PANEL_ERROR, None)
    if refused:
        st.error(refused, icon=":material/block:")
    _input_switch(viewer, meeting_id)
    counts = _fresh(live.live_counts, viewer=viewer, meeting_id=meeting_id)
    _tiles_strip(st.container(), counts)
    st.subheader(t("live.moderation"))
    _moderation(viewer, meeting_id)
    _typed_organisations(viewer, meeting_id)
    st.caption(t("live.follow_up"))


def _input_switch(viewer: Viewer, meeting_id: int) -> None:
    """While input is open, its code, how long it stays open and a button that closes it; else how
    many hours to open it for, and a button that opens it."""
    now = datetime.now(UTC)
    state = _fresh(live.live_meeting, viewer=viewer, meeting_id=meeting_id)
    if state.is_open(now) and state.open_until is not None:
        minutes = max(1, int((state.open_until - now).total_seconds() // 60))
        st.success(
            t(
                "live.open_left",
                code=state.code,
                until=ui.when(state.open_until),
                minutes=number(minutes, lang()),
            )
        )
        st.button(
            t("live.close"),
            icon=":material/lock:",
            key="live-close",
            on_click=_close_input,
            args=(viewer, meeting_id),
        )
        return
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
        args=(viewer, meeting_id),
    )


def _moderation(viewer: Viewer, meeting_id: int) -> None:
    """What came in and waits for a decision, each with its buttons, and one that approves all."""
    pending = _fresh(live.pending_items, viewer=viewer, meeting_id=meeting_id)
    if pending.empty:
        st.caption(t("live.no_pending"))
        return
    wall = _fresh(live.wall_items, viewer=viewer, meeting_id=meeting_id)
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
            _correct_popover(viewer, item_id, str(item.text))
            if not wall.empty:
                _merge_popover(viewer, item_id, wall)


def _correct(viewer: Viewer, item_id: int) -> None:
    text = str(st.session_state.get(f"live-correct-text-{item_id}", ""))
    _act(
        lambda s: live.correct_item(
            session=s, viewer=viewer, item_id=item_id, text=text, now=datetime.now(UTC)
        )
    )


def _correct_popover(viewer: Viewer, item_id: int, text: str) -> None:
    """Fix a typo before the room sees the item; the text as sent is kept."""
    with st.popover(t("live.correct"), icon=":material/edit:"):
        st.text_area(
            t("live.correct_text"),
            value=text,
            max_chars=live.MAX_INPUT_TEXT,
            key=f"live-correct-text-{item_id}",
        )
        st.caption(t("live.correct_kept"))
        st.button(
            t("live.correct_save"), key=f"live-correct-{item_id}", on_click=_correct, args=(viewer, item_id)
        )


def _merge(viewer: Viewer, item_id: int) -> None:
    keep = st.session_state.get(f"live-merge-into-{item_id}")
    if keep is None:
        return
    _act(
        lambda s: live.merge_items(
            session=s, viewer=viewer, keep_id=int(keep), duplicate_ids=[item_id], now=datetime.now(UTC)
        )
    )


def _merge_popover(viewer: Viewer, item_id: int, wall: pd.DataFrame) -> None:
    """Merge the item into one the room already sees, which then counts it."""
    texts = {int(row.id): str(row.text) for row in wall.itertuples(index=False)}
    with st.popover(t("live.merge"), icon=":material/merge:"):
        st.selectbox(
            t("live.merge_into"),
            list(texts),
            format_func=lambda key: texts[key][:120],
            index=None,
            placeholder=t("entry.choose"),
            key=f"live-merge-into-{item_id}",
        )
        st.button(t("live.merge_save"), key=f"live-merge-{item_id}", on_click=_merge, args=(viewer, item_id))


def _match(viewer: Viewer, meeting_id: int, typed: str) -> None:
    chosen = st.session_state.get(f"live-match-{typed}")
    if chosen is None:
        return
    _act(
        lambda s: live.match_organisation(
            session=s, viewer=viewer, meeting_id=meeting_id, typed=typed, organisation_id=int(chosen)
        )
    )


def _typed_organisations(viewer: Viewer, meeting_id: int) -> None:
    """Organisations participants typed that match no registered one, each to be matched to one."""
    typed = _fresh(live.typed_organisations, viewer=viewer, meeting_id=meeting_id)
    if not typed:
        return
    st.subheader(t("live.typed_organisations"))
    st.caption(t("live.typed_organisations_help"))
    registered = ui.read(live.registered_organisations, viewer=viewer, meeting_id=meeting_id)
    # Keyed by the name as typed: a choice stays with its name when the list changes under it (a new
    # check-in reorders it; a match removes a row).
    for name, count in typed[:20]:
        with st.container(border=True, horizontal=True, vertical_alignment="bottom"):
            st.selectbox(
                t("live.typed_as", name=plain(name), count=number(count, lang())),
                list(registered),
                format_func=registered.__getitem__,
                index=None,
                placeholder=t("entry.choose"),
                key=f"live-match-{name}",
            )
            st.button(
                t("live.match"),
                key=f"live-match-button-{name}",
                on_click=_match,
                args=(viewer, meeting_id, name),
            )


def summary_downloads(viewer: Viewer, meeting_id: int) -> None:
    """The meeting's summary for its participants, as a PDF and a workbook, made when asked for."""
    language = lang()
    summary = ui.read_later(engagement_reads.meeting_summary, viewer=viewer, meeting_id=meeting_id)
    votes = ui.read_later(voting.meeting_rankings, viewer=viewer, meeting_id=meeting_id)

    def made(kind: str) -> bytes:
        # Runs when the button is clicked, outside the page's run: no Streamlit calls in here.
        render = meeting_report.summary_pdf if kind == "pdf" else meeting_report.summary_xlsx
        return render(summary(), language, votes())

    st.subheader(t("live.summary"))
    st.caption(t("live.summary_help"))
    buttons = st.container(horizontal=True)
    for kind, text, mime, icon in (
        ("pdf", "live.summary_pdf", "application/pdf", ":material/picture_as_pdf:"),
        ("xlsx", "live.summary_xlsx", spreadsheet.XLSX_MIME, ":material/table_view:"),
    ):
        buttons.download_button(
            t(text),
            data=functools.partial(made, kind),
            file_name=f"summary-{meeting_id}.{kind}",
            mime=mime,
            on_click="ignore",
            icon=icon,
            key=f"live-summary-{kind}",
        )


def _ranking_chart(ranking: voting.Ranking) -> charts.VegaLiteSpec:
    data = ranking.options.assign(option=[str(label)[:80] for label in ranking.options["label"]])
    return charts.ordered_bars(
        data,
        category="option",
        value="dots",
        category_title=t("vote.option"),
        value_title=t("vote.dots"),
        description=ui.bars_description(t("vote.dots"), t("vote.option")),
    )


def _vote_slide(viewer: Viewer, meeting_id: int) -> None:
    """The question and the options, most dots first, as the phones spend them."""
    ranking = _fresh(voting.current_ranking, viewer=viewer, meeting_id=meeting_id)
    if ranking is None:
        return
    st.title(plain(ranking.question))
    st.caption(
        t("vote.closed_line" if ranking.closed else "vote.open_line", phones=number(ranking.voters, lang()))
    )
    ui.draw_chart(charts.for_room(_ranking_chart(ranking)), height=max(240, 64 * len(ranking.options)))


def vote_panel(viewer: Viewer, meeting: live.LiveMeeting) -> None:
    """Open a vote (on the approved input or a list), watch it and close it; then make its top
    options follow-up actions."""
    st.subheader(t("vote.heading"))
    ranking = _fresh(voting.current_ranking, viewer=viewer, meeting_id=meeting.id)
    if ranking is not None and not ranking.closed:
        _live_ranking(viewer, meeting.id)
        return
    if ranking is not None:
        _follow_ups(viewer, meeting, ranking)
    with st.popover(t("vote.open"), icon=":material/how_to_vote:"):
        st.text_input(t("vote.question"), max_chars=voting.MAX_QUESTION, key="vote-question")
        st.number_input(
            t("vote.dots_each"),
            min_value=1,
            max_value=voting.MAX_DOTS,
            value=voting.DEFAULT_DOTS,
            key="vote-dots",
        )
        own_list = st.toggle(t("vote.source_list"), key="vote-own-list", help=t("vote.source_help"))
        if own_list:
            st.text_area(t("vote.options"), key="vote-options", help=t("vote.options_help"))
        st.button(
            t("vote.open_button"),
            type="primary",
            key="vote-open",
            on_click=_open_vote,
            args=(viewer, meeting.id),
        )


def _open_vote(viewer: Viewer, meeting_id: int) -> None:
    state = st.session_state
    options = str(state.get("vote-options", "")).splitlines() if state.get("vote-own-list") else None
    _act(
        lambda s: voting.open_vote(
            session=s,
            viewer=viewer,
            meeting_id=meeting_id,
            question=str(state.get("vote-question", "")),
            dots=int(state.get("vote-dots") or voting.DEFAULT_DOTS),
            options=options,
            now=datetime.now(UTC),
        )
    )


def _close_vote(viewer: Viewer, vote_id: int) -> None:
    _act(lambda s: voting.close_vote(session=s, viewer=viewer, vote_id=vote_id, now=datetime.now(UTC)))


@st.fragment(run_every=timedelta(seconds=REFRESH_SECONDS))
def _live_ranking(viewer: Viewer, meeting_id: int) -> None:
    ranking = _fresh(voting.current_ranking, viewer=viewer, meeting_id=meeting_id)
    if ranking is None:
        return
    st.markdown(ui.t_plain("vote.open_question", question=ranking.question))
    st.caption(t("vote.open_line", phones=number(ranking.voters, lang())))
    _ranking_table(ranking)
    st.button(
        t("vote.close"),
        icon=":material/lock:",
        key="vote-close",
        on_click=_close_vote,
        args=(viewer, ranking.id),
    )


def _ranking_table(ranking: voting.Ranking) -> None:
    st.dataframe(
        ranking.options[["label", "dots", "phones"]],
        hide_index=True,
        width="stretch",
        column_config={
            "label": st.column_config.TextColumn(t("vote.option"), width=tables.TEXT_WIDTH),
            "dots": st.column_config.NumberColumn(t("vote.dots"), format="%d"),
            "phones": st.column_config.NumberColumn(t("vote.phones"), format="%d"),
        },
    )


def _follow_ups(viewer: Viewer, meeting: live.LiveMeeting, ranking: voting.Ranking) -> None:
    """The last vote's result, and its top options, each a follow-up action in one step."""
    st.markdown(ui.t_plain("vote.closed_question", question=ranking.question))
    _ranking_table(ranking)
    if not meeting.programs:
        return
    programs = dict(meeting.programs)
    for row in ranking.options.head(TOP_OPTIONS).itertuples(index=False):
        if row.follow_up_id is not None and not pd.isna(row.follow_up_id):
            st.caption(ui.t_plain("vote.followed_up", option=str(row.label)))
            continue
        option_id = int(row.id)
        with st.popover(ui.t_plain("vote.to_action", option=str(row.label)[:60]), icon=":material/task_alt:"):
            st.selectbox(
                t("vote.program"),
                list(programs),
                format_func=programs.__getitem__,
                key=f"vote-program-{option_id}",
            )
            st.text_input(t("program.owner"), max_chars=200, key=f"vote-owner-{option_id}")
            st.date_input(t("program.due"), value=None, key=f"vote-due-{option_id}", format="DD/MM/YYYY")
            st.button(
                t("vote.make_action"),
                key=f"vote-action-{option_id}",
                on_click=_to_action,
                args=(viewer, option_id),
            )


def _to_action(viewer: Viewer, option_id: int) -> None:
    state = st.session_state
    program = state.get(f"vote-program-{option_id}")
    _act(
        lambda s: voting.option_to_action(
            session=s,
            viewer=viewer,
            option_id=option_id,
            program_id=int(program or 0),
            owner=str(state.get(f"vote-owner-{option_id}", "")),
            due_date=state.get(f"vote-due-{option_id}"),
            now=datetime.now(UTC),
        )
    )
