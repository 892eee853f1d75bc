-- weigh_assess: the legal assessment of each passage picked by the role filter (events, or the WIM passages absorbed into one) — limit (R01–R05), tolerance (R08), net excess, fine estimate (R06/R07), evidence gate (R35).
with passages as (
    select
        w.rid,
        w.station_id,
        w.passed_at,
        w.plate,
        w.plate_color,
        w.plate_key,
        w.plate_readable,
        w.plate_confidence,
        w.axle_count,
        w.is_combination,
        w.single_drive_axle,
        w.gross_kg,
        w.axle_weights_kg,
        w.length_m,
        w.width_m,
        w.height_m,
        w.speed_kmh,
        w.outcome,
        w.waybill_id,
        w.driver_id,
        w.single_tyre_groups,
        w.air_suspension,
        w.semi_axle_spacing_mm,
        coalesce(s.kind, 'unknown') as station_kind,
        coalesce(s.province_code, w._province) as station_province,
        s.road,
        s.lon,
        s.lat,
        s.calibrated_on,
        s.tolerance_pct as station_tolerance_pct,
        coalesce(k.rids, [w.rid]) as rids
    from weigh_input w
    {{special_join}} weigh_special_keys k on k._rowid = w._rowid
    left join staging.stations s on s.station_id = w.station_id
    where {{role_filter}}
),

vehicles as (
    select
        plate_key,
        vehicle_type,
        registered_province,
        operator_uscc,
        total_mass_kg as reg_total_mass_kg
    from staging.vehicles
    where plate_key is not null
    qualify row_number() over (
        partition by plate_key order by (status = 'active') desc, _province, vin
    ) = 1
),

loadings as (
    select
        waybill_id,
        source_id
    from staging.loadings
    qualify row_number() over (partition by waybill_id order by loaded_at desc, rid) = 1
),

enriched as (
    select
        e.*,
        v.vehicle_type,
        coalesce(v.registered_province, pp.province) as registered_province,
        v.operator_uscc,
        v.reg_total_mass_kg,
        l.source_id
    from passages e
    left join vehicles v on v.plate_key = e.plate_key
    left join loadings l on l.waybill_id = e.waybill_id
    left join facts.plate_provinces pp on pp.prefix = left(e.plate, 1)
),

limit_lookup as (
    -- R01 rows expanded to exact keys (axles × combination × single drive × province); best row wins
    select
        k.axles,
        k.combination,
        k.single_drive,
        g.province,
        g.limit_kg
    from (
        select a.range as axles, c.combination, d.single_drive
        from range(2, 21) a
        cross join (values (true), (false)) c(combination)
        cross join (values (true), (false)) d(single_drive)
    ) k
    join facts.rule_gvw_limits g
        on k.axles between g.axles_min and g.axles_max
        and (g.combination is null or g.combination = k.combination)
        and (g.single_drive_axle is null or g.single_drive_axle = k.single_drive)
    qualify row_number() over (
        partition by k.axles, k.combination, k.single_drive, g.province
        order by g.specificity desc, g.limit_kg
    ) = 1
),

tolerance_lookup as (
    select kind, province, tolerance_pct from facts.rule_tolerance
),

limited as (
    select
        e.*,
        coalesce(lp.limit_kg, l.limit_kg) as base_limit_kg,
        coalesce(e.station_tolerance_pct, tp.tolerance_pct, t.tolerance_pct, $tolerance_unknown_kind)
            as tol_pct
    from enriched e
    left join limit_lookup lp
        on lp.axles = e.axle_count
        and lp.combination = coalesce(e.is_combination, false)
        and lp.single_drive = coalesce(e.single_drive_axle, false)
        and lp.province = e.station_province
    left join limit_lookup l
        on l.axles = e.axle_count
        and l.combination = coalesce(e.is_combination, false)
        and l.single_drive = coalesce(e.single_drive_axle, false)
        and l.province is null
    left join tolerance_lookup tp on tp.kind = e.station_kind and tp.province = e.station_province
    left join tolerance_lookup t on t.kind = e.station_kind and t.province is null
),

assessed as (
    select
        *,
        case when gross_kg is not null then {{limit_expr}} end as limit_kg_calc
    from limited
),

measured as (
    select
        *,
        limit_kg_calc * tol_pct / 100.0 as tol_kg,
        gross_kg - limit_kg_calc as excess,
        gross_kg - limit_kg_calc - limit_kg_calc * tol_pct / 100.0 as net_excess,
        coalesce(height_m > $r02_height or width_m > $r02_width or length_m > $r02_length, false)
            as dim_over
    from assessed
),

fined as (
    select
        *,
        coalesce(net_excess > 0, false) as is_over,
        case
            when not dim_over then 0
            when height_m <= $r07_A_h and width_m <= $r07_A_w and length_m <= $r07_A_l then $r07_A_yuan
            when height_m <= $r07_B_h and width_m <= $r07_B_w and length_m <= $r07_B_l then $r07_B_yuan
            else $r07_C_yuan
        end as dim_yuan,
        case when $r06_basis_net then net_excess else excess end as fine_excess
    from measured
),

final as (
    select
        rid as event_id,
        rids,
        station_id,
        station_kind,
        station_province,
        road,
        lon,
        lat,
        passed_at,
        plate,
        plate_color,
        plate_key,
        plate_readable,
        plate_confidence,
        axle_count,
        is_combination,
        single_drive_axle,
        gross_kg,
        axle_weights_kg,
        length_m,
        width_m,
        height_m,
        speed_kmh,
        outcome,
        waybill_id,
        driver_id,
        source_id,
        vehicle_type,
        registered_province,
        operator_uscc,
        cast(limit_kg_calc as bigint) as limit_kg,
        cast(tol_pct as double) as tolerance_pct,
        cast(round(tol_kg, 1) as double) as tolerance_kg,
        cast(excess as bigint) as excess_kg,
        cast(round(net_excess, 1) as double) as net_excess_kg,
        is_over as over_limit,
        cast(round(100.0 * excess / limit_kg_calc, 2) as double) as excess_pct,
        dim_over as dimension_over,
        cast(least(
            case when is_over then {{mass_fine_expr}} else 0 end + dim_yuan, $r07_cap
        ) as bigint) as fine_estimate_yuan,
        case
            when not (is_over or dim_over) then 'none'
            when (case when is_over then {{mass_fine_expr}} else 0 end) + dim_yuan > 0 then 'fine'
            else 'warning'
        end as sanction,
        coalesce(
            station_kind in ('fixed', 'wim', 'toll_entrance')
            and gross_kg is not null
            and calibrated_on is not null
            and cast(passed_at as date) >= calibrated_on
            and cast(passed_at as date) < calibrated_on + cast($calibration_valid_days as integer),
            false
        ) as evidence_ok,
        coalesce(excess > 0 and net_excess <= 0, false) as within_tolerance
    from fined
)

select * from final
