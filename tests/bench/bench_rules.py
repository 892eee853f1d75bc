"""Benchmark of the rules area: facts + windows + scores on a generated world.

    .venv/bin/python tests/bench/bench_rules.py [--world DIR] [--scale medium] [--seed 11]

Loads the world's clean canonical copy (DIR/_truth/canonical, generated when DIR is missing) into a
scratch DuckDB as staging, runs every rules-area build step as the assets do, and prints the time
of each step, the total (wall and process CPU), the peak memory (process RSS high-water mark,
DuckDB included), the time of one DuckDB scan of the weigh records and the ratio. Goal: < 60 s and
within 10× of the scan. Then the incremental case: staging gets synthetic file ids (province ×
month), the last month is held back, the weighing facts are built, the last month lands and the
weighing step runs again (incremental: only the vehicles in the new files are recomputed).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assets.facts.monitoring import (  # noqa: E402
    build_monitoring_violations,
    build_passenger_hazmat_operators,
)
from assets.facts.weigh import (  # noqa: E402
    build_over_limit_violations,
    build_weigh_events,
    build_wim_static_links,
)
from assets.facts.windows import (  # noqa: E402
    build_operator_fleet_ratios,
    build_repeat,
    build_source_overloading,
)
from assets.scores.risk import build_risk_scores  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def ensure_world(world: Path, scale: str, seed: int) -> None:
    if (world / "_truth" / "canonical" / "weigh_records.parquet").exists():
        return
    cmd = [sys.executable, "-m", "data_contracts.generator", "--out", str(world)]
    subprocess.run([*cmd, "--scale", scale, "--seed", str(seed)], check=True, cwd=ROOT)


def bench_incremental(conn) -> None:
    """Hold back the last month of weigh records, build, land it, build again (incremental)."""
    file_id = "_province || '-' || strftime(passed_at, '%Y-%m')"
    conn.execute(f"update staging.weigh_records set _file_id = {file_id}")  # noqa: S608
    last = conn.execute("select max(strftime(passed_at, '%Y-%m')) from staging.weigh_records")
    month = last.fetchall()[0][0]
    conn.execute(
        "create table staging._held as select * from staging.weigh_records"
        " where strftime(passed_at, '%Y-%m') = ?",
        [month],
    )
    conn.execute(
        "delete from staging.weigh_records where strftime(passed_at, '%Y-%m') = ?", [month]
    )
    t, cpu = time.perf_counter(), time.process_time()
    out = build_weigh_events(conn)
    print(
        f"incremental case: weigh_events without {month}: {time.perf_counter() - t:.2f} s"
        f" (CPU {time.process_time() - cpu:.2f} s) {out}"
    )
    conn.execute("insert into staging.weigh_records select * from staging._held")
    t, cpu = time.perf_counter(), time.process_time()
    out = build_weigh_events(conn, max_touched_share=1.0)  # incremental even when not worth it
    print(
        f"  {month} lands, weigh_events again: {time.perf_counter() - t:.2f} s"
        f" (CPU {time.process_time() - cpu:.2f} s) {out}"
    )
    inc = _fingerprint(conn)
    t, cpu = time.perf_counter(), time.process_time()
    out = build_weigh_events(conn, incremental=False)
    print(
        f"  same data, full rebuild for comparison: {time.perf_counter() - t:.2f} s"
        f" (CPU {time.process_time() - cpu:.2f} s)"
    )
    print(f"  incremental result == full rebuild: {inc == _fingerprint(conn)}")


def _fingerprint(conn) -> list:
    tables = ("facts.weigh_events", "facts.weigh_absorbed_wim", "facts.wim_next_static")
    q = "select count(*), sum(hash(t)::hugeint) from {} t"
    return [conn.execute(q.format(name)).fetchall()[0] for name in tables]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--world", type=Path, default=Path(tempfile.gettempdir()) / "xiansuo_medium")
    ap.add_argument("--scale", default="medium")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip-incremental", action="store_true")
    args = ap.parse_args()
    ensure_world(args.world, args.scale, args.seed)
    truth = json.loads((args.world / "_truth" / "truth.json").read_text(encoding="utf-8"))
    as_of = date.fromisoformat(truth["as_of"])

    with tempfile.TemporaryDirectory() as tmp:
        conn = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        conn.execute(f"set threads = {int(args.threads)}")
        conn.execute("create schema staging")
        t = time.perf_counter()
        for pq in sorted((args.world / "_truth" / "canonical").glob("*.parquet")):
            conn.execute(
                f"create table staging.{pq.stem} as select * from read_parquet(?)", [str(pq)]
            )
        conn.execute("checkpoint")  # persist the staging load before timing the step
        load_s = time.perf_counter() - t
        n_records = conn.execute("select count(*) from staging.weigh_records").fetchall()[0][0]

        t = time.perf_counter()
        conn.execute(
            "select count(*), sum(gross_kg), count(distinct plate_key), max(passed_at)"
            " from staging.weigh_records"
        ).fetchall()
        scan_s = time.perf_counter() - t
        t = time.perf_counter()
        conn.execute("select max(hash(columns(*))) from staging.weigh_records").fetchall()
        wide_scan_s = time.perf_counter() - t
        t = time.perf_counter()
        conn.execute("create table staging._bench_copy as select * from staging.weigh_records")
        copy_s = time.perf_counter() - t
        conn.execute("drop table staging._bench_copy")

        steps = [
            ("weigh_events", lambda: build_weigh_events(conn)),
            ("wim_static_links", lambda: build_wim_static_links(conn)),
            ("over_limit_violations", lambda: build_over_limit_violations(conn, as_of)),
            ("monitoring_violations", lambda: build_monitoring_violations(conn, as_of)),
            ("risk_scores", lambda: build_risk_scores(conn, as_of)),
            ("vehicle_repeat_offences", lambda: build_repeat(conn, as_of, kind="vehicle")),
            ("driver_repeat_offences", lambda: build_repeat(conn, as_of, kind="driver")),
            ("operator_fleet_ratios", lambda: build_operator_fleet_ratios(conn, as_of)),
            ("source_overloading", lambda: build_source_overloading(conn, as_of)),
            ("passenger_hazmat_operators", lambda: build_passenger_hazmat_operators(conn, as_of)),
        ]
        total, cpu0 = 0.0, time.process_time()
        print(
            f"world {args.world} ({truth.get('scale')}), {n_records:,} weigh records, as_of {as_of}"
        )
        print(f"load canonical into staging: {load_s:.2f} s (not part of the step)")
        for name, fn in steps:
            t, step_cpu = time.perf_counter(), time.process_time()
            out = fn()
            dt = time.perf_counter() - t
            total += dt
            print(f"  {name:28s} {dt:7.2f} s  (CPU {time.process_time() - step_cpu:6.2f} s)  {out}")
        cpu = time.process_time() - cpu0
        found = {
            lt: conn.execute(f"select count(*) from findings.{lt}").fetchall()[0][0]
            for lt in ("vehicle_repeat", "driver_repeat", "operator_fleet_ratio")
        }
        if not args.skip_incremental:
            bench_incremental(conn)
        conn.close()

    print(f"facts + windows + scores: {total:.2f} s (process CPU {cpu:.2f} s)")
    print(f"single scan of staging.weigh_records (4 columns): {scan_s:.3f} s")
    print(f"ratio step / scan: {total / scan_s:.1f}x")
    print(f"single full-width scan (every column read): {wide_scan_s:.3f} s")
    print(f"ratio step / full-width scan: {total / wide_scan_s:.1f}x")
    print(f"one full-width copy of the weigh records into a new table: {copy_s:.2f} s")
    print(f"ratio step / full-width copy: {total / copy_s:.1f}x")
    print(f"peak memory (RSS high-water mark): {peak_rss_mb():.0f} MB")
    expected = {lt: len(truth[lt]) for lt in found}
    print(f"findings {found} vs truth {expected}")


if __name__ == "__main__":
    main()
