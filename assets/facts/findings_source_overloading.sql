-- findings_source_overloading: source units releasing over-limit vehicles, by share and volume of overloaded departures (R15).
with {{findings_preamble}},

src as (
    select * from facts.source_overloading where is_lead
),

final as (
    select
        'source_overloading:' || s.source_id as finding_key,
        'source_overloading' as lead_type,
        'source' as subject_kind,
        [s.source_id] as subject_keys,
        list_filter([s.source_province], lambda x: x is not null) as subject_provinces,
        s.origin_provinces,
        true as legal_trigger,
        least(1.0, s.shrunk_share * 2) as severity,
        r.risk_score,
        r.risk_lo,
        r.risk_hi,
        c.citation as legal_basis,
        s.evidence_record_ids,
        s.first_evidence_at,
        s.last_evidence_at,
        printf(
            '货运源头单位%s（%s，%s%s）近12个月出场%d车次，其中%d车次（%d辆车）超限出场，占%.1f%%，在全部源头单位中按比例排第%d位、按车次排第%d位。依据%s，建议所在地（%s）道路运输管理机构检查其出场称重与装载管理，依法处理放行超限车辆行为。',
            coalesce(s.source_name, s.source_id),
            s.source_id,
            case s.source_kind when 'mine' then '矿山' when 'quarry' then '砂石场' when 'port' then '港口'
                when 'logistics' then '物流园区' when 'factory' then '工厂' when 'freight_station' then '货运站'
                else coalesce(s.source_kind, '类型不详') end,
            case when s.key_source then '，重点源头单位' else '' end,
            s.departures,
            s.overloaded_departures,
            s.overloaded_vehicles,
            100.0 * s.share,
            s.rank_share,
            s.rank_volume,
            c.citation,
            coalesce(pm.m[s.source_province], s.source_province, '不详')
        ) as explanation,
        printf(
            'Source %s: %d of %d departures (%.1f%%) left over the limit in the 12 months to %s; rank %d by share, %d by volume.',
            s.source_id, s.overloaded_departures, s.departures, 100.0 * s.share,
            strftime(s.as_of, '%Y-%m-%d'), s.rank_share, s.rank_volume
        ) as explanation_en,
        to_json({
            'risk_status': r.status,
            'risk_percentile': r.percentile,
            'risk_breakdown_zh': r.breakdown_zh,
            'rule_id': 'R15',
            'departures': s.departures,
            'overloaded_departures': s.overloaded_departures,
            'share': round(s.share, 4),
            'shrunk_share': round(s.shrunk_share, 4),
            'rank_share': s.rank_share,
            'rank_volume': s.rank_volume
        }) as details,
        s.as_of
    from src s
    cross join pm
    cross join cite c
    left join risk r on r.entity_key = s.source_id
)

select * from final
order by finding_key
