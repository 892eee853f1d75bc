"""Benchmark of the patterns step: time, peak memory and every evaluation metric.

    .venv/bin/python tests/bench/bench_patterns.py --landing DIR [--db FILE] [--workdir DIR]

With only ``--landing`` (a generated world), staging is loaded from the generator's canonical
copies (``<landing>/_truth/canonical``) into a scratch DuckDB; with ``--db`` an existing store
(after ``xiansuo run``) is used. Then every pattern detector runs in order, as the Dagster
assets do, and the evaluation against ``_truth/truth.json`` is printed.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assets.patterns.clones import detect_cloned_plates  # noqa: E402
from assets.patterns.convoys import detect_convoys  # noqa: E402
from assets.patterns.evaluation import evaluate  # noqa: E402
from assets.patterns.evasion import detect_station_evasion  # noqa: E402
from assets.patterns.networks import detect_networks  # noqa: E402
from assets.patterns.passages import build_passages  # noqa: E402
from assets.patterns.registration import detect_registration_mismatches  # noqa: E402
from assets.patterns.risk import train_and_score  # noqa: E402

TABLES = ("stations", "weigh_records", "vehicles", "operators", "drivers", "sources", "loadings")


def load_canonical(conn, landing: Path) -> None:
    """staging.<table> from the generator's canonical parquet copies."""
    conn.execute("create schema if not exists staging")
    for t in TABLES:
        path = landing / "_truth" / "canonical" / f"{t}.parquet"
        conn.execute(
            f"create or replace table staging.{t} as select * from read_parquet($p)",  # noqa: S608
            {"p": str(path)},
        )


def run_patterns(conn, landing: Path, out_dir: Path, as_of: date) -> dict[str, float]:
    """Every detector in asset order; returns seconds per step."""
    from assets.patterns._io import load_sql

    steps = {}

    def step(name, fn):
        t0 = time.perf_counter()
        fn()
        steps[name] = time.perf_counter() - t0
        print(f"  {name:<26} {steps[name]:7.2f} s", flush=True)

    step("passages", lambda: build_passages(conn))
    step("cloned_plates", lambda: detect_cloned_plates(conn, as_of))
    step("convoys", lambda: detect_convoys(conn, as_of))
    step("network_clusters", lambda: detect_networks(conn, as_of))
    step("registration_mismatches", lambda: detect_registration_mismatches(conn, as_of))
    step("station_evasion", lambda: detect_station_evasion(conn, as_of))

    def model():
        conn.execute(
            "create or replace table patterns.pattern_flags as " + load_sql("pattern_flags")
        )
        res = train_and_score(conn, as_of, out_dir / "models")
        print("    model:", {k: v for k, v in res.items() if k != "model_card"})

    step("risk_model", model)
    step("pattern_evaluation", lambda: evaluate(conn, landing, out_dir / "models"))
    return steps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--landing", required=True, type=Path)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--workdir", type=Path)
    a = ap.parse_args()
    workdir = a.workdir or Path(tempfile.mkdtemp(prefix="bench_patterns_"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = a.db or workdir / "bench.duckdb"
    conn = duckdb.connect(str(db))
    if not a.db:
        t0 = time.perf_counter()
        load_canonical(conn, a.landing)
        print(f"loaded canonical staging in {time.perf_counter() - t0:.1f} s")
    conn.execute("create schema if not exists patterns")
    n = conn.execute("select count(*) from staging.weigh_records").fetchone()[0]
    as_of = conn.execute("select max(passed_at)::date from staging.weigh_records").fetchone()[0]
    print(f"weigh_records: {n:,}  as_of: {as_of}  db: {db}")
    t0 = time.perf_counter()
    steps = run_patterns(conn, a.landing, workdir / "out", as_of)
    total = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npatterns step total: {total:.1f} s   peak RSS: {peak_mb:,.0f} MB")
    print((workdir / "out" / "models" / "evaluation.md").read_text(encoding="utf-8"))
    del steps


if __name__ == "__main__":
    main()
