-- risk_units (temp): the violation units (severity > 0) among the exposure units (weighed passages, monitored vehicle-days, source departures) of each scored entity over the horizon, with severity and time weight; clean units are only counted (risk_exposure.sql).
with horizon as (
    select
        cast($as_of as date) as as_of,
        cast(cast($as_of as date) - to_months(cast($horizon_months as integer)) as date) as start_excl
),

passages as (
    select
        e.event_id as unit_id,
        e.passed_at as unit_at,
        e.plate_key,
        e.driver_id,
        e.operator_uscc,
        e.waybill_id,
        case when e.over_limit or e.dimension_over then e.rids end as rids,
        case
            when e.over_limit then {{overlimit_severity}}
            when e.dimension_over then $dimension_severity
            else 0.0
        end as severity,
        case
            when e.over_limit then 'R01'
            when e.dimension_over then 'R02'
        end as rule_id,
        case
            when e.over_limit then printf('%s 超限%.1f吨（%.1f%%）', strftime(e.passed_at, '%Y-%m-%d'),
                e.excess_kg / 1000.0, e.excess_pct)
            when e.dimension_over then strftime(e.passed_at, '%Y-%m-%d') || ' 外廓尺寸超限'
        end as label
    from facts.weigh_events e, horizon h
    where e.gross_kg is not null
        and (e.over_limit or e.dimension_over)
        and cast(e.passed_at as date) > h.start_excl
        and cast(e.passed_at as date) <= h.as_of
),

monitored_days as (
    -- one unit per vehicle-day with tracks or alarms; severity = the worst incident that day
    -- (days with tracks only are clean units, counted in risk_exposure.sql)
    select
        plate_key,
        day,
        max(severity) as severity,
        arg_max(rule_id, severity) as rule_id,
        arg_max(label, severity) as label,
        list_sort(flatten(list(evidence_record_ids))) as rids
    from (
        select
            v.plate_key,
            cast(v.started_at as date) as day,
            coalesce(s.severity, 0.0) as severity,
            v.rule_id,
            strftime(v.started_at, '%Y-%m-%d') || ' ' || v.kind as label,
            v.evidence_record_ids
        from facts.monitoring_violations v
        left join scores.rule_monitoring_severity s on s.kind = v.kind
        where v.plate_key is not null
            and v.kind not in ('no_waybill')
            and (v.source <> 'track' or not coalesce(v.alarmed, false))
    ) d, horizon h
    where d.day > h.start_excl and d.day <= h.as_of
    group by plate_key, day
),

vehicle_units as (
    select 'vehicle' as entity_kind, plate_key as entity_key, unit_id, unit_at, severity, rule_id,
        label, rids
    from passages where plate_key is not null
    union all
    select 'vehicle', plate_key, plate_key || '@' || cast(day as varchar), cast(day as timestamp),
        severity, rule_id, label, rids
    from monitored_days
),

departures as (
    select
        l.rid as unit_id,
        l.loaded_at as unit_at,
        l.source_id,
        max(p.severity) as severity,
        max(p.rule_id) as rule_id,
        max(p.label) as label,
        list_concat([l.rid], list_sort(flatten(list(p.rids) filter (where p.severity > 0)))) as rids
    from staging.loadings l
    cross join horizon h
    join passages p on p.waybill_id = l.waybill_id
    where l.source_id is not null
        and cast(l.loaded_at as date) > h.start_excl
        and cast(l.loaded_at as date) <= h.as_of
    group by l.rid, l.loaded_at, l.source_id
),

final as (
    select * from vehicle_units
    union all
    select 'driver', driver_id, unit_id, unit_at, severity, rule_id, label, rids
    from passages where driver_id is not null
    union all
    select 'operator', o.operator_uscc, u.unit_id, u.unit_at, u.severity, u.rule_id, u.label, u.rids
    from vehicle_units u
    join vehicle_operators o on o.plate_key = u.entity_key
    union all
    select 'source', source_id, unit_id, unit_at, severity, rule_id, label, rids
    from departures
)

select
    f.*,
    case
        when cast(f.unit_at as date) > h.as_of - to_months(cast($tw1_months as integer)) then $tw1
        when cast(f.unit_at as date) > h.as_of - to_months(cast($tw2_months as integer)) then $tw2
        else $tw3
    end as time_weight
from final f, horizon h
where f.severity > 0
