"""Truck and coach movement: per vehicle a chain of trips between the cities of one corridor
(each trip starts where the previous ended, at 60-90 km/h, with rests), loads per trip, and the
expansion of trips into station passages (space-time consistent by construction)."""

from __future__ import annotations

import numpy as np

from . import geography as geo
from .config import PERIOD_H
from .entities import World

EXTERNAL_ENDS = {"山海关", "承德", "张家口", "大同", "榆林"}


def vehicle_corridor(w: World, v) -> tuple[str, int]:
    """Corridor and starting node for a vehicle: a corridor through its home city."""
    r = w.rng
    roads = sorted(w.corridors)
    if not v.registered and v.registered_province not in geo.PROVINCES:
        cands = [(rd, i) for rd in roads for i, c in enumerate(w.corridors[rd].cities)
                 if c in EXTERNAL_ENDS]  # fmt: skip
    else:
        cands = [(rd, w.corridors[rd].cities.index(v.home_city)) for rd in roads
                 if v.home_city in w.corridors[rd].cities]  # fmt: skip
    if not cands:
        cands = [(rd, 0) for rd in roads]
    wts = np.array([geo.CORRIDOR_WEIGHT[rd] for rd, _ in cands])
    return cands[int(r.choice(len(cands), p=wts / wts.sum()))]


def chain(w: World, road: str, node: int, mean_gap_h: float, speed: tuple[float, float],
          t_start: float | None = None, max_hops: int = 3, shuttle: int | None = None,
          night: bool = False, day: bool = False):  # fmt: skip
    """Trips of one vehicle: lists of (a_km, b_km, t0_h, speed). Random draws are made in blocks
    (numpy per call is slow); the walk itself is plain integer arithmetic."""
    r = w.rng
    c = w.corridors[road]
    km = c.node_km.tolist()
    n_nodes = len(km)
    t = 1.0 + float(r.uniform(0, mean_gap_h)) if t_start is None else t_start
    out = []
    home = node
    k = int(PERIOD_H / (mean_gap_h + 1.0) * 2) + 8
    hops = (r.integers(1, max_hops + 1, k) * np.where(r.random(k) < 0.5, 1, -1)).tolist()
    speeds = r.uniform(speed[0], speed[1], k).tolist()
    gaps = r.exponential(mean_gap_h, k).tolist()
    nights = r.uniform(0, 4, k).tolist()
    j = 0
    while t < PERIOD_H:
        if j >= k:  # rare: refill the blocks
            hops += (r.integers(1, max_hops + 1, k) * np.where(r.random(k) < 0.5, 1, -1)).tolist()
            speeds += r.uniform(speed[0], speed[1], k).tolist()
            gaps += r.exponential(mean_gap_h, k).tolist()
            nights += r.uniform(0, 4, k).tolist()
            k *= 2
        if night:  # depart 20:00-24:00 so station passages fall in the night
            t += (20.0 - t % 24.0) % 24.0 + nights[j]
        elif day and not 6.0 <= t % 24.0 <= 15.0:  # coaches: scheduled daytime departures
            t += (6.0 - t % 24.0) % 24.0 + nights[j] * 2.25
        if shuttle is not None:
            nxt = shuttle if node == home else home
        else:
            hop = hops[j]
            nxt = node + hop
            if nxt < 0 or nxt >= n_nodes:
                nxt = node - hop
            nxt = min(max(nxt, 0), n_nodes - 1)
            if nxt == node:
                nxt = node + 1 if node + 1 < n_nodes else node - 1
        a, b = km[node], km[nxt]
        v = speeds[j]
        out.append((a, b, t, v))
        dur = abs(b - a) / v
        t += dur + (0.8 if dur > 3.8 else 0.0) + 0.5 + gaps[j]  # incl. a possible rest stop
        node = nxt
        j += 1
    return out


SPEEDS = {"trailer": (60.0, 80.0), "truck": (60.0, 88.0), "tractor": (60.0, 88.0), "hazmat": (58.0, 78.0),
          "coach_route": (75.0, 95.0), "coach_charter": (75.0, 95.0)}  # fmt: skip


def build_trips(w: World, plan) -> dict[str, np.ndarray]:
    r = w.rng
    roads = sorted(w.corridors)
    rows: list[tuple] = []
    followers = plan.convoy_followers  # follower idx -> (leader idx, offset seconds)
    for v in w.vehicles:
        if v.idx in followers or v.idx in plan.clone_of or v.vehicle_type == "trailer":
            continue
        road, node = vehicle_corridor(w, v)
        v.flags.add(f"road:{road}")
        gap = w.scale.mean_gap_h * plan.activity.get(v.idx, 1.0)
        shuttle = None
        if v.vehicle_type == "coach_route":
            c = w.corridors[road]
            shuttle = int(
                np.clip(node + (3 if node + 3 < len(c.cities) else -3), 0, len(c.cities) - 1)
            )
            gap = max(20.0, gap * 0.3)
        elif v.vehicle_type == "coach_charter":
            gap = max(40.0, gap * 0.6)
        night = "evader" in v.flags or "night_runner" in v.flags
        for a, b, t0, sp in chain(
            w,
            road,
            node,
            gap,
            SPEEDS[v.vehicle_type],
            shuttle=shuttle,
            night=night,
            day=v.vehicle_type.startswith("coach"),
        ):
            rows.append((v.idx, roads.index(road), a, b, t0, sp))
    # convoy followers copy their leader's trips a few dozen seconds later
    lead_rows: dict[int, list[tuple]] = {}
    for row in rows:
        lead_rows.setdefault(row[0], []).append(row)
    for f_idx, (leader, offset_s) in sorted(followers.items()):
        for row in lead_rows.get(leader, []):
            rows.append((f_idx, row[1], row[2], row[3], row[4] + offset_s / 3600.0, row[5]))
    # cloned plates: the clone drives its own far-away corridor but on the original's schedule,
    # so both are on the road at the same hours (impossible speeds between their sightings)
    for c_idx, orig in sorted(plan.clone_of.items()):
        road, node = vehicle_corridor(w, w.vehicles[c_idx])
        c = w.corridors[road]
        free = 0.0
        for row in lead_rows.get(orig, []):
            if row[4] < free:
                continue
            hop = int(r.integers(1, 3)) * (1 if r.random() < 0.5 else -1)
            nxt = node + hop if 0 <= node + hop < len(c.cities) else node - hop
            nxt = min(max(nxt, 0), len(c.cities) - 1)
            if nxt == node:
                nxt = node + 1 if node + 1 < len(c.cities) else node - 1
            a, b, sp = float(c.node_km[node]), float(c.node_km[nxt]), float(r.uniform(60, 85))
            rows.append((c_idx, roads.index(road), a, b, row[4] + float(r.uniform(-0.5, 0.5)), sp))
            free = row[4] + abs(b - a) / sp + 1.0
            node = nxt
    arr = np.array(rows, dtype=float)
    order = np.lexsort((arr[:, 0], arr[:, 4]))
    arr = arr[order]
    n = len(arr)
    trips = {
        "veh": arr[:, 0].astype(np.int64),
        "road": arr[:, 1].astype(np.int64),
        "a": arr[:, 2],
        "b": arr[:, 3],
        "t0": arr[:, 4],
        "speed": arr[:, 5],
    }
    dur = np.abs(trips["b"] - trips["a"]) / trips["speed"]
    trips["brk"] = np.where(dur > 3.8, r.uniform(0.4, 0.8, n), 0.0)  # rest stop at mid-route
    trips["loaded"] = np.zeros(n, bool)
    trips["over"] = np.zeros(n, bool)
    trips["gross"] = np.zeros(n, np.int64)
    trips["ov_lo"] = np.full(n, np.inf)
    trips["ov_hi"] = np.full(n, -np.inf)
    trips["evade"] = np.zeros(n, np.int8)  # 1 skip whole fixed cluster, 2 skip fixed station
    trips["source"] = np.full(n, -1, np.int64)
    trips["episode"] = np.zeros(n, bool)  # planted over-limit detection, exempt from caps
    trips["driver"] = np.full(n, -1, np.int64)  # index into w.drivers (−1: vehicle's own)
    trips["toll"] = r.random(n) < 0.5  # entered the expressway through a weighing toll entrance
    return trips


def trip_end_h(trips, i=None):
    dur = np.abs(trips["b"] - trips["a"]) / trips["speed"] + trips["brk"]
    return trips["t0"] + dur if i is None else trips["t0"][i] + dur[i]


def assign_loads(w: World, trips, plan) -> None:
    """Loaded/empty, source loading, overload state and true gross per trip."""
    r = w.rng
    n = len(trips["veh"])
    roads = sorted(w.corridors)
    veh = trips["veh"]
    is_truck = np.array([v.vehicle_type in ("truck", "tractor", "hazmat") for v in w.vehicles])
    limit = np.array([4400 if "light" in v.flags else v.limit_kg for v in w.vehicles])
    curb = np.array([v.curb_kg for v in w.vehicles])
    prop = np.array([v.propensity for v in w.vehicles])
    hazmat = np.array([v.vehicle_type == "hazmat" for v in w.vehicles])
    # sources by (road index, node km)
    src_at: dict[tuple[int, int], list[int]] = {}
    for si, s in enumerate(w.sources):
        for ri, rd in enumerate(roads):
            c = w.corridors[rd]
            if s.city in c.cities:
                src_at.setdefault((ri, int(round(c.node_km[c.cities.index(s.city)]))), []).append(
                    si
                )
    prop = prop[veh]
    u = r.random(n)
    loaded = is_truck[veh] & ((u < 0.62) | hazmat[veh])
    src = np.full(n, -1, np.int64)
    pick = r.random(n)
    for i in np.nonzero(loaded)[0]:
        cands = src_at.get((int(trips["road"][i]), int(round(trips["a"][i]))))
        if cands and (pick[i] < 0.55 or hazmat[veh[i]]):
            src[i] = cands[int(pick[i] * 1000) % len(cands)]
    loaded &= ~hazmat[veh] | (src >= 0)  # tankers run loaded from a source unit, return empty
    # overloading source units (planted): among the busier half of the source units
    busy = np.bincount(src[src >= 0], minlength=len(w.sources))
    cands = [i for i in range(len(w.sources)) if busy[i] >= max(3, np.median(busy))]
    for s_i in sorted(
        int(x)
        for x in r.choice(cands, min(len(cands), max(2, len(w.sources) // 25)), replace=False)
    ):
        w.sources[s_i].overload_share = float(r.uniform(0.4, 0.6))
        plan.overloading_sources.append(s_i)
    # overloading units serve overloading hauliers: careful trucks and planted exact-count trucks
    # (propensity < 0) load elsewhere
    bad_src = np.isin(src, plan.overloading_sources) & (prop < 0.01)  # careful hauliers avoid them
    src = np.where(bad_src, -1, src)
    share = np.array([s.overload_share for s in w.sources] + [0.0])
    # source units weigh departures: their own practice decides (≤1 %, planted ones 40-60 %);
    # the vehicle's habit decides for general cargo loaded elsewhere
    p_over = np.where(src >= 0, share[src], prop)
    p_over = np.where(prop < 0, 0.0, p_over)  # planted vehicles: only planted episodes
    over = loaded & (r.random(n) < p_over) & ~trips["episode"]
    over |= trips["episode"]
    loaded |= over
    risky = np.array(["risky" in v.flags for v in w.vehicles])[veh]  # per trip
    # risky vehicles also load close to the limit when legal (a learnable signal)
    legal = limit[veh] * np.where(risky, r.uniform(0.88, 0.985, n), r.uniform(0.72, 0.94, n))
    factor = np.where(r.random(n) < 0.04, r.uniform(1.5, 2.05, n), r.uniform(1.10, 1.45, n))
    # a third of general-cargo overloads are slight (1-8 % over): over the static limit, often
    # within the 5 % WIM tolerance; planted episodes and source loads stay clearly over
    mild = (src < 0) & ~trips["episode"] & (r.random(n) < 0.25)
    factor = np.where(mild, r.uniform(1.012, 1.08, n), factor)
    gross = np.where(
        over, limit[veh] * factor, np.where(loaded, legal, curb[veh] * r.uniform(0.98, 1.06, n))
    )
    trips["loaded"] = loaded
    trips["over"] = over
    trips["gross"] = (np.round(gross / 10) * 10).astype(np.int64)
    trips["source"] = src
    lo = np.minimum(trips["a"], trips["b"])
    hi = np.maximum(trips["a"], trips["b"])
    normal = over & ~trips["episode"]
    trips["ov_lo"] = np.where(normal, lo - 1, trips["ov_lo"])
    trips["ov_hi"] = np.where(normal, hi + 1, trips["ov_hi"])
    evader = np.array(["evader" in v.flags for v in w.vehicles])
    fly = np.array(["flywheel" in v.flags for v in w.vehicles])
    # overloaded trips usually leave the road before a fixed cluster and rejoin after it
    # heavy overloaders leave the road before fixed clusters; slight ones rarely bother
    # risky (habitual) overloaders mostly do not bother: they are weighed and pay
    p_skip = np.where(risky, 0.2, np.where(factor < 1.09, 0.5, 0.9))
    skip = normal & (r.random(n) < p_skip) & ~evader[veh] & ~fly[veh]
    trips["evade"] = np.where(skip, 1, 0).astype(np.int8)
    trips["evade"] = np.where(evader[veh] & (r.random(n) < 0.9), 2, trips["evade"]).astype(np.int8)


def expand(w: World, trips, idx: np.ndarray, stations) -> dict[str, np.ndarray]:
    """Station passages of the trips idx: (trip, station index, hours since START)."""
    roads = sorted(w.corridors)
    out_t, out_s, out_h = [], [], []
    for ri, rd in enumerate(roads):
        sel = idx[trips["road"][idx] == ri]
        st = stations["by_road"].get(rd)
        if st is None or len(sel) == 0:
            continue
        s_idx, s_km, s_dir, s_kind, s_cl = st
        a = trips["a"][sel][:, None]
        b = trips["b"][sel][:, None]
        d = np.sign(b - a)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        km = s_km[None, :]
        inside = (km > lo) & (km < hi) & ((s_dir[None, :] == 0) | (s_dir[None, :] == d))
        inside &= s_kind[None, :] != 3  # toll entrances weigh only trucks entering there
        toll = (s_kind[None, :] == 3) & (np.abs(km - a) < 0.5) & trips["toll"][sel][:, None]
        ev = trips["evade"][sel][:, None]
        fixed_cluster = s_cl[None, :] == 1
        weighs = (s_kind[None, :] == 0) | (s_kind[None, :] == 1)
        inside &= ~((ev == 1) & fixed_cluster) & ~((ev == 2) & fixed_cluster & weighs)
        mask = inside | toll
        ti, si = np.nonzero(mask)
        trip = sel[ti]
        dist = np.abs(s_km[si] - trips["a"][trip])
        half = np.abs(trips["b"][trip] - trips["a"][trip]) / 2
        h = (
            trips["t0"][trip]
            + dist / trips["speed"][trip]
            + np.where(dist > half, trips["brk"][trip], 0)
        )
        out_t.append(trip)
        out_s.append(s_idx[si])
        out_h.append(h)
    if not out_t:
        z = np.zeros(0)
        return {"trip": z.astype(np.int64), "st": z.astype(np.int64), "h": z}
    return {"trip": np.concatenate(out_t), "st": np.concatenate(out_s), "h": np.concatenate(out_h)}


KIND_CODE = {"fixed": 0, "wim": 1, "anpr": 2, "toll_entrance": 3, "source": 4}


def station_index(w: World) -> dict:
    by_road: dict[str, list] = {}
    for i, s in enumerate(w.stations):
        if s["kind"] == "source":
            continue
        by_road.setdefault(s["road"], []).append(i)
    out = {}
    for rd, lst in by_road.items():
        arr = np.array(lst)
        out[rd] = (
            arr,
            np.array([w.stations[i]["_km"] for i in lst]),
            np.array([w.stations[i]["_dir"] for i in lst]),
            np.array([KIND_CODE[w.stations[i]["kind"]] for i in lst]),
            np.array([1 if w.stations[i]["_cluster"].endswith("fixed") else 0 for i in lst]),
        )
    return {"by_road": out}
