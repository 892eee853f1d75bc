-- repeat_offences: over-limit violations per subject in the rolling window before as_of (counted per day or per event, at enforcement stations); repeat offender when strictly more than the legal count (R09/R10).
with violations as (
    select
        v.*,
        s.name as station_name
    from facts.over_limit_violations v
    left join staging.stations s on s.station_id = v.station_id
    where v.{{subject}} is not null
        and cast(v.passed_at as date) > cast($as_of as date) - to_months(cast($window_months as integer))
        and cast(v.passed_at as date) <= cast($as_of as date)
        and (v.evidence_ok or not $require_evidence_ok)
        and list_contains($counting_kinds, v.station_kind)
        and (v.over_limit or $count_dimension)
),

per_subject as (
    select
        {{subject}} as subject_key,
        case when $count_by_day then count(distinct cast(passed_at as date)) else count(*) end
            as violations_12m,
        count(*) as violation_events_12m,
        list(event_id order by passed_at, event_id) as event_ids,
        flatten(list(rids order by passed_at, event_id)) as evidence_record_ids,
        list_sort(list_distinct(list(station_province))) as origin_provinces,
        min(passed_at) as first_evidence_at,
        max(passed_at) as last_evidence_at,
        max(excess_kg) as max_excess_kg,
        count(*) filter (where evidence_ok) as violations_with_evidence,
        arg_max(event_id, passed_at) as last_event_id
    from violations
    group by {{subject}}
),

final as (
    select
        p.subject_key,
        p.violations_12m,
        p.violation_events_12m,
        p.violations_12m > $more_than as is_repeat,
        p.event_ids,
        p.evidence_record_ids,
        p.origin_provinces,
        p.first_evidence_at,
        p.last_evidence_at,
        p.max_excess_kg,
        p.violations_with_evidence,
        l.station_id as last_station_id,
        coalesce(l.station_name, l.station_id) as last_station_name,
        l.road as last_road,
        l.excess_kg as last_excess_kg,
        l.excess_pct as last_excess_pct,
        l.over_limit as last_over_limit,
        l.plate_key,
        l.registered_province,
        l.operator_uscc,
        l.driver_id,
        cast(cast($as_of as date) - to_months(cast($window_months as integer)) as date) as window_start,
        cast($as_of as date) as as_of
    from per_subject p
    join violations l on l.event_id = p.last_event_id
)

select * from final
order by violations_12m desc, subject_key
