"""Benchmark the world generator: seconds, peak RSS and bytes on disk per scale.

Each scale runs in a fresh subprocess so peak RSS is per scale.
Usage: .venv/bin/python tests/bench/bench_generate.py [tiny small medium] [--seed N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, resource, sys, time
from pathlib import Path
from data_contracts.generator import generate
t = time.perf_counter()
s = generate(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
s["wall_seconds"] = round(time.perf_counter() - t, 2)
u = resource.getrusage(resource.RUSAGE_SELF)
s["peak_rss_mb"] = round(u.ru_maxrss / 1024, 1)
s["cpu_seconds"] = round(u.ru_utime + u.ru_stime, 1)
print(json.dumps(s))
"""


def run(scale: str, seed: int, root: Path) -> dict:
    out = root / scale
    res = subprocess.run(
        [sys.executable, "-c", CHILD, str(out), scale, str(seed)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scales", nargs="*", default=["tiny", "small", "medium"])
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument(
        "--keep", type=Path, default=None, help="write worlds here instead of a temp dir"
    )
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = a.keep or Path(tmp)
        print(
            f"{'scale':<8}{'seconds':>9}{'cpu s':>8}{'peak RSS MB':>13}{'MB on disk':>12}{'weigh rows':>12}{'files':>7}"
        )
        for scale in a.scales:
            s = run(scale, a.seed, root)
            print(f"{scale:<8}{s['wall_seconds']:>9.1f}{s['cpu_seconds']:>8.1f}{s['peak_rss_mb']:>13.0f}{s['bytes'] / 1e6:>12.1f}"
                  f"{s['counts']['weigh_records']:>12}{s['files']:>7}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
