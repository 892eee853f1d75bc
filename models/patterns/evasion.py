"""绕行/闯卡/遮挡号牌 (station evasion, R16/R42).

A *bypass* is a pair of consecutive sightings of one plate, at stations A and B on the same
road within ``cluster_km`` of a fixed station F lying between them, with no sighting at F:
the vehicle was on the road just before and just after the certified scale but never crossed
it (暗道/绕行 around the station). Trips that leave the corridor before the whole checkpoint
cluster are not bypasses here (no sighting near F on either side).

A vehicle is flagged when it has at least ``min_bypass`` bypasses, they are at least
``min_share`` of its checkpoint crossings, and the binomial tail against the population's
bypass rate (missed reads, dropped records) is below ``max_p``. Night passages (22:00–05:00)
around the stations are reported as a share next to the population's night share.

Obscured plates (遮挡号牌): an unreadable read at a station is attributed to the vehicle read
at the next checkpoint of the same cluster on that road within minutes, with the same axle
count; a vehicle whose upstream reads are unreadable far more often than chance is flagged.
Severity: 0.5 + 0.05 per bypass (cap 1.0); obscured plates 0.5 + 0.05 per unreadable read.
"""

from __future__ import annotations

import math

from models.patterns.common import haversine_km_sql

DEFAULTS = {
    "cluster_km": 30.0,
    "max_leg_min": 90.0,
    "between_slack_km": 3.0,
    "min_bypass": 3,
    "min_share": 0.4,
    "max_p": 1e-4,
    "min_confidence": 0.0,
    "obscured_min": 5,
    "obscured_share": 0.05,
    "timing_slack_min": 1.5,
}


def bypass_legs_sql() -> str:
    """Consecutive sightings straddling a fixed station that has no sighting in between.

    Reads patterns.passages and staging.stations. Parameters: $cluster_km, $max_leg_min,
    $between_slack_km.
    """
    d_ab = haversine_km_sql(lat1="a_lat", lon1="a_lon", lat2="b_lat", lon2="b_lon")
    d_af = haversine_km_sql(lat1="a_lat", lon1="a_lon", lat2="f.lat", lon2="f.lon")
    d_fb = haversine_km_sql(lat1="f.lat", lon1="f.lon", lat2="b_lat", lon2="b_lon")
    return f"""
    with weighed_vehicles as (
        -- only vehicles that scales weigh (trucks): coaches pass ANPR but never a scale
        select distinct plate_key from patterns.passages
        where gross_kg is not null and station_kind in ('wim', 'fixed', 'toll_entrance')
          and coalesce(vehicle_type, 'truck') not like 'coach%'
    ),
    sightings as (
        select rid, plate_key, station_id, station_kind, road, lat, lon, passed_at
        from patterns.passages
        where plate_readable and lat is not null
          and plate_key in (select plate_key from weighed_vehicles)
    ),
    legs as (
        select plate_key, rid as a_rid, station_id as a_station, road, lat as a_lat,
            lon as a_lon, passed_at as a_at,
            lead(rid) over w as b_rid, lead(station_id) over w as b_station,
            lead(road) over w as b_road, lead(lat) over w as b_lat, lead(lon) over w as b_lon,
            lead(passed_at) over w as b_at
        from sightings
        window w as (partition by plate_key order by passed_at, rid)
    ),
    near_legs as (
        select * from legs
        where b_rid is not null and b_road = road and a_station <> b_station
          and date_diff('second', a_at, b_at) <= $max_leg_min * 60
    ),
    fixed as (
        select station_id, name, road, lat, lon, province_code
        from staging.stations where kind = 'fixed' and lat is not null
    ),
    crossing as (
        select l.*, f.station_id as fixed_station, f.name as fixed_name,
            f.province_code as fixed_province,
            {d_af} as d_af, {d_fb} as d_fb, {d_ab} as d_ab
        from near_legs l
        join fixed f on f.road = l.road
            and f.station_id <> l.a_station and f.station_id <> l.b_station
    ),
    final as (
        select *, hour(a_at) >= 22 or hour(a_at) < 5 as at_night
        from crossing
        where d_af <= $cluster_km and d_fb <= $cluster_km and d_af > 1 and d_fb > 1
          and d_af + d_fb <= d_ab + $between_slack_km
    )
    select * from final
    """  # noqa: S608 (identifiers from code; data values are parameters)


def fixed_crossings_sql() -> str:
    """Per plate: passages recorded at fixed stations (the legitimate crossings)."""
    return """
    select plate_key, count(*) as n_fixed,
        count(*) filter (where hour(passed_at) >= 22 or hour(passed_at) < 5) as n_fixed_night
    from patterns.passages
    where plate_readable and station_kind = 'fixed'
    group by plate_key
    """


def obscured_reads_sql() -> str:
    """Unreadable reads attributed to a vehicle read at a neighbouring checkpoint.

    An unreadable read U at station A (ANPR/WIM record its speed) is matched to readable
    sightings at another station B of the same road within $cluster_km whose time offset
    equals the travel time d(A,B) / speed(U) within $timing_slack_min (or a 50–100 km/h window
    when the speed is unknown), with the same axle count and a similar weight when both are
    known, and whose plate was NOT read at A around that time. Attributed only when exactly
    one plate matches. Time buckets keep the join linear on busy roads.
    """
    d = haversine_km_sql(lat1="a.lat", lon1="a.lon", lat2="b.lat", lon2="b.lon")
    return f"""
    with neighbours as (
        select a.station_id as a_station, b.station_id as b_station, {d} as km
        from staging.stations a
        join staging.stations b on b.road = a.road and b.station_id <> a.station_id
        where a.lat is not null and b.lat is not null and {d} <= $cluster_km
    ),
    unread as (
        select rid, station_id, passed_at, axle_count, gross_kg, speed_kmh
        from patterns.passages
        where not plate_readable
    ),
    readable as (
        select rid, plate_key, station_id, passed_at, axle_count, gross_kg,
            floor(epoch(passed_at) / 1800) as bucket
        from patterns.passages
        where plate_readable
    ),
    expected as (
        select u.*, n.b_station, n.km,
            coalesce(n.km / nullif(u.speed_kmh, 0) * 60, n.km / 75.0 * 60) as travel_min,
            coalesce(
                greatest($timing_slack_min, 0.1 * n.km / nullif(u.speed_kmh, 0) * 60),
                n.km / 50.0 * 60 - n.km / 75.0 * 60
            ) as slack_min
        from unread u
        join neighbours n on n.a_station = u.station_id
    ),
    shifted as (
        select e.*, t.sign, floor((epoch(e.passed_at) + t.sign * e.travel_min * 60) / 1800) + k
            as b_bucket
        from expected e,
            (select unnest([-1, 1]) as sign) t,
            (select unnest([-1, 0, 1]) as k)
    ),
    candidates as (
        select s.rid as unread_rid, s.station_id as unread_station, s.passed_at as unread_at,
            r.plate_key, r.rid as read_rid, r.station_id as read_station, r.passed_at as read_at
        from shifted s
        join readable r on r.station_id = s.b_station and r.bucket = s.b_bucket
        where abs(s.sign * date_diff('second', s.passed_at, r.passed_at) / 60.0 - s.travel_min)
                <= s.slack_min
          and (s.axle_count is null or r.axle_count is null or s.axle_count = r.axle_count)
          and (s.gross_kg is null or r.gross_kg is null
               or abs(s.gross_kg - r.gross_kg) <= 0.1 * r.gross_kg)
    ),
    not_read_at_a as (
        select c.* from candidates c
        where not exists (
            select 1 from readable x
            where x.plate_key = c.plate_key and x.station_id = c.unread_station
              and x.passed_at between c.unread_at - interval 10 minute
                  and c.unread_at + interval 10 minute
        )
    ),
    unique_match as (
        select unread_rid, any_value(unread_station) as unread_station,
            any_value(unread_at) as unread_at, any_value(plate_key) as plate_key,
            arg_min(read_rid, read_at) as read_rid, min(read_at) as read_at
        from not_read_at_a
        group by unread_rid
        having count(distinct plate_key) = 1
    )
    select * from unique_match
    """  # noqa: S608 (identifiers from code; data values are parameters)


def binomial_sf(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p) (exact sum; n is small per vehicle)."""
    if k <= 0:
        return 1.0
    if p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    total = 0.0
    for i in range(k, n + 1):
        total += math.exp(
            math.lgamma(n + 1)
            - math.lgamma(i + 1)
            - math.lgamma(n - i + 1)
            + i * math.log(p)
            + (n - i) * math.log1p(-p)
        )
    return min(1.0, total)


def evasion_findings(
    bypass: list[dict],
    obscured: list[dict],
    *,
    base_bypass_rate: float,
    base_unread_rate: float,
    base_night_share: float,
    as_of,
    params: dict | None = None,
) -> list[dict]:
    """One ``station_evasion`` finding per flagged vehicle (bypass and/or obscured plate).

    ``bypass``: per plate n_bypass, n_fixed, n_night, rids, stations, first_at, last_at,
    provinces, registered_province. ``obscured``: per plate n_unread, n_reads, rids, ...
    """
    p = {**DEFAULTS, **(params or {})}
    flagged: dict[str, dict] = {}
    for r in bypass:
        n, k = int(r["n_bypass"]) + int(r["n_fixed"]), int(r["n_bypass"])
        pval = binomial_sf(k, n, base_bypass_rate)
        if k >= p["min_bypass"] and k / n >= p["min_share"] and pval <= p["max_p"]:
            flagged.setdefault(r["plate_key"], {})["bypass"] = {**r, "p_value": pval}
    for r in obscured:
        n, k = int(r["n_unread"]) + int(r["n_reads"]), int(r["n_unread"])
        pval = binomial_sf(k, n, base_unread_rate)
        if k >= p["obscured_min"] and k / n >= p["obscured_share"] and pval <= p["max_p"]:
            flagged.setdefault(r["plate_key"], {})["obscured"] = {**r, "p_value": pval}
    out = []
    for plate_key, sig in sorted(flagged.items()):
        plate, _, colour = plate_key.partition("|")
        parts, basis, rids, first, last, provs, reg = [], [], set(), [], [], set(), None
        if b := sig.get("bypass"):
            night = int(b["n_night"])
            parts.append(
                f"{int(b['n_bypass'])}次在固定超限检测站（{'、'.join(b['stations'][:3])}）"
                f"上下游{p['cluster_km']:.0f}公里内均有过车记录、却未经过检测站，"
                f"同期正常经过检测站{int(b['n_fixed'])}次，绕行比例"
                f"{int(b['n_bypass']) / (int(b['n_bypass']) + int(b['n_fixed'])):.0%}"
                f"（全体车辆平均{base_bypass_rate:.1%}，偶然概率约{b['p_value']:.1e}）；"
                f"其中夜间（22时至次日5时）{night}次，占{night / int(b['n_bypass']):.0%}"
                f"（全体夜间过车占比{base_night_share:.0%}）"
            )
            basis.append("《公路安全保护条例》第四十条、第六十七条")
            rids |= set(b["rids"] or [])
            first.append(b["first_at"])
            last.append(b["last_at"])
            provs |= set(b["provinces"] or [])
            reg = b.get("registered_province")
        if o := sig.get("obscured"):
            parts.append(
                f"{int(o['n_unread'])}次在检测点号牌无法识别、数分钟后在相邻点位被识别为本车"
                f"（同轴数、同重量），无法识别比例"
                f"{int(o['n_unread']) / (int(o['n_unread']) + int(o['n_reads'])):.0%}"
                f"（全体平均{base_unread_rate:.1%}），疑似遮挡或污损号牌"
            )
            basis.append("《道路交通安全法》第九十五条")
            rids |= set(o["rids"] or [])
            first.append(o["first_at"])
            last.append(o["last_at"])
            provs |= set(o["provinces"] or [])
            reg = reg or o.get("registered_province")
        kinds = sorted(sig)
        n_ev = sum(int(sig[k]["n_bypass" if k == "bypass" else "n_unread"]) for k in kinds)
        out.append(
            {
                "finding_key": f"station_evasion:{plate_key}",
                "lead_type": "station_evasion",
                "subject_kind": "vehicle",
                "subject_keys": [plate_key],
                "subject_provinces": [reg] if reg else [],
                "origin_provinces": sorted(provs - {None}),
                "legal_trigger": False,
                "severity": min(1.0, 0.5 + 0.05 * n_ev),
                "risk_score": None,
                "risk_lo": None,
                "risk_hi": None,
                "legal_basis": "；".join(basis),
                "evidence_record_ids": sorted(rids)[:200],
                "first_evidence_at": min(first),
                "last_evidence_at": max(last),
                "explanation": f"车辆{plate}（{colour or '未知颜色'}牌）疑似逃避检测："
                + "；".join(parts)
                + "。建议在相关检测站上下游布控，核查绕行路线或号牌状况。",
                "explanation_en": "Station evasion: "
                + ", ".join(
                    f"{k} ({int(sig[k]['n_bypass' if k == 'bypass' else 'n_unread'])})"
                    for k in kinds
                ),
                "details": {
                    "kinds": kinds,
                    **{
                        k: {
                            kk: vv
                            for kk, vv in sig[k].items()
                            if kk not in ("rids", "first_at", "last_at", "registered_province")
                        }
                        for k in kinds
                    },
                },
                "as_of": as_of,
            }
        )
    return out
