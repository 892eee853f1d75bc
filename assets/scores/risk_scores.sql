-- risk_scores: severity × time weight ÷ exposure per entity, empirical-Bayes (beta-binomial) shrinkage towards its peer group, sufficiency status; interval bounds are filled in afterwards.
with violations as (
    select
        entity_kind,
        entity_key,
        count(*) as violation_units,
        -- exact (decimal) sum: the same points whatever order the threads add the units in
        cast(sum(cast(severity * time_weight as decimal(38, 12))) as double) as weighted_points,
        max(unit_at) as last_violation_at
    from risk_units
    group by entity_kind, entity_key
),

per_entity as (
    -- risk_units holds the violation units (severity > 0); every other exposure unit is clean
    select
        x.entity_kind,
        x.entity_key,
        x.exposure_units,
        coalesce(v.violation_units, 0) as violation_units,
        x.exposure_units - coalesce(v.violation_units, 0) as clean_units,
        coalesce(v.weighted_points, 0.0) as weighted_points,
        v.last_violation_at
    from risk_exposure x
    left join violations v on v.entity_kind = x.entity_kind and v.entity_key = x.entity_key
),

vehicles as (
    select plate_key, vehicle_type, axle_count
    from staging.vehicles
    where plate_key is not null
    qualify row_number() over (partition by plate_key order by (status = 'active') desc) = 1
),

fleets as (
    select operator_uscc, count(distinct plate_key) filter (where status = 'active') as fleet
    from staging.vehicles
    where operator_uscc is not null
    group by operator_uscc
),

sources as (
    select source_id, any_value(kind) as kind from staging.sources group by source_id
),

grouped as (
    select
        p.*,
        case p.entity_kind
            when 'vehicle' then case v.vehicle_type
                when 'truck' then '货车' when 'tractor' then '牵引车' when 'trailer' then '挂车'
                when 'hazmat' then '危险货物运输车' when 'coach_route' then '班线客车'
                when 'coach_charter' then '旅游包车' else coalesce(v.vehicle_type, '未登记车辆') end
            when 'driver' then '驾驶人'
            when 'operator' then case
                when coalesce(f.fleet, 0) <= 5 then '车队1-5辆'
                when f.fleet <= 20 then '车队6-20辆'
                when f.fleet <= 100 then '车队21-100辆'
                else '车队100辆以上' end
            when 'source' then case s.kind
                when 'mine' then '矿山' when 'quarry' then '砂石场' when 'port' then '港口'
                when 'logistics' then '物流园区' when 'factory' then '工厂' when 'freight_station' then '货运站'
                else coalesce(s.kind, '类型不详') end
        end as peer_group,
        f.fleet,
        p.exposure_units >= case p.entity_kind
            when 'vehicle' then $min_vehicle when 'driver' then $min_driver
            when 'operator' then $min_operator else $min_source end as sufficient,
        p.weighted_points / p.exposure_units as raw_rate
    from per_entity p
    left join vehicles v on p.entity_kind = 'vehicle' and v.plate_key = p.entity_key
    left join fleets f on p.entity_kind = 'operator' and f.operator_uscc = p.entity_key
    left join sources s on p.entity_kind = 'source' and s.source_id = p.entity_key
),

group_stats as (
    -- method of moments: between-entity variance of rates minus expected sampling variance
    select
        entity_kind,
        peer_group,
        count(*) filter (where sufficient) as n_sufficient,
        sum(weighted_points) / sum(exposure_units) as pooled_rate,
        var_samp(raw_rate) filter (where sufficient) as var_rates,
        avg(1.0 / exposure_units) filter (where sufficient) as mean_inv_n
    from grouped
    group by entity_kind, peer_group
),

kind_stats as (
    select
        entity_kind,
        sum(weighted_points) / sum(exposure_units) as pooled_rate,
        var_samp(raw_rate) filter (where sufficient) as var_rates,
        avg(1.0 / exposure_units) filter (where sufficient) as mean_inv_n
    from grouped
    group by entity_kind
),

priors as (
    select
        g.entity_kind,
        g.peer_group,
        case when g.n_sufficient >= $min_group then g.pooled_rate else k.pooled_rate end as m_raw,
        case when g.n_sufficient >= $min_group then g.var_rates else k.var_rates end as var_rates,
        case when g.n_sufficient >= $min_group then g.mean_inv_n else k.mean_inv_n end as mean_inv_n
    from group_stats g
    join kind_stats k on k.entity_kind = g.entity_kind
),

priors2 as (
    select
        entity_kind,
        peer_group,
        least(greatest(m_raw, 0.0001), 0.9999) as prior_mean,
        var_rates,
        mean_inv_n
    from priors
),

priors3 as (
    select
        entity_kind,
        peer_group,
        prior_mean,
        least(greatest(coalesce(
            prior_mean * (1 - prior_mean)
                / nullif(greatest(var_rates - prior_mean * (1 - prior_mean) * mean_inv_n, 0), 0) - 1,
            $kappa_max
        ), $kappa_min), $kappa_max) as prior_strength
    from priors2
),

final as (
    select
        g.entity_kind,
        g.entity_key,
        g.peer_group,
        g.fleet,
        g.exposure_units,
        g.violation_units,
        g.clean_units,
        g.weighted_points,
        g.raw_rate,
        g.last_violation_at,
        g.sufficient,
        p.prior_mean,
        p.prior_strength,
        p.prior_mean * p.prior_strength + g.weighted_points as alpha,
        (1 - p.prior_mean) * p.prior_strength + g.exposure_units - g.weighted_points as beta,
        (p.prior_mean * p.prior_strength + g.weighted_points) / (p.prior_strength + g.exposure_units)
            as posterior_mean
    from grouped g
    join priors3 p on p.entity_kind = g.entity_kind and p.peer_group = g.peer_group
)

select * from final
