-- one row per closed case: item code (aliases resolved), province, month, severity band, penalty imposed and the statutory §43 amount
with cases as (
    select *
    from staging.cases
    where occurred_at < cast($as_of as date) + interval 1 day
),

aliases as (
    select alias, code from stats.item_aliases
),

catalog as (
    select code, severity, formula, min_yuan, max_yuan from stats.item_catalog
),

coded as (
    select
        c.*,
        coalesce(a.code, trim(c.violation_code)) as item_code
    from cases as c
    left join aliases as a on upper(trim(c.violation_code)) = a.alias
),

graded as (
    select
        k.*,
        cat.formula,
        cat.min_yuan as legal_min_yuan,
        cat.max_yuan as legal_max_yuan,
        case cat.severity
            when 'excess_kg' then cast(k.excess_kg as double)
            when 'excess_pct' then cast(k.excess_pct as double)
        end as severity_value
    from coded as k
    left join catalog as cat on k.item_code = cat.code
),

banded as (
    select
        g.*,
        -- a case whose severity is not recorded is still compared, in its own band
        coalesce(b.band_no, -1) as band_no,
        coalesce(b.band_label, '严重程度未记录') as band_label
    from graded as g
    left join stats.item_bands as b
        on g.item_code = b.code
        and (b.band_from is null or g.severity_value > b.band_from)
        and (b.band_to is null or g.severity_value <= b.band_to)
),

final as (
    select
        rid,
        coalesce(province_code, _province) as province,
        item_code as code,
        violation_code as source_code,
        violation_name,
        cast(date_trunc('month', occurred_at) as date) as month,
        occurred_at,
        decided_on,
        plate_key,
        driver_id,
        operator_uscc,
        coalesce(plate_key, driver_id, operator_uscc) as subject_key,
        excess_kg,
        excess_pct,
        severity_value,
        band_no,
        band_label,
        decision,
        coalesce(
            penalty_yuan,
            case when decision in ('warning', 'no_penalty') then 0.0 end
        ) as penalty_yuan,
        decision in ('warning', 'no_penalty') as light_outcome,
        first_offence,
        decision = 'fine'
        and (penalty_yuan > legal_max_yuan or penalty_yuan < legal_min_yuan) as outside_legal_range,
        case
            when formula = 'mass_43' and excess_kg > 0 then
                case
                    when excess_kg <= 1000 then 0.0
                    else least(
                        30000.0,
                        500.0 * (case $rounding
                            when 'ceil' then ceil(excess_kg / 1000.0)
                            when 'exact' then excess_kg / 1000.0
                            else floor(excess_kg / 1000.0)
                        end)
                    )
                end
        end as statutory_yuan
    from banded
)

select * from final
