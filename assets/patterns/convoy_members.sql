-- convoy_members: registry and violation figures of every plate tied in a convoy.
with members as (
    select plate_a as plate_key from patterns.convoy_ties
    union
    select plate_b from patterns.convoy_ties
),

final as (
    select m.plate_key,
        any_value(p.registered_province) as registered_province,
        any_value(p.operator_uscc) as operator_uscc,
        count(*) as n_passages,
        count(*) filter (where p.over_limit) as n_over
    from members m
    join patterns.passages p on p.plate_key = m.plate_key
    group by m.plate_key
)

select * from final
