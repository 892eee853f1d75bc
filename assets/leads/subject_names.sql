-- display names of the subject keys in this run's packets (operators, source units, drivers)
with keys as (
    select distinct unnest($keys::varchar[]) as subject_key
),

names as (
    select uscc as name_key, min(name) as name from ref_operators group by uscc
    union all
    select source_id as name_key, min(name) as name from ref_sources group by source_id
    union all
    select driver_id as name_key, min(name) as name from ref_drivers group by driver_id
),

final as (
    select k.subject_key, min(n.name) as name
    from keys as k
    inner join names as n on n.name_key = k.subject_key
    group by k.subject_key
)

select * from final
