"""Loadings at source units (incl. hazmat e-waybills) and the source units' own departure
weighings."""

from __future__ import annotations

import numpy as np
import polars as pl

from .config import to_ts
from .entities import World
from .identifiers import waybill_ids
from .names import HOSTILE
from .patterns import Plan
from .records import axle_split

CARGO = {"mine": ["煤炭", "铁矿石", "原煤"], "quarry": ["砂石", "石料", "碎石"], "port": ["集装箱", "钢材", "粮食"],
         "logistics": ["日用百货", "建材", "快递包裹"], "factory": ["水泥", "钢材", "化肥"],
         "freight_station": ["零担货物", "建材", "机械设备"]}  # fmt: skip
HAZ = [
    ("汽油", "UN1203"),
    ("柴油", "UN1202"),
    ("液化石油气", "UN1075"),
    ("液氨", "UN1005"),
    ("硫酸", "UN1830"),
]


def loadings(w: World, trips, plan: Plan) -> tuple[pl.DataFrame, dict]:
    r = w.rng
    # planted: loaded hazmat trips without any e-waybill (no loading record, no waybill downstream)
    hz_trips = np.nonzero(
        (trips["source"] >= 0)
        & np.array([w.vehicles[v].vehicle_type == "hazmat" for v in trips["veh"]])
    )[0]
    no_wb = (
        np.sort(r.choice(hz_trips, max(2, len(hz_trips) // 30), replace=False))
        if len(hz_trips) > 4
        else hz_trips[:0]
    )
    no_waybill = [{"plate_key": w.vehicles[int(trips["veh"][i])].plate_key, "departed_at": str(to_ts(trips["t0"][i : i + 1])[0])[:19]}
                  for i in no_wb]  # fmt: skip
    trips["source"][no_wb] = -1
    sel = np.nonzero(trips["source"] >= 0)[0]
    n = len(sel)
    src = trips["source"][sel]
    veh = trips["veh"][sel]
    prov = np.array([w.sources[s].province_code for s in src], dtype=object)
    kinds = [w.sources[s].kind for s in src]
    hazmat = np.array([w.vehicles[v].vehicle_type == "hazmat" for v in veh])
    hz = r.integers(0, len(HAZ), n)
    cargo = [
        HAZ[hz[i]][0] if hazmat[i] else CARGO[kinds[i]][int(r.integers(0, 3))] for i in range(n)
    ]
    un = np.where(hazmat, np.array([HAZ[i][1] for i in hz], dtype=object), None)
    escort = np.array(
        [next((f[7:] for f in w.vehicles[v].flags if f.startswith("escort:")), None) for v in veh],
        dtype=object,
    )
    escort = np.where(hazmat, escort, None)
    # planted hazmat violations: missing escort or missing UN number / e-waybill details
    missing = {"no_escort": [], "no_un_number": []}
    hz_idx = np.nonzero(hazmat)[0]
    if len(hz_idx):
        for k in r.choice(hz_idx, max(2, len(hz_idx) // 25), replace=False):
            kind = "no_escort" if r.random() < 0.6 else "no_un_number"
            if kind == "no_escort":
                escort[k] = None
            else:
                un[k] = None
            missing[kind].append(int(k))
    gross = trips["gross"][sel]
    # planted episodes pick their over-limit load up just before the detecting station: legal here
    lim = np.array([w.vehicles[v].limit_kg for v in veh])
    gross = np.where(trips["episode"][sel], np.round(lim * 0.86, -1).astype(np.int64), gross)
    curb = np.array([w.vehicles[v].curb_kg for v in veh])
    rated = np.array([w.vehicles[v].limit_kg - w.vehicles[v].curb_kg for v in veh])
    net = gross - curb
    over_src = np.isin(src, plan.overloading_sources)
    declared = np.where(over_src & (net > rated), rated, net)
    measured = np.where(r.random(n) < 0.9, gross, -1)
    # loading 20-60 min before departure, but after the vehicle's previous trip ended
    from .traffic import trip_end_h

    order = np.lexsort((trips["t0"], trips["veh"]))
    prev_end = np.full(len(order), -np.inf)
    same = trips["veh"][order][1:] == trips["veh"][order][:-1]
    prev_end[order[1:]] = np.where(same, trip_end_h(trips)[order[:-1]], -np.inf)
    h = np.maximum(trips["t0"][sel] - r.uniform(0.3, 1.0, n), prev_end[sel] + 0.2)
    h = np.minimum(h, trips["t0"][sel] - 0.05)
    drv = np.array([w.vehicles[v].driver for v in veh], dtype=object)
    wid = waybill_ids(sel, prov)
    for kind, lst in missing.items():
        missing[kind] = [f"{prov[k]}:{wid[k]}" for k in lst]  # rids
    hostile = int(r.integers(0, n)) if n else 0
    if n:
        cargo[hostile] = HOSTILE["cargo"]
    missing["hostile_cargo"] = str(wid[hostile]) if n else None
    missing["no_waybill"] = no_waybill
    df = pl.DataFrame(
        {
            "waybill_id": wid.astype(str),
            "source_id": np.array([w.sources[s].source_id for s in src], dtype=object).astype(str),
            "plate": np.array([w.vehicles[v].plate for v in veh], dtype=object).astype(str),
            "plate_color": np.array([w.vehicles[v].plate_color for v in veh], dtype=object).astype(
                str
            ),
            "loaded_at": to_ts(h),
            "cargo": pl.Series(list(cargo), dtype=pl.String),
            "declared_kg": pl.Series(np.round(declared / 10) * 10).cast(pl.Int64),
            "measured_gross_kg": pl.Series(measured).cast(pl.Int64),
            "driver_id": pl.Series(list(drv), dtype=pl.String),
            "escort_id": pl.Series(list(escort), dtype=pl.String),
            "un_number": pl.Series(list(un), dtype=pl.String),
            "_province": prov.astype(str),
            "_trip": sel,
            "_veh": veh,
            "_station": np.array([w.sources[s].station_id for s in src], dtype=object).astype(str),
        }
    ).with_columns(
        pl.when(pl.col("measured_gross_kg") < 0)
        .then(None)
        .otherwise(pl.col("measured_gross_kg"))
        .alias("measured_gross_kg")
    )
    return df, missing


def source_records(w: World, ld: pl.DataFrame, trips) -> pl.DataFrame:
    """Departure weighings at the source units' own scales (station kind 'source')."""
    ld = ld.filter(pl.col("measured_gross_kg").is_not_null())
    veh = ld["_veh"].to_numpy()
    axles = np.array([w.vehicles[v].axles for v in veh])
    gross = ld["measured_gross_kg"].to_numpy()
    return pl.DataFrame(
        {
            "record_id": pl.Series([None] * len(ld), dtype=pl.String),
            "station_id": ld["_station"],
            "passed_at": ld["loaded_at"],
            "plate": ld["plate"],
            "plate_color": ld["plate_color"],
            "axle_count": pl.Series(axles),
            "is_combination": pl.Series([w.vehicles[v].combo for v in veh], dtype=pl.Boolean),
            "single_drive_axle": pl.Series(
                [w.vehicles[v].single_drive for v in veh], dtype=pl.Boolean
            ),
            "gross_kg": ld["measured_gross_kg"],
            "axle_weights_kg": axle_split(w.rng, gross, axles),
            "lane": pl.Series(np.ones(len(ld), np.int64)),
            "waybill_id": ld["waybill_id"],
            "_province": ld["_province"],
            "_veh": ld["_veh"],
            "_trip": ld["_trip"],
            "_over": pl.Series(np.zeros(len(ld), bool)),
            "_kind": pl.Series(np.full(len(ld), 4)),
        }
    )
