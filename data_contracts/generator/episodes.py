"""Episodes: chosen trips turned into single-detection over-limit events that make the legal-
threshold truths exact (repeat vehicles/drivers, decoys, fleet ratios)."""

from __future__ import annotations

import numpy as np

from .entities import World
from .patterns import WINDOW_H, Plan


def fixed_or_wim_on_route(
    w: World, trips, i: int, st_index, kinds=(0, 1)
) -> tuple[int, float] | None:
    """First fixed station (kind 0) or standalone WIM (kind 1, non-fixed cluster) on trip i."""
    roads = sorted(w.corridors)
    rd = roads[int(trips["road"][i])]
    arr = st_index["by_road"].get(rd)
    if arr is None:
        return None
    s_idx, s_km, s_dir, s_kind, s_cl = arr
    a, b = trips["a"][i], trips["b"][i]
    d = 1 if b > a else -1
    ok = (np.minimum(a, b) < s_km) & (s_km < np.maximum(a, b)) & ((s_dir == 0) | (s_dir == d))
    ok &= np.abs(s_km - a) > 5
    ok &= ((s_kind == 0) & (0 in kinds)) | ((s_kind == 1) & (s_cl == 0) & (1 in kinds))
    cand = np.nonzero(ok)[0]
    if len(cand) == 0:
        return None
    j = cand[np.argmin(np.abs(s_km[cand] - a))]
    return int(s_kind[j]), float(s_km[j])


def plant_episodes(w: World, trips, plan: Plan, st_index) -> None:
    """Turn chosen trips into single-detection over-limit episodes (one over-limit record each,
    on distinct days): repeaters get 5-7 in the window, decoys exactly 3 (or 3 + one before the
    window), planted drivers 4-6 (fixed stations, so the driver is recorded), decoy drivers 3."""
    r = w.rng
    veh = trips["veh"]
    by_veh: dict[int, list[int]] = {}
    for i in range(len(veh)):
        by_veh.setdefault(int(veh[i]), []).append(i)

    def mark(v: int, n: int, lo_h: float, hi_h: float, kinds=(0, 1), driver: int = -1,
             taken_days: set | None = None) -> int:  # fmt: skip
        days = taken_days if taken_days is not None else set()
        cands = [
            i
            for i in by_veh.get(v, [])
            if lo_h <= trips["t0"][i] < hi_h and not trips["episode"][i]
        ]
        got = 0
        for i in r.permutation(cands) if cands else []:
            i = int(i)
            day = int(trips["t0"][i] // 24)
            if got >= n or day in days or day - 1 in days or day + 1 in days:
                continue
            pref = kinds if len(kinds) == 1 or r.random() < 0.25 else (1,)
            hit = fixed_or_wim_on_route(w, trips, i, st_index, pref) or fixed_or_wim_on_route(
                w, trips, i, st_index, kinds
            )
            if hit is None:
                continue
            kind, km = hit
            d = 1 if trips["b"][i] > trips["a"][i] else -1
            lo, hi = (km - 3 * d, km) if kind == 0 else (km - 3 * d, km + 3 * d)
            trips["ov_lo"][i], trips["ov_hi"][i] = min(lo, hi) - 0.01, max(lo, hi) + 0.01
            trips["episode"][i] = True
            trips["driver"][i] = driver
            days.add(day)
            got += 1
        return got

    end = float(trips["t0"].max())
    for v in plan.repeat:
        need = int(r.integers(5, 8))
        if mark(v, need, WINDOW_H, end) < 4:
            plan.episodes_missing.append(w.vehicles[v].plate_key)
    for v, kind in plan.decoys:
        days: set = set()
        if kind == "old_4th":
            mark(v, 1, 0, WINDOW_H - 30 * 24, taken_days=days)
        mark(v, 3, WINDOW_H, end, taken_days=days)
    for group, n_range in ((plan.driver_repeat, (4, 7)), (plan.driver_decoys, (3, 4))):
        for d, trucks in group:
            need = int(r.integers(*n_range))
            days = set()
            got = 0
            for k in range(need):
                got += mark(
                    trucks[k % len(trucks)], 1, WINDOW_H, end, kinds=(0,), driver=d, taken_days=days
                )
            if got < need:
                plan.episodes_missing.append(w.drivers[d].driver_id)
    for v, n in plan.op_episodes:
        mark(v, n, WINDOW_H, end)
