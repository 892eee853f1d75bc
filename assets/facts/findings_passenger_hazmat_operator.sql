-- findings_passenger_hazmat_operator: 两客一危 operators with a low alarm-handling rate (R28), hazmat crew/waybill gaps (R30), coach scheduling over the limits (R21), over-capacity (R25) or a pattern of serious violations and track/alarm mismatches.
with {{findings_preamble}},

cm as (
    select map(list(rule_id), list(citation)) as m from facts.rule_catalogue
),

src as (
    select
        *,
        list_sort(list_distinct(list_concat(
            case when r28_trigger then ['R28'] else [] end,
            case when r30_trigger then ['R30'] else [] end,
            list_concat(
                case when r21_trigger then ['R21'] else [] end,
                case when r25_trigger then ['R25'] else [] end
            ),
            rule_ids
        ))) as cited_rules
    from facts.passenger_hazmat_operators
    where is_lead
),

final as (
    select
        'passenger_hazmat_operator:' || s.uscc as finding_key,
        'passenger_hazmat_operator' as lead_type,
        'operator' as subject_kind,
        [s.uscc] as subject_keys,
        list_filter([s.operator_province], lambda x: x is not null) as subject_provinces,
        s.origin_provinces,
        s.r28_trigger or s.r30_trigger or s.r21_trigger or s.r25_trigger as legal_trigger,
        least(1.0, 0.4 + case when s.r28_trigger then 0.3 else 0 end
            + 0.1 * least(3, s.tampering + s.no_escort + s.waybill_incomplete + s.no_waybill
                + s.over_capacity_high + s.driving_7d)) as severity,
        r.risk_score,
        r.risk_lo,
        r.risk_hi,
        array_to_string(list_sort(list_distinct(flatten(list_transform(
            s.cited_rules, lambda x: string_split(coalesce(cm.m[x], ''), '；')
        )))), '；') as legal_basis,
        s.evidence_record_ids,
        s.first_evidence_at,
        s.last_evidence_at,
        printf(
            '该业户（%s，%s）近%d个月两客一危车辆（在册%d辆，涉及%d辆）在%s共产生动态监控报警%d起，已处理%d起，处理率%s%s；另查实疲劳驾驶%d起、凌晨2时至5时违规运行%d起、超速%d起、定位不在线%d起、疑似屏蔽或篡改定位%d起、危货无押运员%d起、危货电子运单不全%d起、危货无运单运输%d起%s；其中%d起轨迹违法无对应报警、%d起报警在轨迹中无据可查，反映其动态监控职责落实不到位。建议业户所在地（%s）道路运输管理机构核实后依法处理。',
            coalesce(s.operator_name, '名称不详'),
            s.uscc,
            $window_months,
            s.fleet_phv,
            s.vehicles_involved,
            array_to_string(list_transform(s.origin_provinces, lambda p: coalesce(pm.m[p], p)), '、'),
            s.alarms,
            s.alarms_handled,
            case when s.handling_rate is null then '—' else printf('%.1f%%', 100.0 * s.handling_rate) end,
            case when s.r28_trigger then '（低于90%）' else '' end,
            s.fatigue,
            s.night_ban,
            s.speeding,
            s.offline,
            s.tampering,
            s.no_escort,
            s.waybill_incomplete,
            s.no_waybill,
            concat(
                case when s.night_continuous + s.driving_24h + s.driving_7d > 0 then printf(
                    '；客车驾驶人排班超时：夜间连续驾驶超过2小时%d起、24小时累计驾驶超过8小时%d起、7日累计驾驶超过44小时%d起（企业安全管理职责）',
                    s.night_continuous, s.driving_24h, s.driving_7d) else '' end,
                case when s.over_capacity > 0 then printf(
                    '；客车超员%d起（其中超员20%%以上%d起）', s.over_capacity, s.over_capacity_high)
                    else '' end
            ),
            s.unalarmed_track_violations,
            s.alarms_not_in_track,
            coalesce(pm.m[s.operator_province], s.operator_province, '不详')
        ) as explanation,
        printf(
            'Operator %s: %d alarms, %d handled (rate %s); fatigue %d, night %d, speeding %d, offline %d, tampering %d, no escort %d, incomplete waybill %d; %d track violations without alarm, %d alarms not in tracks.',
            s.uscc, s.alarms, s.alarms_handled, coalesce(printf('%.3f', s.handling_rate), 'n/a'),
            s.fatigue, s.night_ban, s.speeding, s.offline, s.tampering, s.no_escort, s.waybill_incomplete,
            s.unalarmed_track_violations, s.alarms_not_in_track
        ) as explanation_en,
        to_json({
            'risk_status': r.status,
            'risk_percentile': r.percentile,
            'risk_breakdown_zh': r.breakdown_zh,
            'rule_ids': s.cited_rules,
            'r28_trigger': s.r28_trigger,
            'r30_trigger': s.r30_trigger,
            'r21_trigger': s.r21_trigger,
            'r25_trigger': s.r25_trigger,
            'night_continuous': s.night_continuous,
            'driving_24h': s.driving_24h,
            'driving_7d': s.driving_7d,
            'over_capacity': s.over_capacity,
            'over_capacity_high': s.over_capacity_high,
            'alarms': s.alarms,
            'alarms_handled': s.alarms_handled,
            'handling_rate': round(s.handling_rate, 4),
            'incidents': s.incidents,
            'fleet_phv': s.fleet_phv,
            'unalarmed_track_violations': s.unalarmed_track_violations,
            'alarms_not_in_track': s.alarms_not_in_track
        }) as details,
        s.as_of
    from src s
    cross join pm
    cross join cm
    left join risk r on r.entity_key = s.uscc
)

select * from final
order by finding_key
