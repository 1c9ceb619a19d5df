"""Sinergi's benchmark: ``python -m bench.run [--quick]`` prints a table and writes bench/results.json.

Absolute times on a shared machine are noisy, so the targets are ratios of figures taken in one run:
page runs at the large scale against the small one and against the page's own SQL, the xl (province)
scale against the large one, on SQLite and on PostgreSQL, saving one result at xl against large, the
overview in Chromium against a hello-world page served the same way, memory per extra viewer, and
lost writes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

import models as m
from bench.databases import BENCH_DIR, DurablePostgresServer, postgres_database, synthetic_database
from sinergi.core.access import SYSTEM, Viewer, viewer_for
from sinergi.core.db import engine_for, upgrade_database, write_session
from sinergi.core.settings import PROJECT_ROOT
from sinergi.writes.accounts import UserInput, create_user, hash_password, password_matches

RESULTS = BENCH_DIR / "results.json"
PARTS = ("pages", "browser", "memory", "writes", "imports", "meeting")
DATABASES = ("sqlite", "postgresql")
SCALES = ("small", "large", "xl")
QUICK_SCALES = ("small", "large")
BENCH_USER = "bench.admin"
BENCH_PASSWORD = "bench-kata-sandi-2026"

# The benchmark's targets: each a ratio or count that must stay at or below its limit.
WARM_LARGE_OVER_SMALL = 1.5
COLD_LARGE_OVER_SQL = 3.0
OVERVIEW_OVER_HELLO = 1.3
MB_PER_EXTRA_SESSION = 10.0
LOST_WRITES = 0
IMPORT_SECONDS = 15.0
OTHER_WRITER_WAIT_SECONDS = 2.0
# A province (the xl scale, ten times large) against the large scale, on each database.
COLD_XL_OVER_LARGE = 2.0
SAVE_XL_OVER_LARGE = 1.5
XL_BUILD_SECONDS = 600.0
# The hall of phones at an FGD: everyone checked in, 5 inputs each and their dots spent within this
# many seconds, nothing lost or counted twice, and approved input on the audience view within one of
# its refreshes (plus this much to draw it).
MEETING_SECONDS = 180.0
AUDIENCE_DRAW_SECONDS = 2.0


@dataclass(frozen=True)
class Settings:
    repetitions: int  # AppTest runs per page, cache state and scale
    saves: int  # saves of one result per database and scale
    loads: int  # browser loads of each page
    pillars: tuple[str, ...]  # picked in turn, twice over, in the filter-change test: at least two
    sessions: int  # viewer sessions in the memory test
    writers: int
    items_per_writer: int
    phones: int  # phone sessions at the FGD


FULL = Settings(
    repetitions=9,
    saves=9,
    loads=9,
    pillars=("economy", "environment", "health"),
    sessions=20,
    writers=20,
    items_per_writer=25,
    phones=48,
)
QUICK = Settings(
    repetitions=2,
    saves=3,
    loads=2,
    pillars=("economy", "environment"),
    sessions=5,
    writers=20,
    items_per_writer=5,
    phones=12,
)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def bench_viewer(url: str) -> Viewer:
    """The benchmark's admin account in the database at ``url``, created on first use."""
    with write_session(engine_for(url)) as session:
        user = session.exec(select(m.User).where(m.User.username == BENCH_USER)).first()
        if user is None:
            user = create_user(
                session=session,
                actor=SYSTEM,
                data=UserInput(
                    username=BENCH_USER, display_name="Benchmark", role="admin", password=BENCH_PASSWORD
                ),
            )
        elif not password_matches(BENCH_PASSWORD, user.password_hash):
            user.password_hash = hash_password(BENCH_PASSWORD)
            session.add(user)
        return viewer_for(user)


Place = tuple[str, str]  # (database, scale)


def measure_pages(urls: dict[Place, str], settings: Settings) -> dict[str, Any]:
    """Every page cold and warm at each database and scale, then saving one result at each, as
    ``{database: {"pages": {page: {scale: figures, ratios…}}, "save_result": {scale: figures}}}``."""
    from bench.pages import editable_result, measure_page, measure_saves, page_cases, program_with_results

    programs = {place: program_with_results(url) for place, url in urls.items()}
    viewers = {place: bench_viewer(url) for place, url in urls.items()}
    cases = {place: page_cases(program_id) for place, (program_id, _) in programs.items()}
    where = ", ".join(f"{database} {scale}" for database, scale in urls)
    figures: dict[str, Any] = {database: {"pages": {}} for database, _ in urls}
    for n, case in enumerate(next(iter(cases.values()))):
        log(f"pages: {case.name} at {where}, in turns")
        timings = measure_page(
            {place: (url, viewers[place], cases[place][n]) for place, url in urls.items()},
            repetitions=settings.repetitions,
        )
        for (database, scale), timing in timings.items():
            program_id, indicators = programs[database, scale]
            page = figures[database]["pages"].setdefault(case.name, {"address": case.script})
            page[scale] = timing.summary() | (
                {"program_id": program_id, "indicators": indicators} if case.name == "program" else {}
            )
    log(f"pages: saving one result at {where}, {settings.saves} times each, in turns")
    saves = measure_saves(
        {
            place: (url, viewers[place], editable_result(url, programs[place][0]))
            for place, url in urls.items()
        },
        repetitions=settings.saves,
    )
    for (database, scale), saved in saves.items():
        figures[database].setdefault("save_result", {})[scale] = saved.summary()
    for database in figures.values():
        for page in database["pages"].values():
            _page_ratios(page)
        save = database.get("save_result", {})
        if "large" in save and "xl" in save:
            database["save_xl_over_large"] = save["xl"]["save_s"] / save["large"]["save_s"]
    return figures


def measure_pages_part(
    sqlite_urls: dict[str, str],
    scales: tuple[str, ...],
    databases: tuple[str, ...],
    settings: Settings,
    recorded: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """The pages at ``scales`` on ``databases``: SQLite's files under bench/, and on PostgreSQL each
    scale loaded into its own database of a throwaway server with fsync on (its load times go into
    ``recorded``)."""
    urls: dict[Place, str] = {}
    if "sqlite" in databases:
        urls |= {("sqlite", scale): sqlite_urls[scale] for scale in scales}
    if "postgresql" not in databases:
        return measure_pages(urls, settings)
    server = DurablePostgresServer()
    server.start()
    try:
        recorded["postgresql"] = {}
        for scale in scales:
            url, seconds = postgres_database(server, scale, log=log)
            urls["postgresql", scale] = url
            recorded["postgresql"][scale] = {"database": f"bench_{scale}", "this_run": True} | seconds
        return measure_pages(urls, settings)
    finally:
        for (database, _), url in urls.items():
            if database == "postgresql":
                engine_for(url).dispose()
        server.stop()


def _page_ratios(page: dict[str, Any]) -> None:
    small, large, xl = page.get("small"), page.get("large"), page.get("xl")
    if small and large:
        page["warm_large_over_small"] = large["warm_s"] / small["warm_s"]
    if large:
        page["cold_large_over_sql"] = large["cold_s"] / large["sql_s"]
        page["cold_large_over_sql_apptest"] = large["cold_apptest_s"] / large["sql_s"]
    if large and xl:
        page["cold_xl_over_large"] = xl["cold_s"] / large["cold_s"]
        page["warm_xl_over_large"] = xl["warm_s"] / large["warm_s"]
    if small and large and "indicators" in small:
        # The program page draws a panel per indicator: the large world's programs have more of
        # them, which this ratio takes out (for information; the target is the plain ratio).
        page["warm_per_indicator_large_over_small"] = (large["warm_s"] / large["indicators"]) / (
            small["warm_s"] / small["indicators"]
        )


def _overview_elements(url: str, viewer: Viewer) -> tuple[int, int]:
    """How many tiles and charts the overview shows at this database, from one AppTest run."""
    from bench.pages import PageCase, open_page

    app = open_page(url, viewer, PageCase("overview", "pages/overview.py"))
    return len(app.metric), len(app.get("vega_lite_chart"))


def measure_browser_part(urls: dict[str, str], settings: Settings) -> dict[str, Any]:
    from bench.chromium import Overview, measure_browser

    large, small = (
        Overview(urls[scale], *_overview_elements(urls[scale], bench_viewer(urls[scale])))
        for scale in ("large", "small")
    )
    log(
        f"browser: overview ({large.metrics} tiles, {large.charts} charts; small scale {small.metrics} "
        f"and {small.charts}) and hello world, {settings.loads} loads each"
    )
    figures = measure_browser(
        large,
        small,
        username=BENCH_USER,
        password=BENCH_PASSWORD,
        loads=settings.loads,
        pillars=list(settings.pillars),
    )
    return figures.summary() | {
        "tiles": large.metrics,
        "charts": large.charts,
        "pillars": list(settings.pillars),
    }


def measure_memory_part(url: str, settings: Settings) -> dict[str, Any]:
    from bench.chromium import measure_memory

    metrics, charts = _overview_elements(url, bench_viewer(url))
    log(f"memory: {settings.sessions} viewer sessions on the overview")
    return measure_memory(
        url,
        username=BENCH_USER,
        password=BENCH_PASSWORD,
        metrics=metrics,
        charts=charts,
        sessions=settings.sessions,
    )


def measure_meeting_part(settings: Settings) -> dict[str, Any]:
    from bench.meeting import measure_meeting

    log(f"meeting: {settings.phones} phones in Chromium, 5 inputs and 3 dots each")
    return measure_meeting(phones=settings.phones, inputs=5, log=log)


def _on_throwaway_databases(
    name: str, doing: str, measure: Callable[[Engine], dict[str, Any]]
) -> dict[str, Any]:
    """``measure`` on a new SQLite file, then on a new database of a throwaway PostgreSQL server (started
    with fsync=off), each migrated and empty; ``doing`` says in the log what is measured."""
    from tests.pg_server import PostgresServer

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="sinergi-bench-") as folder:
        url = f"sqlite:///{Path(folder) / f'{name}.db'}"
        upgrade_database(url)
        log(f"{name}: {doing} on SQLite")
        results["sqlite"] = measure(engine_for(url))
        engine_for(url).dispose()
    server = PostgresServer()
    server.start()
    try:
        url = server.create_database(f"bench_{name}")
        upgrade_database(url)
        log(f"{name}: {doing} on PostgreSQL")
        results["postgresql"] = measure(engine_for(url))
        engine_for(url).dispose()
    finally:
        server.stop()
    return results


def measure_writes(settings: Settings) -> dict[str, Any]:
    from bench.writes import concurrent_writes

    results = _on_throwaway_databases(
        "writes",
        f"{settings.writers} writers × {settings.items_per_writer} items",
        lambda engine: concurrent_writes(
            engine, writers=settings.writers, items=settings.items_per_writer
        ).as_dict(),
    )
    results["postgresql"] |= {"note": "throwaway server started with fsync=off"}
    return results


def measure_imports() -> dict[str, Any]:
    from bench.imports import ROWS, import_while_writing

    return _on_throwaway_databases(
        "imports",
        f"{ROWS:,}-row import beside a writer every 50 ms",
        lambda engine: import_while_writing(engine).as_dict(),
    )


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target with the figure measured and whether it is met (nothing is asserted)."""
    rows: list[dict[str, Any]] = []

    def add(name: str, value: float, limit: float) -> None:
        rows.append({"target": name, "value": value, "limit": limit, "met": value <= limit})

    for database, measured in _pages_by_database(results).items():
        for page, figures in measured["pages"].items():
            if "warm_large_over_small" in figures:
                add(
                    f"{page}: warm large / warm small ({database})",
                    figures["warm_large_over_small"],
                    WARM_LARGE_OVER_SMALL,
                )
            if "cold_large_over_sql" in figures:
                add(
                    f"{page}: cold large / raw SQL ({database})",
                    figures["cold_large_over_sql"],
                    COLD_LARGE_OVER_SQL,
                )
            if "cold_xl_over_large" in figures:
                add(
                    f"{page}: cold xl / cold large ({database})",
                    figures["cold_xl_over_large"],
                    COLD_XL_OVER_LARGE,
                )
        if "save_xl_over_large" in measured:
            add(
                f"saving one result: xl / large ({database})",
                measured["save_xl_over_large"],
                SAVE_XL_OVER_LARGE,
            )
    xl_build = results.get("databases", {}).get("sqlite", {}).get("xl", {}).get("build_s")
    if xl_build is not None:
        add("xl SQLite database built, seconds", xl_build, XL_BUILD_SECONDS)
    if "browser" in results:
        add(
            "overview in Chromium / hello world",
            results["browser"]["overview_over_hello"],
            OVERVIEW_OVER_HELLO,
        )
    if "memory" in results:
        add("MB per extra viewer session", results["memory"]["mb_per_extra_session"], MB_PER_EXTRA_SESSION)
    for database, figures in results.get("writes", {}).items():
        add(f"lost writes ({database})", figures["lost"], LOST_WRITES)
    for database, figures in results.get("imports", {}).items():
        add(f"50,000-row import, seconds ({database})", figures["import_s"], IMPORT_SECONDS)
        add(
            f"other writers' longest wait during the import, seconds ({database})",
            figures["other_longest_wait_s"],
            OTHER_WRITER_WAIT_SECONDS,
        )
    meeting = results.get("meeting")
    if meeting:
        phones = meeting["phones"]
        add(
            f"FGD, {phones} phones: seconds to check in, send and spend dots",
            meeting["all_done_s"],
            MEETING_SECONDS,
        )
        add(
            f"FGD, {phones} phones: inputs lost or counted twice",
            meeting["inputs_lost"] + meeting["inputs_twice"],
            0,
        )
        add(
            f"FGD, {phones} phones: inputs and dots whose page did not confirm them",
            len(meeting.get("unconfirmed", [])),
            0,
        )
        add(
            f"FGD, {phones} phones: pages that crashed, loaded again or lost their connection",
            len(meeting.get("phones_troubled", {})),
            0,
        )
        add(
            f"FGD, {phones} phones: inputs counted whose sending run was not drawn",
            len(meeting.get("unredrawn", [])),
            0,
        )
        add(
            f"FGD, {phones} phones: phones counted other than once",
            abs(meeting["phones_counted"] - phones) + abs(meeting["head_count_added"] - phones),
            0,
        )
        add(
            "FGD: seconds from approval to the audience view",
            meeting["approval_to_audience_view_s"],
            meeting["refresh_s"] + AUDIENCE_DRAW_SECONDS,
        )
    return rows


def _meeting_lines(meeting: dict[str, Any]) -> list[str]:
    m = meeting
    return [
        f"FGD with {m['phones']} phones (Chromium, 390×844), {m['inputs_each']} inputs and 3 dots each",
        f"  checked in {m['checked_in_s']:.1f} s, inputs sent {m['inputs_sent_s']:.1f} s, "
        f"dots spent {m['all_done_s']:.1f} s after the first phone opened the form",
        *(
            f"  {phase}: {used['wall']:.1f} s; processor s: server {used['server']:.1f}, "
            f"browser {used['browser']:.1f}, harness {used['harness']:.1f}, others' work {used['others']:.1f}"
            for phase, used in m.get("processor_s", {}).items()
        ),
        f"  inputs lost {m['inputs_lost']}, counted twice {m['inputs_twice']}; "
        f"phones counted {m['phones_counted']}, head count +{m['head_count_added']}; dots {m['dots_spent']}",
        *(
            [f"  pages that did not confirm within a minute: {', '.join(m['unconfirmed'])}"]
            if m.get("unconfirmed")
            else []
        ),
        *(
            [f"  counted, but the run that sent them not drawn: {', '.join(m['unredrawn'])}"]
            if m.get("unredrawn")
            else []
        ),
        *(
            [f"  phones whose tab crashed, loaded again or lost its connection: {m['phones_troubled']}"]
            if m.get("phones_troubled")
            else []
        ),
        f"  approval to the audience view {m['approval_to_audience_view_s']:.1f} s "
        f"(it refreshes every {m['refresh_s']} s)",
        f"  server memory {m['server_mb_before_phones']:.0f} → {m['server_mb_with_phones']:.0f} MB, "
        f"{m['mb_per_phone']:.2f} MB per phone",
        f"  console load {m['console_load_no_phones_s']:.2f} s without phones, "
        f"{m['console_load_with_phones_s']:.2f} s with them",
        "",
    ]


def _pages_by_database(results: dict[str, Any]) -> dict[str, Any]:
    """The pages part by database; empty for a results file written before it was measured per database."""
    pages = results.get("pages", {})
    return {database: pages[database] for database in DATABASES if database in pages}


def _ratio_cell(page: dict[str, Any], key: str, limit: float) -> str:
    if key not in page:
        return f"{'':>17}"
    return f"{page[key]:>10.2f}{_mark(page[key] <= limit):>7}"


def _page_lines(database: str, pages: dict[str, Any]) -> list[str]:
    scales = [scale for scale in SCALES if any(scale in page for page in pages.values())]
    header = f"{'page':<11}" + "".join(f"{scale + ' cold':>11}{'warm':>8}{'SQL':>8}" for scale in scales)
    header += f"{'warm L/S':>10}{'':>7}{'cold L/SQL':>10}{'':>7}{'cold XL/L':>10}{'':>7}"
    lines = [
        f"Pages on {database}, server side (median seconds of the run a server makes, timed in AppTest; "
        "cold = st.cache_data cleared; SQL = the page's reads called directly)",
        header,
    ]
    for name, page in pages.items():
        lines.append(
            f"{name:<11}"
            + "".join(
                f"{page[scale]['cold_s']:>11.3f}{page[scale]['warm_s']:>8.3f}{page[scale]['sql_s']:>8.3f}"
                if scale in page
                else f"{'':>27}"
                for scale in scales
            )
            + _ratio_cell(page, "warm_large_over_small", WARM_LARGE_OVER_SMALL)
            + _ratio_cell(page, "cold_large_over_sql", COLD_LARGE_OVER_SQL)
            + _ratio_cell(page, "cold_xl_over_large", COLD_XL_OVER_LARGE)
        )
    with_apptest = [
        f"{name} {page['cold_large_over_sql_apptest']:.2f}"
        for name, page in pages.items()
        if "cold_large_over_sql_apptest" in page
    ]
    if with_apptest:
        lines.append(
            "(AppTest's whole run adds its own setup and, every time, the pass a server makes once per "
            "process to leave the legacy pages/ folder mode; cold large / SQL with it: "
            + " · ".join(with_apptest)
            + ")"
        )
    program = pages.get("program", {})
    shown = [
        f"id {program[scale]['program_id']} with {program[scale]['indicators']} indicators at {scale} scale"
        for scale in scales
        if scale in program
    ]
    if "warm_per_indicator_large_over_small" in program:
        per_indicator = program["warm_per_indicator_large_over_small"]
        shown.append(f"warm large / warm small per indicator {per_indicator:.2f}")
    if shown:
        lines.append(f"(program page: {'; '.join(shown)})")
    biggest = scales[-1] if scales else None
    if biggest:
        lines.append(f"Slowest reads at {biggest} scale (median seconds, called directly):")
        for name, page in pages.items():
            reads = list(page[biggest].get("reads_s", {}).items())[:3] if biggest in page else []
            if reads:
                lines.append(f"  {name:<11}" + " · ".join(f"{read} {seconds:.3f}" for read, seconds in reads))
    lines.append("")
    return lines


def _save_lines(database: str, measured: dict[str, Any]) -> list[str]:
    save = measured.get("save_result")
    if not save:
        return []
    lines = [
        f"Saving one result on {database} as /data saves it (median seconds), then the overview's next run "
        "(its cache filled before the save)"
    ]
    for scale, figures in save.items():
        lines.append(
            f"{scale:<7}save {figures['save_s']:.3f} · overview after it {figures['overview_after_s']:.3f}"
            f"  (indicator {figures['indicator_id']}, period {figures['period_id']}, "
            f"{len(figures['save_runs_s'])} saves)"
        )
    if "save_xl_over_large" in measured:
        ratio = measured["save_xl_over_large"]
        lines.append(f"save xl / save large {ratio:.2f}  {_mark(ratio <= SAVE_XL_OVER_LARGE)}")
    lines.append("")
    return lines


def _database_lines(databases: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for scale, figures in databases.get("sqlite", {}).items():
        built = figures.get("build_s")
        state = "reused" if figures.get("built_now_s") is None else "built now"
        if not figures.get("this_run", True):
            state = "(an earlier run's)"
        took = f", built in {built:.1f} s" if built is not None else ""
        mark = f"  {_mark(built <= XL_BUILD_SECONDS)}" if scale == "xl" and built is not None else ""
        lines.append(f"sqlite      {scale:<7}{figures['file']} {state}{took}{mark}")
    for scale, figures in databases.get("postgresql", {}).items():
        earlier = "" if figures.get("this_run", True) else " (an earlier run's)"
        lines.append(
            f"postgresql  {scale:<7}{figures['database']}{earlier} loaded in {figures['load_s']:.1f} s "
            f"(migrations {figures['migrate_s']:.1f} s, VACUUM ANALYZE {figures['analyze_s']:.1f} s)"
        )
    return ["Databases (PostgreSQL: a throwaway server with fsync on)", *lines, ""] if lines else []


def _mark(met: bool) -> str:
    return "ok" if met else "MISSED"


def table(results: dict[str, Any]) -> str:
    """The results as plain text, one block per part."""
    lines: list[str] = []
    lines += _database_lines(results.get("databases", {}))
    for database, measured in _pages_by_database(results).items():
        lines += _page_lines(database, measured["pages"])
        lines += _save_lines(database, measured)
    browser = results.get("browser")
    if browser:
        ratio = browser["overview_over_hello"]
        lines += [
            "Chromium (median seconds from navigation to every tile and chart drawn)",
            f"overview, large scale   {browser['overview_s']:.2f}",
            f"hello world             {browser['hello_s']:.2f}",
            f"overview / hello        {ratio:.2f}  {_mark(ratio <= OVERVIEW_OVER_HELLO)}",
            f"overview, small scale   {browser['overview_small_s']:.2f}  (large / small "
            f"{browser['overview_large_over_small']:.2f}: what the data's size costs in the browser)",
            *(
                f"  {name:<22}connect {parts['connect_s']:.2f} · script run {parts['run_s']:.2f} · "
                f"drawing {parts['draw_s']:.2f}"
                for name, parts in (
                    ("overview", browser["overview_parts_s"]),
                    ("overview, small scale", browser["overview_small_parts_s"]),
                    ("hello world", browser["hello_parts_s"]),
                )
            ),
            *(
                [
                    f"returning reader (the app's files in the browser's cache): overview "
                    f"{browser['overview_return_s']:.2f} · hello world {browser['hello_return_s']:.2f} · "
                    f"overview / hello {browser['overview_over_hello_return']:.2f}"
                ]
                if "overview_return_s" in browser  # results written before this figure was taken lack it
                else []
            ),
            f"filter change (pillar), new to the cache   {browser['filter_change_new_s']:.2f}",
            f"filter change (pillar), asked before       {browser['filter_change_again_s']:.2f}",
            "",
        ]
    memory = results.get("memory")
    if memory:
        per = memory["mb_per_extra_session"]
        lines += [
            "Memory of the app server (resident, MB)",
            f"idle {memory['idle_mb']:.0f} · 1 viewer {memory['one_session_mb']:.0f} · "
            f"{memory['sessions']} viewers {memory['all_sessions_mb']:.0f} · "
            f"per extra viewer {per:.1f}  {_mark(per <= MB_PER_EXTRA_SESSION)}",
            "",
        ]
    writes = results.get("writes")
    if writes:
        lines.append("Concurrent writers recording feedback (one transaction per item)")
        for database, figures in writes.items():
            lines.append(
                f"{database:<11} {figures['writers']} writers × {figures['items_per_writer']} items: "
                f"{figures['stored']}/{figures['attempted']} stored, {figures['lost']} lost, "
                f"{figures['errors']} errors, {figures['items_per_second']:.0f} items/s  "
                f"{_mark(figures['lost'] <= LOST_WRITES)}"
            )
        lines.append("")
    imports = results.get("imports")
    if imports:
        lines.append("50,000-row import (preview, then write) beside a writer every 50 ms (seconds)")
        for database, figures in imports.items():
            lines.append(
                f"{database:<11} {figures['rows']:,} rows: preview {figures['preview_s']:.1f} + write "
                f"{figures['write_s']:.1f} = {figures['import_s']:.1f}  "
                f"{_mark(figures['import_s'] <= IMPORT_SECONDS)} · other writer: {figures['other_writes']} "
                f"writes, longest {figures['other_longest_wait_s']:.2f}  "
                f"{_mark(figures['other_longest_wait_s'] <= OTHER_WRITER_WAIT_SECONDS)}, "
                f"{figures['other_errors']} errors"
            )
        lines.append("")
    meeting = results.get("meeting")
    if meeting:
        lines += _meeting_lines(meeting)
    missed = [row["target"] for row in results.get("targets", []) if not row["met"]]
    lines.append(f"Targets missed: {', '.join(missed)}" if missed else "Every target met.")
    return "\n".join(lines)


def _environment() -> dict[str, Any]:
    import streamlit

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None
    return {
        "commit": commit,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "platform": platform.platform(),
    }


def _quiet_bare_mode_warnings() -> None:
    """AppTest runs pages outside a server, and Streamlit warns about that on every run, hundreds of
    lines in all. Each time its configuration is read it sets its loggers' level again, so the warnings
    are filtered out instead."""
    for name in (
        "streamlit.runtime.scriptrunner_utils.script_run_context",
        "streamlit.runtime.caching.cache_data_api",
        "streamlit.runtime.state.session_state_proxy",
    ):
        logging.getLogger(name).addFilter(lambda record: record.levelno >= logging.ERROR)


def _names(allowed: tuple[str, ...]) -> Callable[[str], tuple[str, ...]]:
    """A comma-separated list of some of ``allowed``, kept in the order of ``allowed``."""

    def parse(value: str) -> tuple[str, ...]:
        names = {name.strip() for name in value.split(",") if name.strip()}
        unknown = names - set(allowed)
        if unknown or not names:
            raise argparse.ArgumentTypeError(f"choose among {', '.join(allowed)}")
        return tuple(name for name in allowed if name in names)

    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, viewers and items")
    parser.add_argument(
        "--scales",
        type=_names(SCALES),
        help=f"pages at these scales, comma-separated (default {','.join(SCALES)}; with --quick "
        f"{','.join(QUICK_SCALES)})",
    )
    parser.add_argument(
        "--databases",
        type=_names(DATABASES),
        default=DATABASES,
        help=f"pages on these databases, comma-separated (default {','.join(DATABASES)})",
    )
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=PARTS,
        default=list(PARTS),
        help="measure only these parts; the others are kept from the last bench/results.json",
    )
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    _quiet_bare_mode_warnings()
    started = time.perf_counter()
    # The app servers sign cookies with a key of this run's own, never with the checkout's.
    secrets = tempfile.TemporaryDirectory(prefix="sinergi-bench-secrets-")
    os.environ.setdefault("SINERGI_SECRETS_FILE", str(Path(secrets.name) / "secrets.toml"))

    results: dict[str, Any] = {}
    if set(args.parts) != set(PARTS) and RESULTS.exists():
        results = json.loads(RESULTS.read_text())
    scales = args.scales or (QUICK_SCALES if args.quick else SCALES)
    wanted: set[str] = set()  # the SQLite files this run needs
    if "pages" in args.parts and "sqlite" in args.databases:
        wanted |= set(scales)
    if set(args.parts) & {"browser", "memory"}:
        wanted |= {"small", "large"}
    # What earlier runs recorded stays (their parts may be kept), marked as not built by this run.
    recorded = results.get("databases", {})
    databases: dict[str, dict[str, Any]] = {
        name: {scale: figures | {"this_run": False} for scale, figures in recorded.get(name, {}).items()}
        for name in DATABASES
    }
    results["databases"] = databases
    urls: dict[str, str] = {}
    for scale in (scale for scale in SCALES if scale in wanted):
        url, built_now, built = synthetic_database(scale, log=log)
        urls[scale] = url
        databases["sqlite"][scale] = {
            "file": Path(url.removeprefix("sqlite:///")).name,
            "built_now_s": built_now,
            "build_s": built,
            "this_run": True,
        }
    steps: dict[str, Callable[[], Any]] = {
        "pages": lambda: measure_pages_part(urls, scales, args.databases, settings, databases),
        "browser": lambda: measure_browser_part(urls, settings),
        "memory": lambda: measure_memory_part(urls["large"], settings),
        "writes": lambda: measure_writes(settings),
        "imports": measure_imports,
        "meeting": lambda: measure_meeting_part(settings),
    }
    for part in PARTS:
        if part in args.parts:
            results[part] = steps[part]()
    results["targets"] = targets(results)
    results["run"] = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "parts": args.parts,
        "seconds": time.perf_counter() - started,
        "viewer": f"{BENCH_USER} (admin: every company and regency)",
        "settings": settings.__dict__ | {"pillars": list(settings.pillars)},
        "scales": list(scales),
        "databases": list(args.databases),
        **_environment(),
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print()
    print(table(results))
    print(f"\nWritten to {RESULTS.relative_to(PROJECT_ROOT)} in {results['run']['seconds']:.0f} s.")
    secrets.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
