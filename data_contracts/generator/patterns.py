"""Planted patterns: which vehicles, drivers, operators and sources carry a pattern, and the
episodes (precise over-limit detections) that make the legal-threshold patterns exact."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from . import geography as geo
from .config import START, WINDOW_START
from .entities import World
from .names import HOSTILE

WINDOW_H = (WINDOW_START - START).total_seconds() / 3600.0 + 14 * 24  # safely inside window


@dataclass
class Plan:
    convoy_followers: dict[int, tuple[int, float]] = field(default_factory=dict)
    convoys: list[list[int]] = field(default_factory=list)
    activity: dict[int, float] = field(default_factory=dict)
    repeat: list[int] = field(default_factory=list)
    decoys: list[tuple[int, str]] = field(default_factory=list)
    driver_repeat: list[tuple[int, list[int]]] = field(default_factory=list)
    driver_decoys: list[tuple[int, list[int]]] = field(default_factory=list)
    op_ratio: list[str] = field(default_factory=list)
    op_ratio_decoys: list[str] = field(default_factory=list)
    op_episodes: list[tuple[int, int]] = field(default_factory=list)  # (vehicle, n episodes)
    clones: list[tuple[int, int]] = field(default_factory=list)
    clone_of: dict[int, int] = field(default_factory=dict)  # clone idx -> original idx
    networks: list[dict] = field(default_factory=list)
    mismatch: list[tuple[int, str]] = field(default_factory=list)
    evaders: list[int] = field(default_factory=list)
    obscured: list[int] = field(default_factory=list)
    risky: list[int] = field(default_factory=list)
    unregistered: list[int] = field(default_factory=list)
    poor_ops: list[str] = field(default_factory=list)
    fatigue: list[int] = field(default_factory=list)
    night: list[int] = field(default_factory=list)
    night_runners: list[int] = field(default_factory=list)  # trucks crossing stations at night
    speeders: list[int] = field(default_factory=list)
    overloading_sources: list[int] = field(default_factory=list)
    hostile: list[dict] = field(default_factory=list)
    episodes_missing: list[str] = field(default_factory=list)
    tall: list[int] = field(default_factory=list)  # occasional over-height loads (R02)
    network_decoys: list[dict] = field(default_factory=list)
    colour_twins: list[tuple[int, int]] = field(default_factory=list)
    declared: dict[str, int] = field(default_factory=dict)  # uscc -> declared fleet ≠ registry


def _pick(w: World, pool: list[int], k: int, used: set[int]) -> list[int]:
    cands = [i for i in pool if i not in used]
    k = min(k, len(cands))
    out = [cands[int(i)] for i in w.rng.choice(len(cands), k, replace=False)] if k else []
    used.update(out)
    return sorted(out)


def plant_entities(w: World) -> Plan:
    r = w.rng
    p = Plan()
    sc = w.scale
    n_rep = sc.n_repeat
    used: set[int] = set()
    local = [v.idx for v in w.vehicles
             if v.registered and v.vehicle_type in ("truck", "tractor") and "light" not in v.flags]  # fmt: skip
    heavy = [i for i in local if w.vehicles[i].axles >= 5]
    p.repeat = _pick(w, local, n_rep, used)
    dec = _pick(w, local, max(2, n_rep // 2) * 2, used)
    p.decoys = [(i, "exactly_3" if j % 2 == 0 else "old_4th") for j, i in enumerate(dec)]
    for i in p.repeat + dec:
        p.activity[i] = 0.25
        w.vehicles[i].propensity = -1.0  # only planted over-limit loads
    # drivers: an operator with >=3 trucks, one driver drives the planted episodes
    ops_multi = {}
    for v in w.vehicles:
        if v.registered and v.vehicle_type in ("truck", "tractor") and v.idx not in used:
            ops_multi.setdefault(v.operator, []).append(v.idx)
    big = sorted([(o, vs) for o, vs in ops_multi.items() if len(vs) >= 3], key=lambda x: x[0])
    order = r.permutation(len(big))
    n_drv = max(2, n_rep // 2)
    driver_of = {d.driver_id: i for i, d in enumerate(w.drivers)}
    for j, oi in enumerate(order[: 2 * n_drv]):
        _, vs = big[int(oi)]
        trucks = vs[:3]
        used.update(trucks)
        for t in trucks:
            p.activity[t] = 0.3
            w.vehicles[t].propensity = -1.0
        d = driver_of[w.vehicles[trucks[0]].driver]
        (p.driver_repeat if j < n_drv else p.driver_decoys).append((d, trucks))
    # operator fleet ratio: new operators with fleets of 10/20/30
    region = [c for c in geo.REGION_CITIES if any(c in cs for cs in geo.CORRIDORS.values())]
    for j in range(max(2, n_rep // 2) * 2):
        city = region[int(r.integers(0, len(region)))]
        op = w.new_operator(city, "freight")
        fleet = [10, 20, 30][j % 3]
        vs = [w.new_vehicle(city, "truck", op) for _ in range(fleet)]
        for v in vs:
            v.driver = w.new_driver(op, "货运", city).driver_id
            v.propensity = -1.0
            v.status = "active"  # the R11 denominator: registered active vehicles = fleet
            used.add(v.idx)
        positive = j % 2 == 0
        n_viol = fleet // 10 + (1 + fleet // 20 if positive else 0)
        for v in vs[:n_viol]:
            p.op_episodes.append((v.idx, 1 + int(r.integers(0, 2))))
            p.activity[v.idx] = 0.4
        (p.op_ratio if positive else p.op_ratio_decoys).append(op.uscc)
        # the declared size is only a cross-check: some decoys declare a tiny fleet (a lead
        # under the declared denominator), some positives a stale, larger one (no lead under it)
        if j % 4 == 1:
            p.declared[op.uscc] = fleet // 2
        elif j % 4 == 2:
            p.declared[op.uscc] = fleet * 3
    # shell-operator networks
    for k in range(max(1, n_rep // 4)):
        p.networks.append(_plant_network(w, p, used, k))
    # cloned plates: a second physical truck far away carries a registered plate
    far = {"21": "哈尔滨", "22": "呼和浩特", "23": "大连", "15": "哈尔滨"}
    for i in _pick(w, heavy, max(2, n_rep // 2), used):
        v = w.vehicles[i]
        city = far[v.registered_province]
        c = w.new_vehicle(city, "truck", None, config=int(r.integers(0, 3)))
        w.plates.discard(c.plate)
        c.plate, c.plate_color, c.registered = v.plate, v.plate_color, False
        c.registered_province, c.registered_area = v.registered_province, v.registered_area
        c.flags.add("clone")
        p.activity[i] = p.activity[c.idx] = 0.4
        p.clones.append((i, c.idx))
        p.clone_of[c.idx] = i
    # registration mismatches
    kinds = ["axles", "blue_plate_heavy", "gvw_over_registered", "weight_divergence"]
    light = [i for i in local if w.vehicles[i].axles == 2]
    for j in range(max(4, n_rep)):
        kind = kinds[j % 4]
        pool = {"axles": heavy, "blue_plate_heavy": light}.get(kind, local)
        got = _pick(w, pool, 1, used)
        if not got:
            continue
        v = w.vehicles[got[0]]
        if kind == "axles":
            v.reg_axles = 2 if v.axles >= 5 else 3
            v.reg_total_kg = 18000 if v.reg_axles == 2 else 25000
        elif kind == "blue_plate_heavy":
            v.plate_color = "蓝"
            v.reg_total_kg = 4495
        elif kind == "gvw_over_registered":
            v.reg_total_kg = int(round(v.limit_kg * 0.55, -2))
        else:
            v.flags.add("flywheel")
        p.activity[v.idx] = 0.4
        p.mismatch.append((v.idx, kind))
    # station evasion (skip WIM + fixed of fixed clusters, at night), obscured plates, risky
    for i in _pick(w, heavy, max(2, n_rep // 2), used):
        w.vehicles[i].flags.add("evader")
        w.vehicles[i].propensity = 0.4
        p.activity[i] = 0.35
        p.evaders.append(i)
    for i in _pick(w, heavy, max(2, n_rep // 2), used):
        w.vehicles[i].flags.add("obscured")
        w.vehicles[i].propensity = 0.3
        p.activity[i] = 0.4
        p.obscured.append(i)
    for i in _pick(w, local, max(4, n_rep * 2), used):
        # habitual overloaders (30-60 % of their own-cargo loaded trips)
        w.vehicles[i].propensity = float(r.uniform(0.35, 0.7))
        w.vehicles[i].flags.add("risky")
        p.activity[i] = 0.5
        p.risky.append(i)
    # convoys: 3-6 trucks of one (new) operator travelling within ~2 minutes on every trip
    for _ in range(max(2, n_rep // 3)):
        city = region[int(r.integers(0, len(region)))]
        op = w.new_operator(city, "freight")
        group = []
        for _ in range(int(r.integers(3, 7))):
            v = w.new_vehicle(city, "truck", op, config=6)
            v.driver = w.new_driver(op, "货运", city).driver_id
            group.append(v.idx)
            used.add(v.idx)
        p.activity[group[0]] = 0.4
        off = 0.0
        for f in group[1:]:
            off += float(r.uniform(15, 35))
            p.convoy_followers[f] = (group[0], off)
        p.convoys.append(group)
    # over-height loads (R02 dimension over-limit), never overweight; at most 2 records each
    for i in _pick(w, local, max(2, n_rep // 3), used):
        w.vehicles[i].propensity = -1.0
        w.vehicles[i].flags.add("tall")
        p.tall.append(i)
    # decoys for the network detector: operators sharing only an office address (a logistics
    # park), and the same plate string on two vehicles with different plate colours
    by_city: dict[str, list] = {}
    for o in w.operators:
        if o.scope == "freight" and o.uscc not in {u for n in p.networks for u in n["operators"]}:
            by_city.setdefault(o.city, []).append(o)
    for city in sorted(c for c, os_ in by_city.items() if len(os_) >= 2)[:2]:
        a, b = by_city[city][:2]
        b.address = a.address
        p.network_decoys.append(
            {"operators": sorted([a.uscc, b.uscc]), "shared": {"address": a.address}}
        )
    for i in _pick(w, heavy, 1, used):
        v = w.vehicles[i]
        twin = w.new_vehicle(v.home_city, "truck", None, config=0)
        w.plates.discard(twin.plate)
        twin.plate, twin.plate_color, twin.reg_total_kg, twin.curb_kg = v.plate, "蓝", 4495, 2600
        twin.operator = v.operator
        ops = {o.uscc: o for o in w.operators}
        if v.operator in ops:
            ops[v.operator].fleet_size += 1
        twin.flags.add("light")
        twin.propensity = 0.0
        twin.driver = v.driver
        used.add(twin.idx)
        p.colour_twins.append((i, twin.idx))
    # unregistered local vehicles (operate without registry entry)
    for i in _pick(w, local, max(2, n_rep // 3), used):
        w.vehicles[i].registered = False
        p.unregistered.append(i)
    # 两客一危: poor alarm handling, fatigue / night-ban coaches, speeders
    ph = [
        o
        for o in w.operators
        if o.scope.split(";")[0] in ("hazmat", "passenger_route", "passenger_charter")
    ]
    for j in r.choice(len(ph), max(2, len(ph) // 6), replace=False):
        ph[int(j)].alarm_handling = float(r.uniform(0.55, 0.82))
        p.poor_ops.append(ph[int(j)].uscc)
    coaches = [v.idx for v in w.vehicles if v.vehicle_type.startswith("coach")]
    route = [i for i in coaches if w.vehicles[i].vehicle_type == "coach_route"]
    ph_veh = [
        v.idx for v in w.vehicles if v.vehicle_type in ("hazmat", "coach_route", "coach_charter")
    ]
    p.fatigue = _pick(w, ph_veh, max(2, len(ph_veh) // 10), used)
    p.night = _pick(w, route, max(1, len(route) // 8), used)
    p.speeders = _pick(w, ph_veh, max(2, len(ph_veh) // 10), used)
    # overloading source units are chosen in traffic.assign_loads (among busy ones)
    _plant_hostile(w, p)
    _declare_fleets(w, p)
    _plant_night_runners(w, p, heavy, used, max(2, n_rep // 2))
    return p


def _plant_night_runners(w: World, p: Plan, heavy: list[int], used: set[int], k: int) -> None:
    """Trucks that cross the station areas at night (depart 20-24 h) but do not bypass them.

    Picked with their own generator seeded from the candidates' plates, so the world's main
    random stream (and every other planted pattern) is unchanged by this planting."""
    cands = sorted(i for i in heavy if i not in used)
    if not cands:
        return
    seed = zlib.crc32("".join(w.vehicles[i].plate_key for i in cands).encode("utf-8"))
    rng = np.random.default_rng(seed)
    out = sorted(cands[int(j)] for j in rng.choice(len(cands), min(k, len(cands)), replace=False))
    for i in out:
        w.vehicles[i].flags.add("night_runner")
    used.update(out)
    p.night_runners = out


def _declare_fleets(w: World, p: Plan) -> None:
    """Declared fleet (operators.fleet_size) = the operator's registered active vehicles, except
    the planted cross-check divergences in `p.declared`."""
    n: dict[str, int] = {}
    for v in w.vehicles:
        if v.operator and v.registered and "clone" not in v.flags and v.status == "active":
            n[v.operator] = n.get(v.operator, 0) + 1
    for o in w.operators:
        o.fleet_size = p.declared.get(o.uscc, n.get(o.uscc, 0))


def _plant_network(w: World, p: Plan, used: set[int], k: int) -> dict:
    r = w.rng
    city = ["鞍山", "包头", "长春", "哈尔滨", "营口", "赤峰"][k % 6]
    base = ["宏达", "恒通", "顺发", "鑫达", "远大", "华通"][k % 6]
    names = [f"{city}市{base}物流有限公司", f"{city}{base}物流有限责任公司",
             f"{city}市{base}运输有限公司", f"{city}市{base}顺物流有限公司", f"{city}{base}货运有限公司"]  # fmt: skip
    phone, rep = w.phone(), w.person_name()
    area = w.area_of(city)
    address = w.address(city, area)
    members, vehicles = [], []
    for j in range(int(r.integers(3, 6))):
        op = w.new_operator(city, "freight", license_year=2026)
        w.names.discard(op.name)
        op.name = names[j] if names[j] not in w.names else f"{names[j][:-4]}{j}有限公司"
        w.names.add(op.name)
        op.phone, op.legal_rep, op.address, op.area_code = phone, rep, address, area
        members.append(op.uscc)
        for _ in range(int(r.integers(2, 5))):
            v = w.new_vehicle(city, "truck", op, config=6)
            v.driver = w.new_driver(op, "货运", city).driver_id
            v.propensity = -1.0
            used.add(v.idx)
            vehicles.append(v.idx)
    reps = [vehicles[i] for i in r.choice(len(vehicles), max(2, len(vehicles) // 3), replace=False)]
    for i in sorted(reps):
        p.repeat.append(i)
        p.activity[i] = 0.25
    return {"operators": members, "vehicles": vehicles, "repeaters": sorted(reps),
            "shared": {"phone": phone, "legal_rep": rep, "address": address}}  # fmt: skip


def _plant_hostile(w: World, p: Plan) -> None:
    r = w.rng
    busy = {u for n in p.networks + p.network_decoys for u in n["operators"]}
    busy |= set(p.op_ratio) | set(p.op_ratio_decoys) | set(p.poor_ops)
    free = [o for o in w.operators if o.uscc not in busy]
    op = free[int(r.integers(0, len(free)))]
    op.name = HOSTILE["operator_name"]
    p.hostile.append({"table": "operators", "key": op.uscc, "column": "name", "value": op.name})
    op2 = free[int(r.integers(0, len(free)))]
    op2.address = HOSTILE["address"]
    p.hostile.append(
        {"table": "operators", "key": op2.uscc, "column": "address", "value": op2.address}
    )
    d = w.drivers[int(r.integers(0, len(w.drivers)))]
    d.name = HOSTILE["name"]
    p.hostile.append({"table": "drivers", "key": d.driver_id, "column": "name", "value": d.name})
