"""Typing cost per row (`cast_frame`) on one core, against another revision, interleaved.

    .venv/bin/python tests/bench/bench_typing.py --landing DIR [--against REV] [--rounds 3]

Reads every CSV and Parquet file of the landing folder once, checks that the working tree's
models/ingest/casting.py and the one of git revision REV (default HEAD) give identical
accepted, quarantined and extra rows file by file, then times both, alternating.
Prints µs of CPU per row per format for each. Pinned to one core with Polars on one thread:
on a shared machine wall-clock rates of the whole ingest move by ±10 % between runs, while this
comparison is stable to a few per cent. REV's casting.py runs against the working tree's other
modules, so it must be compatible with them. Not collected by pytest.
"""

from __future__ import annotations

import os

os.environ["POLARS_MAX_THREADS"] = "1"  # before Polars starts its thread pool
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assets.ingest.loader import discover  # noqa: E402
from data_contracts.contract import TABLES, load_contract, plate_color_code_set  # noqa: E402
from models.ingest import casting  # noqa: E402
from models.ingest.readers import read_file  # noqa: E402

NOW = datetime(2026, 11, 27, 12)


def _revision_module(rev: str):
    source = subprocess.run(
        ["git", "show", f"{rev}:models/ingest/casting.py"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    path = Path(tempfile.mkdtemp()) / "casting_rev.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("casting_rev", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["casting_rev"] = module
    spec.loader.exec_module(module)
    return module


def _files(landing: Path) -> dict[str, list[tuple[str, str, object]]]:
    out: dict[str, list[tuple[str, str, object]]] = {}
    for table in TABLES:
        for province, path in discover(landing, table):
            name = path.name.lower()
            fmt = "parquet" if name.endswith(".parquet") else None
            fmt = "csv" if name.endswith((".csv", ".txt", ".csv.gz", ".txt.gz")) else fmt
            if fmt is None:
                continue
            try:
                frame = read_file(path).frame
            except Exception:  # noqa: BLE001 (unreadable files are ingestion's business, not typing's)
                continue
            out.setdefault(fmt, []).append((table, province, frame))
    return out


def _cast_all(module, items) -> list:
    return [
        module.cast_frame(
            frame, load_contract(table), province=province, file_id="f", now=NOW,
            colour_code_set=plate_color_code_set(province, table),
        )
        for table, province, frame in items
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--against", default="HEAD")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    other = _revision_module(args.against)
    for fmt, items in sorted(_files(args.landing).items()):
        rows = sum(frame.height for *_, frame in items)
        modules = [(args.against, other), ("working tree", casting)]
        # an untimed first round warms the caches both share (memoised plates, codes) and
        # compares the outputs; the timed rounds then alternate which module goes first
        for a, b in zip(*(_cast_all(m, items) for _, m in modules), strict=True):
            same = (a.accepted.equals(b.accepted) and a.quarantined.equals(b.quarantined)
                    and a.extras.equals(b.extras))  # fmt: skip
            if not same:
                sys.exit(f"{fmt}: outputs differ between {args.against} and the working tree")
        cpu = dict.fromkeys((label for label, _ in modules), 0.0)
        for i in range(args.rounds):
            for label, module in modules[:: 1 if i % 2 == 0 else -1]:
                start = time.process_time()
                _cast_all(module, items)
                cpu[label] += time.process_time() - start
        per_row = {k: v / args.rounds / rows * 1e6 for k, v in cpu.items()}
        print(
            f"{fmt:8s} {len(items):3d} files {rows:>10,} rows   "
            + "   ".join(f"{k}: {v:.3f} µs/row" for k, v in per_row.items())
            + "   (outputs identical)"
        )


if __name__ == "__main__":
    main()
