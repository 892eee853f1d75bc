-- obscured_per_plate: unreadable reads attributed to each vehicle vs its readable reads.
with attributed as (
    select * from patterns.obscured_reads
),

reads as (
    select plate_key, count(*) as n_reads
    from patterns.passages
    where plate_readable and station_kind in ('wim', 'anpr')
    group by plate_key
),

per_plate as (
    select a.plate_key, count(*) as n_unread,
        flatten(list([a.unread_rid, a.read_rid])) as rids,
        list(distinct s.province_code order by s.province_code) as provinces,
        min(a.unread_at) as first_at, max(a.read_at) as last_at
    from attributed a
    left join staging.stations s on s.station_id = a.unread_station
    group by a.plate_key
),

final as (
    select p.*, coalesce(r.n_reads, 0) as n_reads, v.registered_province
    from per_plate p
    left join reads r using (plate_key)
    left join vehicle_registration v using (plate_key)
)

select * from final
