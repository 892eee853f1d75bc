"""Benchmark of the patterns step: time, peak memory and every evaluation metric.

    .venv/bin/python tests/bench/bench_patterns.py --landing DIR [--db FILE] [--workdir DIR] [--only-model]

With only ``--landing`` (a generated world), staging is loaded from the generator's canonical
copies (``<landing>/_truth/canonical``) into a scratch DuckDB and the facts the patterns read
in the pipeline (facts.weigh_events: exact limits and tolerances; facts.wim_static_links: the
risk model's labels) are built from it — timed apart, they are not the patterns step
(``--no-facts`` skips them: passages then come from staging with a GVW-only fallback and the
model links WIM→static itself); with ``--db`` an existing store (after ``xiansuo run``) is
used. Then every pattern detector runs in order, as the Dagster
assets do, and the evaluation against ``_truth/truth.json`` is printed. ``--only-model`` reruns
just the risk model and the evaluation on the store of an earlier run (``--workdir`` or
``--db``), e.g. after a change to the model.
"""

from __future__ import annotations

import argparse
import os
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


def run_patterns(
    conn, landing: Path, out_dir: Path, as_of: date, *, only_model: bool = False
) -> dict[str, float]:
    """Every detector in asset order (only the risk model and the evaluation with
    ``only_model``: the detectors' tables must exist in the store); returns seconds per step."""
    steps = {}

    def step(name, fn):
        t0 = time.perf_counter()
        fn()
        steps[name] = time.perf_counter() - t0
        print(f"  {name:<26} {steps[name]:7.2f} s", flush=True)

    if not only_model:
        step("passages", lambda: build_passages(conn))
        step("cloned_plates", lambda: detect_cloned_plates(conn, as_of))
        step("convoys", lambda: detect_convoys(conn, as_of))
        step("network_clusters", lambda: detect_networks(conn, as_of))
        step("registration_mismatches", lambda: detect_registration_mismatches(conn, as_of))
        step("station_evasion", lambda: detect_station_evasion(conn, as_of))

    def model():
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
    ap.add_argument("--no-facts", action="store_true", help="skip building facts.* first")
    ap.add_argument(
        "--only-model",
        action="store_true",
        help="rerun only the risk model and the evaluation on an existing workdir's store "
        "(its staging, facts and detector tables are reused; nothing is reloaded)",
    )
    a = ap.parse_args()
    workdir = a.workdir or Path(tempfile.mkdtemp(prefix="bench_patterns_"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = a.db or workdir / "bench.duckdb"
    if a.only_model and not db.exists():
        ap.error(f"--only-model needs an existing store, {db} is missing")
    conn = duckdb.connect(str(db))
    if not a.db and not a.only_model:
        t0 = time.perf_counter()
        load_canonical(conn, a.landing)
        print(f"loaded canonical staging in {time.perf_counter() - t0:.1f} s")
        if not a.no_facts:
            from assets.facts.weigh import build_weigh_events, build_wim_static_links

            t0 = time.perf_counter()
            conn.execute("create schema if not exists facts")
            build_weigh_events(conn)
            build_wim_static_links(conn)
            print(
                f"built facts.weigh_events + wim_static_links in {time.perf_counter() - t0:.1f} s"
            )
    conn.execute("create schema if not exists patterns")
    n = conn.execute("select count(*) from staging.weigh_records").fetchone()[0]
    as_of = conn.execute("select max(passed_at)::date from staging.weigh_records").fetchone()[0]
    print(f"weigh_records: {n:,}  as_of: {as_of}  db: {db}")
    t0, c0 = time.perf_counter(), time.process_time()
    steps = run_patterns(conn, a.landing, workdir / "out", as_of, only_model=a.only_model)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    what = "risk model + evaluation" if a.only_model else "patterns step"
    print(
        f"\n{what} total: {total:.1f} s wall, {cpu:.1f} s CPU   peak RSS: {peak_mb:,.0f} MB"
        f"   load average: {load}"
    )
    print((workdir / "out" / "models" / "evaluation.md").read_text(encoding="utf-8"))
    del steps


if __name__ == "__main__":
    main()
