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

Night running (夜间集中通行检测站周边), a signal of its own: a truck whose journeys through
the checkpoints fall at night (22:00–05:00) far more often than other trucks' and that
crosses fixed-station areas at night (any checkpoint within ``cluster_km`` of a fixed station
on the same road). Counted per journey (passages less than ``journey_gap_h`` apart; the
stations of one trip are not independent draws): at least ``night_min`` night journeys, at
least ``night_share`` of its journeys, at least ``night_area_min`` of them through a station
area, binomial tail against all trucks' night-journey share ≤ ``night_max_p`` (stricter than
``max_p``: every truck is tested, tens of thousands on a medium world). Night is when
enforcement at a station is thinnest; the signal is a risk pattern (no legal trigger), its
evidence the night passages themselves (station areas first). Severity 0.4 + 0.01 per night
journey (cap 0.8).

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
    "night_min": 8,
    "night_share": 0.6,
    "night_area_min": 3,
    "night_max_p": 1e-5,
    "journey_gap_h": 2,
}


def night_passages_sql() -> str:
    """Per truck: journeys through the checkpoints, those at night, and those at night that
    crossed a fixed station's area.

    A journey is a run of a plate's passages less than $journey_gap_h apart (the stations of
    one trip are not independent draws, so journeys — not passages — are tested); it is a night
    journey when one of its passages falls in 22:00–05:00. Station area: any checkpoint within
    $cluster_km of a fixed station on the same road (the fixed station included). Reads
    patterns.passages and staging.stations. Rows: plate_key, n_journeys, n_night,
    n_area_night, rids (night passages, station areas first, 50), stations (fixed-station
    areas passed at night), provinces, first_at, last_at (night passages),
    registered_province.
    """
    d = haversine_km_sql(lat1="s.lat", lon1="s.lon", lat2="f.lat", lon2="f.lon")
    return f"""
    with weighed_vehicles as (
        select distinct plate_key from patterns.passages
        where gross_kg is not null and station_kind in ('wim', 'fixed', 'toll_entrance')
          and coalesce(vehicle_type, 'truck') not like 'coach%'
    ),
    area_stations as (
        -- checkpoints around a fixed station (same road, within $cluster_km), itself included
        select s.station_id, first(f.name order by {d}, f.station_id) as fixed_name
        from staging.stations s
        join staging.stations f on f.kind = 'fixed' and f.road = s.road
        where s.lat is not null and f.lat is not null and {d} <= $cluster_km
        group by s.station_id
    ),
    checkpoint_passages as (
        select p.plate_key, p.rid, p.passed_at, p.station_province, a.fixed_name,
            a.station_id is not null as in_area,
            hour(p.passed_at) >= 22 or hour(p.passed_at) < 5 as at_night
        from patterns.passages p
        left join area_stations a using (station_id)
        where p.plate_readable and p.station_kind <> 'source'
          and p.plate_key in (select plate_key from weighed_vehicles)
    ),
    journeys as (
        select *, sum(new_journey) over (partition by plate_key order by passed_at, rid)
            as journey
        from (
            select *, case when passed_at - lag(passed_at) over (
                    partition by plate_key order by passed_at, rid
                ) <= to_hours(cast($journey_gap_h as bigint)) then 0 else 1 end as new_journey
            from checkpoint_passages
        )
    ),
    per_journey as (
        select plate_key, journey, bool_or(at_night) as at_night,
            bool_or(at_night and in_area) as area_night
        from journeys group by all
    ),
    per_plate as (
        select plate_key, count(*) as n_journeys,
            count(*) filter (where at_night) as n_night,
            count(*) filter (where area_night) as n_area_night
        from per_journey group by plate_key
    ),
    evidence as (
        select plate_key,
            list(rid order by in_area desc, passed_at desc)[1:50] as rids,
            list(distinct fixed_name order by fixed_name) filter (where in_area) as stations,
            list(distinct station_province order by station_province) as provinces,
            min(passed_at) as first_at, max(passed_at) as last_at
        from checkpoint_passages where at_night
        group by plate_key
    ),
    final as (
        select p.*, e.rids, e.stations, e.provinces, e.first_at, e.last_at,
            v.registered_province
        from per_plate p
        left join evidence e using (plate_key)
        left join vehicle_registration v using (plate_key)
    )
    select * from final
    """  # noqa: S608 (identifiers from code; data values are parameters)


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
    night: list[dict] | None = None,
    base_area_night_share: float | None = None,
) -> list[dict]:
    """One ``station_evasion`` finding per flagged vehicle (bypass, obscured plate and/or
    night running; ``details.kinds`` lists which, each with its own counts and evidence).

    ``bypass``: per plate n_bypass, n_fixed, n_night, rids, stations, first_at, last_at,
    provinces, registered_province. ``obscured``: per plate n_unread, n_reads, rids, ...
    ``night``: per plate n_area, n_night, rids, stations, ... (``night_passages_sql``),
    judged against ``base_area_night_share`` (trucks' night share around stations).
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
    base_area = base_area_night_share if base_area_night_share is not None else base_night_share
    for r in night or []:
        n, k = int(r["n_journeys"]), int(r["n_night"])
        pval = binomial_sf(k, n, max(1e-4, base_area))
        if (
            k >= p["night_min"]
            and k / n >= p["night_share"]
            and int(r["n_area_night"]) >= p["night_area_min"]
            and pval <= p["night_max_p"]
        ):
            flagged.setdefault(r["plate_key"], {})["night"] = {**r, "p_value": pval}
    count_key = {"bypass": "n_bypass", "obscured": "n_unread", "night": "n_night"}
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
        if g := sig.get("night"):
            parts.append(
                f"经过检测点的{int(g['n_journeys'])}趟行程中{int(g['n_night'])}趟在夜间"
                f"（22时至次日5时），占{int(g['n_night']) / int(g['n_journeys']):.0%}"
                f"（全体货车夜间行程占比{base_area:.0%}，偶然概率约{g['p_value']:.1e}），"
                f"其中{int(g['n_area_night'])}趟夜间经过固定超限检测站周边{p['cluster_km']:.0f}公里"
                f"（{'、'.join((g['stations'] or [])[:3])}），夜间集中通行、疑似有意避开执法时段"
            )
            if not basis:
                basis.append(
                    "风险信号（夜间集中通行检测站周边），未达法定处罚条件；查实逃避检测的，"
                    "依《公路安全保护条例》第六十七条"
                )
            rids |= set(g["rids"] or [])
            first.append(g["first_at"])
            last.append(g["last_at"])
            provs |= set(g["provinces"] or [])
            reg = reg or g.get("registered_province")
        kinds = sorted(sig)
        n_ev = sum(int(sig[k][count_key[k]]) for k in kinds if k != "night")
        severity = 0.5 + 0.05 * n_ev if n_ev else 0.4 + 0.01 * int(sig["night"]["n_night"])
        severity = min(1.0 if n_ev else 0.8, severity)
        out.append(
            {
                "finding_key": f"station_evasion:{plate_key}",
                "lead_type": "station_evasion",
                "subject_kind": "vehicle",
                "subject_keys": [plate_key],
                "subject_provinces": [reg] if reg else [],
                "origin_provinces": sorted(provs - {None}),
                "legal_trigger": False,
                "severity": round(severity, 4),
                "risk_score": None,
                "risk_lo": None,
                "risk_hi": None,
                "legal_basis": "；".join(basis),
                "evidence_record_ids": sorted(rids)[:200],
                "first_evidence_at": min(first),
                "last_evidence_at": max(last),
                "explanation": f"车辆{plate}（{colour or '未知颜色'}牌）疑似逃避检测："
                + "；".join(parts)
                + "。建议在相关检测站上下游布控，核查绕行路线、号牌状况或夜间通行情况。",
                "explanation_en": "Station evasion: "
                + ", ".join(f"{k} ({int(sig[k][count_key[k]])})" for k in kinds),
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
