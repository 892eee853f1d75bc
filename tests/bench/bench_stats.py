"""Benchmark: discretion statistics + reports (every asset in assets.stats) on a small world.

Usage:
    .venv/bin/python tests/bench/bench_stats.py [--workdir DIR] [--landing DIR] [--seed N]

Without --workdir, generates a small world (seed 7) and runs the whole pipeline once into a
temp work dir (not timed), then times materialising the stats assets alone. Goal: < 60 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def prepare(workdir: Path | None, landing: Path | None, seed: int) -> tuple[Path, Path]:
    if workdir is not None and (workdir / "xiansuo.duckdb").exists():
        return workdir, landing or workdir / "landing"
    base = Path(tempfile.mkdtemp(prefix="bench_stats_"))
    if landing is None:
        from data_contracts.generator import generate

        landing = base / "landing"
        t = time.perf_counter()
        generate(landing, scale="small", seed=seed)
        print(f"generated small world in {time.perf_counter() - t:.1f} s")
    workdir = workdir or base / "work"
    from pipelines.runner import run_pipeline

    t = time.perf_counter()
    summary = run_pipeline(landing, workdir, force=True)
    print(f"full pipeline: {summary.status} in {time.perf_counter() - t:.1f} s")
    return workdir, landing


def time_stats(workdir: Path, landing: Path) -> float:
    import dagster as dg
    from dagster_duckdb import DuckDBResource

    from assets.stats import ASSETS, CHECKS
    from pipelines.resources import XiansuoSettings

    resources = {
        "duckdb": DuckDBResource(database=str(workdir / "xiansuo.duckdb")),
        "settings": XiansuoSettings(workdir=str(workdir), landing=str(landing)),
    }
    t = time.perf_counter()
    result = dg.materialize([*ASSETS, *CHECKS], resources=resources, raise_on_error=True)
    total = time.perf_counter() - t
    assert result.success
    durations = {}
    for ev in result.all_events:
        if ev.event_type == dg.DagsterEventType.STEP_SUCCESS:
            durations[ev.step_key] = ev.event_specific_data.duration_ms / 1000
    for key, secs in sorted(durations.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {key:32s} {secs:6.2f} s")
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--landing", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    workdir, landing = prepare(args.workdir, args.landing, args.seed)
    import duckdb

    with duckdb.connect(str(workdir / "xiansuo.duckdb"), read_only=True) as conn:
        n_cases = conn.execute("select count(*) from staging.cases").fetchall()[0][0]
        n_weigh = conn.execute("select count(*) from staging.weigh_records").fetchall()[0][0]
    total = time_stats(workdir, landing)
    verdict = "OK" if total < 60 else "SLOW"
    print(
        f"stats + reports: {total:.1f} s ({n_weigh:,} weigh records, {n_cases:,} cases) "
        f"— goal < 60 s: {verdict}"
    )
    print(f"outputs: {workdir / 'out' / 'stats'}")


if __name__ == "__main__":
    main()
