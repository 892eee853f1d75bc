-- findings_preamble: the CTEs every findings_*.sql opens with (rendered at its `{{findings_preamble}}` marker) — province names (pm), the rule's citation (cite), the subject kind's risk scores with the contract's rounding (risk).
pm as (
    select map(list(code), list(name)) as m from facts.province_names
),

cite as (
    select citation from facts.rule_catalogue where rule_id = $finding_rule_id
),

risk as (
    select
        entity_key,
        round(score, 4) as risk_score,
        round(score_lo, 4) as risk_lo,
        round(score_hi, 4) as risk_hi,
        percentile,
        status,
        breakdown_zh
    from scores.risk_scores
    where entity_kind = $risk_entity_kind
)
