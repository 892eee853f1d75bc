"""Random control sample: vehicles with no lead, sent as `control` items (prior-art §8.4).

Reproducible: the order is sha256(seed, run month, plate_key), so the same data, seed and
month give the same sample on any machine. Per province: rate x candidates, bounded by
[min, max]. Hit rate of control items vs leads measures the lift of targeting over random.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from models.leads import config as cfg


def sample_order(seed: int, period: str, plate_key: str) -> str:
    return hashlib.sha256(f"{seed}|{period}|{plate_key}".encode()).hexdigest()


def select_control(
    candidates: Iterable[tuple[str, str]],
    run_date: date,
    *,
    seed: int = cfg.CONTROL_SEED,
    rate: float = cfg.CONTROL_RATE,
    minimum: int = cfg.CONTROL_MIN_PER_PROVINCE,
    maximum: int = cfg.CONTROL_MAX_PER_PROVINCE,
) -> list[tuple[str, str]]:
    """(plate_key, province) pairs drawn per province from the candidates."""
    period = f"{run_date:%Y-%m}"
    by_prov: dict[str, set[str]] = defaultdict(set)
    for key, prov in candidates:
        if prov in cfg.REGION and key:
            by_prov[prov].add(key)
    out = []
    for prov in sorted(by_prov):
        keys = sorted(by_prov[prov], key=lambda k: sample_order(seed, period, k))
        k = min(len(keys), max(minimum, min(maximum, round(rate * len(keys)))))
        out.extend((key, prov) for key in keys[:k])
    return out
