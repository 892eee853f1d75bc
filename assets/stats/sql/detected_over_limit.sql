-- over-limit violations detected by the rules engine (facts.over_limit_violations), one row per violation kind (mass / dimension)
with violations as (
    select *
    from facts.over_limit_violations
    where passed_at < cast($as_of as date) + interval 1 day
),

kinds as (
    select
        event_id as rid,
        coalesce(station_province, '??') as province,
        'OL-MASS' as code,
        passed_at as occurred_at,
        plate_key,
        cast(excess_kg as double) as excess_kg,
        cast(excess_pct as double) as excess_pct,
        cast(axle_count as varchar)
        || '轴'
        || case when is_combination then '列车' else '货车' end as axle_config,
        evidence_ok
    from violations
    where over_limit
    union all
    select
        event_id as rid,
        coalesce(station_province, '??') as province,
        'OL-DIM' as code,
        passed_at as occurred_at,
        plate_key,
        null as excess_kg,
        null as excess_pct,
        cast(axle_count as varchar)
        || '轴'
        || case when is_combination then '列车' else '货车' end as axle_config,
        evidence_ok
    from violations
    where dimension_over
),

final as (
    select
        rid,
        province,
        code,
        cast(date_trunc('month', occurred_at) as date) as month,
        occurred_at,
        plate_key,
        excess_kg,
        excess_pct,
        cast(null as double) as speed_pct,
        cast(null as double) as duration_h,
        axle_config,
        evidence_ok,
        'facts.over_limit_violations' as source_table,
        'weigh' as detected_by
    from kinds
)

select * from final
