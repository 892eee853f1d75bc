"""套牌 (cloned plates): sightings of one plate that one vehicle cannot have produced.

Two signals (R42; prior art: Rio CIVITAS > 110 km/h straight-line, CVDF track separation):
- space-time infeasibility: consecutive sightings whose implied road speed
  (great-circle km × road factor ÷ (minutes + clock-skew allowance)) exceeds a plausible
  maximum; low-confidence plate reads are ignored (a misread is not a clone);
- attribute conflicts: the plate is weighed repeatedly both with the registered axle count
  and with another one (two vehicles, one plate), interleaved in time.
The sightings of a flagged plate are then split into probable distinct vehicles (tracks) by
a greedy feasibility assignment. Severity: 0.5 + 0.1 per impossible pair (cap 1.0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from models.patterns.common import haversine_km_sql

DEFAULTS = {
    "max_speed_kmh": 150.0,
    "road_factor": 1.2,
    "clock_skew_min": 5.0,
    "source_skew_min": 30.0,
    "min_confidence": 0.8,
    "min_km": 15.0,
    "min_conflicts": 2,
    "min_pairs": 2,
    "min_separation_km": 100.0,
}


def impossible_pairs_sql() -> str:
    """Consecutive sightings of one plate with an impossible implied speed.

    Parameters: $max_speed_kmh, $road_factor, $clock_skew_min, $source_skew_min,
    $min_confidence, $min_km.
    Reads ``patterns.passages``.
    """
    dist = haversine_km_sql(lat1="lat", lon1="lon", lat2="next_lat", lon2="next_lon")
    return f"""
    with sightings as (
        select rid, plate_key, station_id, lat, lon, passed_at, axle_count,
            -- source units' own weighbridges (出场称重) keep looser clocks than road devices
            case when station_kind = 'source' then $source_skew_min else 0 end as extra_skew
        from patterns.passages
        where plate_readable and lat is not null
          and coalesce(plate_confidence, 1.0) >= $min_confidence
    ),
    ordered as (
        select *,
            lead(rid) over w as next_rid,
            lead(station_id) over w as next_station_id,
            lead(lat) over w as next_lat,
            lead(lon) over w as next_lon,
            lead(passed_at) over w as next_passed_at,
            lead(extra_skew) over w as next_extra_skew
        from sightings
        window w as (partition by plate_key order by passed_at, rid)
    ),
    measured as (
        select plate_key, rid, next_rid, station_id, next_station_id, passed_at, next_passed_at,
            {dist} as dist_km,
            date_diff('second', passed_at, next_passed_at) / 60.0 as minutes,
            $clock_skew_min + greatest(extra_skew, next_extra_skew) as skew_min
        from ordered
        where next_rid is not null
    ),
    final as (
        select * exclude (skew_min),
            dist_km * $road_factor / ((minutes + skew_min) / 60.0) as implied_kmh
        from measured
        where dist_km >= $min_km
          and dist_km * $road_factor / ((minutes + skew_min) / 60.0) > $max_speed_kmh
    )
    select * from final
    """  # noqa: S608 (identifiers from code; data values are parameters)


def axle_conflicts_sql() -> str:
    """Plates weighed repeatedly both with and without the registered axle count.

    Parameter: $min_conflicts (sightings needed on each side). Reads ``patterns.passages``.
    """
    return """
    with weighed as (
        select plate_key, rid, passed_at, axle_count, reg_axle_count
        from patterns.passages
        where plate_readable and axle_count is not null and reg_axle_count is not null
          and station_kind <> 'anpr'
    ),
    per_plate as (
        select plate_key,
            count(*) filter (where axle_count = reg_axle_count) as n_match,
            count(*) filter (where axle_count <> reg_axle_count) as n_conflict,
            min(passed_at) filter (where axle_count = reg_axle_count) as match_first,
            max(passed_at) filter (where axle_count = reg_axle_count) as match_last,
            min(passed_at) filter (where axle_count <> reg_axle_count) as conflict_first,
            max(passed_at) filter (where axle_count <> reg_axle_count) as conflict_last,
            list(rid order by passed_at) filter (where axle_count <> reg_axle_count)
                as conflict_rids,
            mode(axle_count) filter (where axle_count <> reg_axle_count) as conflict_axles,
            any_value(reg_axle_count) as reg_axle_count
        from weighed
        group by plate_key
    ),
    final as (
        select * from per_plate
        where n_match >= $min_conflicts and n_conflict >= $min_conflicts
          -- interleaved: both vehicles active over overlapping periods
          and conflict_first < match_last and match_first < conflict_last
    )
    select * from final
    """


@dataclass
class Sighting:
    rid: str
    passed_at: float  # epoch seconds
    lat: float
    lon: float
    axle_count: int | None = None
    station_id: str = ""
    extra_skew_min: float = 0.0


@dataclass
class Track:
    sightings: list[Sighting] = field(default_factory=list)

    @property
    def last(self) -> Sighting:
        return self.sightings[-1]

    @property
    def axle_count(self) -> int | None:
        counts = [s.axle_count for s in self.sightings if s.axle_count is not None]
        return max(set(counts), key=counts.count) if counts else None


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def feasible(
    a: Sighting,
    b: Sighting,
    *,
    max_speed_kmh: float = DEFAULTS["max_speed_kmh"],
    road_factor: float = DEFAULTS["road_factor"],
    clock_skew_min: float = DEFAULTS["clock_skew_min"],
    min_km: float = DEFAULTS["min_km"],
) -> bool:
    """Could one vehicle have been seen at ``a`` and then at ``b``?"""
    km = great_circle_km(a.lat, a.lon, b.lat, b.lon)
    if km < min_km:
        return True
    skew = clock_skew_min + max(a.extra_skew_min, b.extra_skew_min)
    hours = (abs(b.passed_at - a.passed_at) / 60.0 + skew) / 60.0
    return km * road_factor / hours <= max_speed_kmh


def split_tracks(sightings: list[Sighting], **limits: float) -> list[list[str]]:
    """Split one plate's sightings into probable distinct vehicles.

    Greedy in time order: a sighting joins the track whose last sighting it can follow
    (feasible speed, same axle count when both are known), preferring the nearest one in
    space (a clone works another area); otherwise it opens a new track. Returns rid lists,
    largest track first.
    """
    tracks: list[Track] = []
    for s in sorted(sightings, key=lambda x: (x.passed_at, x.rid)):
        candidates = [
            t
            for t in tracks
            if feasible(t.last, s, **limits)
            and (s.axle_count is None or t.axle_count is None or t.axle_count == s.axle_count)
        ]
        if candidates:
            best = min(
                candidates,
                key=lambda t: (
                    great_circle_km(t.last.lat, t.last.lon, s.lat, s.lon),
                    -t.last.passed_at,
                ),
            )
            best.sightings.append(s)
        else:
            tracks.append(Track([s]))
    tracks.sort(key=lambda t: -len(t.sightings))
    return [[s.rid for s in t.sightings] for t in tracks]
