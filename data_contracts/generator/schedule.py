"""Coach scheduling limits (R21) and over-capacity (R25): planted cases and their truth.

Everything here draws from its own random stream (`rng`, spawned after the world's and the
writer's), so the rest of the world is unchanged by it. Planting works on the trip table before
the weigh records and the 两客一危 alarms/tracks are derived from it, so passages, alarms and GPS
tracks of a planted trip stay consistent.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .config import PERIOD_H, to_ts
from .entities import World
from .patterns import Plan
from .registries import COACH_TYPES, coach_seats

# R21 (企业安全管理规范38) as the detector counts it — see models/driving.py
MOVING_KMH = 5.0
REST_MIN = 20
NIGHT_START_H, NIGHT_LEN_H = 22.0, 8.0
MAX_NIGHT_MIN, MAX_24H_MIN, MAX_7D_MIN = 120, 480, 2640


def _trip_end(trips, i: int) -> float:
    return float(trips["t0"][i] + abs(trips["b"][i] - trips["a"][i]) / trips["speed"][i]
                 + trips["brk"][i])  # fmt: skip


def _vehicle_trips(trips, vi: int) -> list[int]:
    idx = np.nonzero(trips["veh"] == vi)[0]
    return [int(i) for i in idx[np.argsort(trips["t0"][idx], kind="stable")]]


def plant_schedule(
    w: World, trips, plan: Plan, gps_set: set[int], rng: np.random.Generator
) -> tuple[dict[str, list[str]], list[tuple]]:
    """Night runs of > 2 h continuous driving (22:00–06:00) for two tracked coaches (their trips
    are moved to a 22 h departure), and one week of > 44 h driving for another tracked coach.

    Returns ({kind: [plate_key]} of the planted, extra GPS parts of the long week). The long week
    is a week of shuttle legs in a ≥ 9-day gap of that coach's trip chain, written as GPS track
    only (no station passages: the detector works on tracks)."""
    busy = set(plan.fatigue) | set(plan.night) | set(plan.speeders)
    coaches = sorted(
        v for v in gps_set if w.vehicles[v].vehicle_type in COACH_TYPES and v not in busy
    )
    planted: dict[str, list[str]] = {"night_continuous": [], "driving_7d": []}
    order = [coaches[int(k)] for k in rng.permutation(len(coaches))]
    used: set[int] = set()
    for vi in order:
        if len(planted["night_continuous"]) == 2:
            break
        if _plant_night(trips, vi, rng):
            planted["night_continuous"].append(w.vehicles[vi].plate_key)
            used.add(vi)
    parts: list[tuple] = []
    for vi in order:
        if vi in used:
            continue
        parts = _long_week(w, trips, vi, rng)
        if parts:
            planted["driving_7d"].append(w.vehicles[vi].plate_key)
            break
    return planted, parts


def _plant_night(trips, vi: int, rng: np.random.Generator) -> bool:
    ti = _vehicle_trips(trips, vi)
    done = 0
    for n, i in enumerate(ti):
        dur = abs(trips["b"][i] - trips["a"][i]) / trips["speed"][i]
        if trips["brk"][i] > 0 or not 2.4 < dur < 3.7:
            continue
        new_t0 = np.floor(trips["t0"][i] / 24) * 24 + NIGHT_START_H + float(rng.uniform(0.2, 0.5))
        prev_end = _trip_end(trips, ti[n - 1]) if n else -np.inf
        next_t0 = trips["t0"][ti[n + 1]] if n + 1 < len(ti) else PERIOD_H - 2.0
        if new_t0 > prev_end + 0.5 and new_t0 + dur + 0.5 < next_t0 and new_t0 > 24:
            trips["t0"][i] = new_t0  # departs 22:12–22:30: > 2.4 h on the road at night
            done += 1
        if done == 2:
            break
    return done > 0


def _long_week(w: World, trips, vi: int, rng: np.random.Generator) -> list[tuple]:
    """GPS parts of 7 days of shuttle legs (06:30 start, 30-min breaks, ≈ 6.8 h a day: < 8 h in
    any 24 h, > 44 h in 7 days) in a gap of ≥ 9 days after one of the coach's trips."""
    ti = _vehicle_trips(trips, vi)
    roads = sorted(w.corridors)
    for n, i in enumerate(ti):
        end = _trip_end(trips, i)
        nxt = trips["t0"][ti[n + 1]] if n + 1 < len(ti) else PERIOD_H - 24.0
        day0 = np.floor(end / 24) + 1
        if day0 * 24 < 24 * 14 or nxt - day0 * 24 < 9 * 24:
            continue
        a, b = float(trips["a"][i]), float(trips["b"][i])
        sp = float(np.clip(trips["speed"][i], 60.0, 90.0))
        c = w.corridors[roads[int(trips["road"][i])]]
        leg_h = min(abs(b - a) / sp, 3.4)
        if leg_h < 1.0:
            continue
        k = 2 if 2 * leg_h >= 6.4 else 4 if 4 * leg_h >= 6.4 and 4 * leg_h <= 7.9 else 0
        if k == 0:
            continue
        leg_h = min(leg_h, 6.8 / k + 0.05)
        d = 1.0 if a > b else -1.0  # first leg goes back towards a, the last returns to b
        step = w.scale.gps_interval_s / 3600.0
        parts = []
        for day in range(7):
            t = (day0 + day) * 24 + 6.5 + float(rng.uniform(0, 0.2))
            for leg in range(k):
                th = np.arange(0, leg_h + 1e-9, step)
                sign = d if leg % 2 == 0 else -d
                start = b if leg % 2 == 0 else b + d * leg_h * sp
                lon, lat = c.point_at(start + sign * th * sp)
                parts.append((vi, t + th, lon, lat, np.full(len(th), sp)))
                t += leg_h + 0.5
        return parts
    return []


# ---- truth -----------------------------------------------------------------------------------


def _periods(ts: np.ndarray, speed: np.ndarray) -> list[tuple[float, float]]:
    """Driving periods (first, last moving fix, in hours) split by rests of ≥ 20 min."""
    t = np.sort(ts[speed > MOVING_KMH])
    if len(t) == 0:
        return []
    cut = np.nonzero(np.diff(t) >= REST_MIN / 60.0 - 1e-9)[0]
    starts = np.concatenate([[0], cut + 1])
    ends = np.concatenate([cut, [len(t) - 1]])
    return [(float(t[s]), float(t[e])) for s, e in zip(starts, ends, strict=True)]


def _over_sum(periods: list[tuple[float, float]], span_h: float, limit_min: int) -> bool:
    """Any window of span_h (anchored at a period start or end) with driving > limit."""
    for s0, e0 in periods:
        for lo, hi in ((s0, s0 + span_h), (e0 - span_h, e0)):
            total = sum(max(0.0, min(e, hi) - max(s, lo)) for s, e in periods)
            if round(total * 60, 6) > limit_min:
                return True
    return False


def _night_over(periods: list[tuple[float, float]]) -> bool:
    for s, e in periods:
        day = np.floor(s / 24) - 1
        while day * 24 + NIGHT_START_H < e:
            lo = day * 24 + NIGHT_START_H
            if round((min(e, lo + NIGHT_LEN_H) - max(s, lo)) * 60, 6) > MAX_NIGHT_MIN:
                return True
            day += 1
    return False


def schedule_truth(w: World, gps: pl.DataFrame, planted: dict[str, list[str]]) -> dict:
    """Coaches over the R21 limits in their GPS tracks (computed from the track data), their
    operators, and the planted ones."""
    kinds: dict[str, set[str]] = {
        "night_continuous": set(),
        "driving_24h": set(),
        "driving_7d": set(),
    }
    coach = {v.plate_key: v for v in w.vehicles if v.vehicle_type in COACH_TYPES and v.registered}
    if len(gps):
        g = gps.with_columns((pl.col("plate") + "|" + pl.col("plate_color")).alias("pk")).filter(
            pl.col("pk").is_in(list(coach))
        )
        for (pk,), part in g.group_by(["pk"], maintain_order=True):
            h = (part["ts"].cast(pl.Int64).to_numpy() / 3.6e9).astype(float)  # µs → hours
            periods = _periods(h, part["speed_kmh"].to_numpy())
            if _night_over(periods):
                kinds["night_continuous"].add(pk)
            if _over_sum(periods, 24.0, MAX_24H_MIN):
                kinds["driving_24h"].add(pk)
            if _over_sum(periods, 7 * 24.0, MAX_7D_MIN):
                kinds["driving_7d"].add(pk)
    plates = set().union(*kinds.values())
    return {
        "coach_schedule": {k: sorted(v) for k, v in kinds.items()},
        "coach_schedule_operators": sorted(
            {coach[p].operator for p in plates if coach[p].operator}
        ),
        "coach_schedule_planted": {k: sorted(v) for k, v in planted.items()},
    }


# ---- over-capacity ---------------------------------------------------------------------------


def over_capacity_events(w: World, trips, rng: np.random.Generator) -> tuple[pl.DataFrame, dict]:
    """超员 reports (event_type 'over_capacity', passenger_count) on coach trips: one just over the
    seats, one at exactly +20 % (seats divisible by 5) or the first count over 20 %, one far over,
    and one count equal to the seats (a report that is no violation). Returns (frame, truth)."""
    coaches = [v for v in w.vehicles if v.vehicle_type in COACH_TYPES and v.registered
               and "clone" not in v.flags]  # fmt: skip
    rows, truth = [], []
    if not coaches:
        return pl.DataFrame(), {"over_capacity": [], "over_capacity_operators": []}
    shuffled = [coaches[int(k)] for k in rng.permutation(len(coaches))]
    pick = shuffled[: max(4, len(coaches) // 6)]
    fives = [v for v in shuffled if coach_seats(v.plate_key) % 5 == 0 and v not in pick]
    if fives and coach_seats(pick[1].plate_key) % 5:
        pick[1] = fives[0]  # a coach whose seats × 1.2 is a whole number: exactly +20 %
    for n, v in enumerate(pick):
        seats = coach_seats(v.plate_key)
        counts = {
            0: seats + 1,
            1: seats * 6 // 5 if seats % 5 == 0 else -(-seats * 6 // 5),
            2: seats + max(2, seats * 3 // 10),
            3: seats,
        }[n % 4]
        ti = _vehicle_trips(trips, v.idx)
        ti = [i for i in ti if 24 < trips["t0"][i] < PERIOD_H - 48]
        if not ti:
            continue
        i = ti[int(rng.integers(0, len(ti)))]
        t = float(trips["t0"][i]) + 0.25
        rows.append((v, t, counts))
        if counts > seats:
            band = "超员20%以上" if counts * 100 >= seats * 120 else "超员20%以下"
            truth.append({"plate_key": v.plate_key, "operator_uscc": v.operator,
                          "seats": seats, "passenger_count": counts, "band": band, "_t": t})  # fmt: skip
    rows.sort(key=lambda x: (x[1], x[0].idx))
    prov = [v.registered_province for v, _, _ in rows]
    eid = [f"CY{p}{n:06d}" for n, p in enumerate(prov)]
    start = np.array([t for _, t, _ in rows])
    frame = pl.DataFrame(
        {
            "event_id": eid,
            "plate": [v.plate for v, _, _ in rows],
            "plate_color": [v.plate_color for v, _, _ in rows],
            "event_type": ["over_capacity"] * len(rows),
            "started_at": to_ts(start),
            "ended_at": to_ts(start + 0.1),
            "lon": pl.Series([None] * len(rows), dtype=pl.Float64),
            "lat": pl.Series([None] * len(rows), dtype=pl.Float64),
            "speed_kmh": pl.Series([None] * len(rows), dtype=pl.Float64),
            "limit_kmh": pl.Series([None] * len(rows), dtype=pl.Float64),
            "handled": [True] * len(rows),
            "handled_at": to_ts(start + 0.5),
            "passenger_count": pl.Series([c for _, _, c in rows], dtype=pl.Int64),
            "_province": prov,
        }
    )
    by_t = {(v.plate_key, t): f"{p}:{e}" for (v, t, _), p, e in zip(rows, prov, eid, strict=True)}
    out = []
    for x in truth:
        x["rid"] = by_t[(x["plate_key"], x.pop("_t"))]
        out.append(x)
    out.sort(key=lambda x: x["rid"])
    ops = sorted({x["operator_uscc"] for x in out if x["operator_uscc"]})
    return frame, {"over_capacity": out, "over_capacity_operators": ops}
