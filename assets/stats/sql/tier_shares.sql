-- share of past cases per proposed tier (tiers from stats.tier_bounds, written by the asset from the quantiles)
with cases as (
    select code, severity_value
    from stats.case_base
    where severity_value is not null
),

matched as (
    select t.code, t.tier_no, count(c.code) as n_cases
    from stats.tier_bounds as t
    left join cases as c
        on t.code = c.code
        and (t.severity_from is not null or t.severity_to is not null)
        and (t.severity_from is null or c.severity_value > t.severity_from)
        and (t.severity_to is null or c.severity_value <= t.severity_to)
    group by t.code, t.tier_no
),

final as (
    select
        t.code,
        coalesce(cat.name_zh, t.code) as name_zh,
        t.tier_no,
        t.tier,
        t.severity_kind,
        t.severity_from,
        t.severity_to,
        t.penalty_min_yuan,
        t.penalty_max_yuan,
        t.sanction,
        case when t.severity_from is not null or t.severity_to is not null then m.n_cases end
            as n_cases,
        m.n_cases * 1.0 / nullif(sum(m.n_cases) over (partition by t.code), 0) as share_of_cases,
        t.quantile_source,
        t.basis,
        t.tag,
        '建议（供工作组讨论）' as status
    from stats.tier_bounds as t
    left join matched as m on t.code = m.code and t.tier_no = m.tier_no
    left join stats.item_catalog as cat on t.code = cat.code
    order by t.code, t.tier_no
)

select * from final
