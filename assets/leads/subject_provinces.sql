-- registration province of every subject key named in a finding (vehicle 车籍, operator, source, driver's employer)
with keys as (
    select distinct unnest(subject_keys) as subject_key
    from findings_all
),

vehicles as (
    select plate_key, min(registered_province) as province
    from ref_vehicles
    where plate_key is not null
    group by plate_key
),

operators as (
    select uscc, min(province_code) as province
    from ref_operators
    group by uscc
),

sources as (
    select source_id, min(province_code) as province
    from ref_sources
    group by source_id
),

drivers as (
    select d.driver_id, min(o.province_code) as province
    from ref_drivers as d
    inner join ref_operators as o on o.uscc = d.employer_uscc
    group by d.driver_id
),

final as (
    select
        k.subject_key,
        coalesce(v.province, o.province, s.province, d.province) as province
    from keys as k
    left join vehicles as v on v.plate_key = k.subject_key
    left join operators as o on o.uscc = k.subject_key
    left join sources as s on s.source_id = k.subject_key
    left join drivers as d on d.driver_id = k.subject_key
)

select * from final
