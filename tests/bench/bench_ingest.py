"""Ingestion benchmark: rows/s per file format into staging, and peak memory.

    .venv/bin/python tests/bench/bench_ingest.py [--landing DIR | --scale medium] [--seed 11]
        [--floor]

Generates a world with `data_contracts.generator.generate` unless --landing is given. Each file
format (csv, csv.gz, xlsx, parquet, jsonl) is ingested on its own into a fresh DuckDB with
`assets.ingest.ingest_landing` (reading, typing, quarantine, merge into staging and the commit
all timed), then everything together. Prints rows/s per format, the time by phase, process CPU
time (wall-clock rates understate on a shared machine) and peak resident memory.
Goal on 2 cores: CSV/Parquet ≥ 500k rows/s, XLSX ≥ 50k rows/s, < 4 GB. Not collected by pytest.

--floor also measures the bare engine on the same files, for an honest comparison: DuckDB's
own read_csv (auto types, no checks of any kind) / read_parquet into an on-disk table per file,
the files loaded on as many threads as the machine has cores (DuckDB reads one messy CSV file
on one thread), rows/s and CPU s per format next to ours. GB18030 exports (read_csv takes
UTF-8 only) are transcoded to UTF-8 temp files first, outside the timing.
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
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


# the bare engine: no typing contract, no quarantine, no versions; short lines padded with NULLs
# and lines DuckDB cannot read skipped (it reports how many rows it kept)
FLOOR_CSV = "read_csv('{path}', null_padding = true, ignore_errors = true, strict_mode = false)"
FLOOR_READERS = {"csv": FLOOR_CSV, "csv.gz": FLOOR_CSV, "parquet": "read_parquet('{path}')"}


def _utf8_copy(path: Path, target: Path) -> Path:
    """The file itself when DuckDB can read it, else a UTF-8 copy (GB18030 exports)."""
    from models.ingest.readers import decode

    data = path.read_bytes()
    raw = gzip.decompress(data) if path.name.lower().endswith(".gz") else data
    try:
        raw.decode("utf-8")
        return path
    except UnicodeDecodeError:
        pass
    text = decode(raw)[0].encode("utf-8")
    out = target / f"{len(list(target.iterdir()))}{''.join(path.suffixes)}"
    out.write_bytes(gzip.compress(text, compresslevel=1) if path.suffix == ".gz" else text)
    return out


def _floor(landing: Path, fmt: str, workdir: Path, memory_limit: str) -> dict | None:
    """DuckDB alone: every file of one format into its own on-disk table, the files spread over
    one thread per core (each thread its own cursor of the one database)."""
    from assets.ingest.loader import file_sha256

    paths, seen = [], set()
    for p in sorted(landing.glob("[0-9][0-9]/*/*")):
        if p.is_file() and _format_of(p) == fmt:
            sha = file_sha256(p)
            if sha not in seen:  # a re-drop of the same bytes is skipped by our ingest too
                seen.add(sha)
                paths.append(p)
    if not paths:
        return None
    utf8_dir = workdir / f"floor_utf8_{fmt.replace('.', '_')}"
    utf8_dir.mkdir(parents=True, exist_ok=True)
    paths = [_utf8_copy(p, utf8_dir) if fmt.startswith("csv") else p for p in paths]
    db = workdir / f"floor_{fmt.replace('.', '_')}.duckdb"
    db.unlink(missing_ok=True)
    conn = duckdb.connect(str(db), config={"memory_limit": memory_limit})

    def load(i: int) -> int:
        source = FLOOR_READERS[fmt].format(path=str(paths[i]).replace("'", "''"))
        cur = conn.cursor()
        cur.execute(f"create table f{i} as select * from {source}")  # noqa: S608 (bench: our own file paths)
        return cur.execute(f"select count(*) from f{i}").fetchall()[0][0]  # noqa: S608 (bench)

    t0, cpu0 = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        rows = sum(pool.map(load, range(len(paths))))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    conn.close()
    return {"rows": rows, "files": len(paths), "wall": wall, "cpu": cpu}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, help="an existing landing folder")
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workdir", type=Path, help="where the DuckDB files go (default: temp)")
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB memory_limit")
    parser.add_argument(
        "--floor", action="store_true", help="also measure bare DuckDB on the same files"
    )
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
    ours: dict[str, dict] = {}
    for fmt in FORMATS:
        sub = Path(tmp.name) / f"only_{fmt}"
        if _subset(landing, fmt, sub) == 0:
            continue
        r = _ingest(sub, workdir / f"bench_{fmt.replace('.', '_')}.duckdb", args.memory_limit)
        ours[fmt] = r
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
    if args.floor:
        _print_floor(landing, ours, workdir, args.memory_limit)
    tmp.cleanup()
    return 0


def _print_floor(landing: Path, ours: dict[str, dict], workdir: Path, memory_limit: str) -> None:
    print(
        "\nengine floor (bare DuckDB read_csv / read_parquet → on-disk table, auto types, no "
        f"checks; load average {os.getloadavg()[0]:.1f}):"
    )
    print(
        f"{'format':<8} {'rows':>12} {'wall s':>8} {'rows/s':>10} {'CPU s':>7} {'rows/CPU-s':>11}"
        f"   {'ours rows/s':>11} {'ours CPU s':>10} {'CPU ratio':>9}"
    )
    for fmt in FLOOR_READERS:
        f = _floor(landing, fmt, workdir, memory_limit)
        if f is None:
            continue
        line = (
            f"{fmt:<8} {f['rows']:>12,} {f['wall']:>8.1f} {f['rows'] / f['wall']:>10,.0f} "
            f"{f['cpu']:>7.1f} {f['rows'] / f['cpu']:>11,.0f}"
        )
        o = ours.get(fmt)
        if o:  # CPU per row, ours over the engine's
            ratio = (o["cpu"] / o["rows"]) / (f["cpu"] / f["rows"])
            line += f"   {o['rows'] / o['wall']:>11,.0f} {o['cpu']:>10.1f} {ratio:>8.1f}x"
        print(line)


if __name__ == "__main__":
    sys.exit(main())
