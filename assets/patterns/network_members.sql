-- network_members: each operator entity's vehicles, their over-limit record and repeat offences.
with ops as (
    select entity, uscc from patterns.operator_entities
),

vehicles as (
    select distinct v.plate_key, o.entity
    from staging.vehicles v join ops o on o.uscc = v.operator_uscc
    where v.plate_key is not null
),

activity as (
    select plate_key, count(gross_kg) as n_weighed,
        count(*) filter (where over_limit) as n_over,
        count(*) filter (
            where over_limit and passed_at > cast($as_of as date) - interval 365 day
        ) as n_over_12m,
        list(rid order by passed_at desc) filter (where over_limit) as over_rids,
        min(passed_at) filter (where over_limit) as first_over,
        max(passed_at) filter (where over_limit) as last_over,
        list(distinct station_province order by station_province) filter (where over_limit)
            as over_provinces
    from patterns.passages
    where plate_key in (select plate_key from vehicles)
    group by plate_key
),

final as (
    select v.entity, v.plate_key, coalesce(a.n_weighed, 0) as n_weighed,
        coalesce(a.n_over, 0) as n_over, coalesce(a.n_over_12m, 0) as n_over_12m,
        a.over_rids, a.first_over, a.last_over, a.over_provinces
    from vehicles v left join activity a using (plate_key)
)

select * from final
