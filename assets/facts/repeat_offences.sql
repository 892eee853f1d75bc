-- repeat_offences: over-limit violations per subject in its counting window before as_of (rolling 12 months, or the configured licence-anniversary cycle with a rolling fallback; counted per day or per event, at enforcement stations); repeat offender when strictly more than the legal count (R09/R10).
with candidates as (
    -- every counted violation of the rolling window (each anniversary cycle lies inside it)
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

issued as (
    -- first issue of the subject's licence (道路运输证 / 从业资格证), one row per subject; NULL when unknown
    {{first_issued}}
),

anniversaries as (
    select
        subject_key,
        first_issued,
        year(cast($as_of as date)) as y,
        case
            when month(first_issued) = 2 and day(first_issued) = 29
                and not ((y % 4 = 0 and y % 100 <> 0) or y % 400 = 0)
                then case when $leap_mar1 then make_date(y, 3, 1) else make_date(y, 2, 28) end
            else make_date(y, month(first_issued), day(first_issued))
        end as this_year,
        case
            when month(first_issued) = 2 and day(first_issued) = 29
                and not (((y - 1) % 4 = 0 and (y - 1) % 100 <> 0) or (y - 1) % 400 = 0)
                then case when $leap_mar1 then make_date(y - 1, 3, 1) else make_date(y - 1, 2, 28) end
            else make_date(y - 1, month(first_issued), day(first_issued))
        end as last_year
    from issued
    where first_issued is not null and first_issued <= cast($as_of as date)
),

cycles as (
    -- the 12-month cycle containing as_of that starts on an anniversary of the first issue
    select
        subject_key,
        first_issued,
        greatest(
            case when this_year <= cast($as_of as date) then this_year else last_year end,
            first_issued
        ) as cycle_start
    from anniversaries
),

violations as (
    select
        c.*,
        case
            when $anchor = 'licence_anniversary' and cy.cycle_start is not null
                then cast(cy.cycle_start - 1 as date)
            else cast(cast($as_of as date) - to_months(cast($window_months as integer)) as date)
        end as window_start,
        case
            when $anchor <> 'licence_anniversary' then 'rolling'
            when cy.cycle_start is not null then 'licence_anniversary'
            else 'rolling_fallback'
        end as window_anchor_used,
        i.first_issued
    from candidates c
    left join cycles cy on cy.subject_key = c.{{subject}}
    left join issued i on i.subject_key = c.{{subject}}
    where $anchor <> 'licence_anniversary'
        or cy.cycle_start is null
        or cast(c.passed_at as date) >= cy.cycle_start
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
        arg_max(event_id, passed_at) as last_event_id,
        any_value(window_start) as window_start,
        any_value(window_anchor_used) as window_anchor_used,
        any_value(first_issued) as first_issued_on
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
        p.window_start,
        $anchor as window_anchor,
        p.window_anchor_used,
        p.first_issued_on,
        cast($as_of as date) as as_of
    from per_subject p
    join violations l on l.event_id = p.last_event_id
)

select * from final
order by violations_12m desc, subject_key
