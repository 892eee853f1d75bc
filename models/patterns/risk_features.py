"""SQL of the risk model: label events, the training population and the features.

Snapshots are taken at first-of-month cut-offs; features use only data strictly before the
cut-off (12 months), labels the first static weighing in [cut-off, + horizon).
"""

from __future__ import annotations


def label_events_sql(*, use_links: bool) -> str:
    """Static weighings that serve as labels: (plate_key, static_rid, at, over_limit)."""
    if use_links:
        return """
        select l.plate_key, l.static_event_id as static_rid, l.static_passed_at as at,
            coalesce(l.static_over_limit, false) as over_limit
        from facts.wim_static_links l
        """
    return """
    with dyn as (
        select plate_key, rid, passed_at from patterns.passages
        where plate_readable and station_kind in ('wim', 'toll_entrance')
    ),
    stat as (
        select plate_key, rid, passed_at, over_limit from patterns.passages
        where plate_readable and station_kind = 'fixed' and gross_kg is not null
    ),
    linked as (
        select s.plate_key, s.rid as static_rid, s.passed_at as at, s.over_limit
        from stat s
        where exists (
            select 1 from dyn d where d.plate_key = s.plate_key
              and d.passed_at < s.passed_at and d.passed_at >= s.passed_at - interval 3 hour
        )
    )
    select * from linked
    """


def features_sql() -> str:
    """Features per (plate_key, cutoff) from data strictly before the first-of-month cut-off.

    Monthly aggregates first (one row per vehicle and month), then the 12 months before each
    cut-off are summed, so the cost does not grow with the number of cut-offs. Reads
    patterns.passages, patterns.model_population(plate_key, cutoff), patterns.pattern_flags,
    staging.vehicles/operators/loadings.
    """
    return """
    with pop as (select plate_key, cutoff from patterns.model_population),
    monthly as (
        select plate_key, cast(date_trunc('month', passed_at) as date) as m,
            count(*) as n_pass,
            count(gross_kg) as n_weighed,
            count(*) filter (where over_limit) as n_over,
            count(gross_kg) filter (where station_kind = 'fixed') as n_fixed,
            count(*) filter (where over_limit and station_kind = 'fixed') as n_fixed_over,
            count(gross_kg) filter (where station_kind in ('wim', 'toll_entrance')) as n_dyn,
            count(*) filter (where over_limit and station_kind in ('wim', 'toll_entrance'))
                as n_dyn_over,
            count(gross_kg) filter (where station_kind = 'source') as n_src,
            count(*) filter (where over_limit and station_kind = 'source') as n_src_over,
            sum(gross_kg / nullif(limit_kg, 0)) as sum_ratio,
            count(gross_kg / nullif(limit_kg, 0)) as n_ratio,
            max(100.0 * (gross_kg - limit_kg) / nullif(limit_kg, 0)) as max_excess_pct,
            max(passed_at) filter (where over_limit) as last_over,
            -- loading habit on legal loaded weighings: share loaded close to the limit
            count(*) filter (where not coalesce(over_limit, false)
                and gross_kg >= 0.7 * limit_kg and gross_kg <= limit_kg) as n_legal_loaded,
            count(*) filter (where not coalesce(over_limit, false)
                and gross_kg >= 0.94 * limit_kg and gross_kg <= limit_kg) as n_near_limit
        from patterns.passages
        where plate_key is not null
        group by all
    ),
    vh as (
        select p.plate_key, p.cutoff,
            sum(m.n_pass) as n_pass_365,
            sum(m.n_weighed) as n_weighed_365,
            sum(m.n_over) as n_over_365,
            sum(m.n_over) filter (where m.m >= p.cutoff - interval 3 month) as n_over_90,
            sum(m.n_over) filter (where m.m >= p.cutoff - interval 1 month) as n_over_30,
            sum(m.n_over) filter (where m.m >= p.cutoff - interval 6 month) as n_over_180,
            sum(m.n_fixed_over) as n_static_over_365,
            sum(m.n_fixed_over) filter (where m.m >= p.cutoff - interval 3 month)
                as n_static_over_90,
            sum(m.n_dyn_over) as n_wim_over_365,
            sum(m.n_dyn_over) filter (where m.m >= p.cutoff - interval 3 month) as n_wim_over_90,
            sum(m.n_fixed) as n_static_365,
            sum(m.n_dyn) as n_wim_365,
            sum(m.n_pass) filter (where m.m >= p.cutoff - interval 3 month) as n_pass_90,
            sum(m.n_near_limit) as n_near_limit_365,
            (sum(m.n_near_limit) + 0.1) / (sum(m.n_legal_loaded) + 2.0) as near_limit_share_365,
            (sum(m.n_over) + 0.1) / (sum(m.n_weighed) + 2.0) as over_rate_365,
            (sum(m.n_fixed_over) + 0.1) / (sum(m.n_fixed) + 2.0) as static_over_rate_365,
            (sum(m.n_dyn_over) + 0.1) / (sum(m.n_dyn) + 2.0) as wim_over_rate_365,
            (sum(m.n_src_over) + 0.1) / (sum(m.n_src) + 2.0) as source_exit_over_rate_365,
            sum(m.sum_ratio) / nullif(sum(m.n_ratio), 0) as mean_load_ratio_365,
            max(m.max_excess_pct) as max_excess_pct_365,
            date_diff('day', max(m.last_over), p.cutoff) as days_since_over
        from pop p
        join monthly m on m.plate_key = p.plate_key
            and m.m < p.cutoff and m.m >= p.cutoff - interval 12 month
        group by p.plate_key, p.cutoff
    ),
    veh as (
        select plate_key, any_value(axle_count) as reg_axle_count,
            bool_or(vehicle_type = 'tractor') as is_tractor,
            bool_or(plate_color = '黄') as yellow_plate,
            any_value(operator_uscc) as operator_uscc
        from staging.vehicles where plate_key is not null group by plate_key
    ),
    op_monthly as (
        select v.operator_uscc, m.m, sum(m.n_over) as n_over, sum(m.n_weighed) as n_weighed
        from monthly m join veh v using (plate_key)
        where v.operator_uscc is not null
        group by all
    ),
    op_rate as (
        select o.operator_uscc, c.cutoff,
            (sum(o.n_over) + 0.1) / (sum(o.n_weighed) + 2.0) as operator_over_rate
        from (select distinct cutoff from pop) c
        join op_monthly o on o.m < c.cutoff and o.m >= c.cutoff - interval 12 month
        group by all
    ),
    ops as (
        select uscc, max(fleet_size) as fleet_size from staging.operators group by uscc
    ),
    src_monthly as (
        -- source units' own exit weighbridges (出场称重): over-limit share of departures
        select station_id, cast(date_trunc('month', passed_at) as date) as m,
            count(*) filter (where over_limit) as n_over, count(gross_kg) as n_weighed
        from patterns.passages where station_kind = 'source'
        group by all
    ),
    src_rate as (
        select s.station_id, c.cutoff,
            (sum(s.n_over) + 0.1) / (sum(s.n_weighed) + 2.0) as rate
        from (select distinct cutoff from pop) c
        join src_monthly s on s.m < c.cutoff and s.m >= c.cutoff - interval 12 month
        group by all
    ),
    veh_src_monthly as (
        select plate_key, station_id, cast(date_trunc('month', passed_at) as date) as m,
            count(*) as n
        from patterns.passages
        where station_kind = 'source' and plate_key is not null
        group by all
    ),
    veh_src as (
        select p.plate_key, p.cutoff, sum(l.n * s.rate) / sum(l.n) as source_over_rate
        from pop p
        join veh_src_monthly l on l.plate_key = p.plate_key
            and l.m < p.cutoff and l.m >= p.cutoff - interval 12 month
        join src_rate s on s.station_id = l.station_id and s.cutoff = p.cutoff
        group by p.plate_key, p.cutoff
    ),
    final as (
        select p.plate_key, p.cutoff,
            coalesce(vh.n_pass_365, 0) as n_pass_365,
            coalesce(vh.n_weighed_365, 0) as n_weighed_365,
            coalesce(vh.n_over_365, 0) as n_over_365,
            coalesce(vh.n_over_90, 0) as n_over_90,
            coalesce(vh.n_over_30, 0) as n_over_30,
            coalesce(vh.n_over_180, 0) as n_over_180,
            coalesce(vh.n_static_over_365, 0) as n_static_over_365,
            coalesce(vh.n_static_over_90, 0) as n_static_over_90,
            coalesce(vh.n_wim_over_365, 0) as n_wim_over_365,
            coalesce(vh.n_wim_over_90, 0) as n_wim_over_90,
            coalesce(vh.n_static_365, 0) as n_static_365,
            coalesce(vh.n_wim_365, 0) as n_wim_365,
            coalesce(vh.n_pass_90, 0) as n_pass_90,
            coalesce(vh.n_near_limit_365, 0) as n_near_limit_365,
            coalesce(vh.near_limit_share_365, 0.05) as near_limit_share_365,
            coalesce(vh.over_rate_365, 0.05) as over_rate_365,
            coalesce(vh.static_over_rate_365, 0.05) as static_over_rate_365,
            coalesce(vh.wim_over_rate_365, 0.05) as wim_over_rate_365,
            coalesce(vh.source_exit_over_rate_365, 0.05) as source_exit_over_rate_365,
            coalesce(vh.mean_load_ratio_365, 0) as mean_load_ratio_365,
            coalesce(vh.max_excess_pct_365, 0) as max_excess_pct_365,
            coalesce(vh.days_since_over, 400) as days_since_over,
            coalesce(veh.reg_axle_count, 0) as reg_axle_count,
            cast(coalesce(veh.is_tractor, false) as integer) as is_tractor,
            cast(coalesce(veh.yellow_plate, false) as integer) as yellow_plate,
            coalesce(o.operator_over_rate, 0.05) as operator_over_rate,
            coalesce(ops.fleet_size, 0) as operator_fleet_size,
            coalesce(vs.source_over_rate, 0.05) as source_over_rate,
            coalesce(pf.n_flags, 0) as pattern_flags
        from pop p
        left join vh on vh.plate_key = p.plate_key and vh.cutoff = p.cutoff
        left join veh on veh.plate_key = p.plate_key
        left join op_rate o on o.operator_uscc = veh.operator_uscc and o.cutoff = p.cutoff
        left join ops on ops.uscc = veh.operator_uscc
        left join veh_src vs on vs.plate_key = p.plate_key and vs.cutoff = p.cutoff
        left join patterns.pattern_flags pf on pf.plate_key = p.plate_key
    )
    select * from final
    """


def population_sql() -> str:
    """Training/test rows: per cut-off, vehicles with a label event in [cutoff, +$horizon_days);
    the label is the verdict of the first such event. Reads patterns.model_cutoffs and
    patterns.label_events."""
    return """
    with firsts as (
        select c.cutoff, e.plate_key, arg_min(e.over_limit, e.at) as label,
            min(e.at) as label_at
        from patterns.model_cutoffs c
        join patterns.label_events e on e.at >= c.cutoff
            and e.at < c.cutoff + to_days(cast($horizon_days as integer))
        where e.plate_key is not null
        group by c.cutoff, e.plate_key
    )
    select * from firsts
    """
