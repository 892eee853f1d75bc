-- violation counts by item × province × month, from closed cases and from detected violations
with case_counts as (
    select code, province, month, count(*) as n
    from stats.case_base
    group by code, province, month
),

detected_counts as (
    select code, province, month, count(*) as n
    from stats.detected_base
    group by code, province, month
),

unioned as (
    select 'cases' as source, code, province, month, n from case_counts
    union all
    select 'detected' as source, code, province, month, n from detected_counts
),

final as (
    select
        u.source,
        u.code,
        coalesce(cat.name_zh, u.code) as name_zh,
        u.province,
        u.month,
        u.n
    from unioned as u
    left join stats.item_catalog as cat on u.code = cat.code
    order by u.source, u.code, u.province, u.month
)

select * from final
