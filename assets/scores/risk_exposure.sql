-- risk_exposure (temp): exposure units per scored entity over the horizon — weighed passages (vehicle, driver), monitored vehicle-days (vehicle), both rolled up to the operator, source departures — counted without listing them.
with horizon as (
    select
        cast($as_of as date) as as_of,
        cast(cast($as_of as date) - to_months(cast($horizon_months as integer)) as date) as start_excl
),

passages as (
    select e.plate_key, e.driver_id, count(*) as n
    from facts.weigh_events e, horizon h
    where e.gross_kg is not null
        and cast(e.passed_at as date) > h.start_excl
        and cast(e.passed_at as date) <= h.as_of
    group by grouping sets ((e.plate_key), (e.driver_id))
),

monitored_days as (
    select plate_key, count(*) as n
    from (
        select plate_key, cast(ts as date) as day
        from staging.gps_points
        where plate_key is not null
        union
        select v.plate_key, cast(v.started_at as date)
        from facts.monitoring_violations v
        where v.plate_key is not null
            and v.kind not in ('no_waybill')
            and (v.source <> 'track' or not coalesce(v.alarmed, false))
    ) d, horizon h
    where d.day > h.start_excl and d.day <= h.as_of
    group by plate_key
),

vehicles as (
    select plate_key, sum(n) as n
    from (
        select plate_key, n from passages where plate_key is not null
        union all
        select plate_key, n from monitored_days
    )
    group by plate_key
),

departures as (
    select source_id, count(*) as n
    from (
        select distinct l.rid, l.loaded_at, l.source_id
        from staging.loadings l, horizon h
        where l.source_id is not null
            and cast(l.loaded_at as date) > h.start_excl
            and cast(l.loaded_at as date) <= h.as_of
    )
    group by source_id
),

final as (
    select 'vehicle' as entity_kind, plate_key as entity_key, n from vehicles
    union all
    select 'driver', driver_id, n from passages where driver_id is not null
    union all
    select 'operator', o.operator_uscc, sum(v.n)
    from vehicles v
    join vehicle_operators o on o.plate_key = v.plate_key
    group by o.operator_uscc
    union all
    select 'source', source_id, n from departures
)

select entity_kind, entity_key, cast(n as bigint) as exposure_units from final
