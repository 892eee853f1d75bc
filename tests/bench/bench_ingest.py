"""Ingestion benchmark: rows/s per file format into staging, and peak memory.

    .venv/bin/python tests/bench/bench_ingest.py [--landing DIR | --scale medium] [--seed 11]

Generates a world with `data_contracts.generator.generate` unless --landing is given. Each file
format (csv, csv.gz, xlsx, parquet, jsonl) is ingested on its own into a fresh DuckDB with
`assets.ingest.ingest_landing` (reading, typing, quarantine, merge into staging and the commit
all timed), then everything together. Prints rows/s per format, the time by phase, process CPU
time (wall-clock rates understate on a shared machine) and peak resident memory.
Goal on 2 cores: CSV/Parquet ≥ 500k rows/s, XLSX ≥ 50k rows/s, < 4 GB. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb

FORMATS = ("csv", "csv.gz", "xlsx", "parquet", "jsonl")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _format_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        return "csv.gz"
    suffix = path.suffix.lower().lstrip(".")
    return "csv" if suffix in ("csv", "txt") else suffix


def _subset(landing: Path, fmt: str, target: Path) -> int:
    """A landing folder with symlinks to the files of one format; returns the file count."""
    n = 0
    for path in sorted(landing.glob("[0-9][0-9]/*/*")):
        if path.is_file() and _format_of(path) == fmt:
            link = target / path.relative_to(landing)
            link.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(path, link)
            n += 1
    return n


def _ingest(landing: Path, db: Path, memory_limit: str) -> dict:
    from assets.ingest.loader import ingest_landing

    db.unlink(missing_ok=True)
    conn = duckdb.connect(str(db), config={"memory_limit": memory_limit})
    t0, cpu0 = time.perf_counter(), time.process_time()
    results = ingest_landing(conn, landing)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    conn.close()
    phases: dict[str, float] = defaultdict(float)
    rows = files = 0
    for res in results.values():
        for k, v in res.phases.items():  # merge into staging and commit, once per table
            phases[k] += v
        for f in res.files:
            if f.status == "skipped":
                continue
            rows += f.rows_read
            files += 1
            for k, v in f.phases.items():
                phases[k] += v
    return {"rows": rows, "files": files, "wall": wall, "cpu": cpu, "phases": dict(phases),
            "results": results}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, help="an existing landing folder")
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workdir", type=Path, help="where the DuckDB files go (default: temp)")
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB memory_limit")
    args = parser.parse_args(argv)

    tmp = tempfile.TemporaryDirectory(prefix="bench_ingest_")
    workdir = args.workdir or Path(tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    landing = args.landing
    if landing is None:
        from data_contracts.generator import generate

        landing = Path(tmp.name) / "landing"
        t0 = time.perf_counter()
        generate(landing, scale=args.scale, seed=args.seed)
        print(f"generated {args.scale} world in {time.perf_counter() - t0:.1f} s → {landing}")
    landing = landing.resolve()

    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    header = f"{'format':<8} {'files':>6} {'rows':>12} {'wall s':>8} {'rows/s':>10} {'CPU s':>7}"
    print("\n" + header + "   rows/CPU-s")
    for fmt in FORMATS:
        sub = Path(tmp.name) / f"only_{fmt}"
        if _subset(landing, fmt, sub) == 0:
            continue
        r = _ingest(sub, workdir / f"bench_{fmt.replace('.', '_')}.duckdb", args.memory_limit)
        print(
            f"{fmt:<8} {r['files']:>6} {r['rows']:>12,} {r['wall']:>8.1f} "
            f"{r['rows'] / r['wall']:>10,.0f} {r['cpu']:>7.1f}   {r['rows'] / r['cpu']:>10,.0f}"
        )
    print(f"(load average before 'all': {os.getloadavg()[0]:.1f})")
    r = _ingest(landing, workdir / "bench_all.duckdb", args.memory_limit)
    print(
        f"{'all':<8} {r['files']:>6} {r['rows']:>12,} {r['wall']:>8.1f} "
        f"{r['rows'] / r['wall']:>10,.0f} {r['cpu']:>7.1f}   {r['rows'] / r['cpu']:>10,.0f}"
    )
    print(
        "\ntime by phase, all files (s; read+cast run in threads ahead of the store; the merge "
        "into staging and the commit run once per table): "
        + ", ".join(f"{k} {v:.1f}" for k, v in r["phases"].items())
    )
    print("\nper table (all files):")
    for t, res in r["results"].items():
        s = res.summary()
        if s["rows_read"]:
            print(
                f"  {t:<18} read {s['rows_read']:>10,}  loaded {s['rows_loaded']:>10,}  "
                f"quarantined {s['rows_quarantined']:>6,}  duplicate {s['rows_duplicate']:>6,}  "
                f"{s['seconds']:>7.2f} s"
            )
    print(f"\nload average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"peak memory (RSS): {_peak_rss_mb():,.0f} MB")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
