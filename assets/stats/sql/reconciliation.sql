-- detected violations vs cases opened, per item × province (the working group's "how much is followed up" figure)
with detected as (
    select
        code,
        province,
        count(*) as n_detected,
        count(*) filter (where evidence_ok is distinct from false) as n_detected_evidence_ok
    from stats.detected_base
    group by code, province
),

opened as (
    select code, province, count(*) as n_cases
    from stats.case_base
    group by code, province
),

joined as (
    select
        coalesce(d.code, o.code) as code,
        coalesce(d.province, o.province) as province,
        coalesce(d.n_detected, 0) as n_detected,
        coalesce(d.n_detected_evidence_ok, 0) as n_detected_evidence_ok,
        coalesce(o.n_cases, 0) as n_cases
    from detected as d
    full outer join opened as o on d.code = o.code and d.province = o.province
),

final as (
    select
        j.code,
        coalesce(cat.name_zh, j.code) as name_zh,
        j.province,
        j.n_detected,
        j.n_detected_evidence_ok,
        j.n_cases,
        case when j.n_detected > 0 then j.n_cases * 1.0 / j.n_detected end as cases_per_detected
    from joined as j
    left join stats.item_catalog as cat on j.code = cat.code
    order by j.code, j.province
)

select * from final
