-- source_overloading: source units with their binomial test against the regional overloaded share; lead when significantly above it with enough volume (R15).
with base as (
    select * from source_overloading_base
),

tests as (
    select * from source_tests
),

final as (
    select
        b.*,
        t.p_value,
        b.overloaded_departures >= $min_overloaded and t.p_value < $alpha / t.n_tested as is_lead
    from base b
    join tests t on t.source_id = b.source_id
)

select * from final
order by rank_share, source_id
