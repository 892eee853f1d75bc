-- penalty actually imposed per item × severity band × province: median, IQR, share of warnings / no-penalty, deviation from the §43 formula
with cases as (
    select *
    from stats.case_base
    where true
),

per_province as (
    select
        code,
        band_no,
        band_label,
        province,
        count(*) as n,
        count(penalty_yuan) as n_with_penalty,
        quantile_cont(penalty_yuan, 0.50) as median_yuan,
        quantile_cont(penalty_yuan, 0.25) as p25_yuan,
        quantile_cont(penalty_yuan, 0.75) as p75_yuan,
        avg(penalty_yuan) as mean_yuan,
        avg(case when decision = 'warning' then 1.0 else 0.0 end) as share_warning,
        avg(case when decision = 'no_penalty' then 1.0 else 0.0 end) as share_no_penalty,
        avg(case when decision = 'fine' then 1.0 else 0.0 end) as share_fine,
        avg(case when outside_legal_range then 1.0 else 0.0 end) as share_outside_legal_range,
        quantile_cont(statutory_yuan, 0.50) as median_statutory_yuan,
        quantile_cont(penalty_yuan - statutory_yuan, 0.50) as median_deviation_yuan
    from cases
    group by code, band_no, band_label, province
),

final as (
    select
        p.code,
        coalesce(cat.name_zh, p.code) as name_zh,
        p.band_no,
        p.band_label,
        p.province,
        p.n,
        p.n_with_penalty,
        p.median_yuan,
        p.p25_yuan,
        p.p75_yuan,
        p.p75_yuan - p.p25_yuan as iqr_yuan,
        p.mean_yuan,
        p.share_warning,
        p.share_no_penalty,
        p.share_warning + p.share_no_penalty as share_light,
        p.share_fine,
        p.share_outside_legal_range,
        p.median_statutory_yuan,
        p.median_deviation_yuan,
        -- the figure compared across provinces: where a statutory formula fixes the amount
        -- (§43), the deviation from it, so a band's severity mix does not count as disparity
        coalesce(p.median_deviation_yuan, p.median_yuan) as compared_yuan,
        p.n >= $min_cases as comparable
    from per_province as p
    left join stats.item_catalog as cat on p.code = cat.code
    order by p.code, p.band_no, p.province
)

select * from final
