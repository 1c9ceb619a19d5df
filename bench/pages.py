"""Server-side page runs through AppTest, cold and warm, and the same page's reads run directly."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from unittest import mock

import streamlit as st
from sqlalchemy import text
from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.core.db import engine_for, read_session, write_session
from sinergi.core.settings import PROJECT_ROOT
from sinergi.i18n.texts import translate
from sinergi.writes import entry

Read = tuple[Callable[..., Any], dict[str, Any]]
# Where a page is measured: a database and a scale, say.
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class PageCase:
    """A page as a reader opens it: the script and the query parameters of its address."""

    name: str
    script: str
    params: dict[str, str] = field(default_factory=dict)


def program_with_results(url: str) -> tuple[int, int]:
    """The program with the most reported actuals (lowest id on a tie) and its number of indicators."""
    with engine_for(url).connect() as connection:
        program_id, indicators = connection.execute(
            text(
                "SELECT i.program_id, count(DISTINCT i.id) FROM indicator i "
                "JOIN result r ON r.indicator_id = i.id WHERE r.actual IS NOT NULL "
                "GROUP BY i.program_id ORDER BY count(*) DESC, i.program_id LIMIT 1"
            )
        ).one()
    return int(program_id), int(indicators)


def page_cases(program_id: int) -> list[PageCase]:
    return [
        PageCase("overview", "pages/overview.py"),
        PageCase("programs", "pages/programs.py"),
        PageCase("program", "pages/program.py", {"id": str(program_id)}),
        PageCase("engagement", "pages/engagement.py"),
        PageCase("compliance", "pages/compliance.py"),
        PageCase("reporting", "pages/reporting.py"),
    ]


def open_page(url: str, viewer: Viewer, case: PageCase) -> AppTest:
    """The app in AppTest, signed in as ``viewer``, on ``case``'s page; fails if the page fails."""
    os.environ["DATABASE_URL"] = url
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=900)
    app.session_state["viewer"] = viewer
    app.session_state["signed_in_at"] = time.time()
    for key, value in case.params.items():
        app.query_params[key] = value
    app.run()
    if case.script != "pages/overview.py":
        app.switch_page(case.script).run()
    _check(app, case)
    return app


def _check(app: AppTest, case: PageCase) -> None:
    if app.exception:
        raise RuntimeError(f"{case.name}: {app.exception[0].message}")
    if app.title and app.title[0].value == translate("login.title", "id"):
        raise RuntimeError(f"{case.name}: the bench viewer is not signed in")


@dataclass(frozen=True)
class Run:
    """One AppTest run: all of it, and its last pass through the script (the run a server makes).

    AppTest forgets between runs that the app has left Streamlit's legacy ``pages/`` folder mode, so
    every run starts with a pass that stops at ``ui.page_guard`` and reruns; a server makes that pass
    once per process. AppTest also sets up a mock runtime and compiles the scripts again each run.
    """

    whole_s: float
    pass_s: float


_PASS_ENDS = {
    ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS,
    ScriptRunnerEvent.SCRIPT_STOPPED_WITH_COMPILE_ERROR,
    ScriptRunnerEvent.SCRIPT_STOPPED_FOR_RERUN,
    ScriptRunnerEvent.FRAGMENT_STOPPED_WITH_SUCCESS,
}


def timed_run(url: str, app: AppTest) -> Run:
    """One run of ``app`` against the database at ``url``, timed whole and by its last pass."""
    os.environ["DATABASE_URL"] = url  # the app reads it on every run
    events: list[tuple[float, ScriptRunnerEvent]] = []
    original_init = LocalScriptRunner.__init__

    def clocked_init(runner: LocalScriptRunner, *args: Any, **kwargs: Any) -> None:
        original_init(runner, *args, **kwargs)
        runner.on_event.connect(
            lambda _sender, event, **_: events.append((time.perf_counter(), event)), weak=False
        )

    with mock.patch.object(LocalScriptRunner, "__init__", clocked_init):
        started = time.perf_counter()
        app.run()
        whole = time.perf_counter() - started
    last_start = max(t for t, event in events if event == ScriptRunnerEvent.SCRIPT_STARTED)
    last_end = max(t for t, event in events if event in _PASS_ENDS)
    return Run(whole_s=whole, pass_s=last_end - last_start)


def recorded_reads(url: str, app: AppTest) -> list[Read]:
    """The cached reads (query and arguments) one run of the page asks for, in order."""
    calls: list[Read] = []
    original = ui.read

    def recording(query: Callable[..., Any], **arguments: Any) -> Any:
        calls.append((query, arguments))
        return original(query, **arguments)

    with mock.patch.object(ui, "read", recording):
        timed_run(url, app)
    return calls


def read_names(reads: list[Read]) -> list[str]:
    """A name for each read: its module and function, numbered when the page asks for it again."""
    names: list[str] = []
    for query, _ in reads:
        name = f"{query.__module__.removeprefix('sinergi.')}.{query.__qualname__}"
        repeated = sum(1 for earlier in names if earlier.split(" #")[0] == name)
        names.append(f"{name} #{repeated + 1}" if repeated else name)
    return names


def run_reads_directly(url: str, reads: list[Read]) -> list[float]:
    """The page's reads run one after another without the cache, each in its own session: the
    seconds of each (their sum is the page's SQL)."""
    engine = engine_for(url)
    seconds: list[float] = []
    for query, arguments in reads:
        started = time.perf_counter()
        with read_session(engine) as session:
            query(session=session, **arguments)
        seconds.append(time.perf_counter() - started)
    return seconds


@dataclass
class PageTiming:
    cold: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    reads: int = 0
    metrics: int = 0
    charts: int = 0
    read_names: list[str] = field(default_factory=list)
    read_runs: list[list[float]] = field(default_factory=list)  # per round, the seconds of each read

    def summary(self) -> dict[str, Any]:
        """Cold and warm are the server's run (the last pass); ``…_apptest_s`` are AppTest's whole runs."""
        return {
            "cold_s": statistics.median(run.pass_s for run in self.cold),
            "warm_s": statistics.median(run.pass_s for run in self.warm),
            "sql_s": statistics.median(self.sql),
            "cold_apptest_s": statistics.median(run.whole_s for run in self.cold),
            "warm_apptest_s": statistics.median(run.whole_s for run in self.warm),
            "reads": self.reads,
            "metrics": self.metrics,
            "charts": self.charts,
            "cold_runs_s": [run.pass_s for run in self.cold],
            "warm_runs_s": [run.pass_s for run in self.warm],
            "sql_runs_s": self.sql,
            # Each read's median, slowest first.
            "reads_s": dict(
                sorted(
                    (
                        (name, statistics.median(run[n] for run in self.read_runs))
                        for n, name in enumerate(self.read_names)
                    ),
                    key=lambda item: -item[1],
                )
            ),
        }


def measure_page(
    opened: Mapping[K, tuple[str, Viewer, PageCase]], *, repetitions: int
) -> dict[K, PageTiming]:
    """One page at each place (``opened`` maps a database and scale, say, to its URL, viewer and page),
    measured in turns so that every place meets the same load on a shared machine.

    Cold: a run just after ``st.cache_data`` was cleared. Warm: a run with the cache filled by an
    earlier run. Both are timed as the server runs the page (see :class:`Run`). SQL: the reads the page
    asked for, called directly without the cache.
    """
    apps = {scale: open_page(url, viewer, case) for scale, (url, viewer, case) in opened.items()}
    reads = {scale: recorded_reads(opened[scale][0], app) for scale, app in apps.items()}
    timings = {
        scale: PageTiming(reads=len(reads[scale]), read_names=read_names(reads[scale])) for scale in apps
    }
    # Each round measures everything once, so that a slower spell of a shared machine falls on the
    # cold runs, the warm runs and the SQL alike rather than on one of them.
    for _ in range(repetitions):
        st.cache_data.clear()
        for scale, app in apps.items():
            timings[scale].cold.append(timed_run(opened[scale][0], app))
        for scale in apps:
            seconds = run_reads_directly(opened[scale][0], reads[scale])
            timings[scale].sql.append(sum(seconds))
            timings[scale].read_runs.append(seconds)
        for _ in range(2):
            for scale, app in apps.items():
                timings[scale].warm.append(timed_run(opened[scale][0], app))
    for scale, app in apps.items():
        _check(app, opened[scale][2])
        timings[scale].metrics = len(app.metric)
        timings[scale].charts = len(app.get("vega_lite_chart"))
    return timings


@dataclass(frozen=True)
class ResultCell:
    """A result as the /data grid edits it: an indicator of a program, in one period."""

    program_id: int
    indicator_id: int
    period_id: int


def editable_result(url: str, program_id: int) -> ResultCell:
    """The program's first indicator (by id) with a draft result, in the latest period it has one: a
    figure its company changes on /data without withdrawing a submission."""
    with engine_for(url).connect() as connection:
        row = connection.execute(
            text(
                "SELECT r.indicator_id, r.period_id FROM result r JOIN indicator i ON i.id = r.indicator_id "
                "JOIN period p ON p.id = r.period_id WHERE i.program_id = :program AND r.state = 'draft' "
                "ORDER BY i.id, p.start_date DESC LIMIT 1"
            ),
            {"program": program_id},
        ).first()
    if row is None:
        raise LookupError(f"program {program_id} has no draft result to change")
    return ResultCell(program_id, int(row[0]), int(row[1]))


def opened_row(url: str, viewer: Viewer, cell: ResultCell) -> entry.ResultRow:
    """The grid's row of ``cell`` as /data opens it."""
    with read_session(engine_for(url)) as session:
        rows = entry.result_rows(session, viewer, cell.program_id, [cell.period_id])
    return next(row for row in rows if row.indicator_id == cell.indicator_id)


def save_result(url: str, viewer: Viewer, opened: entry.ResultRow, actual: float | None) -> float:
    """Seconds to save one changed actual as the /data grid saves it: its command, one write transaction."""
    edit = entry.RowEdit(opened=opened, target=opened.target, actual=actual, narrative=opened.narrative)
    started = time.perf_counter()
    with write_session(engine_for(url)) as session:
        entry.save_results(session=session, viewer=viewer, edits=[edit])
    return time.perf_counter() - started


@dataclass
class SaveTiming:
    cell: ResultCell
    save: list[float] = field(default_factory=list)
    overview_after: list[Run] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "save_s": statistics.median(self.save),
            "overview_after_s": statistics.median(run.pass_s for run in self.overview_after),
            "save_runs_s": self.save,
            "overview_after_runs_s": [run.pass_s for run in self.overview_after],
            "program_id": self.cell.program_id,
            "indicator_id": self.cell.indicator_id,
            "period_id": self.cell.period_id,
        }


def _changed_actual(opened: entry.ResultRow, n: int) -> float:
    base = opened.actual if opened.actual is not None else opened.target
    return round((base or 10.0) * (1.01 + 0.01 * n), 2)


def measure_saves(
    opened: Mapping[K, tuple[str, Viewer, ResultCell]], *, repetitions: int
) -> dict[K, SaveTiming]:
    """Save one result at each place (a database and scale, say) in turns, ``repetitions`` times, and
    after each save run the overview as the server runs it next: its cache was filled before the save,
    so the reads of the tables the save wrote run again and the others come from the cache. The
    results get their figures back at the end.
    """
    overview = PageCase("overview", "pages/overview.py")
    apps = {place: open_page(url, viewer, overview) for place, (url, viewer, _) in opened.items()}
    originals = {place: opened_row(url, viewer, cell) for place, (url, viewer, cell) in opened.items()}
    timings = {place: SaveTiming(cell) for place, (_, _, cell) in opened.items()}
    try:
        for n in range(repetitions):
            for place, (url, viewer, cell) in opened.items():
                timed_run(url, apps[place])  # the cache as a server holds it before the save
                row = opened_row(url, viewer, cell)
                timings[place].save.append(
                    save_result(url, viewer, row, _changed_actual(originals[place], n))
                )
                timings[place].overview_after.append(timed_run(url, apps[place]))
                _check(apps[place], overview)
    finally:
        for place, (url, viewer, cell) in opened.items():
            save_result(url, viewer, opened_row(url, viewer, cell), originals[place].actual)
    return timings
