"""登记不符 / 大吨小标 / 称重作弊 (R14, R32, R42): what the scales say vs the registry.

Kinds (one row per vehicle and kind):
- ``axles``: weighed with an axle count other than the registered one, consistently
  (≥ $min_weighings weighings, ≥ $axle_share of them) — 改装 (条例69②) / 超限规定45;
  an interleaved mix of both counts is a clone signal instead (see ``clones``);
- ``blue_plate_heavy``: blue (small) plate but weighed above $blue_heavy_kg (≫ 4.5 t) on at
  least $min_weighings + 1 weighings and $blue_share of them (a habit, not one heavy load);
- ``gvw_over_registered``: measured GVW ≥ $gvw_ratio × registered total mass while WITHIN
  the GB 1589 limit, on at least $gvw_share of the weighings (大吨小标: a truck built for
  more than its papers say, visible on ordinary legal loads — not a few overloaded trips);
- ``weight_divergence``: dynamic (WIM / toll entrance) and static weight of the same trip
  (static within $link_hours after, and reachable from the dynamic scale at a plausible speed:
  great-circle km × $road_factor over the minutes plus $clock_skew_min at most $max_speed_kmh,
  the clone detector's physics — otherwise the two weighings are two vehicles under one plate,
  a cloned plate, not one truck weighed twice) differ by more than the tolerance + $div_margin_pct on
  at least $div_share of the linked trips, $min_divergent of them with a legal static weight
  (飞机轮/跳泵 R42: a device acts on every trip, loaded legally or not; a WIM-legal /
  static-over pair alone may be a load change between the scales).
Severity: 0.6 + 0.1 per extra piece of evidence (cap 1.0).
"""

from __future__ import annotations

from models.patterns.clones import DEFAULTS as CLONE_DEFAULTS
from models.patterns.common import haversine_km_sql

DEFAULTS = {
    "min_weighings": 2,
    "axle_share": 0.8,
    "blue_heavy_kg": 9000,
    "gvw_ratio": 1.3,
    "gvw_share": 0.3,
    "min_gvw_weighings": 5,
    "blue_share": 0.2,
    "link_hours": 3.0,
    "div_margin_pct": 5.0,
    "min_divergent": 2,
    "div_share": 0.5,
    # one trip = physically one vehicle: the clone detector's speed physics (models.patterns.clones)
    **{k: CLONE_DEFAULTS[k] for k in ("max_speed_kmh", "road_factor", "clock_skew_min")},
}

KIND_WORDS = {
    "axles": "实测轴数与登记轴数不符",
    "blue_plate_heavy": "蓝牌（小型）车辆称重远超4.5吨",
    "gvw_over_registered": "实测总重持续远超登记总质量（大吨小标）",
    "weight_divergence": "同一趟次动态称重与静态称重差异超出允差",
}


def mismatch_sql() -> str:
    """All registration-mismatch and weighing-fraud signals, one row per (plate_key, kind).

    Reads ``patterns.passages``. Columns: plate_key, kind, n_evidence, n_weighings, metric
    (kind-specific figure), measured, registered, rids, first_at, last_at, origin_provinces.
    """
    dist_km = haversine_km_sql(lat1="d.lat", lon1="d.lon", lat2="s.lat", lon2="s.lon")
    return f"""
    with weighed as (
        select * from patterns.passages
        where plate_readable and station_kind in ('fixed', 'wim', 'toll_entrance', 'source')
          and gross_kg is not null
    ),
    axles as (
        select plate_key, 'axles' as kind,
            count(*) filter (where axle_count <> reg_axle_count) as n_evidence,
            count(*) as n_weighings,
            count(*) filter (where axle_count <> reg_axle_count) / count(*) as metric,
            mode(axle_count) filter (where axle_count <> reg_axle_count) as measured,
            any_value(reg_axle_count) as registered,
            list(rid order by passed_at) filter (where axle_count <> reg_axle_count) as rids,
            min(passed_at) as first_at, max(passed_at) as last_at,
            list(distinct station_province order by station_province) as origin_provinces
        from weighed
        where axle_count is not null and reg_axle_count is not null
        group by plate_key
        having count(*) filter (where axle_count <> reg_axle_count) >= $min_weighings
           and count(*) filter (where axle_count <> reg_axle_count) >= $axle_share * count(*)
    ),
    blue as (
        select plate_key, 'blue_plate_heavy' as kind,
            count(*) filter (where gross_kg > $blue_heavy_kg) as n_evidence,
            count(*) as n_weighings,
            max(gross_kg) as metric,
            max(gross_kg) as measured, any_value(reg_total_mass_kg) as registered,
            list(rid order by passed_at) filter (where gross_kg > $blue_heavy_kg) as rids,
            min(passed_at) as first_at, max(passed_at) as last_at,
            list(distinct station_province order by station_province) as origin_provinces
        from weighed
        where plate_color = '蓝'
        group by plate_key
        having count(*) filter (where gross_kg > $blue_heavy_kg) >= $min_weighings + 1
           and count(*) filter (where gross_kg > $blue_heavy_kg) >= $blue_share * count(*)
    ),
    gvw as (
        select plate_key, 'gvw_over_registered' as kind,
            count(*) filter (where gross_kg >= $gvw_ratio * reg_total_mass_kg and not over_limit)
                as n_evidence,
            count(*) as n_weighings,
            quantile_cont(gross_kg / reg_total_mass_kg, 0.8) as metric,
            quantile_cont(gross_kg, 0.8) as measured, any_value(reg_total_mass_kg) as registered,
            list(rid order by passed_at)
                filter (where gross_kg >= $gvw_ratio * reg_total_mass_kg and not over_limit)
                as rids,
            min(passed_at) as first_at, max(passed_at) as last_at,
            list(distinct station_province order by station_province) as origin_provinces
        from weighed
        where reg_total_mass_kg > 0 and coalesce(plate_color, '') <> '蓝'
          -- a wrong registered axle count already explains a wrong registered mass
          and plate_key not in (select plate_key from axles)
        group by plate_key
        having count(*) filter (where gross_kg >= $gvw_ratio * reg_total_mass_kg and not over_limit)
                >= $min_gvw_weighings
           and count(*) filter (where gross_kg >= $gvw_ratio * reg_total_mass_kg and not over_limit)
                >= $gvw_share * count(*)
    ),
    dynamic as (
        select * from weighed where station_kind in ('wim', 'toll_entrance')
    ),
    static as (
        select * from weighed where station_kind = 'fixed'
    ),
    trips as (
        select d.plate_key, d.rid as dyn_rid, s.rid as static_rid, d.gross_kg as dyn_kg,
            s.gross_kg as static_kg, d.tolerance_pct, d.passed_at as dyn_at,
            s.limit_kg as static_limit_kg, s.tolerance_pct as static_tol,
            s.passed_at as static_at, s.station_province,
            row_number() over (partition by d.rid order by s.passed_at) as nth
        from dynamic d
        join static s on s.plate_key = d.plate_key
            and s.passed_at > d.passed_at
            and s.passed_at <= d.passed_at + to_milliseconds(cast($link_hours * 3600000 as bigint))
            and (
                d.lat is null or s.lat is null
                or coalesce({dist_km}, 0) * $road_factor
                    <= $max_speed_kmh * (epoch(s.passed_at - d.passed_at) / 60.0 + $clock_skew_min)
                        / 60.0
            )
    ),
    divergent as (
        select *, 100.0 * abs(static_kg - dyn_kg) / static_kg as diff_pct,
            static_kg <= static_limit_kg * (1 + static_tol / 100.0) as static_within
        from trips
        where nth = 1 and static_kg > 0
    ),
    divergence as (
        select plate_key, 'weight_divergence' as kind,
            count(*) filter (where diff_pct > tolerance_pct + $div_margin_pct) as n_evidence,
            count(*) as n_weighings,
            max(diff_pct) as metric,
            max(static_kg - dyn_kg) as measured, null as registered,
            flatten(list([dyn_rid, static_rid] order by dyn_at)
                filter (where diff_pct > tolerance_pct + $div_margin_pct)) as rids,
            min(dyn_at) as first_at, max(static_at) as last_at,
            list(distinct station_province order by station_province) as origin_provinces
        from divergent
        group by plate_key
        having count(*) filter (
                where diff_pct > tolerance_pct + $div_margin_pct and static_within
            ) >= $min_divergent
           and count(*) filter (where diff_pct > tolerance_pct + $div_margin_pct)
                >= $div_share * count(*)
    ),
    unioned as (
        select * from axles
        union all select * from blue
        union all select * from gvw
        union all select * from divergence
    ),
    final as (
        select plate_key, kind, n_evidence, n_weighings, cast(metric as double) as metric,
            cast(measured as double) as measured, cast(registered as double) as registered,
            rids, first_at, last_at, origin_provinces
        from unioned
    )
    select * from final
    """  # noqa: S608 (identifiers from code; data values are parameters)


LEGAL_BASIS = {
    "axles": "《超限运输车辆行驶公路管理规定》第四十五条；《道路运输条例》第六十九条",
    "blue_plate_heavy": "《道路运输条例》第六十九条；《超限运输车辆行驶公路管理规定》第四十五条",
    "gvw_over_registered": "《超限运输车辆行驶公路管理规定》第四十五条；《道路运输条例》第六十九条",
    "weight_divergence": "《公路安全保护条例》第四十条（称重作弊、逃避检测的核查线索）",
}


def _describe(r: dict) -> str:
    kind = r["kind"]
    if kind == "axles":
        return (
            f"{r['n_evidence']}/{r['n_weighings']}次称重测得{int(r['measured'])}轴，"
            f"登记为{int(r['registered'])}轴"
        )
    if kind == "blue_plate_heavy":
        return f"蓝牌车辆{r['n_evidence']}次称重超过4.5吨的2倍，最高{r['measured'] / 1000:.1f}吨"
    if kind == "gvw_over_registered":
        return (
            f"{r['n_weighings']}次称重中{r['n_evidence']}次在法定限值内却达到登记总质量的1.3倍以上，"
            f"总重80%分位数{r['measured'] / 1000:.1f}吨，为登记总质量"
            f"{r['registered'] / 1000:.1f}吨的{r['metric']:.2f}倍"
        )
    return (
        f"{r['n_evidence']}趟次动态称重与随后静态称重相差超出允差，最大差异"
        f"{r['metric']:.1f}%（静态比动态重{r['measured'] / 1000:.1f}吨），疑似称重作弊"
    )


def registration_findings(rows: list[dict], *, as_of) -> list[dict]:
    """One ``registration_mismatch`` finding per vehicle, all its kinds together.

    ``rows``: output of ``mismatch_sql`` joined with registered_province.
    """
    by_plate: dict[str, list[dict]] = {}
    for r in rows:
        by_plate.setdefault(r["plate_key"], []).append(r)
    out = []
    for plate_key, kinds in sorted(by_plate.items()):
        plate, _, colour = plate_key.partition("|")
        kinds.sort(key=lambda r: r["kind"])
        evidence = sorted({rid for r in kinds for rid in (r["rids"] or [])})
        n_ev = sum(int(r["n_evidence"]) for r in kinds)
        basis = "；".join(dict.fromkeys(LEGAL_BASIS[r["kind"]] for r in kinds))
        out.append(
            {
                "finding_key": f"registration_mismatch:{plate_key}",
                "lead_type": "registration_mismatch",
                "subject_kind": "vehicle",
                "subject_keys": [plate_key],
                "subject_provinces": [kinds[0]["registered_province"]]
                if kinds[0].get("registered_province")
                else [],
                "origin_provinces": sorted(
                    {p for r in kinds for p in (r["origin_provinces"] or [])} - {None}
                ),
                "legal_trigger": False,
                "severity": min(1.0, 0.6 + 0.1 * (n_ev - 2) + 0.1 * (len(kinds) - 1)),
                "risk_score": None,
                "risk_lo": None,
                "risk_hi": None,
                "legal_basis": basis,
                "evidence_record_ids": evidence[:200],
                "first_evidence_at": min(r["first_at"] for r in kinds),
                "last_evidence_at": max(r["last_at"] for r in kinds),
                "explanation": (
                    f"车辆{plate}（{colour or '未知颜色'}牌）登记信息与实测不符："
                    + "；".join(f"{KIND_WORDS[r['kind']]}——{_describe(r)}" for r in kinds)
                    + "。建议核查行驶证与车辆实际结构，涉及改装的抄告公安机关交通管理部门。"
                ),
                "explanation_en": "Registration mismatch: "
                + ", ".join(f"{r['kind']} ({r['n_evidence']} records)" for r in kinds),
                "details": {
                    "kinds": [r["kind"] for r in kinds],
                    "signals": [
                        {
                            k: (float(r[k]) if isinstance(r[k], int | float) else r[k])
                            for k in ("kind", "n_evidence", "n_weighings", "metric", "measured")
                        }
                        | {"registered": r["registered"]}
                        for r in kinds
                    ],
                },
                "as_of": as_of,
            }
        )
    return out
