"""The small and large synthetic databases of the benchmark, built once and reused while unchanged."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

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


def synthetic_database(scale: str, *, log: Any = print) -> tuple[str, float | None]:
    """URL of ``bench/<scale>.db`` at the latest schema; built (seconds returned) unless already current.

    The sidecar ``bench/<scale>.synth.json`` records the counts, seed and generator the file was
    built with; when any of them differs the file is rebuilt.
    """
    path = BENCH_DIR / f"{scale}.db"
    sidecar = BENCH_DIR / f"{scale}.synth.json"
    recipe = _recipe(scale)
    url = sqlite_url(path)
    if path.exists() and sidecar.exists():
        try:
            current = json.loads(sidecar.read_text()) == recipe
        except ValueError:
            current = False
        if current:
            upgrade_database(url)  # a reused file gets any newer migration (an index, say)
            log(f"reusing {path.name} ({scale}, seed {SEED})")
            return url, None
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
    sidecar.write_text(json.dumps(recipe, indent=2) + "\n")
    log(f"built {path.name} in {seconds:.1f} s")
    return url, seconds
