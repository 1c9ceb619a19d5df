"""The synthetic databases of the benchmark: SQLite files under bench/, built once and reused while
unchanged, and the same worlds on a throwaway PostgreSQL server."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import psycopg

from deploy.pg_server import PostgresServer
from sinergi.core.db import engine_for, upgrade_database
from sinergi.worlds import synth
from sinergi.worlds.synth import SCALES, build_synthetic

BENCH_DIR = Path(__file__).resolve().parent
SEED = 42


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _recipe(scale: str) -> dict[str, Any]:
    """What the database is made of: counts, seed and the generator's source, as stored beside it."""
    source = Path(synth.__file__).read_bytes()
    return {
        "scale": scale,
        "counts": asdict(SCALES[scale]),
        "seed": SEED,
        "synth_sha256": hashlib.sha256(source).hexdigest(),
    }


def synthetic_database(scale: str, *, log: Any = print) -> tuple[str, float | None, float | None]:
    """URL of ``bench/<scale>.db`` at the latest schema, the seconds it took to build now (None when
    reused) and the seconds its build took (None if not recorded).

    The sidecar ``bench/<scale>.synth.json`` records the counts, seed and generator the file was
    built with, and how long the build took; when any of the first three differs the file is rebuilt.
    """
    path = BENCH_DIR / f"{scale}.db"
    sidecar = BENCH_DIR / f"{scale}.synth.json"
    recipe = _recipe(scale)
    url = sqlite_url(path)
    if path.exists() and sidecar.exists():
        try:
            stored = json.loads(sidecar.read_text())
        except ValueError:
            stored = {}
        if {key: stored.get(key) for key in recipe} == recipe:
            upgrade_database(url)  # a reused file gets any newer migration (an index, say)
            log(f"reusing {path.name} ({scale}, seed {SEED})")
            return url, None, stored.get("built_s")
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"), sidecar):
        stale.unlink(missing_ok=True)
    log(f"building {path.name} ({scale}) …")
    started = time.perf_counter()
    upgrade_database(url)
    engine = engine_for(url)
    build_synthetic(engine=engine, counts=SCALES[scale], seed=SEED)
    with engine.connect() as connection:  # fold the write-ahead log into the file
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.perf_counter() - started
    sidecar.write_text(json.dumps(recipe | {"built_s": round(seconds, 1)}, indent=2) + "\n")
    log(f"built {path.name} in {seconds:.1f} s")
    return url, seconds, seconds


class DurablePostgresServer(PostgresServer):
    """The tests' throwaway server (deploy/pg_server.py) with fsync on: a commit waits for the disk as
    on a real server, which is what saving a result costs there."""

    def _run(self, *args: str) -> None:
        super()._run(*(arg.replace("-c fsync=off", "-c fsync=on") for arg in args))

    def start(self) -> None:
        super().start()
        with psycopg.connect(self.url().replace("+psycopg", "")) as connection:
            fsync = connection.execute("SHOW fsync").fetchone()
        if fsync != ("on",):
            self.stop()
            raise RuntimeError(f"the benchmark's PostgreSQL server runs with fsync {fsync}, not on")


def postgres_database(
    server: PostgresServer, scale: str, *, log: Any = print
) -> tuple[str, dict[str, float]]:
    """A database ``bench_<scale>`` on ``server`` at the latest schema with the world of ``bench/<scale>.db``
    (same counts and seed), its statistics gathered as a server in use has them; returns its URL and
    the seconds of each step."""
    url = server.create_database(f"bench_{scale}")
    log(f"loading bench_{scale} on PostgreSQL ({scale}) …")
    started = time.perf_counter()
    upgrade_database(url)
    migrated = time.perf_counter()
    build_synthetic(engine=engine_for(url), counts=SCALES[scale], seed=SEED)
    loaded = time.perf_counter()
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    analysed = time.perf_counter()
    seconds = {"migrate_s": migrated - started, "load_s": loaded - migrated, "analyze_s": analysed - loaded}
    log(f"loaded bench_{scale} in {seconds['load_s']:.1f} s (+ VACUUM ANALYZE {seconds['analyze_s']:.1f} s)")
    return url, seconds
