-- findings_vehicle_repeat: one finding per vehicle with more than 3 over-limit violations in the counting window — rolling 12 months or the configured licence-anniversary cycle (R09), in the findings contract.
with {{findings_preamble}},

src as (
    select * from facts.vehicle_repeat_offences where is_repeat
),

final as (
    select
        'vehicle_repeat:' || s.subject_key as finding_key,
        'vehicle_repeat' as lead_type,
        'vehicle' as subject_kind,
        [s.subject_key] as subject_keys,
        list_filter([s.registered_province], lambda x: x is not null) as subject_provinces,
        s.origin_provinces,
        true as legal_trigger,
        least(1.0, 0.5 + 0.1 * (s.violations_12m - $more_than - 1)) as severity,
        r.risk_score,
        r.risk_lo,
        r.risk_hi,
        c.citation as legal_basis,
        s.evidence_record_ids,
        s.first_evidence_at,
        s.last_evidence_at,
        printf(
            '该车（%s，%s牌）%s在%s违法超限运输%d次（按日计，共%d条超限记录），超过法定的%d次；最近一次%s在%s（%s）%s。依据%s，建议车籍地（%s）道路运输管理机构核实后依法处理（吊销车辆营运证），并按“一超四罚”追究驾驶人、业户和源头单位责任。',
            split_part(s.subject_key, '|', 1),
            coalesce(nullif(split_part(s.subject_key, '|', 2), ''), '未知颜色'),
        {{window_phrase}},
            array_to_string(list_transform(s.origin_provinces, lambda p: coalesce(pm.m[p], p)), '、'),
            s.violations_12m,
            s.violation_events_12m,
            $more_than,
            strftime(s.last_evidence_at, '%Y-%m-%d'),
            s.last_station_name,
            coalesce(s.last_road, '路线不详'),
            case when s.last_over_limit
                then printf('超限%.1f吨（超限率%.1f%%）', s.last_excess_kg / 1000.0, s.last_excess_pct)
                else '外廓尺寸超限' end,
            c.citation,
            coalesce(pm.m[s.registered_province], s.registered_province, '不详')
        ) as explanation,
        printf(
            'Vehicle %s had %d over-limit violations in the counting window (%s) to %s (legal threshold: more than %d), in provinces %s; last on %s at %s.',
            s.subject_key, s.violations_12m, s.window_anchor_used, strftime(s.as_of, '%Y-%m-%d'), $more_than,
            array_to_string(s.origin_provinces, ','), strftime(s.last_evidence_at, '%Y-%m-%d'),
            s.last_station_id
        ) as explanation_en,
        to_json({
            'risk_status': r.status,
            'risk_percentile': r.percentile,
            'risk_breakdown_zh': r.breakdown_zh,
            'rule_id': 'R09',
            'violations_12m': s.violations_12m,
            'violation_events_12m': s.violation_events_12m,
            'violations_with_evidence': s.violations_with_evidence,
            'event_ids': s.event_ids,
            'window_start_exclusive': s.window_start,
            'window_anchor': s.window_anchor,
            'window_anchor_used': s.window_anchor_used,
            'first_issued_on': s.first_issued_on,
            'last_station_id': s.last_station_id,
            'last_excess_kg': s.last_excess_kg,
            'operator_uscc': s.operator_uscc
        }) as details,
        s.as_of
    from src s
    cross join pm
    cross join cite c
    left join risk r on r.entity_key = s.subject_key
)

select * from final
order by finding_key
