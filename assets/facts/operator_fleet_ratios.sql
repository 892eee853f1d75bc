-- operator_fleet_ratios: distinct over-limit vehicles of an operator in the window ÷ its fleet (registered active vehicles by default, declared size as cross-check); trigger when strictly more than 10 % (R11).
with fleet as (
    select
        operator_uscc as uscc,
        count(distinct plate_key) as fleet_registered,
        count(distinct plate_key) filter (where status = 'active') as fleet_active
    from staging.vehicles
    where operator_uscc is not null
    group by operator_uscc
),

violating as (
    select
        v.operator_uscc as uscc,
        count(distinct v.plate_key) as violating_vehicles,
        list_sort(list(distinct v.plate_key)) as violating_plates,
        count(*) as violations_12m,
        flatten(list(v.rids order by v.passed_at, v.event_id)) as evidence_record_ids,
        list_sort(list_distinct(list(v.station_province))) as origin_provinces,
        min(v.passed_at) as first_evidence_at,
        max(v.passed_at) as last_evidence_at
    from facts.over_limit_violations v
    where v.operator_uscc is not null
        and v.plate_key is not null
        and list_contains($counting_kinds, v.station_kind)
        and (v.over_limit or $count_dimension)
        and cast(v.passed_at as date) > cast($as_of as date) - to_months(cast($window_months as integer))
        and cast(v.passed_at as date) <= cast($as_of as date)
    group by v.operator_uscc
),

operators as (
    select *
    from staging.operators
    qualify row_number() over (partition by uscc order by _province) = 1
),

counted as (
    select
        coalesce(f.uscc, v.uscc) as uscc,
        o.name as operator_name,
        o.province_code as operator_province,
        o.scope,
        case $fleet_basis
            when 'registered_active' then coalesce(f.fleet_active, 0)
            when 'registered_any' then coalesce(f.fleet_registered, 0)
            else coalesce(nullif(o.fleet_size, 0), f.fleet_registered, 0)
        end as fleet,
        coalesce(f.fleet_registered, 0) as fleet_registered,
        coalesce(f.fleet_active, 0) as fleet_active,
        case $fleet_basis
            when 'registered_any' then coalesce(f.fleet_registered, 0)
            else coalesce(f.fleet_active, 0)
        end as fleet_registry,
        o.fleet_size as fleet_declared,
        coalesce(v.violating_vehicles, 0) as violating_vehicles,
        coalesce(v.violations_12m, 0) as violations_12m,
        coalesce(v.violating_plates, []) as violating_plates,
        coalesce(v.evidence_record_ids, []) as evidence_record_ids,
        coalesce(v.origin_provinces, []) as origin_provinces,
        v.first_evidence_at,
        v.last_evidence_at
    from fleet f
    full outer join violating v on v.uscc = f.uscc
    left join operators o on o.uscc = coalesce(f.uscc, v.uscc)
),

final as (
    select
        *,
        case when fleet > 0 then cast(violating_vehicles as double) / fleet end as ratio,
        violating_vehicles > 0
            and violating_vehicles > fleet * cast($ratio_more_than as decimal(9, 4)) as is_trigger,
        fleet_declared is not null
            and abs(fleet_registry - fleet_declared)
            > greatest(fleet_declared, 0) * $declared_divergence_warn
            as fleet_divergence,
        cast(cast($as_of as date) - to_months(cast($window_months as integer)) as date)
            as window_start,
        cast($as_of as date) as as_of
    from counted
)

select * from final
order by is_trigger desc, ratio desc nulls last, uscc
