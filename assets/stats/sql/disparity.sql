-- one disparity figure per item: case-weighted spread of province medians within a severity band (deviation from the §43 formula where one exists) ÷ legal range width; identical provinces → 0
with comparable as (
    select *
    from stats.penalty_by_band
    where comparable and compared_yuan is not null
),

per_band as (
    select
        code,
        band_no,
        band_label,
        count(*) as n_provinces,
        sum(n) as n_cases,
        max(compared_yuan) - min(compared_yuan) as median_spread_yuan,
        max(share_light) - min(share_light) as light_share_spread,
        max(share_outside_legal_range) as max_share_outside_legal_range,
        arg_max(province, compared_yuan) as province_max,
        arg_min(province, compared_yuan) as province_min,
        arg_max(median_yuan, compared_yuan) as max_median_yuan,
        arg_min(median_yuan, compared_yuan) as min_median_yuan
    from comparable
    group by code, band_no, band_label
    having count(*) >= 2
),

catalog as (
    select code, name_zh, max_yuan - coalesce(min_yuan, 0) as range_width, tag
    from stats.item_catalog
),

per_item as (
    select
        b.code,
        count(*) as n_bands_compared,
        sum(b.n_cases) as n_cases_compared,
        sum(b.median_spread_yuan * b.n_cases) / sum(b.n_cases) as weighted_spread_yuan,
        sum(b.light_share_spread * b.n_cases) / sum(b.n_cases) as light_share_spread,
        max(b.median_spread_yuan) as max_band_spread_yuan,
        max(b.max_share_outside_legal_range) as max_share_outside_legal_range,
        arg_max(b.band_label, b.median_spread_yuan) as most_divergent_band,
        arg_max(b.province_max, b.median_spread_yuan) as province_highest,
        arg_max(b.province_min, b.median_spread_yuan) as province_lowest,
        arg_max(b.max_median_yuan, b.median_spread_yuan) as highest_median_yuan,
        arg_max(b.min_median_yuan, b.median_spread_yuan) as lowest_median_yuan,
        max(b.n_provinces) as max_provinces
    from per_band as b
    group by b.code
),

final as (
    select
        row_number() over (
            order by
                i.weighted_spread_yuan / nullif(c.range_width, 0) desc nulls last,
                i.light_share_spread desc,
                i.code
        ) as rank,
        i.code,
        coalesce(c.name_zh, i.code) as name_zh,
        i.n_bands_compared,
        i.n_cases_compared,
        i.max_provinces,
        c.range_width as legal_range_width_yuan,
        i.weighted_spread_yuan,
        i.weighted_spread_yuan / nullif(c.range_width, 0) as disparity,
        i.max_band_spread_yuan / nullif(c.range_width, 0) as max_band_disparity,
        i.light_share_spread,
        -- > 0: some province fines outside the legal range (disparity can then exceed 1)
        i.max_share_outside_legal_range,
        i.most_divergent_band,
        i.province_highest,
        i.highest_median_yuan,
        i.province_lowest,
        i.lowest_median_yuan
    from per_item as i
    left join catalog as c on i.code = c.code
    order by rank
)

select * from final
