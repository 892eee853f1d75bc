-- pattern_flags: number of pattern findings (clone, mismatch, evasion, convoy, network) naming each vehicle.
with named as (
    select unnest(subject_keys) as plate_key, lead_type from findings.cloned_plate
    union all
    select unnest(subject_keys), lead_type from findings.registration_mismatch
    union all
    select unnest(subject_keys), lead_type from findings.station_evasion
    union all
    select unnest(subject_keys), lead_type from findings.convoy
    union all
    select unnest(subject_keys), lead_type from findings.network_cluster
),

final as (
    select plate_key, count(distinct lead_type) as n_flags
    from named
    where plate_key like '%|%'
    group by plate_key
)

select * from final
