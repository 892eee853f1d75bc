-- findings_driver_repeat: one finding per driver with more than 3 over-limit violations in the counting window — rolling 12 months or the configured licence-anniversary cycle (R10); the driver id stays in subject_keys only (masked by the leads layer).
with {{findings_preamble}},

employer as (
    select d.driver_id, o.province_code
    from staging.drivers d
    join staging.operators o on o.uscc = d.employer_uscc
    qualify row_number() over (partition by d.driver_id order by o._province) = 1
),

src as (
    select
        s.*,
        coalesce(e.province_code, left(s.subject_key, 2)) as driver_province
    from facts.driver_repeat_offences s
    left join employer e on e.driver_id = s.subject_key
    where s.is_repeat
),

final as (
    select
        'driver_repeat:' || s.subject_key as finding_key,
        'driver_repeat' as lead_type,
        'driver' as subject_kind,
        [s.subject_key] as subject_keys,
        [s.driver_province] as subject_provinces,
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
            '该驾驶人%s在%s驾驶违法超限运输车辆%d次（按日计，共%d条超限记录），超过法定的%d次；最近一次%s驾驶%s在%s（%s）%s。依据%s，建议发证地（%s）道路运输管理机构核实后责令其停止从事营业性运输。',
        {{window_phrase}},
            array_to_string(list_transform(s.origin_provinces, lambda p: coalesce(pm.m[p], p)), '、'),
            s.violations_12m,
            s.violation_events_12m,
            $more_than,
            strftime(s.last_evidence_at, '%Y-%m-%d'),
            coalesce(split_part(s.plate_key, '|', 1), '车牌不详车辆'),
            s.last_station_name,
            coalesce(s.last_road, '路线不详'),
            case when s.last_over_limit
                then printf('超限%.1f吨（超限率%.1f%%）', s.last_excess_kg / 1000.0, s.last_excess_pct)
                else '外廓尺寸超限' end,
            c.citation,
            coalesce(pm.m[s.driver_province], s.driver_province, '不详')
        ) as explanation,
        printf(
            'Driver had %d over-limit violations in the counting window (%s) to %s (legal threshold: more than %d), in provinces %s.',
            s.violations_12m, s.window_anchor_used, strftime(s.as_of, '%Y-%m-%d'), $more_than,
            array_to_string(s.origin_provinces, ',')
        ) as explanation_en,
        to_json({
            'risk_status': r.status,
            'risk_percentile': r.percentile,
            'risk_breakdown_zh': r.breakdown_zh,
            'rule_id': 'R10',
            'violations_12m': s.violations_12m,
            'event_ids': s.event_ids,
            'window_start_exclusive': s.window_start,
            'window_anchor': s.window_anchor,
            'window_anchor_used': s.window_anchor_used,
            'first_issued_on': s.first_issued_on,
            'last_plate_key': s.plate_key
        }) as details,
        s.as_of
    from src s
    cross join pm
    cross join cite c
    left join risk r on r.entity_key = s.subject_key
)

select * from final
order by finding_key
