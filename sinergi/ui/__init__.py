"""Streamlit glue shared by the pages: language, translation, the database on start, common notices."""

from __future__ import annotations

import dataclasses
import gc
import importlib
import inspect
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal, TypeVar

import pandas as pd
import streamlit as st
from sqlmodel import Session

import models as m
from sinergi.core import db, spreadsheet, urls
from sinergi.core.access import AccessDenied, Viewer
from sinergi.core.errors import DomainError
from sinergi.core.settings import database_url, time_zone
from sinergi.i18n import registry
from sinergi.i18n.formatting import local_date, local_time, number, percent, rupiah, rupiah_short
from sinergi.i18n.texts import DEFAULT_LANGUAGE, LANGUAGES, TEXTS, translate
from sinergi.reads.filters import FilterOptions, Filters, filter_options, filters_from_params
from sinergi.reports import charts

_LANG_KEY = "lang"
LabelVisibility = Literal["visible", "hidden", "collapsed"]


# The switch's labels; the address names the language by its label (``?lang=English``).
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def lang() -> str:
    """The reader's language: chosen on the switch, which keeps it in the address (``?lang=English``) so
    that it survives a reload and a link; Bahasa Indonesia by default."""
    chosen = st.session_state.get(_LANG_KEY)
    if chosen in LANGUAGES:
        return str(chosen)
    named = st.query_params.get(_LANG_KEY)
    by_name = {name: code for code, name in LANGUAGE_NAMES.items()}
    return by_name.get(str(named), str(named)) if named in {*by_name, *LANGUAGES} else DEFAULT_LANGUAGE


def with_language(address: str) -> str:
    """An address within the app that opens in the reader's language (a new tab has a session of its
    own, which knows the language only from its address)."""
    if lang() == DEFAULT_LANGUAGE:
        return address
    return f"{address}{'&' if '?' in address else '?'}{_LANG_KEY}={LANGUAGE_NAMES[lang()]}"


def t(key: str, **values: object) -> str:
    """``key`` in the reader's language."""
    return translate(key, lang(), **values)


def language_switch(where: Any = st, *, label_visibility: LabelVisibility = "visible") -> None:
    """The Bahasa Indonesia / English switch, drawn ``where`` the page puts it. A new session (a reload,
    a link) starts in the language its address names."""
    if _LANG_KEY not in st.session_state:
        st.session_state[_LANG_KEY] = lang()
    where.segmented_control(
        t("app.language"),
        options=list(LANGUAGES),
        required=True,
        format_func=LANGUAGE_NAMES.__getitem__,
        key=_LANG_KEY,
        label_visibility=label_visibility,
        bind="query-params",
    )


def url_tabs(
    sections: Mapping[str, Callable[[], None]], *, key: str = "tab", default: str | None = None
) -> None:
    """Tabs, one per text key of ``sections``, the chosen one kept in the URL (``?tab=<its label>``, so
    a link opens it) and the only one drawn; ``default`` (a key of ``sections``) opens when neither the
    URL nor the reader chose one, else the first.

    A label of the other language, in a link or left by a change of language, opens the same tab.
    Streamlit drops such a label from the address; the tab's label in the reader's language is written
    there again on the page's next run (Streamlit writes a value the page sets only for tabs it drew
    in an earlier run).
    """
    for name in sections:
        if name not in TEXTS:
            raise KeyError(f"no text for the tab {name!r}")
    labels = {name: t(name) for name in sections}
    default_label = labels[default] if default is not None else next(iter(labels.values()))
    chosen = st.session_state.get(key, st.query_params.get(key))
    if chosen is not None and chosen not in labels.values():
        for name, label in labels.items():
            if chosen in {translate(name, language) for language in LANGUAGES}:
                st.session_state[key] = label
    elif chosen not in (None, default_label) and key not in st.query_params:
        st.session_state[key] = chosen
    tabs = st.tabs(list(labels.values()), default=default_label, key=key, bind="query-params")
    for tab, draw in zip(tabs, sections.values(), strict=True):
        if tab.open is not False:
            with tab:
                draw()


def ensure_database() -> None:
    """Bring the configured database to the latest schema, once per server process and database."""
    _upgrade_once(database_url())


@st.cache_resource(show_spinner=False)
def _upgrade_once(url: str) -> None:
    db.upgrade_database(url)


T = TypeVar("T")


def read(query: Callable[..., T], **arguments: Any) -> T:
    """Run ``query`` with a read session, cached until one of the tables it reads is written.

    Everything that limits what the reader may see must be among ``arguments``: the cache is
    shared by every session of the server. The arguments are plain values (numbers, text, dates,
    enumerations) or frozen dataclasses and tuples of them, which :func:`arguments_key` turns into the
    cache key; anything else is refused.
    """
    tables: tuple[str, ...] = getattr(query, "__reads__", ())
    if not tables:
        raise TypeError(f"{query.__qualname__} does not declare the tables it reads (@db.reads)")
    # The cache hides the call from the type checker: check the arguments against the query here.
    inspect.signature(query).bind(session=None, **arguments)
    url = database_url()
    try:
        return _cached_read(
            f"{query.__module__}:{query.__qualname__}",
            url,
            db.table_versions(tables, db.engine_for(url)),
            arguments_key(arguments),
            _arguments=arguments,
        )
    except AccessDenied as refused:
        st.error(t(refused.key), icon=":material/block:")
        st.stop()
        raise


def show_notice(key: str) -> None:
    """The success :func:`rerun_with_notice` kept under ``key``, once."""
    if message := st.session_state.pop(key, None):
        st.success(message, icon=":material/check_circle:")


def rerun_with_notice(key: str, message: str, *, clear: str | None = None) -> None:
    """Run the page again, showing ``message`` where it calls :func:`show_notice` with ``key``; the
    widgets whose keys start with ``clear`` start empty (a form that failed keeps what was typed)."""
    if clear:
        for widget in [k for k in st.session_state if str(k).startswith(clear)]:
            del st.session_state[widget]
    st.session_state[key] = message
    st.rerun()


class Refused(Enum):
    """What :func:`run_command` gives back for a refused command."""

    REFUSED = "refused"


REFUSED = Refused.REFUSED


def refusal(error: DomainError) -> str:
    """Why ``error`` refused, in the reader's language, as Markdown: a name or a typed value it repeats
    shows as typed."""
    return t_plain(error.key, **error.values)


def run_command(
    command: Callable[[Session], T], *, refused: Callable[[DomainError], object] | None = None
) -> T | Literal[Refused.REFUSED]:
    """Run ``command`` in one write transaction and give back what it returns, or REFUSED when it was
    refused (an :class:`AccessDenied` among others). The refusal is shown where the page stands, or
    handed to ``refused`` (a callback that may not draw keeps it for the next run, say)."""
    try:
        with db.write_session() as session:
            return command(session)
    except DomainError as error:
        if refused is None:
            st.error(refusal(error), icon=":material/error:")
        else:
            refused(error)
        return REFUSED


_KEY_ATOMS = (type(None), bool, int, float, str, date, Enum)


def arguments_key(arguments: Mapping[str, Any]) -> str:
    """A cache key for a query's arguments: their ``repr``, sorted by name.

    Streamlit's own hashing walks a dataclass through pickling, which costs about a millisecond per
    read, a dozen times per page run. The ``repr`` of a value made only of the types allowed here (and
    of frozen dataclasses and tuples of them) names every field and value, so two different values
    never share a key; anything else is refused rather than keyed by an address.
    """
    for name, value in arguments.items():
        _check_key_value(name, value)
    return repr(sorted(arguments.items()))


def _check_key_value(name: str, value: Any) -> None:
    if isinstance(value, _KEY_ATOMS):
        return
    if isinstance(value, tuple | frozenset):
        for item in value:
            _check_key_value(name, item)
        return
    params = getattr(type(value), "__dataclass_params__", None)
    if params is not None and params.frozen:
        for field in dataclasses.fields(value):
            if field.repr:
                _check_key_value(name, getattr(value, field.name))
        return
    raise TypeError(f"{name}: a {type(value).__name__} cannot key the shared cache")


@st.cache_data(ttl=120, max_entries=1000, show_spinner=False)
def _cached_read(
    name: str, url: str, versions: tuple[int, ...], key: str, _arguments: Mapping[str, Any]
) -> Any:
    # ``versions`` and ``key`` only key the cache; Streamlit does not hash parameters named with a
    # leading underscore, and ``key`` stands for ``_arguments``.
    del versions, key
    module, qualname = name.split(":")
    query = getattr(importlib.import_module(module), qualname)
    with db.read_session(db.engine_for(url)) as session:
        return query(session=session, **_arguments)


# What Markdown, as Streamlit draws it, reads as markup anywhere in a line: emphasis, code, links and
# images, HTML, tables, strikethrough, formulas (``$``) and entities (``&lt;``).
_ANYWHERE = re.compile(r"[\\`*_\[\]<>|~$&]")
# What it reads as markup only at the start of a line: a heading ("# "), a quote (">"), a list item
# ("- ", "+ ", "1. ", "1) ") and a line that underlines a heading ("===", "---"); indentation (a line
# indented by four spaces is code) goes, as Markdown drops it from a paragraph anyway.
_LINE_START = re.compile(
    r"^[ \t]*(#{1,6}(?=[ \t]|$)|>|=+(?=[ \t]*$)|-+(?=[ \t]*$)|[-+](?=[ \t])|\d{1,9}(?=[.)](?:[ \t]|$)))?",
    re.MULTILINE,
)
# What Streamlit turns into something else after escapes are undone, so that escaping does not stop
# it: a colon before a word (emoji and icons, ``:smile:``, ``:material/home:``; ``https://``, which
# GitHub's Markdown makes a link of, as it does ``www.`` and an e-mail address's ``@``). A word joiner
# (U+2060, invisible) after the colon, between ``www`` and its dot and before the ``@`` keeps it text.
_FOUND_UNESCAPED = re.compile(r"(?<=:)(?=\S)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def plain(text: str) -> str:
    """Markdown that shows ``text`` as typed: markup and HTML as written, an address as text rather than
    a link, line breaks kept. Characters are escaped only where Markdown would read them as markup, so
    ``dewi.csr`` or ``PT. Maju - Jaya`` stay as they are."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    escaped = _ANYWHERE.sub(lambda found: "\\" + found.group(0), _FOUND_UNESCAPED.sub(WORD_JOINER, lines))
    return _LINE_START.sub(_escape_line_start, escaped).replace("\n", "  \n")


def _escape_line_start(found: re.Match[str]) -> str:
    mark = found.group(1) or ""
    # A number is a list item only with the dot or parenthesis after it: that is what is escaped.
    return f"{mark}\\" if mark[:1].isdigit() else f"\\{mark}" if mark else ""


def t_plain(key: str, **values: object) -> str:
    """``key`` in the reader's language, for an element that draws Markdown: each text among
    ``values`` (a name, something typed) shown as typed (:func:`plain`), numbers filled in as :func:`t`
    fills them."""
    return t(
        key, **{name: plain(value) if isinstance(value, str) else value for name, value in values.items()}
    )


def when(moment: datetime | None, *, seconds: bool = False) -> str:
    """A stored (UTC) time as the reader reads it: in the app's zone (``SINERGI_TIME_ZONE``, WITA by
    default) and language, with the zone's name; a dash when there is none."""
    if moment is None or pd.isna(moment):
        return "–"
    return local_time(moment, time_zone(), lang(), seconds=seconds)


def day_of(moment: datetime | None) -> str:
    """The day a stored (UTC) time falls on in the app's zone, in the reader's language."""
    if moment is None or pd.isna(moment):
        return "–"
    return local_date(moment, time_zone(), lang())


def times(values: pd.Series, *, seconds: bool = False) -> pd.Series:
    """A column of stored times as :func:`when` writes each."""
    return values.map(lambda moment: when(moment, seconds=seconds)).astype(str)


def label(kind: str, value: str | None) -> str:
    """The reader's word for an enumeration value, e.g. ``label("pillar", "economy")``."""
    if value is None:
        return "–"
    return t(registry.enum_key(kind, value))


def labels(kind: str, values: Iterable[str]) -> dict[str, str]:
    """Enumeration values mapped to the reader's words, in the given order."""
    return {value: label(kind, value) for value in values}


def bars_description(value_title: str, category_title: str) -> str:
    """What a bar chart of ``value_title`` per ``category_title`` shows, for screen readers."""
    return t("chart.bars", value=value_title, category=category_title.lower())


def draw_chart(chart: charts.VegaLiteSpec, *, height: int | None = None) -> charts.VegaLiteSpec:
    """Draw ``chart`` across the width, its numbers written in the reader's language (and ``height``
    pixels high if given); the specification as drawn."""
    # The builders' output is checked against the Vega-Lite schema by the tests, not on every run.
    drawn = charts.in_language(chart, lang()) | ({} if height is None else {"height": height})
    # Streamlit may change the specification it is given (its data, its sizing): it gets a copy.
    st.vega_lite_chart(dict(drawn), theme=None, width="stretch")
    return drawn


def chart_block(
    chart: charts.VegaLiteSpec, data: pd.DataFrame | Callable[[], pd.DataFrame], *, name: str
) -> None:
    """A chart, and under it one download menu with the data behind it as CSV and the chart as PNG.

    The menu's buttons are drawn only while it is open (opening it reruns the page), and both files
    are made only when the reader asks for them (``data`` may be a function that gives the frame then):
    a page of charts costs a closed menu per chart, not two buttons and two files.
    """
    chart = draw_chart(chart)  # the image downloaded is the chart as drawn
    menu = st.popover(
        t("download.menu"), icon=":material/download:", key=f"download-{name}", on_change="rerun"
    )
    if menu.open:
        menu.download_button(
            t("download.csv"),
            data=lambda: spreadsheet.csv_bytes(data() if callable(data) else data),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=f"csv-{name}",
            on_click="ignore",
            icon=":material/table:",
        )
        menu.download_button(
            t("download.png"),
            data=lambda: charts.to_png(chart),
            file_name=f"{name}.png",
            mime="image/png",
            key=f"png-{name}",
            on_click="ignore",
            icon=":material/image:",
        )


def read_later(query: Callable[..., T], **arguments: Any) -> Callable[[], T]:
    """``query`` as a function run only when called (by a download, say), against the database of
    this run and past the cache: a full table read for a download should not fill the shared cache.

    The query enforces access itself, as every query does: ``arguments`` carry the viewer.
    """
    if not getattr(query, "__reads__", ()):
        raise TypeError(f"{query.__qualname__} does not declare the tables it reads (@db.reads)")
    inspect.signature(query).bind(session=None, **arguments)
    url = database_url()

    def run() -> T:
        with db.read_session(db.engine_for(url)) as session:
            return query(session=session, **arguments)

    return run


def rows_download(rows: Callable[[], pd.DataFrame], *, name: str, shown: int, total: int) -> None:
    """How many of ``total`` rows the table above shows, and buttons for all of them as CSV and as an
    Excel workbook, formula-safe (:mod:`sinergi.core.spreadsheet`): Streamlit's own table download,
    which would write cells raw, is turned off (``client.disableDataExport``).

    ``rows`` runs only when the reader asks for a file, so drawing the page costs nothing for it.
    """
    line = st.container(horizontal=True, vertical_alignment="center")
    if total > shown:
        line.caption(t("table.rows_shown", shown=number(shown, lang()), total=number(total, lang())))
    line.download_button(
        t("table.download_all", total=number(total, lang())),
        data=lambda: spreadsheet.csv_bytes(rows()),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv-{name}",
        on_click="ignore",
        icon=":material/download:",
    )
    line.download_button(
        t("table.download_xlsx"),
        data=lambda: spreadsheet.workbook_bytes({name: rows()}),
        file_name=f"{name}.xlsx",
        mime=spreadsheet.XLSX_MIME,
        key=f"xlsx-{name}",
        on_click="ignore",
        icon=":material/table_view:",
    )


ALL = ""
FILTER_FIELDS = ("regency", "company", "year", "period", "pillar", "poverty")
# The views whose figures come from results add the verified-only switch.
FIGURE_FILTER_FIELDS = (*FILTER_FIELDS, "verified")
# The title of a filter: the text "filter.<field>".
FILTER_TITLE = registry.family("filter.{}", lambda: FIGURE_FILTER_FIELDS)
# The filters that are a switch, and the URL query parameter each keeps its state in.
FILTER_TOGGLES = ("poverty", "verified")


def progress_metric(
    where: Any,
    label_text: str,
    part: float,
    whole: float,
    *,
    formatter: Callable[[float], str] | None = None,
    help: str | None = None,
) -> None:
    """A tile showing ``part`` large, and ``of whole (share)`` beneath it without an arrow; the figures
    written by ``formatter``, as counts in the reader's language if none is given."""

    def write(value: float) -> str:
        return formatter(value) if formatter else number(value, lang())

    share = f" ({percent(part / whole, lang())})" if whole else ""
    where.metric(
        label_text,
        write(part),
        delta=t("tile.of_whole", whole=write(whole)) + share,
        delta_color="off",
        delta_arrow="off",
        help=help,
    )


def budget_metric(where: Any, year: object, spent: float, planned: float) -> None:
    """The budget tile: rupiah spent of planned in ``year``, short, with the exact amounts as its help."""
    progress_metric(
        where,
        t("overview.tile.budget", year=year),
        spent,
        planned,
        formatter=lambda value: rupiah_short(value, lang()),
        help=t("overview.help.budget", spent=rupiah(spent, lang()), planned=rupiah(planned, lang())),
    )


def filter_bar(options: FilterOptions, *, fields: Iterable[str] = FILTER_FIELDS) -> Filters:
    """A compact bar above the content that names the active filters and opens to change them; the
    filters are read from and written to the URL's query parameters."""
    current = filters_from_params(st.query_params.to_dict())
    # Display names are fixed while the widget is built: a format function that read the
    # session's language later (as AppTest does, outside the run) would disagree with it.
    choices: dict[str, dict[str, str]] = {
        "regency": {str(i): name for i, name in options.regencies},
        "company": {str(i): name for i, name in options.companies},
        "year": {str(y): str(y) for y in options.years},
        "period": {code: code for code in options.periods},
        "pillar": labels("pillar", [p.value for p in m.Pillar]),
    }
    fields = tuple(fields)
    for field in fields:
        present = current.query_params().get(field)
        if field not in FILTER_TOGGLES and present is not None and present not in choices[field]:
            # A choice this reader is not offered (in a link from someone who sees more) would filter
            # the view while the box says "all": it leaves the address, and the view shows all.
            del st.query_params[field]
    current = filters_from_params(st.query_params.to_dict())
    active = [
        t(FILTER_TITLE.key(field)) if field in FILTER_TOGGLES else choices[field][value]
        for field, value in current.query_params().items()
        if field in fields
    ]
    summary = " · ".join(plain(name) for name in active) if active else t("filter.all")
    box = st.popover(f"{t('filter.heading')}: {summary}", icon=":material/filter_list:")
    columns = box.columns(2)
    for number_, field in enumerate(fields):
        where = columns[number_ % 2]
        if field in FILTER_TOGGLES:
            _filter_toggle(field, where)
            continue
        names = {ALL: t("filter.all"), **choices[field]}
        present = current.query_params().get(field, ALL)
        values = list(names)
        where.selectbox(
            t(FILTER_TITLE.key(field)),
            values,
            index=values.index(present) if present in names else 0,
            format_func=names.__getitem__,
            # The language is part of the key so a switch redraws the names; the choice itself
            # lives in the URL and survives.
            key=f"filter-{field}-{lang()}",
            on_change=store_param,
            args=(field, f"filter-{field}-{lang()}"),
        )
    # A switch this view does not offer filters nothing, whatever a link sets it to.
    return current if "verified" in fields else dataclasses.replace(current, verified_only=False)


def _filter_toggle(field: str, where: Any) -> bool:
    """A filter that is a switch, kept in the URL under ``field``; whether it is on."""
    key = f"filter-{field}-{lang()}"
    on: bool = where.toggle(
        t(FILTER_TITLE.key(field)),
        value=st.query_params.get(field) in {"1", "true"},
        key=key,
        help=t("filter.verified_help") if field == "verified" else None,
        on_change=store_param,
        args=(field, key),
    )
    return on


def verified_toggle(viewer: Viewer, where: Any = st) -> bool:
    """The verified-only switch on its own (a page without the filter bar), kept in the URL; always on
    for a reader who may see verified figures only, and then not offered."""
    if viewer.verified_only:
        return True
    return _filter_toggle("verified", where)


def store_param(field: str, widget_key: str) -> None:
    """Copy a widget's new value into the URL, so the view can be sent as a link (a date as
    ``YYYY-MM-DD``, a switch as ``1`` or nothing)."""
    value = st.session_state[widget_key]
    if isinstance(value, bool):
        value = "1" if value else ""
    text = value.isoformat() if isinstance(value, date) else "" if value is None else str(value).strip()
    if text:
        st.query_params[field] = text
    elif field in st.query_params:
        del st.query_params[field]


def viewer_filters(viewer: Viewer, *, fields: Iterable[str] = FILTER_FIELDS) -> Filters:
    """The filter bar (:func:`filter_bar`) with the choices ``viewer`` is offered."""
    return filter_bar(read(filter_options, viewer=viewer), fields=fields)


STATUS_MARKS = {"on_track": "🟢", "needs_attention": "🟠", "off_track": "🔴", "no_data": "⚪"}
# A result's state as a mark beside its word: checked, sent for checking, still being written, sent back.
STATE_MARKS = {"verified": "✔", "submitted": "◐", "draft": "○", "returned": "↩"}


def state_badge(state: str | None) -> str:
    """A result's state (draft, submitted, verified, returned) as a mark and its word; a dash when none."""
    if not state or state not in STATE_MARKS:
        return "–"
    return f"{STATE_MARKS[state]} {label('result_state', state)}"


def status_badge(status: str) -> str:
    """An achievement status as a coloured mark and its word (colour is never the only cue)."""
    return f"{STATUS_MARKS.get(status, '')} {label('achievement', status)}"


def search_box(text: str, *, param: str) -> str:
    """A search field whose text is kept in the URL under ``param``."""
    value = st.text_input(
        text,
        value=st.query_params.get(param, ""),
        key=f"search-{param}",
        on_change=store_param,
        args=(param, f"search-{param}"),
    )
    return value.strip()


def int_param(name: str) -> int | None:
    """A whole-number query parameter, or None when it is missing or malformed."""
    value = st.query_params.get(name, "")
    return int(value) if value.isdigit() else None


def date_param(name: str) -> date | None:
    """A date query parameter (``YYYY-MM-DD``), or None when it is missing or malformed."""
    try:
        return date.fromisoformat(st.query_params.get(name, ""))
    except ValueError:
        return None


_log = logging.getLogger("sinergi")


def run_page(page: Any) -> None:
    """Run the chosen page; an unexpected error shows the reader a sentence in their language (every
    write is one transaction, so nothing of the failed step was saved) and the server log the details.
    Streamlit's own control flow (``st.rerun``, ``st.stop``) is not an ``Exception`` and passes."""
    try:
        page.run()
    except Exception:
        _log.exception("unexpected error on %s", st.context.url)
        st.error(t("app.unexpected_error"), icon=":material/error:")


_FROZEN: list[bool] = []


def freeze_loaded_objects() -> None:
    """Keep the objects the server holds for good out of the garbage collector's way, once per process.

    Streamlit collects garbage after every script run, and a full collection walks every object the
    process tracks: with pandas, Altair and SQLAlchemy loaded about 240,000, some 0.1 s of holding the
    interpreter while every other session waits (at a hall of phones, most of each run's time). Called
    once the modules are loaded, it moves what exists then (modules, their classes and functions) out
    of the collector's sight, so each collection walks only what runs made since.
    """
    if _FROZEN:
        return
    _FROZEN.append(True)
    gc.collect()
    gc.freeze()


def page_guard() -> None:
    """Leave Streamlit's legacy ``pages/`` folder mode before anything is drawn.

    Until the first ``st.navigation`` call of a server process, Streamlit treats ``pages/`` as
    a legacy page folder: the first request for ``/program?id=3`` runs ``pages/program.py``
    without app.py, and widgets drawn in that first run change identity in the next one, so
    the reader's first click is lost. Switching the mode off, as ``st.navigation`` itself does,
    and rerunning at once makes every run go through app.py. Called first by app.py and by
    every page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def signed_in_page() -> Viewer:
    """The first call of every page that needs an account: the viewer, or the login form."""
    from sinergi.ui.signin import require_viewer

    page_guard()
    return require_viewer()


def is_bare_page() -> bool:
    """Whether this run draws the projector view or the public form, which show no sidebar and no
    navigation."""
    return urls.page_path(st.context.url) in urls.BARE_PAGES


def ensure_cookie_key() -> None:
    """Refuse to serve anything with a weak cookie key: anyone could forge a login."""
    from sinergi.core.secrets import WeakCookieKey, cookie_key

    try:
        cookie_key()
    except WeakCookieKey as error:
        st.error(t(error.key, **error.values))
        st.stop()


def share_form(
    viewer: Viewer, *, company_id: int | None, program_id: int | None, filters: Filters | None
) -> None:
    """A form that makes a read-only link to this page, for the company's staff and admins."""
    from datetime import UTC, datetime, timedelta

    from sinergi.writes import sharing

    if viewer.shared_link_id is not None or not (viewer.is_admin or viewer.role is m.Role.COMPANY):
        return
    # The form is built only once the reader opens the section: closed, it costs the page nothing
    # (Streamlit would otherwise send and draw its fields, hidden, on every run).
    section = st.expander(t("share.heading"), icon=":material/share:", key="share-open", on_change="rerun")
    if not section.open:
        return
    with section:
        st.caption(t("share.intro"))
        if company_id is None:
            st.info(t("share.pick_company"))
            return
        with st.form("share-link"):
            label_text = st.text_input(t("share.label"), max_chars=200)
            verified_only = st.checkbox(
                t("share.verified_only"),
                value=filters is not None and filters.verified_only,
                help=t("share.verified_only_help"),
            )
            today = datetime.now(UTC).date()
            expires = st.date_input(
                t("share.expires"), value=today + timedelta(days=30), min_value=today, format="DD/MM/YYYY"
            )
            submitted = st.form_submit_button(t("share.create"))
        if submitted:
            token = run_command(
                lambda session: sharing.create_link(
                    session=session,
                    viewer=viewer,
                    company_id=company_id,
                    program_id=program_id,
                    filters=filters,
                    label=label_text,
                    expires_on=expires,
                    now=datetime.now(UTC),
                    verified_only=verified_only,
                )
            )
            if token is REFUSED:
                return
            st.success(t("share.created"))
            st.code(urls.page_url(st.context.url, f"shared?token={token}"), language=None)
