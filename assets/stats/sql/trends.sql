-- monthly trend per item and source, region-wide: mean per month and least-squares slope (per month, and relative to the mean)
with monthly as (
    select source, code, month, sum(n) as n
    from stats.violation_counts
    group by source, code, month
),

indexed as (
    select
        *,
        (year(month) * 12 + month(month)) as month_index
    from monthly
),

fitted as (
    select
        source,
        code,
        count(*) as n_months,
        sum(n) as total,
        avg(n) as mean_per_month,
        regr_slope(n, month_index) as slope_per_month,
        min(month) as first_month,
        max(month) as last_month
    from indexed
    group by source, code
),

final as (
    select
        f.source,
        f.code,
        coalesce(cat.name_zh, f.code) as name_zh,
        f.n_months,
        f.total,
        f.mean_per_month,
        f.slope_per_month,
        f.slope_per_month / nullif(f.mean_per_month, 0) as relative_slope,
        f.first_month,
        f.last_month
    from fitted as f
    left join stats.item_catalog as cat on f.code = cat.code
    order by f.source, f.total desc
)

select * from final
