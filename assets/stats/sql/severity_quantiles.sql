-- severity distributions per item: excess kg / % (cases by province; detections by axle configuration), speeding %, driving hours
with long as (
    select 'cases' as source, code, 'province' as group_kind, province as group_value,
        'excess_kg' as measure, cast(excess_kg as double) as value
    from stats.case_base where excess_kg > 0
    union all
    select 'cases', code, 'all', '全区域', 'excess_kg', cast(excess_kg as double)
    from stats.case_base where excess_kg > 0
    union all
    select 'cases', code, 'province', province, 'excess_pct', excess_pct
    from stats.case_base where excess_pct > 0
    union all
    select 'cases', code, 'all', '全区域', 'excess_pct', excess_pct
    from stats.case_base where excess_pct > 0
    union all
    select 'detected', code, 'axle_config', axle_config, 'excess_kg', excess_kg
    from stats.detected_base where excess_kg is not null and axle_config is not null
    union all
    select 'detected', code, 'axle_config', axle_config, 'excess_pct', excess_pct
    from stats.detected_base where excess_pct is not null and axle_config is not null
    union all
    select 'detected', code, 'all', '全区域', 'excess_kg', excess_kg
    from stats.detected_base where excess_kg is not null
    union all
    select 'detected', code, 'all', '全区域', 'excess_pct', excess_pct
    from stats.detected_base where excess_pct is not null
    union all
    select 'detected', code, 'all', '全区域', 'speed_pct', speed_pct
    from stats.detected_base where speed_pct is not null
    union all
    select 'detected', d.code, 'all', '全区域', 'duration_h', d.duration_h
    from stats.detected_base as d
    inner join stats.item_catalog as c on d.code = c.code and c.severity = 'duration_h'
    where d.duration_h is not null
        and (c.duration_source is null or d.detected_by = c.duration_source)
),

final as (
    select
        l.source,
        l.code,
        coalesce(cat.name_zh, l.code) as name_zh,
        l.group_kind,
        l.group_value,
        l.measure,
        count(*) as n,
        avg(l.value) as mean,
        quantile_cont(l.value, 0.10) as p10,
        quantile_cont(l.value, 0.25) as p25,
        quantile_cont(l.value, 0.50) as p50,
        quantile_cont(l.value, 0.75) as p75,
        quantile_cont(l.value, 0.85) as p85,
        quantile_cont(l.value, 0.90) as p90,
        quantile_cont(l.value, 0.99) as p99,
        max(l.value) as max
    from long as l
    left join stats.item_catalog as cat on l.code = cat.code
    group by all
    order by l.source, l.code, l.measure, l.group_kind, l.group_value
)

select * from final
