-- findings_operator_fleet_ratio: operators whose distinct over-limit vehicles in 12 months exceed 10 % of the registered active fleet (R11).
with {{findings_preamble}},

src as (
    select * from facts.operator_fleet_ratios where is_trigger
),

final as (
    select
        'operator_fleet_ratio:' || s.uscc as finding_key,
        'operator_fleet_ratio' as lead_type,
        'operator' as subject_kind,
        [s.uscc] as subject_keys,
        list_filter([coalesce(s.operator_province, substr(s.uscc, 3, 2))], lambda x: x is not null)
            as subject_provinces,
        s.origin_provinces,
        true as legal_trigger,
        greatest(0.0, least(1.0, 0.5 + (coalesce(s.ratio, 1.0) - $ratio_more_than) / 0.8)) as severity,
        r.risk_score,
        r.risk_lo,
        r.risk_hi,
        c.citation as legal_basis,
        s.evidence_record_ids,
        s.first_evidence_at,
        s.last_evidence_at,
        printf(
            '该业户（%s，%s）近12个月（%s至%s）有%d辆货车在%s违法超限运输（共%d次），占其货运车辆总数%d辆的%.1f%%，超过法定的%.0f%%%s。依据%s，建议业户所在地道路运输管理机构核实后责令停业整顿；情节严重的依法吊销道路运输经营许可证。',
            coalesce(s.operator_name, '名称不详'),
            s.uscc,
            strftime(s.window_start + 1, '%Y-%m-%d'),
            strftime(s.as_of, '%Y-%m-%d'),
            s.violating_vehicles,
            array_to_string(list_transform(s.origin_provinces, lambda p: coalesce(pm.m[p], p)), '、'),
            s.violations_12m,
            s.fleet,
            100.0 * coalesce(s.ratio, 1.0),
            100.0 * $ratio_more_than,
            case
                when s.fleet_divergence
                    then printf('（业户申报车辆数%d辆，车辆库在册%s车辆%d辆，二者不一致，请核实）',
                        s.fleet_declared, case when $fleet_basis = 'registered_any' then '' else '有效' end,
                        s.fleet_registry)
                when s.fleet_declared is not null
                    then printf('（与业户申报车辆数%d辆一致）', s.fleet_declared)
                else '' end,
            c.citation
        ) as explanation,
        printf(
            'Operator %s: %d of %d fleet vehicles (%.1f%%) had over-limit violations in the 12 months to %s (threshold: more than %.0f%%).',
            s.uscc, s.violating_vehicles, s.fleet, 100.0 * coalesce(s.ratio, 1.0),
            strftime(s.as_of, '%Y-%m-%d'), 100.0 * $ratio_more_than
        ) as explanation_en,
        to_json({
            'risk_status': r.status,
            'risk_percentile': r.percentile,
            'risk_breakdown_zh': r.breakdown_zh,
            'rule_id': 'R11',
            'fleet': s.fleet,
            'fleet_registered': s.fleet_registered,
            'fleet_active': s.fleet_active,
            'fleet_declared': s.fleet_declared,
            'fleet_registry': s.fleet_registry,
            'fleet_divergence': s.fleet_divergence,
            'violating_vehicles': s.violating_vehicles,
            'violating_plates': s.violating_plates,
            'ratio': round(s.ratio, 4),
            'violations_12m': s.violations_12m
        }) as details,
        s.as_of
    from src s
    cross join pm
    cross join cite c
    left join risk r on r.entity_key = s.uscc
)

select * from final
order by finding_key
