"""两客一危 dynamic monitoring: alarms derived from the actual trips (with exact per-operator
handling rates) and GPS tracks of a subset, incl. planted alarm/track inconsistencies."""

from __future__ import annotations

import numpy as np
import polars as pl

from .config import PERIOD_H, to_ts
from .entities import World
from .patterns import Plan

LIMITS = {"coach_route": 100.0, "coach_charter": 100.0, "hazmat": 80.0}
EVENT_P = {"offline": 0.03, "route_deviation": 0.01, "tampering": 0.004}


def monitoring(w: World, trips, plan: Plan, gps_set: set[int]):
    """Alarms of 两客一危 vehicles and GPS tracks of a subset. Returns (events, gps, truth)."""
    r = w.rng
    ph = np.array([v.vehicle_type in LIMITS for v in w.vehicles])
    sel = np.nonzero(ph[trips["veh"]])[0]
    # next departure of the same vehicle (night-ban shifts must not overlap it)
    order = np.lexsort((trips["t0"], trips["veh"]))
    next_t0 = np.full(len(order), np.inf)
    same = trips["veh"][order][1:] == trips["veh"][order][:-1]
    next_t0[order[:-1]] = np.where(same, trips["t0"][order[1:]], np.inf)
    roads = sorted(w.corridors)
    speeders, fatigue, night = set(plan.speeders), set(plan.fatigue), set(plan.night)
    ev_rows, gps_parts = [], []
    truth = {"alarm_without_track": [], "track_without_alarm": []}
    poor_ops = set(plan.poor_ops)
    for i in sel:
        v = w.vehicles[int(trips["veh"][i])]
        c = w.corridors[roads[int(trips["road"][i])]]
        a, b, t0 = trips["a"][i], trips["b"][i], trips["t0"][i]
        limit = LIMITS[v.vehicle_type]
        dist = abs(b - a)
        if v.idx in speeders and r.random() < 0.3:
            trips["speed"][i] = limit * float(r.uniform(1.08, 1.2))
        if (
            v.idx in fatigue
            and r.random() < 0.5
            and dist > 240
            and t0 + dist / 56 + 1.0 < next_t0[i]
        ):
            trips["brk"][i] = 0.0
            trips["speed"][i] = min(trips["speed"][i], 56.0)  # > 4 h without a rest
        new_t0 = np.floor(t0 / 24) * 24 + 24 + float(r.uniform(0.5, 1.5))  # departs ~01:00
        if v.idx in night and r.random() < 0.4 and new_t0 + abs(b - a) / 60 + 1.0 < next_t0[i]:
            t0 = trips["t0"][i] = new_t0  # departs ~01:00
        sp = trips["speed"][i]
        dur = dist / sp
        d = 1 if b > a else -1

        brk = float(trips["brk"][i])

        def where(th, a=a, d=d, dur=dur, sp=sp, brk=brk):  # hours since departure -> km
            moving = np.where(th > dur / 2 + brk, th - brk, np.minimum(th, dur / 2))
            return a + d * np.minimum(moving, dur) * sp

        found = []
        if sp > limit:
            found.append(("speeding", 0.5))
        if dur > 4.0 and trips["brk"][i] == 0:
            found.append(("fatigue", 4.0))
        hod = t0 % 24
        if v.vehicle_type == "coach_route" and (
            hod < 5 and hod + dur > 2 or hod > 20 and hod + dur > 26
        ):
            found.append(("night_ban", max(0.0, (26 - hod) % 24)))
        poor = v.operator in poor_ops
        for et, p in EVENT_P.items():
            if r.random() < p * (10 if poor and et == "offline" else 1):
                found.append((et, float(r.uniform(0, max(dur, 0.1)))))
        has_gps = v.idx in gps_set
        for et, off in found:
            if has_gps and et in ("speeding", "fatigue") and r.random() < 0.2:
                truth["track_without_alarm"].append(
                    {
                        "plate_key": v.plate_key,
                        "kind": et,
                        "trip_start": str(to_ts(np.array([t0]))[0])[:19],
                    }
                )
                continue
            lon, lat = c.point_at(where(off))
            handled = True  # decided per operator in set_handling (exact handling rates)
            ev_rows.append((v.idx, et, t0 + off, float(r.uniform(0.05, 0.5)), float(lon), float(lat),
                            float(sp) if et == "speeding" else None, limit if et == "speeding" else None, handled))  # fmt: skip
        if has_gps:
            step = w.scale.gps_interval_s / 3600.0
            th = np.arange(0, dur + trips["brk"][i], step)
            km = where(th)
            # offline gaps: drop the points of the gap
            keep = np.ones(len(th), bool)
            for et, off in found:
                if et in ("offline", "tampering"):
                    keep &= ~((th >= off) & (th < off + 0.6))
            lon, lat = c.point_at(km)
            moving = np.abs(np.gradient(km)) > 1e-6 if len(km) > 1 else np.ones(len(km), bool)
            keep &= t0 + th < PERIOD_H - 1.0  # data end 2026-10-31
            gps_parts.append(
                (v.idx, t0 + th[keep], lon[keep], lat[keep], np.where(moving[keep], sp, 0.0))
            )
    # alarms without a matching track violation (track shows normal driving)
    gps_veh = [v for v in sorted(gps_set)]
    for j in range(max(2, len(gps_veh) // 4)):
        if not gps_veh:
            break
        vi = gps_veh[j % len(gps_veh)]
        tv = np.nonzero(trips["veh"][sel] == vi)[0]
        if len(tv) == 0:
            continue
        i = sel[tv[int(r.integers(0, len(tv)))]]
        v = w.vehicles[vi]
        limit = LIMITS[v.vehicle_type]
        if trips["speed"][i] > limit:
            continue
        c = w.corridors[roads[int(trips["road"][i])]]
        lon, lat = c.point_at((trips["a"][i] + trips["b"][i]) / 2)
        ev_rows.append(
            (
                vi,
                "speeding",
                trips["t0"][i] + 0.3,
                0.1,
                float(lon),
                float(lat),
                limit * 1.15,
                limit,
                True,
            )
        )
        truth["alarm_without_track"].append(len(ev_rows) - 1)
    _top_up_poor_operators(w, trips, plan, sel, gps_set, ev_rows)
    return ev_rows, gps_parts, truth


def _top_up_poor_operators(
    w: World, trips, plan: Plan, sel, gps_set: set[int], ev_rows: list
) -> None:
    """Poorly monitored operators get at least 8 alarms (extra 'offline' alarms on untracked
    vehicles), so their handling rate is measured on enough alarms."""
    r = w.rng
    roads = sorted(w.corridors)
    count: dict[str, int] = {}
    for x in ev_rows:
        op = w.vehicles[x[0]].operator
        count[op] = count.get(op, 0) + 1
    veh = trips["veh"][sel]
    for op in plan.poor_ops:
        mine = [int(i) for i, v in zip(sel, veh, strict=True)
                if w.vehicles[v].operator == op and v not in gps_set and trips["t0"][i] < PERIOD_H - 48]  # fmt: skip
        for k in range(max(0, 8 - count.get(op, 0))):
            if not mine:
                break
            i = mine[int(r.integers(0, len(mine)))]
            c = w.corridors[roads[int(trips["road"][i])]]
            lon, lat = c.point_at((trips["a"][i] + trips["b"][i]) / 2)
            ev_rows.append((int(trips["veh"][i]), "offline", float(trips["t0"][i]) + 0.5 + 0.01 * k,
                            float(r.uniform(0.3, 1.5)), float(lon), float(lat), None, None, True))  # fmt: skip


def set_handling(w: World, ev_rows: list, poor: set[str]) -> list:
    """Handled flags with each operator's rate made exact: poor operators floor(rate × n) handled
    (< 90 %), others ceil(rate × n) (≥ 93 %)."""
    r = w.rng
    by_op: dict[str, list[int]] = {}
    for k, x in enumerate(ev_rows):
        op = w.vehicles[x[0]].operator
        if op:
            by_op.setdefault(op, []).append(k)
    ops = {o.uscc: o for o in w.operators}
    out = [list(x) for x in ev_rows]
    for op, ks in sorted(by_op.items()):
        rate = ops[op].alarm_handling
        n_ok = int(np.floor(rate * len(ks))) if op in poor else int(np.ceil(rate * len(ks)))
        for j, k in enumerate(r.permutation(len(ks)).tolist()):
            out[ks[k]][8] = j < n_ok
    return [tuple(x) for x in out]


def events_frame(w: World, ev_rows, truth) -> pl.DataFrame:
    r = w.rng
    # alarms (and their handling, ≤ 2 h later) stay inside the data year
    keep_idx = [k for k, x in enumerate(ev_rows) if x[2] + x[3] + 2.0 < PERIOD_H]
    remap = {k: n for n, k in enumerate(keep_idx)}
    ev_rows = [ev_rows[k] for k in keep_idx]
    truth["alarm_without_track"] = [remap[k] for k in truth["alarm_without_track"] if k in remap]
    ev_rows_sorted = sorted(range(len(ev_rows)), key=lambda k: (ev_rows[k][2], ev_rows[k][0]))
    pos = {k: n for n, k in enumerate(ev_rows_sorted)}
    rows = [ev_rows[k] for k in ev_rows_sorted]
    veh = np.array([x[0] for x in rows], dtype=np.int64)
    start = np.array([x[2] for x in rows])
    prov = np.array([w.vehicles[v].registered_province for v in veh], dtype=object)
    eid = np.array([f"BJ{p}{n:08d}" for n, p in enumerate(prov)], dtype=object)
    handled = np.array([x[8] for x in rows], dtype=bool)
    truth["alarm_without_track"] = [
        f"{prov[pos[k]]}:{eid[pos[k]]}" for k in truth["alarm_without_track"]
    ]
    return pl.DataFrame(
        {
            "event_id": eid.astype(str),
            "plate": np.array([w.vehicles[v].plate for v in veh], dtype=object).astype(str),
            "plate_color": np.array([w.vehicles[v].plate_color for v in veh], dtype=object).astype(
                str
            ),
            "event_type": np.array([x[1] for x in rows], dtype=object).astype(str),
            "started_at": to_ts(start),
            "ended_at": to_ts(start + np.array([x[3] for x in rows])),
            "lon": np.round([x[4] for x in rows], 5),
            "lat": np.round([x[5] for x in rows], 5),
            "speed_kmh": pl.Series(
                [None if x[6] is None else round(x[6], 1) for x in rows], dtype=pl.Float64
            ),
            "limit_kmh": pl.Series([x[7] for x in rows], dtype=pl.Float64),
            "handled": handled,
            "handled_at": pl.Series(to_ts(start + r.uniform(0.05, 2.0, len(rows)))).set(
                pl.Series(~handled), None
            )
            if len(rows)
            else pl.Series([], dtype=pl.Datetime("us")),
            "_province": prov.astype(str),
        }
    )


def gps_frame(w: World, parts) -> pl.DataFrame:
    if not parts:
        return pl.DataFrame()
    veh = np.concatenate([np.full(len(p[1]), p[0]) for p in parts])
    h = np.concatenate([p[1] for p in parts])
    df = pl.DataFrame(
        {
            "plate": np.array([w.vehicles[v].plate for v in veh], dtype=object).astype(str),
            "plate_color": np.array([w.vehicles[v].plate_color for v in veh], dtype=object).astype(
                str
            ),
            "ts": to_ts(h),
            "lon": np.round(np.concatenate([p[2] for p in parts]), 5),
            "lat": np.round(np.concatenate([p[3] for p in parts]), 5),
            "speed_kmh": np.round(np.concatenate([p[4] for p in parts]), 1),
            "_province": np.array(
                [w.vehicles[v].registered_province for v in veh], dtype=object
            ).astype(str),
        }
    )
    return df.sort(["_province", "plate", "ts"])
