"""python -m data_contracts.generator --out DIR --scale tiny --seed 1"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from . import generate


def main() -> None:
    ap = argparse.ArgumentParser(description="Generate the synthetic four-province world")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--scale", default="tiny", choices=["tiny", "small", "medium"])
    ap.add_argument("--seed", default=0, type=int)
    a = ap.parse_args()
    summary = generate(
        a.out, a.scale, a.seed, progress=lambda m, i, n: print(f"[{i}/{n}] {m}", flush=True)
    )
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
