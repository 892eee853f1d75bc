-- evasion_per_plate: bypasses of fixed stations and fixed-station crossings per vehicle.
with legs as (
    select * from patterns.bypass_legs
),

fixed as (
    select plate_key, count(*) as n_fixed
    from patterns.passages
    where plate_readable and station_kind = 'fixed'
    group by plate_key
),

bypass as (
    select plate_key,
        count(distinct a_rid) as n_bypass,
        count(distinct a_rid) filter (where at_night) as n_night,
        flatten(list([a_rid, b_rid])) as rids,
        list(distinct fixed_name order by fixed_name) as stations,
        list(distinct fixed_province order by fixed_province) as provinces,
        min(a_at) as first_at, max(b_at) as last_at
    from legs
    group by plate_key
),

final as (
    select b.*, coalesce(f.n_fixed, 0) as n_fixed, v.registered_province
    from bypass b
    left join fixed f using (plate_key)
    left join vehicle_registration v using (plate_key)
)

select * from final
