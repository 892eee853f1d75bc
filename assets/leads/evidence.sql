-- the evidence records ($rids) behind the leads of this run's packets, one readable line each
with wanted as (
    select distinct unnest($rids::varchar[]) as rid
),

weigh as (
    select
        w.rid,
        'weigh' as kind,
        w.passed_at as "at",
        w._province as province,
        coalesce(s.name, w.station_id) as place,
        w.plate_key,
        concat_ws(
            '，',
            '总重' || w.gross_kg || 'kg',
            w.axle_count || '轴',
            '限值' || e.limit_kg || 'kg',
            case when e.excess_kg > 0 then '超限' || e.excess_kg || 'kg' end,
            '处理结果' || w.outcome
        ) as detail
    from ref_weigh_records as w
    inner join wanted using (rid)
    left join ref_stations as s on s.station_id = w.station_id
    left join ref_weigh_events as e on e.event_id = w.rid
),

loading as (
    select
        l.rid,
        'loading' as kind,
        l.loaded_at as "at",
        l._province as province,
        coalesce(src.name, l.source_id) as place,
        l.plate_key,
        concat_ws(
            '，',
            '运单' || l.waybill_id,
            '货物' || l.cargo,
            '申报' || l.declared_kg || 'kg',
            '出场称重' || l.measured_gross_kg || 'kg'
        ) as detail
    from ref_loadings as l
    inner join wanted using (rid)
    left join ref_sources as src on src.source_id = l.source_id
),

monitoring as (
    select
        m.rid,
        'monitoring' as kind,
        m.started_at as "at",
        m._province as province,
        null as place,
        m.plate_key,
        concat_ws(
            '，',
            '报警类型' || m.event_type,
            '速度' || m.speed_kmh || 'km/h',
            '限速' || m.limit_kmh || 'km/h',
            case when m.handled then '企业已处理' else '企业未处理' end
        ) as detail
    from ref_monitoring_events as m
    inner join wanted using (rid)
),

cases as (
    select
        c.rid,
        'case' as kind,
        c.occurred_at as "at",
        c._province as province,
        c.agency as place,
        c.plate_key,
        concat_ws(
            '，',
            '案件' || c.case_id,
            coalesce(c.violation_name, c.violation_code),
            '处罚种类' || c.decision,
            '罚款' || c.penalty_yuan || '元'
        ) as detail
    from ref_cases as c
    inner join wanted using (rid)
),

final as (
    select * from weigh
    union all by name select * from loading
    union all by name select * from monitoring
    union all by name select * from cases
)

select rid, kind, "at", province, place, plate_key, detail from final
