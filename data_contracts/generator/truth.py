"""truth.json: planted patterns and the exact answers for legal-threshold patterns, computed
from the generated records (so truth and data cannot drift apart)."""

from __future__ import annotations

import polars as pl

from .cases import DISCRETION
from .config import AS_OF, WINDOW_START
from .entities import World
from .patterns import Plan


def build_truth(w: World, plan: Plan, over_log: pl.DataFrame, events: pl.DataFrame, ld: pl.DataFrame,
                hazmat_missing: dict, mon_truth: dict, seed: int, scale: str) -> dict:  # fmt: skip
    V = w.vehicles
    pk = lambda i: V[i].plate_key  # noqa: E731
    ol = over_log.filter(pl.col("passed_at") >= WINDOW_START)
    # counting unit: distinct days with an over-limit record (a day with several records counts once)
    vd = (
        ol.filter(pl.col("plate").is_not_null())
        .group_by("plate_key")
        .agg(pl.col("passed_at").dt.date().n_unique().alias("days"), pl.len().alias("records"))
    )
    repeat = sorted(vd.filter(pl.col("days") > 3)["plate_key"].to_list())
    decoys = []
    for i, _kind in plan.decoys:
        row = vd.filter(pl.col("plate_key") == pk(i))
        if len(row) and row["days"][0] == 3 and row["records"][0] == 3:
            decoys.append(pk(i))
    dd = (
        ol.filter((pl.col("_kind") == 0) & pl.col("driver_id").is_not_null())
        .group_by("driver_id")
        .agg(pl.col("passed_at").dt.date().n_unique().alias("days"), pl.len().alias("records"))
    )
    driver_repeat = sorted(dd.filter(pl.col("days") > 3)["driver_id"].to_list())
    driver_decoys = sorted(
        dd.filter((pl.col("days") == 3) & (pl.col("records") == 3))["driver_id"].to_list()
    )
    driver_decoys = [
        d for d in driver_decoys if d in {w.drivers[x].driver_id for x, _ in plan.driver_decoys}
    ]
    # operators (R11): distinct violating vehicles in 12 months / fleet > 10 %, where the fleet is
    # the operator's registered vehicles with status 'active' (the declared fleet_size is only a
    # cross-check); vehicles are attributed through the registry by plate_key (any status)
    reg = {
        v.plate_key: v.operator for v in V if v.registered and "clone" not in v.flags and v.operator
    }
    fleet: dict[str, int] = {}
    for v in V:
        if v.registered and "clone" not in v.flags and v.operator and v.status == "active":
            fleet[v.operator] = fleet.get(v.operator, 0) + 1
    ov = (
        ol.filter(pl.col("plate").is_not_null())
        .with_columns(pl.col("plate_key").replace_strict(reg, default=None).alias("_op"))
        .filter(pl.col("_op").is_not_null())
        .group_by("_op")
        .agg(pl.col("plate_key").n_unique().alias("n"))
    )
    op_ratio, op_ratio_at = [], {}
    for u, n in ov.iter_rows():
        f = fleet.get(u, 0)
        if n * 10 > f:  # an operator without any active vehicle but with offenders counts too
            op_ratio.append(u)
        op_ratio_at[u] = (n, f)
    op_decoys = [
        u for u in plan.op_ratio_decoys if op_ratio_at.get(u, (0, 1))[0] * 10 == fleet.get(u, -1)
    ]
    # 两客一危 operators: alarm handling rate < 90 %
    plate_op = reg
    ev = events.with_columns((pl.col("plate") + "|" + pl.col("plate_color")).alias("pk"))
    ev = ev.with_columns(pl.col("pk").replace_strict(plate_op, default=None).alias("op"))
    rates = ev.group_by("op").agg(pl.col("handled").mean().alias("rate"), pl.len().alias("n"))
    poor = sorted(
        rates.filter((pl.col("rate") < 0.9) & (pl.col("n") >= 5))["op"].drop_nulls().to_list()
    )
    seen = {(k, e) for k, e in zip(ev["pk"], ev["event_type"], strict=True)}
    seen |= {(x["plate_key"], x["kind"]) for x in mon_truth["track_without_alarm"]}

    def _with_violation(idx: list[int], kind: str) -> list[str]:
        return sorted(pk(i) for i in idx if (pk(i), kind) in seen)

    return {
        "seed": seed, "scale": scale, "as_of": AS_OF.isoformat(), "window_start": WINDOW_START.date().isoformat(),
        "vehicle_repeat": repeat, "vehicle_repeat_decoys": sorted(decoys),
        "vehicle_repeat_planted": sorted(pk(i) for i in plan.repeat),
        "driver_repeat": driver_repeat, "driver_repeat_decoys": driver_decoys,
        "operator_fleet_ratio": sorted(op_ratio), "operator_fleet_ratio_decoys": sorted(op_decoys),
        "operator_fleet_ratio_planted": sorted(plan.op_ratio),
        "source_overloading": sorted(w.sources[s].source_id for s in plan.overloading_sources),
        "cloned_plate": sorted(pk(i) for i, _ in plan.clones),
        "convoy": [sorted(pk(i) for i in g) for g in plan.convoys],
        "network_cluster": [{"operators": sorted(n["operators"]), "vehicles": sorted(pk(i) for i in n["vehicles"]),
                             "repeat_vehicles": sorted(pk(i) for i in n["repeaters"]), "shared": n["shared"]}
                            for n in plan.networks],  # fmt: skip
        "registration_mismatch": [{"plate_key": pk(i), "kind": k} for i, k in plan.mismatch],
        "station_evasion": sorted(pk(i) for i in plan.evaders),
        "obscured_plate": sorted(pk(i) for i in plan.obscured),
        "night_passage": sorted(pk(i) for i in plan.night_runners + plan.evaders),
        "passenger_hazmat_operator": poor, "passenger_hazmat_operator_planted": sorted(plan.poor_ops),
        # vehicles whose trips (GPS-visible or alarmed) really contain the violation
        "fatigue_vehicles": _with_violation(plan.fatigue, "fatigue"),
        "night_ban_vehicles": _with_violation(plan.night, "night_ban"),
        "speeding_vehicles": _with_violation(plan.speeders, "speeding"),
        "hazmat_no_escort": sorted(hazmat_missing.get("no_escort", [])),
        "hazmat_no_un_number": sorted(hazmat_missing.get("no_un_number", [])),
        "hazmat_no_waybill": hazmat_missing.get("no_waybill", []),
        "unregistered_vehicles": sorted(pk(i) for i in plan.unregistered),
        "risky_vehicles": sorted(pk(i) for i in plan.risky),
        "alarm_without_track": mon_truth["alarm_without_track"],
        "track_without_alarm": mon_truth["track_without_alarm"],
        "dimension_over": sorted(pk(i) for i in plan.tall),
        "network_cluster_decoys": plan.network_decoys,
        "plate_colour_twins": [sorted([pk(a), pk(b)]) for a, b in plan.colour_twins],
        "discretion": DISCRETION,
        "planting_shortfalls": plan.episodes_missing,
    }  # fmt: skip
