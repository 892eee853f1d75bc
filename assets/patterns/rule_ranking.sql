-- rule_ranking: the rule-based baseline on the model's test rows, ranked within each cut-off: past over-limit count, then rate, then worst excess; untriggered = no legal repeat trigger yet (R09 count not exceeded).
with test as (
    select plate_key, cutoff, label, n_over_365, over_rate_365, max_excess_pct_365
    from patterns.model_test
),

final as (
    select plate_key, cutoff, label,
        row_number() over (
            partition by cutoff
            order by n_over_365 desc, over_rate_365 desc, max_excess_pct_365 desc, plate_key
        ) as rule_rank,
        n_over_365 <= $repeat_more_than as untriggered
    from test
)

select * from final
