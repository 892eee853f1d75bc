-- every finding of every detector (all findings.<lead_type> tables given in $tables), contract columns
with unioned as (
    select * from query_table($tables::varchar[], true)
),

final as (
    select
        cast(finding_key as varchar) as finding_key,
        cast(lead_type as varchar) as lead_type,
        cast(subject_kind as varchar) as subject_kind,
        cast(subject_keys as varchar[]) as subject_keys,
        cast(subject_provinces as varchar[]) as subject_provinces,
        cast(origin_provinces as varchar[]) as origin_provinces,
        cast(legal_trigger as boolean) as legal_trigger,
        cast(severity as double) as severity,
        cast(risk_score as double) as risk_score,
        cast(risk_lo as double) as risk_lo,
        cast(risk_hi as double) as risk_hi,
        cast(legal_basis as varchar) as legal_basis,
        cast(evidence_record_ids as varchar[]) as evidence_record_ids,
        cast(first_evidence_at as timestamp) as first_evidence_at,
        cast(last_evidence_at as timestamp) as last_evidence_at,
        cast(explanation as varchar) as explanation,
        cast(explanation_en as varchar) as explanation_en
    from unioned
    where finding_key is not null and lead_type is not null
)

select * from final
