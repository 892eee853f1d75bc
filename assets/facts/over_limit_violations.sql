-- over_limit_violations: weigh events over a mass or dimension limit, with rule ids, evidence/limitation gates and the police 超载 view (one fine per act).
with events as (
    select * from facts.weigh_events
    where over_limit or dimension_over
),

vehicles as (
    select
        plate_key,
        curb_kg,
        rated_load_kg,
        total_mass_kg
    from staging.vehicles
    where plate_key is not null
    qualify row_number() over (partition by plate_key order by (status = 'active') desc, _province) = 1
),

police as (
    select
        e.*,
        v.rated_load_kg,
        case
            when v.curb_kg > 0 and v.rated_load_kg > 0 and e.gross_kg - v.curb_kg > v.rated_load_kg
                then 100.0 * (e.gross_kg - v.curb_kg - v.rated_load_kg) / v.rated_load_kg
        end as police_over_pct,
        case
            when v.total_mass_kg > 0 and e.gross_kg > v.total_mass_kg
                then 100.0 * (e.gross_kg - v.total_mass_kg) / v.total_mass_kg
        end as over_total_mass_pct
    from events e
    left join vehicles v on v.plate_key = e.plate_key
),

graded as (
    select
        *,
        police_over_pct is not null as police_overload,
        case
            when police_over_pct > $r19_high_pct then $r19_high_max
            when police_over_pct > 0 then $r19_low_max
            else 0
        end as police_fine_max_yuan,
        case
            when over_total_mass_pct >= 50 then 6
            when over_total_mass_pct >= 30 then 3
            when over_total_mass_pct > 0 then 1
            else 0
        end as police_points
    from police
),

final as (
    select
        * exclude (police_over_pct, over_total_mass_pct, rated_load_kg),
        list_filter(
            [
                case when over_limit then 'R01' end,
                case when dimension_over then 'R02' end,
                case when over_limit then 'R06' end,
                case when dimension_over then 'R07' end,
                case when tolerance_pct > 0 then 'R08' end,
                case when police_over_pct is not null then 'R19' end
            ],
            lambda x: x is not null
        ) as rule_ids,
        cast(round(police_over_pct, 2) as double) as police_over_pct,
        '公路管理机构' as competent_authority,
        case
            when police_over_pct is null then '公路管理机构'
            when fine_estimate_yuan >= police_fine_max_yuan then '公路管理机构'
            else '公安机关交通管理部门'
        end as single_fine_authority,
        police_over_pct is not null and fine_estimate_yuan > 0 as double_fine_guard,
        evidence_ok as confirmed,
        cast(passed_at as date) <= cast($as_of as date) - to_years(cast($r34_years as integer))
            as limitation_expired,
        evidence_ok
            and cast(passed_at as date) > cast($as_of as date) - to_years(cast($r34_years as integer))
            as penalty_eligible
    from graded
)

select * from final
order by passed_at, event_id
