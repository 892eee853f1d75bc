-- risk_scores: published scores — status (insufficient ≠ low), score with its interval, percentile within the peer group, and a breakdown the lead explanation can quote.
with base as (
    select
        b.*,
        i.posterior_lo,
        i.posterior_hi
    from risk_posterior b
    join risk_intervals i on i.entity_kind = b.entity_kind and i.entity_key = b.entity_key
),

top_units as (
    -- the three largest contributions of each entity, picked before any of them is formatted
    select
        entity_kind,
        entity_key,
        to_json(list({
            'unit_id': unit_id,
            'at': unit_at,
            'rule_id': rule_id,
            'label': label,
            'severity': round(severity, 3),
            'time_weight': round(time_weight, 4),
            'contribution': round(severity * time_weight, 4),
            'record_ids': rids
        } order by rank)) as top_contributions,
        array_to_string(list(label order by rank), '；') as labels
    from (
        select
            *,
            row_number() over (
                partition by entity_kind, entity_key
                order by severity * time_weight desc, unit_at desc, unit_id
            ) as rank
        from scores.risk_breakdown
    )
    where rank <= 3
    group by entity_kind, entity_key
),

scored as (
    select
        b.*,
        case when b.sufficient then 'scored' else 'insufficient' end as status,
        case when b.sufficient then b.posterior_mean end as score,
        case when b.sufficient then b.posterior_lo end as score_lo,
        case when b.sufficient then b.posterior_hi end as score_hi
    from base b
),

ranked as (
    select
        *,
        case when status = 'scored' then round(100.0 * percent_rank() over (
            -- scores equal up to floating-point noise (peer priors are parallel sums) are ties
            partition by entity_kind, peer_group, status order by round(score, 10)
        ), 1) end as percentile
    from scored
),

final as (
    select
        r.entity_kind,
        r.entity_key,
        r.peer_group,
        r.status,
        round(r.score, 4) as score,
        round(r.score_lo, 4) as score_lo,
        round(r.score_hi, 4) as score_hi,
        r.percentile,
        r.exposure_units,
        r.violation_units,
        r.clean_units,
        round(r.weighted_points, 4) as weighted_points,
        round(r.raw_rate, 4) as raw_rate,
        round(r.prior_mean, 4) as prior_mean,
        round(r.prior_strength, 4) as prior_strength,
        round(r.posterior_mean, 4) as posterior_mean,
        round(r.posterior_lo, 4) as posterior_lo,
        round(r.posterior_hi, 4) as posterior_hi,
        r.fleet,
        r.last_violation_at,
        coalesce(t.top_contributions, to_json([])) as top_contributions,
        case when r.status = 'insufficient' then printf(
            '近24个月仅有%d条%s（不足%d条），数据不足，不予评分（不代表低风险）。',
            r.exposure_units,
            case when r.entity_kind = 'source' then '出场记录' else '称重或监控记录' end,
            case r.entity_kind when 'vehicle' then $min_vehicle when 'driver' then $min_driver
                when 'operator' then $min_operator else $min_source end
        ) else printf(
            '近24个月%s%d条，其中违法%d条、合规%d条；按严重度×时间权重累计%.2f分；同类（%s）平均水平%.1f%%，收缩估计违法风险%.1f%%（%d%%区间%.1f%%–%.1f%%），同类百分位%.0f。%s',
            case when r.entity_kind = 'source' then '出场记录' else '称重或监控记录' end,
            r.exposure_units, r.violation_units, r.clean_units, r.weighted_points, r.peer_group,
            100 * r.prior_mean, 100 * r.score, cast(100 * $level as integer), 100 * r.score_lo,
            100 * r.score_hi, r.percentile,
            case when t.labels is not null then '主要记录：' || t.labels || '。' else '' end
        ) end as breakdown_zh,
        cast($as_of as date) as as_of
    from ranked r
    left join top_units t on t.entity_kind = r.entity_kind and t.entity_key = r.entity_key
)

select * from final
order by entity_kind, score desc nulls last, entity_key
