-- most frequent items per province and region-wide (scope '全区域'), ranked by cases opened then detections
with per_province as (
    select code, province as scope, n_cases, n_detected
    from stats.reconciliation
),

region as (
    select code, '全区域' as scope, sum(n_cases) as n_cases, sum(n_detected) as n_detected
    from stats.reconciliation
    group by code
),

scoped as (
    select * from per_province
    union all
    select * from region
),

ranked as (
    select
        scope,
        code,
        n_cases,
        n_detected,
        n_cases * 1.0 / nullif(sum(n_cases) over (partition by scope), 0) as share_of_cases,
        row_number() over (
            partition by scope order by n_cases desc, n_detected desc, code
        ) as rank
    from scoped
),

final as (
    select
        r.scope,
        r.rank,
        r.code,
        coalesce(cat.name_zh, r.code) as name_zh,
        r.n_cases,
        r.n_detected,
        r.share_of_cases
    from ranked as r
    left join stats.item_catalog as cat on r.code = cat.code
    order by r.scope, r.rank
)

select * from final
