-- clone_sightings: readable, confident sightings of the flagged plates, for track splitting.
with flagged as (
    select plate_key from patterns.cloned_plate_pairs
    union
    select plate_key from patterns.cloned_plate_conflicts
),

sightings as (
    select p.plate_key, p.rid, p.passed_at, p.lat, p.lon, p.axle_count, p.station_id, p.station_kind,
        s.name as station_name, p.station_province
    from patterns.passages p
    join flagged f on f.plate_key = p.plate_key
    left join staging.stations s on s.station_id = p.station_id
    where p.plate_readable and coalesce(p.plate_confidence, 1.0) >= $min_confidence
),

final as (
    select * from sightings
)

select * from final
order by plate_key, passed_at, rid
