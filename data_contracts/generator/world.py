"""generate(): orchestrates entities → patterns → trips → records → files → truth/manifest."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

from . import cases as case_gen
from . import loadings as loading_gen
from . import monitoring as mon
from . import schedule as sched
from . import schema
from .config import AS_OF, SCALES, START, WINDOW_START
from .episodes import plant_episodes
from .patterns import plant_entities
from .population import build_world
from .records import build_chunk, make_lookup
from .registries import anniversary_repeat, registry_frames
from .resend import alter_for_resend, copy_duplicate_files, plant_unknown_station, write_resends
from .styles import style
from .traffic import assign_loads, build_trips, station_index
from .truth import build_truth
from .writers import CanonSink, Landing

PROVS = ("21", "22", "23", "15")


def months() -> list[tuple[datetime, datetime]]:
    out, t = [], START
    while t < datetime(2026, 11, 1):
        nxt = datetime(t.year + (t.month == 12), t.month % 12 + 1, 1)
        out.append((t, nxt))
        t = nxt
    return out


def generate(out: Path, scale: str = "tiny", seed: int = 0,
             progress: Callable[[str, int, int], None] | None = None) -> dict:  # fmt: skip
    """Write the world into out/<prov>/<table>/… and out/_truth/. Returns a summary dict."""
    t_start = time.perf_counter()
    out = Path(out)
    for sub in (*PROVS, "_truth"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    out.mkdir(parents=True, exist_ok=True)
    ss = np.random.SeedSequence(seed)
    rng_world, rng_write = (np.random.Generator(np.random.PCG64(s)) for s in ss.spawn(2))
    # R21/R25 planting has its own stream (third child), so nothing drawn before changes
    rng_sched = np.random.Generator(np.random.PCG64(ss.spawn(1)[0]))
    sc = SCALES[scale]
    steps = 6 + len(months())
    step = [0]

    def tick(msg: str) -> None:
        step[0] += 1
        if progress:
            progress(msg, step[0], steps)

    w = build_world(rng_world, sc)
    plan = plant_entities(w)
    trips = build_trips(w, plan)
    st_index = station_index(w)
    plant_episodes(w, trips, plan, st_index)
    assign_loads(w, trips, plan)
    gps_set: set[int] = set()
    for prov in PROVS:  # a few tracked 两客一危 vehicles in every province
        cands = [
            v.idx
            for v in w.vehicles
            if v.vehicle_type in mon.LIMITS and v.registered_province == prov
        ]
        k = min(len(cands), max(1, sc.gps_vehicles // 4))
        gps_set.update(int(i) for i in rng_world.choice(cands, k, replace=False))
    gps_set |= set(plan.fatigue[:2]) | set(plan.speeders[:2])
    schedule_planted, long_week = sched.plant_schedule(w, trips, plan, gps_set, rng_sched)
    ev_rows, gps_parts, mon_truth = mon.monitoring(w, trips, plan, gps_set)
    gps_parts += long_week
    ev_rows = mon.set_handling(w, ev_rows, set(plan.poor_ops))
    tick("world")
    land = Landing(out, rng_write)
    canon = {t: CanonSink(out / "_truth" / "canonical" / f"{t}.parquet") for t in schema.TABLES}

    def emit(
        table: str, df: pl.DataFrame, name_fmt: str, part: int = 0, n_bad: int = 2, n_dup: int = 1
    ) -> None:
        for prov in PROVS:
            sub = df.filter(pl.col("_province") == prov)
            if len(sub) == 0:
                continue
            st = style(prov, table, part)
            if st.ts == "slash_min":
                sub = sub.with_columns([pl.col(col).dt.truncate("1m") for col, t, _ in schema.TABLES[table]
                                        if t == pl.Datetime("us") and col in sub.columns])  # fmt: skip
            canon[table].write(schema.canonical(table, sub))
            land.write(prov, table, name_fmt.format(p=prov, ext=st.fmt), sub, st, n_bad, n_dup)

    # registries
    for table, df in registry_frames(w, plan).items():
        emit(table, df, f"{table}_{{p}}.{{ext}}", n_bad=2 if table != "stations" else 0, n_dup=1)
    tick("registries")
    ld, hazmat_missing = loading_gen.loadings(w, trips, plan)
    plan.hostile.append({"table": "loadings", "key": hazmat_missing.pop("hostile_cargo"), "column": "cargo",
                         "value": "'; drop table x; --"})  # fmt: skip
    emit("loadings", ld, "loadings_2026.{ext}", n_bad=3, n_dup=2)
    tick("loadings")
    # weigh records month by month (bounded memory)
    lk = make_lookup(w)
    seq = dict.fromkeys(PROVS, 0)
    over_parts = []
    t0h = trips["t0"]
    resend: dict[str, list[pl.DataFrame]] = {p: [] for p in PROVS}
    old_rows: dict[tuple[str, str], tuple[str, int, str]] = {}
    unknown: dict[str, list[str]] = {}
    for mi, (m0, m1) in enumerate(months()):
        lo = (m0 - START).total_seconds() / 3600
        hi = (m1 - START).total_seconds() / 3600
        idx = np.nonzero((t0h >= lo) & (t0h < hi))[0]
        df, _ = build_chunk(w, trips, idx, lk, st_index)
        srec = loading_gen.source_records(w, ld.filter(pl.col("_trip").is_in(idx)), trips)
        df = pl.concat(
            [df, srec.select([c for c in df.columns if c in srec.columns])], how="diagonal_relaxed"
        )
        df = df.sort(["_province", "passed_at", "station_id", "_trip"])
        df = assign_record_ids(df, seq)
        over_parts.append(
            df.filter(pl.col("_over")).select(
                "record_id",
                "station_id",
                "passed_at",
                "plate",
                "plate_color",
                "gross_kg",
                "driver_id",
                "_province",
                "_veh",
                "_kind",
                "_trip",
            )
        )
        for prov in PROVS:
            sub = df.filter(pl.col("_province") == prov)
            if mi == 6:
                sub = plant_unknown_station(sub, prov, unknown)
            st = style(prov, "weigh_records", mi)
            canon["weigh_records"].write(schema.canonical("weigh_records", sub))
            name = f"weigh_{m0:%Y-%m}.{st.fmt}"
            written, alt_ids, dup_ids = alter_for_resend(sub, rng_write, resend[prov])
            e = land.write(prov, "weigh_records", name, written, st, n_bad=8, n_dup=3,
                           protect=set(dup_ids), track=alt_ids + dup_ids + unknown.get(prov, []))  # fmt: skip
            for k in alt_ids:
                old_rows[(prov, k)] = (e["file"], e["tracked"][k], "superseded")
            for k in dup_ids:
                old_rows[(prov, k)] = (e["file"], e["tracked"][k], "exact_duplicate")
            for k in unknown.get(prov, []):
                if k in e["tracked"]:
                    land.planted.append({"file": e["file"], "table": "weigh_records", "province": prov,
                                         "kind": "unknown_station", "key": k, "row": e["tracked"][k]})  # fmt: skip
            land.files[-1]["superseded"] = len(alt_ids)
            land.files[-1]["canonical_rows"] -= len(alt_ids)
        del df
        tick(f"weigh {m0:%Y-%m}")
    write_resends(land, resend, old_rows)
    copy_duplicate_files(land, out)
    over_log = pl.concat(over_parts)
    veh_info = pl.DataFrame({
        "_veh": np.arange(len(w.vehicles)),
        "_limit": [v.limit_kg for v in w.vehicles],
        "_operator": pl.Series([v.operator for v in w.vehicles], dtype=pl.String),
    })  # fmt: skip
    over_log = over_log.join(veh_info, on="_veh", how="left").with_columns(
        (pl.col("_province") + ":" + pl.col("record_id")).alias("rid"),
        pl.when(pl.col("plate").is_not_null())
        .then(pl.col("plate") + "|" + pl.col("plate_color"))
        .alias("plate_key"),
        pl.Series("_u", rng_world.random(len(over_log))),
    )
    events = mon.events_frame(w, ev_rows, mon_truth)
    oc_events, oc_truth = sched.over_capacity_events(w, trips, rng_sched)
    all_events = (
        pl.concat([events, oc_events], how="diagonal_relaxed") if len(oc_events) else events
    )
    emit("monitoring_events", all_events, "alarms_2026.{ext}", n_bad=2, n_dup=1)
    gps = mon.gps_frame(w, gps_parts)
    if len(gps):
        emit("gps_points", gps, "gps_2026.{ext}", n_bad=2, n_dup=2)
    tick("monitoring")
    cs, case_errors = case_gen.cases(w, over_log, events, AS_OF, plan.op_ratio)
    emit("cases", cs, "cases_2026.{ext}", n_bad=2, n_dup=1)
    tick("cases")
    for s in canon.values():
        s.close()
    truth = build_truth(w, plan, over_log, events, ld, hazmat_missing, mon_truth, seed, scale)
    truth["case_entry_errors"] = case_errors
    truth.update(sched.schedule_truth(w, gps, schedule_planted))
    truth.update(oc_truth)
    truth["vehicle_repeat_licence_anniversary"] = anniversary_repeat(
        w, over_log, WINDOW_START.date(), AS_OF
    )
    (out / "_truth" / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )
    counts = {t: s.rows for t, s in canon.items()}
    by_prov: dict[str, dict[str, int]] = {}
    for f in land.files:
        by_prov.setdefault(f["table"], {}).setdefault(f["province"], 0)
        by_prov[f["table"]][f["province"]] += f["canonical_rows"]
    manifest = {
        "seed": seed, "scale": scale, "as_of": AS_OF.isoformat(),
        "row_numbering": "1-based data row (header excluded; xlsx sheet row 2 = row 1)",
        "canonical_rows": counts, "canonical_rows_by_province": by_prov,
        "planted_by_kind": planted_summary(land.planted),
        "files": land.files, "planted_rows": land.planted,
        "invalid_check_digits": {k: sorted(v) for k, v in w.invalid.items()},
        "hostile_values": plan.hostile,
    }  # fmt: skip
    (out / "_truth" / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    tick("truth")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {
        "scale": scale, "seed": seed, "as_of": AS_OF.isoformat(), "out": str(out),
        "counts": counts, "counts_by_province": by_prov, "files": len(land.files),
        "bytes": total, "seconds": round(time.perf_counter() - t_start, 2),
    }  # fmt: skip


def planted_summary(planted: list[dict]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for p in planted:
        t = out.setdefault(p["table"], {})
        t[p["kind"]] = t.get(p["kind"], 0) + 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def assign_record_ids(df: pl.DataFrame, seq: dict[str, int]) -> pl.DataFrame:
    """Province-specific record numbering, continuing across months (df sorted by province)."""
    parts = []
    for prov in PROVS:
        sub = df.filter(pl.col("_province") == prov)
        n = pl.int_range(seq[prov] + 1, seq[prov] + len(sub) + 1).cast(pl.String)
        seq[prov] += len(sub)
        rid = {
            "21": pl.lit("LN") + pl.col("passed_at").dt.strftime("%Y%m%d") + n.str.zfill(7),
            "22": pl.lit("JL-") + n.str.zfill(8),
            "23": pl.lit("HLJ") + pl.col("passed_at").dt.strftime("%Y%m") + n.str.zfill(6),
            "15": pl.lit("NM") + n.str.zfill(10),
        }[prov]
        parts.append(sub.with_columns(rid.alias("record_id")))
    return pl.concat(parts)
