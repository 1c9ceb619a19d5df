"""The figures kept per program and period stay equal to what their rows give, whatever writes them."""

from __future__ import annotations

import contextlib
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, text
from sqlmodel import col, select

import models as m
from sinergi.core.access import SYSTEM, Viewer
from sinergi.core.db import engine_for, read_session, write_session
from sinergi.reads import overview, reporting
from sinergi.reads.filters import Filters, program_scope
from sinergi.reads.reporting import total
from sinergi.rules.achievement import Thresholds
from sinergi.rules.reporting import program_due_sql
from sinergi.transfer import importing, parsing
from sinergi.worlds.demo import load_demo
from sinergi.writes import admin, entry, group_figures, results, summaries


def _kept(engine: Engine) -> list[tuple[Any, ...]]:
    """The kept figures per program and period, keys first."""
    columns = ", ".join(summaries.FIGURE_COLUMNS)
    with engine.connect() as connection:
        return [
            tuple(r)
            for r in connection.execute(
                text(f"SELECT {columns} FROM program_period_figure ORDER BY program_id, period_id")
            )
        ]


def _differences(engine: Engine) -> list[Any]:
    """Where the figures kept per program and per group differ from those their rows give."""
    with read_session(engine) as session:
        return [*summaries.differences(session), *group_figures.differences(session)]


def _pick(session: Any, rng: random.Random) -> tuple[int, int]:
    indicators = session.exec(select(m.Indicator.id).order_by(col(m.Indicator.id))).all()
    periods = session.exec(select(m.Period.id).order_by(col(m.Period.id))).all()
    return rng.choice(indicators), rng.choice(periods)


def _random_results(engine: Engine, rng: random.Random, count: int) -> None:
    for _ in range(count):
        with write_session(engine) as session:
            indicator_id, period_id = _pick(session, rng)
            stored = session.exec(
                select(m.Result).where(m.Result.indicator_id == indicator_id, m.Result.period_id == period_id)
            ).first()
            if stored is not None and stored.state == m.ResultState.VERIFIED:
                continue
            results.record_result(
                session=session,
                viewer=SYSTEM,
                indicator_id=indicator_id,
                period_id=period_id,
                target=rng.choice([None, 0.0, 10.0, 120.0]),
                actual=rng.choice([None, 0.0, 7.0, 11.0, 150.0]),
                note="",
                withdraw=True,
            )


def test_figures_follow_every_kind_of_write(db_url: str) -> None:
    engine = engine_for(db_url)
    load_demo(engine=engine)
    assert _kept(engine), "the demo's results are summed up"
    assert _differences(engine) == []
    rng = random.Random(7)

    _random_results(engine, rng, 30)
    with write_session(engine) as session:  # a program's results sent, some verified, one sent back
        result = session.exec(
            select(m.Result).where(col(m.Result.actual).is_not(None), m.Result.state == m.ResultState.DRAFT)
        ).first()
        assert result is not None
        indicator = session.get(m.Indicator, result.indicator_id)
        assert indicator is not None
        entry.submit_results(
            session=session, viewer=SYSTEM, program_id=indicator.program_id, period_id=result.period_id
        )
    with write_session(engine) as session:
        sent = session.exec(
            select(m.Result.id, m.Result.version).where(m.Result.state == m.ResultState.SUBMITTED)
        ).all()
        assert sent
        results.verify_results(session=session, viewer=SYSTEM, seen=[(i, v) for i, v in sent[1:] if i])
        first_id, first_version = sent[0]
        assert first_id is not None
        results.return_result(
            session=session,
            viewer=SYSTEM,
            result_id=first_id,
            version=first_version,
            note="Angka belum sesuai",
        )
    assert _differences(engine) == []

    with write_session(engine) as session:  # a program goes back to planning, another ends early
        programs = session.exec(select(m.Program).order_by(col(m.Program.id))).all()
        for program, changes in (
            (programs[0], {"stage": "planning"}),
            (programs[1], {"end_date": date(2021, 3, 31), "start_date": date(2020, 1, 1)}),
        ):
            typed = entry.snapshot(entry.PROGRAM, program) | changes
            entry.save_record(
                session=session, viewer=SYSTEM, spec=entry.PROGRAM, record_id=program.id, typed=typed
            )
        entry.save_record(  # a new indicator is due where its program is, without a result yet
            session=session,
            viewer=SYSTEM,
            spec=entry.INDICATOR,
            record_id=None,
            parent_id=programs[2].id,
            typed={
                "name": "Indikator baru",
                "unit": "orang",
                "kind": "output",
                "direction": "higher",
                "accumulation": "periodic",
                "baseline_value": None,
                "baseline_year": None,
            },
        )
    assert _differences(engine) == []

    with write_session(engine) as session:  # a program's people, pillar, flag, budget and villages change
        changed = session.exec(select(m.Program).order_by(col(m.Program.id).desc())).first()
        assert changed is not None and changed.id is not None
        typed = entry.snapshot(entry.PROGRAM, changed) | {
            "families_reached": changed.families_reached + 17,
            "women_reached": changed.women_reached + 5,
            "pillar": next(p.value for p in m.Pillar if p.value != changed.pillar),
            "poverty_alleviation": not changed.poverty_alleviation,
        }
        entry.save_record(
            session=session, viewer=SYSTEM, spec=entry.PROGRAM, record_id=changed.id, typed=typed
        )
    assert _differences(engine) == []
    with write_session(engine) as session:  # its budget and villages, each without the program itself
        entry.save_record(
            session=session,
            viewer=SYSTEM,
            spec=entry.BUDGET,
            record_id=None,
            parent_id=changed.id,
            typed={"year": 2031, "planned": 250_000_000, "spent": 1_000_000},
        )
    with write_session(engine) as session:
        offered = sorted(entry.village_options(session, changed.company_id))
        linked = entry.current_links(session, entry.PROGRAM, changed.id)
        entry.set_links(
            session=session,
            viewer=SYSTEM,
            spec=entry.PROGRAM,
            record_id=changed.id,
            picked={**linked, "villages": offered[:3]},
        )
    assert _differences(engine) == []

    with read_session(engine) as session:  # an import, in bulk: a draft changed, a period created
        company, program_name, indicator_name, period = session.exec(
            select(m.Company.name, m.Program.name, m.Indicator.name, m.Period.code)
            .join(m.Program, col(m.Program.company_id) == col(m.Company.id))
            .join(m.Indicator, col(m.Indicator.program_id) == col(m.Program.id))
            .join(m.Result, col(m.Result.indicator_id) == col(m.Indicator.id))
            .join(m.Period, col(m.Period.id) == col(m.Result.period_id))
            .where(m.Result.state == m.ResultState.DRAFT, m.Program.stage != "planning")
            .order_by(col(m.Result.id))
        ).first() or pytest.fail("no draft result")
    data = (
        "Perusahaan;Program;Indikator;Periode;Target;Realisasi;Narasi\n"
        f"{company};{program_name};{indicator_name};2030-S1;100;95;\n"
        f"{company};{program_name};{indicator_name};{period};100;40;\n"
    ).encode()
    report = importing.import_sheets(
        engine=engine, viewer=SYSTEM, sheets=parsing.read_upload("capaian.csv", data), commit=True
    )
    assert not report.problems
    assert _differences(engine) == []

    with write_session(engine) as session:  # stricter thresholds judge every figure again
        admin.set_thresholds(session=session, viewer=SYSTEM, on_track_min=0.99, needs_attention_min=0.5)
    assert _differences(engine) == []

    _random_results(engine, rng, 20)
    assert _differences(engine) == []
    kept = _kept(engine)
    with write_session(engine) as session:
        summaries.rebuild(session)
    rebuilt = _kept(engine)
    assert [row[:2] for row in rebuilt] == [row[:2] for row in kept]
    for made, was in zip(rebuilt, kept, strict=True):  # sums of the same floats, maybe in another order
        assert made == pytest.approx(was, rel=1e-12)


def test_the_overview_counts_a_saved_result_at_once(demo_copy_url: str) -> None:
    engine = engine_for(demo_copy_url)
    limits = Thresholds()
    with read_session(engine) as session:
        missing = session.exec(
            select(m.Indicator.id, m.Period.id, m.Period.code)
            .join(m.Program, col(m.Program.id) == col(m.Indicator.program_id))
            .join(m.Period, program_due_sql(m.Period.start_date, m.Period.end_date))
            .outerjoin(
                m.Result,
                (col(m.Result.indicator_id) == col(m.Indicator.id))
                & (col(m.Result.period_id) == col(m.Period.id)),
            )
            .where(col(m.Result.actual).is_(None))
            .order_by(col(m.Period.code))
        ).first()
    assert missing is not None, "the demo has an indicator due and not reported"
    indicator_id, period_id, code = missing
    assert indicator_id is not None and period_id is not None
    filters = Filters(period=code)

    def tiles() -> overview.OverviewTiles:
        with read_session(engine) as session:
            return overview.overview_tiles(session=session, filters=filters, viewer=SYSTEM, thresholds=limits)

    before = tiles()
    with write_session(engine) as session:
        results.record_result(
            session=session,
            viewer=SYSTEM,
            indicator_id=indicator_id,
            period_id=period_id,
            target=10.0,
            actual=10.0,
            note="",
        )
    after = tiles()
    assert after.results_due == before.results_due
    assert after.results_reported == before.results_reported + 1
    assert after.results_on_track == before.results_on_track + 1
    assert after.results_reported_verified == before.results_reported_verified
    with read_session(engine) as session:
        completeness = reporting.completeness(session=session, viewer=SYSTEM, filters=filters)
    assert int(completeness["reported"].sum()) == after.results_reported


def test_writers_of_one_program_committing_together_all_land(db_url: str) -> None:
    """Each remakes the program's figures before it commits; none may fail on the rows another put
    back, and the figures hold every result."""
    engine = engine_for(db_url)
    load_demo(engine=engine)
    with read_session(engine) as session:
        program_id, period_id = session.exec(
            select(m.Indicator.program_id, m.Period.id)
            .join(m.Period, col(m.Period.code) == "2025-S1")
            .group_by(col(m.Indicator.program_id), col(m.Period.id))
            .order_by(func.count().desc(), col(m.Indicator.program_id))
        ).first() or pytest.fail("no program")
        indicators = session.exec(
            select(m.Indicator.id).where(m.Indicator.program_id == program_id).order_by(col(m.Indicator.id))
        ).all()
    assert len(indicators) >= 2
    together = threading.Barrier(len(indicators))

    def save(indicator_id: int | None) -> None:
        assert indicator_id is not None and period_id is not None
        with write_session(engine) as session:
            if session.get_bind().dialect.name == "sqlite":
                together.abort()  # one SQLite writer at a time: nothing to meet
            results.record_result(
                session=session,
                viewer=SYSTEM,
                indicator_id=indicator_id,
                period_id=period_id,
                target=100.0,
                actual=99.0,
                note="",
                withdraw=True,
            )
            with contextlib.suppress(threading.BrokenBarrierError):
                together.wait(timeout=10)

    with ThreadPoolExecutor(len(indicators)) as pool:
        for done in [pool.submit(save, indicator_id) for indicator_id in indicators]:
            done.result()
    assert _differences(engine) == []


def _sums(figure: reporting.FigureColumns) -> list[Any]:
    return [
        total(getattr(figure, name)) for name in ("counted", "reported", "verified", "on_track", "measured")
    ]


def test_a_view_of_whole_groups_adds_up_what_its_programs_do(db_url: str) -> None:
    """A view narrowed only by company, pillar or poverty flag reads the figures per group; what they
    add up to is what the same view's programs add up to, for each reader who may see it."""
    engine = engine_for(db_url)
    load_demo(engine=engine)
    _random_results(engine, random.Random(11), 20)
    with read_session(engine) as session:
        company_id, pillar = session.exec(
            select(m.Program.company_id, m.Program.pillar).order_by(col(m.Program.id))
        ).first() or pytest.fail("no program")
    readers = [
        SYSTEM,
        Viewer(user_id=None, username="perusahaan", role=m.Role.COMPANY, company_id=company_id),
        Viewer(
            user_id=None, username="tautan", role=m.Role.COMPANY, company_id=company_id, verified_only=True
        ),
    ]
    choices = [
        Filters(),
        Filters(company_id=company_id),
        Filters(pillar=pillar),
        Filters(poverty_only=True),
        Filters(verified_only=True, pillar=pillar),
    ]
    tables: set[str] = set()
    found = 0
    with read_session(engine) as session:
        for viewer in readers:
            for chosen in choices:
                for by in ((), ("company_id",), ("pillar",)):
                    source = reporting.period_figures(chosen, viewer, by=by)
                    assert source.groups is not None, (viewer, chosen, by)
                    tables.add(source.table.name)
                    keys = [col(m.Period.code), *(getattr(source, name) for name in by)]
                    by_group = source.select(*keys, *_sums(source.columns)).group_by(*keys)
                    keys = [col(m.Period.code), *(getattr(m.Program, name) for name in by)]
                    programs = reporting.figure_columns(chosen, viewer)
                    per_program = reporting.figures(chosen, viewer, *keys, *_sums(programs)).group_by(*keys)
                    made = sorted(tuple(r) for r in session.execute(by_group).all())
                    assert made == sorted(tuple(r) for r in session.execute(per_program).all()), (
                        viewer,
                        chosen,
                        by,
                    )
                    found += bool(made)
                # The tiles' programs, people and budget, and the regencies' village links, likewise.
                tiles = overview.overview_tiles(
                    session=session, filters=chosen, viewer=viewer, thresholds=Thresholds()
                )
                scope = program_scope(chosen, viewer)
                programs_in_view = select(m.Program.id).where(*scope)
                assert (tiles.programs, tiles.families_reached, tiles.budget_planned) == session.execute(
                    select(
                        func.count(),
                        func.coalesce(func.sum(m.Program.families_reached), 0),
                        select(func.coalesce(func.sum(m.ProgramBudget.planned), 0))
                        .where(col(m.ProgramBudget.program_id).in_(programs_in_view))
                        .scalar_subquery(),
                    ).where(*scope)
                ).one(), (viewer, chosen)
                places = overview.places_by_regency(session=session, filters=chosen, viewer=viewer)
                located = overview.program_locations(session=session, filters=chosen, viewer=viewer)
                assert places.villages == len(located)
                assert dict(
                    zip(places.by_regency["regency"], places.by_regency["programs"], strict=True)
                ) == (located.groupby("regency")["programs"].sum().to_dict()), (viewer, chosen)
    assert tables == {table.name for table in reporting.GROUP_FIGURES}, "each size of group serves a view"
    assert found >= 3 * (len(readers) * len(choices) - 2), "most views have figures to compare"
    # A regency's view, or a plan year's, cuts across groups: it is added up per program.
    assert reporting.period_figures(Filters(regency_id=1), SYSTEM).groups is None
    assert reporting.period_figures(Filters(period="2024-S1"), SYSTEM).groups is None
    agency = Viewer(user_id=None, username="dinas", role=m.Role.AGENCY, regency_id=1)
    assert reporting.period_figures(Filters(), agency).groups is None
