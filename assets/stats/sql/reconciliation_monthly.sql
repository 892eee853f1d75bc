-- detected violations vs cases opened per item × province × month (month of the violation)
with counts as (
    select * from stats.violation_counts
),

pivoted as (
    select
        code,
        any_value(name_zh) as name_zh,
        province,
        month,
        coalesce(sum(n) filter (where source = 'detected'), 0) as n_detected,
        coalesce(sum(n) filter (where source = 'cases'), 0) as n_cases
    from counts
    group by code, province, month
),

final as (
    select
        *,
        case when n_detected > 0 then n_cases * 1.0 / n_detected end as cases_per_detected
    from pivoted
    order by code, province, month
)

select * from final
