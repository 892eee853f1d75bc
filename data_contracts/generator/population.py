"""Populate the world: operators with fleets, drivers, light trucks, external trucks, trailers,
source units and stations."""

from __future__ import annotations

import numpy as np

from . import geography as geo
from . import identifiers as ids
from .config import Scale
from .entities import World
from .places import build_sources, build_stations


def build_world(rng: np.random.Generator, scale: Scale) -> World:
    w = World(rng, scale)
    build_stations(w)
    region_cities = [c for c in geo.REGION_CITIES if any(c in cs for cs in geo.CORRIDORS.values())]
    for prov in geo.PROVINCES:
        cities = [c for c in region_cities if geo.CITIES[c][2] == prov]
        n_trucks = scale.trucks_per_province
        # freight operators: heavy-tailed fleets
        remaining = n_trucks
        while remaining > 0:
            city = cities[int(rng.integers(0, len(cities)))]
            op = w.new_operator(city, "freight")
            size = int(
                min(remaining, max(1, rng.zipf(1.6)) if rng.random() < 0.5 else rng.integers(3, 31))
            )
            for _ in range(size):
                v = w.new_vehicle(city, "truck", op)
                v.driver = w.new_driver(op, "货运", city).driver_id
            remaining -= size
        for scope, vtype, n in (("hazmat", "hazmat", scale.hazmat_per_province),
                                ("passenger_route", "coach_route", scale.coaches_per_province // 2),
                                ("passenger_charter", "coach_charter", scale.coaches_per_province - scale.coaches_per_province // 2)):  # fmt: skip
            per_op = max(2, n // 3)
            made = 0
            while made < n:
                city = cities[int(rng.integers(0, len(cities)))]
                op = w.new_operator(city, scope)
                if scope == "hazmat":
                    op.scope = "hazmat;freight" if rng.random() < 0.3 else "hazmat"
                for _ in range(min(per_op, n - made)):
                    v = w.new_vehicle(city, vtype, op)
                    klass = "危货驾驶" if scope == "hazmat" else "客运"
                    v.driver = w.new_driver(op, klass, city).driver_id
                    if scope == "hazmat":
                        v.flags.add("escort:" + w.new_driver(op, "押运", city).driver_id)
                    made += 1
        # light blue-plate trucks (total mass <= 4.5 t), legitimately blue
        for _ in range(max(2, n_trucks // 12)):
            city = cities[int(rng.integers(0, len(cities)))]
            op = (
                w.operators[-1]
                if w.operators[-1].scope == "freight"
                else w.new_operator(city, "freight")
            )
            v = w.new_vehicle(city, "truck", op, config=0)
            v.plate_color, v.reg_total_kg, v.curb_kg, v.length_m = "蓝", 4495, 2600, 5.9
            v.flags.add("light")
            v.propensity = 0.0
            v.driver = w.new_driver(op, "货运", city).driver_id
        # spare drivers without a fixed vehicle (relief drivers)
        for _ in range(max(2, n_trucks // 20)):
            op = w.operators[int(rng.integers(0, len(w.operators)))]
            w.new_driver(op, "货运", op.city if op.city in cities else cities[0])
    # trucks registered outside the four provinces (no registry entry)
    for _ in range(scale.external_trucks):
        ext = list(geo.EXTERNAL_PROVINCES)[int(rng.integers(0, len(geo.EXTERNAL_PROVINCES)))]
        city = region_cities[int(rng.integers(0, len(region_cities)))]
        v = w.new_vehicle(city, "truck", None, external=ext)
        v.registered = False
        v.driver = ids.make_id_number(rng, geo.EXTERNAL_PROVINCES[ext][1])
    build_sources(w, region_cities)
    add_trailers(w)
    set_operator_culture(w)
    return w


def set_operator_culture(w: World) -> None:
    """Overloading is a company habit: 75 % of freight operators are careful (0.1 % of loaded
    trips), 25 % loose (15-50 % per truck). External trucks keep their individual mixture."""
    r = w.rng
    loose = {o.uscc: bool(r.random() < 0.25) for o in w.operators if o.scope == "freight"}
    for v in w.vehicles:
        if (
            v.operator in loose
            and v.vehicle_type in ("truck", "tractor")
            and "light" not in v.flags
        ):
            v.propensity = float(r.uniform(0.15, 0.5)) if loose[v.operator] else 0.001


def add_trailers(w: World) -> None:
    """Registered semi-trailers (挂 plates) of some tractors; they never appear in passages."""
    ops = {o.uscc: o for o in w.operators}
    for v in list(w.vehicles):
        if v.vehicle_type == "tractor" and v.operator and w.rng.random() < 0.3:
            w.new_vehicle(v.home_city, "trailer", ops[v.operator])
