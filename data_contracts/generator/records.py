"""Weigh/passage records of one chunk of trips, as a canonical polars frame (kg, naive local
time). Physics: true gross per trip segment, device noise by station kind, unloading after a
fixed-station detection. A truck's overloading is its habit and nothing caps it: a background
truck that overloads often enough becomes a repeat offender in the data (and in the truth)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
import pyarrow as pa

from .config import PERIOD_H, START
from .entities import World
from .identifiers import waybill_ids
from .traffic import KIND_CODE, expand

KINDS = ["fixed", "wim", "anpr", "toll_entrance", "source"]


@dataclass
class Lookup:
    """Vectorised per-vehicle and per-station attributes."""

    plate: np.ndarray
    color: np.ndarray
    axles: np.ndarray
    combo: np.ndarray
    sd: np.ndarray
    limit: np.ndarray
    load_cap: np.ndarray
    length: np.ndarray
    truck: np.ndarray
    fly: np.ndarray
    obscured: np.ndarray
    tall: np.ndarray
    tall_seen: np.ndarray
    driver: np.ndarray
    st_kind: np.ndarray
    st_tol: np.ndarray
    st_prov: np.ndarray
    st_id: np.ndarray
    st_km: np.ndarray


def make_lookup(w: World) -> Lookup:
    vs = w.vehicles
    st = w.stations
    return Lookup(
        plate=np.array([v.plate for v in vs], dtype=object),
        color=np.array([v.plate_color for v in vs], dtype=object),
        axles=np.array([v.axles for v in vs]),
        combo=np.array([v.combo for v in vs]),
        sd=np.array([v.single_drive for v in vs]),
        limit=np.array([v.limit_kg for v in vs]),
        load_cap=np.array([4400 if "light" in v.flags else v.limit_kg for v in vs]),
        length=np.array([v.length_m for v in vs]),
        truck=np.array([v.vehicle_type in ("truck", "tractor", "hazmat") for v in vs]),
        fly=np.array(["flywheel" in v.flags for v in vs]),
        obscured=np.array(["obscured" in v.flags for v in vs]),
        tall=np.array(["tall" in v.flags for v in vs]),
        tall_seen=np.zeros(len(vs), np.int64),
        driver=np.array([v.driver for v in vs], dtype=object),
        st_kind=np.array([KIND_CODE[s["kind"]] for s in st]),
        st_tol=np.array([s["tolerance_pct"] for s in st]),
        st_prov=np.array([s["province_code"] for s in st], dtype=object),
        st_id=np.array([s["station_id"] for s in st], dtype=object),
        st_km=np.array([s["_km"] if s["_km"] is not None else np.nan for s in st], dtype=float),
    )


def axle_split(
    rng: np.random.Generator, gross: np.ndarray, axles: np.ndarray, valid: np.ndarray | None = None
) -> pl.Series:
    """Axle weights (kg, multiples of 10) summing exactly to gross; steer axle lighter.
    Built as one Arrow list array (no per-row Python lists); NULL where not valid."""
    n = len(gross)
    valid = np.ones(n, bool) if valid is None else valid
    counts = np.where(valid, axles, 0).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    values = np.zeros(int(offsets[-1]), np.int64)
    for k in np.unique(counts[counts > 0]):
        sel = np.nonzero(counts == k)[0]
        base = np.ones(int(k))
        base[0] = 0.7
        sh = base[None, :] * rng.uniform(0.93, 1.07, (len(sel), int(k)))
        sh /= sh.sum(axis=1, keepdims=True)
        wts = np.round(gross[sel, None] * sh / 10) * 10
        wts[:, -1] = gross[sel] - wts[:, :-1].sum(axis=1)
        values[(offsets[sel][:, None] + np.arange(int(k))[None, :]).ravel()] = wts.astype(
            np.int64
        ).ravel()
    arr = pa.ListArray.from_arrays(pa.array(offsets), pa.array(values), mask=pa.array(~valid))
    return pl.Series("axle_weights_kg", pl.from_arrow(arr), dtype=pl.List(pl.Int64))


def build_chunk(w: World, trips, idx: np.ndarray, lk: Lookup, st_index):
    """Records of trips idx. Returns (frame, per-record columns)."""
    r = w.rng
    ex = expand(w, trips, idx, st_index)
    trip, st, h = ex["trip"], ex["st"], ex["h"]
    order = np.lexsort((h, trip))
    trip, st, h = trip[order], st[order], h[order]
    veh = trips["veh"][trip]
    kind = lk.st_kind[st]
    keep = (lk.truck[veh] | (kind == KIND_CODE["anpr"])) & (h < PERIOD_H)  # data end 2026-10-31
    trip, st, h, veh, kind = trip[keep], st[keep], h[keep], veh[keep], kind[keep]
    n = len(trip)
    s_km = lk.st_km[st]
    inside = (s_km >= trips["ov_lo"][trip]) & (s_km <= trips["ov_hi"][trip])
    limit = lk.limit[veh]
    tg = trips["gross"][trip]
    legal_after = (np.round(lk.load_cap[veh] * r.uniform(0.8, 0.93, n) / 10) * 10).astype(np.int64)
    true = np.where(trips["over"][trip] & ~inside, np.minimum(tg, legal_after), tg)
    # unloading (卸载) after a fixed-station detection: later stations of the trip see legal weight
    fixed_over = (kind == 0) & trips["over"][trip] & inside
    first_fix = (
        pl.DataFrame({"t": trip, "h": np.where(fixed_over, h, np.inf)})
        .with_columns(pl.col("h").min().over("t").alias("m"))["m"]
        .to_numpy()
    )
    true = np.where(h > first_fix, np.minimum(true, legal_after), true)
    noise = np.where(kind == 1, np.clip(r.normal(0, 0.012, n), -0.03, 0.03), 0.0)
    noise = np.where(kind == 3, np.clip(r.normal(0, 0.008, n), -0.02, 0.02), noise)
    meas = true * (1 + noise)
    meas = np.where(lk.fly[veh] & ((kind == 1) | (kind == 3)), meas * 0.72, meas)
    meas = (np.round(meas / 10) * 10).astype(np.int64)
    weighs = (kind == 0) | (kind == 1) | (kind == 3)
    tol = lk.st_tol[st]
    over = weighs & (meas > limit * (1 + tol / 100.0))
    cols = dict(trip=trip, st=st, h=h, veh=veh, kind=kind, meas=meas, over=over, tol=tol)
    frame = records_frame(w, trips, cols, lk)
    return frame, cols


def records_frame(w: World, trips, c, lk: Lookup) -> pl.DataFrame:
    r = w.rng
    n = len(c["trip"])
    kind, veh, trip = c["kind"], c["veh"], c["trip"]
    weighs = kind != 2
    is_fixed = kind == 0
    readable_p = np.where(lk.obscured[veh], 0.55, 0.988)
    readable = np.where((kind == 1) | (kind == 2), r.random(n) < readable_p, True)
    plate = np.where(readable, lk.plate[veh], None)
    conf = np.where(
        kind == 2, np.where(readable, r.uniform(0.85, 0.995, n), r.uniform(0.1, 0.5, n)), np.nan
    )
    ts = (np.datetime64(START, "s") + np.round(c["h"] * 3600).astype("timedelta64[s]")).astype(
        "datetime64[us]"
    )
    meas = c["meas"]
    gross = np.where(weighs, meas, 0)
    axw = axle_split(r, gross, np.where(weighs, lk.axles[veh], 2), weighs)
    over = c["over"]
    outcome = np.where(
        is_fixed,
        np.where(over, np.where(r.random(n) < 0.6, "unloaded", "penalized"), "released"),
        None,
    )
    outcome = np.where(kind == 3, np.where(over, "refused", "released"), outcome)
    drv_override = trips["driver"][trip]
    all_drivers = np.array([d.driver_id for d in w.drivers] + [""], dtype=object)
    drv = np.where(
        drv_override >= 0,
        all_drivers[drv_override],
        lk.driver[veh],
    )
    src = trips["source"][trip]
    src_prov = np.array([s.province_code for s in w.sources] + [""], dtype=object)
    has_wb = is_fixed & (src >= 0)
    waybill = np.full(n, None, dtype=object)
    waybill[has_wb] = waybill_ids(trip[has_wb], src_prov[src[has_wb]])
    speed = np.where(
        (kind == 1) | (kind == 2), np.round(trips["speed"][trip] + r.normal(0, 2.5, n), 1), np.nan
    )
    height = r.uniform(3.55, 3.98, n)
    # over-height loads: the first two fixed/WIM passages of a 'tall' vehicle measure 4.1-4.4 m
    tall = np.nonzero(lk.tall[veh] & ((kind == 0) | (kind == 1)))[0]
    for k in tall:
        if lk.tall_seen[veh[k]] < 2:
            lk.tall_seen[veh[k]] += 1
            height[k] = r.uniform(4.1, 4.4)
    df = pl.DataFrame(
        {
            "record_id": pl.Series([None] * n, dtype=pl.String),
            "station_id": lk.st_id[c["st"]].astype(str),
            "passed_at": ts,
            "plate": pl.Series(list(plate), dtype=pl.String),
            "plate_color": lk.color[veh].astype(str),
            "plate_confidence": pl.Series(np.round(conf, 3)).fill_nan(None),
            "axle_count": pl.Series(np.where(weighs, lk.axles[veh], -1)),
            "is_combination": pl.Series(lk.combo[veh]),
            "single_drive_axle": pl.Series(lk.sd[veh]),
            "gross_kg": pl.Series(gross),
            "axle_weights_kg": axw,
            "length_m": pl.Series(np.round(lk.length[veh] + r.normal(0, 0.05, n), 2)),
            "width_m": pl.Series(np.round(r.uniform(2.48, 2.55, n), 2)),
            "height_m": pl.Series(np.round(height, 2)),
            "speed_kmh": pl.Series(speed).fill_nan(None),
            "lane": pl.Series(r.integers(1, 4, n)),
            "outcome": pl.Series(list(outcome), dtype=pl.String),
            "waybill_id": pl.Series(list(waybill), dtype=pl.String),
            "driver_id": pl.Series(list(np.where(is_fixed, drv, None)), dtype=pl.String),
            "_province": lk.st_prov[c["st"]].astype(str),
            "_veh": veh,
            "_trip": trip,
            "_over": over,
            "_kind": kind,
        }
    )
    nulls = ["axle_count", "is_combination", "single_drive_axle", "gross_kg"]
    df = df.with_columns(
        [pl.when(pl.col("_kind") != 2).then(pl.col(x)).otherwise(None).alias(x) for x in nulls]
        + [pl.when(pl.col("_kind") == 0).then(pl.col(x)).otherwise(None).alias(x) for x in []]
        + [
            pl.when(pl.col("_kind").is_in([0, 1])).then(pl.col(x)).otherwise(None).alias(x)
            for x in ("length_m", "width_m", "height_m")
        ]
    )
    df = df.with_columns(pl.col("axle_count").cast(pl.Int64), pl.col("gross_kg").cast(pl.Int64))
    return df
