"""SQL of the risk model: label events, the training population and the features.

Snapshots are taken at first-of-month cut-offs; features use only data strictly before the
cut-off (12 months), labels the first static weighing in [cut-off, + horizon). Counts are also
given per month of data inside their window (``*_per_month``): the store's history grows over
the first year, so a raw 12-month count at an early cut-off is not comparable with a later one.
"""

from __future__ import annotations

PRIOR_WEIGHT = 10.0  # shrinkage of per-vehicle rates: the population rate counts as 10 weighings
LOADED_SHARE = 0.6  # a legal weighing at ≥ 60 % of its limit counts as a loaded trip
NEAR_LIMIT_SHARE = 0.9  # ... and at ≥ 90 % of it, a load close to the limit
FEATURE_PARAMS = {
    "prior_weight": PRIOR_WEIGHT,
    "loaded_share": LOADED_SHARE,
    "near_limit_share": NEAR_LIMIT_SHARE,
}

EVIDENCE_TABLES = {
    # record-level pattern evidence the features count before each cut-off (empty when the
    # detector has not run, e.g. an isolated risk-model run)
    "bypass_legs": "plate_key varchar, a_rid varchar, a_at timestamp",
    "obscured_reads": "plate_key varchar, unread_rid varchar, unread_at timestamp",
}


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
    cut-off are summed, so the cost does not grow with the number of cut-offs. Rates are shrunk
    towards the population's rate over the same 12 months (a Beta prior worth $prior_weight
    weighings), so a vehicle weighed twice does not outrank one weighed fifty times. Pattern
    evidence enters as record-level counts before the cut-off (bypass legs, obscured reads,
    axle / registered-mass conflicts), never as findings computed over the whole period.
    Reads patterns.passages, patterns.model_population(plate_key, cutoff),
    patterns.bypass_legs, patterns.obscured_reads, the temp view vehicle_registration and
    staging.operators.
    """
    return """
    with pop as (select plate_key, cutoff from patterns.model_population),
    veh as (
        select plate_key, axle_count as reg_axle_count, total_mass_kg as reg_total_kg,
            coalesce(vehicle_type = 'tractor', false) as is_tractor,
            coalesce(plate_color = '黄', false) as yellow_plate, operator_uscc
        from vehicle_registration
    ),
    monthly as (
        select p.plate_key, cast(date_trunc('month', p.passed_at) as date) as m,
            count(*) as n_pass,
            count(p.gross_kg) as n_weighed,
            count(*) filter (where p.over_limit) as n_over,
            count(p.gross_kg) filter (where p.station_kind = 'fixed') as n_fixed,
            count(*) filter (where p.over_limit and p.station_kind = 'fixed') as n_fixed_over,
            count(p.gross_kg) filter (where p.station_kind in ('wim', 'toll_entrance')) as n_dyn,
            count(*) filter (where p.over_limit and p.station_kind in ('wim', 'toll_entrance'))
                as n_dyn_over,
            count(p.gross_kg) filter (where p.station_kind = 'source') as n_src,
            count(*) filter (where p.over_limit and p.station_kind = 'source') as n_src_over,
            count(*) filter (where hour(p.passed_at) >= 22 or hour(p.passed_at) < 5) as n_night,
            -- ratios are summed as exact decimals: a float sum depends on the (parallel)
            -- order of the rows, and the features and the model must not change between runs
            sum(cast(p.gross_kg / nullif(p.limit_kg, 0) as decimal(38, 12))) as sum_ratio,
            count(p.gross_kg / nullif(p.limit_kg, 0)) as n_ratio,
            -- how close to the limit it loads when legal (loaded: ≥ $loaded_share of the limit)
            sum(cast(p.gross_kg / p.limit_kg as decimal(38, 12))) filter (
                where not p.over_limit and p.limit_kg > 0
                and p.gross_kg >= $loaded_share * p.limit_kg) as sum_legal_ratio,
            count(*) filter (where not p.over_limit and p.limit_kg > 0
                and p.gross_kg >= $loaded_share * p.limit_kg) as n_legal_loaded,
            count(*) filter (where not p.over_limit and p.limit_kg > 0
                and p.gross_kg >= $near_limit_share * p.limit_kg) as n_legal_near,
            max(100.0 * (p.gross_kg - p.limit_kg) / nullif(p.limit_kg, 0)) as max_excess_pct,
            max(p.passed_at) filter (where p.over_limit) as last_over,
            -- registration conflicts seen on the scale (登记不符 / 大吨小标), record by record
            count(*) filter (where p.gross_kg is not null and p.axle_count is not null
                and v.reg_axle_count is not null and p.axle_count <> v.reg_axle_count)
                as n_axle_conflict,
            count(*) filter (where p.gross_kg > 1.1 * v.reg_total_kg) as n_over_registered
        from patterns.passages p
        left join veh v using (plate_key)
        where p.plate_key is not null
        group by all
    ),
    evasion_monthly as (
        select plate_key, cast(date_trunc('month', a_at) as date) as m,
            count(distinct a_rid) as n_bypass, 0 as n_obscured
        from patterns.bypass_legs group by all
        union all
        select plate_key, cast(date_trunc('month', unread_at) as date) as m,
            0 as n_bypass, count(*) as n_obscured
        from patterns.obscured_reads group by all
    ),
    cut as (select distinct cutoff from pop),
    span as (
        -- months of data inside each window: early cut-offs see a shorter history, so counts
        -- are also given per month observed (comparable across cut-offs)
        -- (whole months, rounded from days: a start a few minutes before a month adds none)
        select c.cutoff,
            greatest(1, least(12, round(date_diff('day', d.start_day, c.cutoff) / 30.4375)))
                as months_365,
            greatest(1, least(3, round(date_diff('day', d.start_day, c.cutoff) / 30.4375)))
                as months_90
        from cut c
        cross join (
            select cast(min(passed_at) as date) as start_day from patterns.passages
        ) d
    ),
    prior as (
        -- the population's rates over the same 12 months: the shrinkage target
        select c.cutoff,
            sum(m.n_over) / nullif(sum(m.n_weighed), 0) as over_rate,
            sum(m.n_fixed_over) / nullif(sum(m.n_fixed), 0) as fixed_rate,
            sum(m.n_dyn_over) / nullif(sum(m.n_dyn), 0) as dyn_rate,
            sum(m.n_src_over) / nullif(sum(m.n_src), 0) as src_rate,
            sum(m.n_night) / nullif(sum(m.n_pass), 0) as night_rate,
            sum(m.sum_legal_ratio) / nullif(sum(m.n_legal_loaded), 0) as legal_ratio,
            sum(m.n_legal_near) / nullif(sum(m.n_legal_loaded), 0) as near_rate
        from cut c
        join monthly m on m.m < c.cutoff and m.m >= c.cutoff - interval 12 month
        group by c.cutoff
    ),
    vh as (
        select p.plate_key, p.cutoff,
            sum(m.n_pass) as n_pass_365,
            sum(m.n_weighed) as n_weighed_365,
            sum(m.n_over) as n_over_365,
            coalesce(sum(m.n_over) filter (where m.m >= p.cutoff - interval 3 month), 0)
                as n_over_90,
            coalesce(sum(m.n_pass) filter (where m.m >= p.cutoff - interval 3 month), 0)
                as n_pass_90,
            coalesce(sum(m.n_dyn_over) filter (where m.m >= p.cutoff - interval 3 month), 0)
                as n_wim_over_90,
            sum(m.n_fixed) as n_static_365,
            sum(m.n_over) as k_over, sum(m.n_weighed) as n_w,
            sum(m.n_fixed_over) as k_fixed, sum(m.n_fixed) as n_fixed,
            sum(m.n_dyn_over) as k_dyn, sum(m.n_dyn) as n_dyn,
            sum(m.n_src_over) as k_src, sum(m.n_src) as n_src,
            sum(m.n_night) as k_night, sum(m.n_pass) as n_all,
            sum(m.sum_ratio) / nullif(sum(m.n_ratio), 0) as mean_load_ratio_365,
            sum(m.sum_legal_ratio) as sum_legal_ratio, sum(m.n_legal_loaded) as n_legal_loaded,
            sum(m.n_legal_near) as n_legal_near,
            max(m.max_excess_pct) as max_excess_pct_365,
            date_diff('day', max(m.last_over), p.cutoff) as days_since_over,
            sum(m.n_axle_conflict) as n_axle_conflict_365,
            sum(m.n_over_registered) as n_over_registered_365
        from pop p
        join monthly m on m.plate_key = p.plate_key
            and m.m < p.cutoff and m.m >= p.cutoff - interval 12 month
        group by p.plate_key, p.cutoff
    ),
    ev as (
        select p.plate_key, p.cutoff, sum(e.n_bypass) as n_bypass_365,
            sum(e.n_obscured) as n_obscured_365
        from pop p
        join evasion_monthly e on e.plate_key = p.plate_key
            and e.m < p.cutoff and e.m >= p.cutoff - interval 12 month
        group by p.plate_key, p.cutoff
    ),
    op_monthly as (
        select v.operator_uscc, m.m, sum(m.n_over) as n_over, sum(m.n_weighed) as n_weighed
        from monthly m join veh v using (plate_key)
        where v.operator_uscc is not null
        group by all
    ),
    op_rate as (
        select o.operator_uscc, c.cutoff, sum(o.n_over) as k, sum(o.n_weighed) as n
        from cut c
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
        select s.station_id, c.cutoff, sum(s.n_over) as k, sum(s.n_weighed) as n
        from cut c
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
        select p.plate_key, p.cutoff,
            sum(cast(
                l.n * (s.k + $prior_weight * pr.src_rate) / (s.n + $prior_weight)
                as decimal(38, 12)
            )) / sum(l.n) as source_over_rate
        from pop p
        join veh_src_monthly l on l.plate_key = p.plate_key
            and l.m < p.cutoff and l.m >= p.cutoff - interval 12 month
        join src_rate s on s.station_id = l.station_id and s.cutoff = p.cutoff
        join prior pr on pr.cutoff = p.cutoff
        group by p.plate_key, p.cutoff
    ),
    final as (
        select p.plate_key, p.cutoff,
            sp.months_365 as history_months,
            coalesce(vh.n_weighed_365, 0) / sp.months_365 as weighed_per_month,
            coalesce(vh.n_over_365, 0) / sp.months_365 as over_per_month,
            coalesce(vh.n_static_365, 0) / sp.months_365 as static_per_month,
            coalesce(vh.n_axle_conflict_365, 0) / sp.months_365 as axle_conflict_per_month,
            coalesce(vh.n_over_registered_365, 0) / sp.months_365 as over_registered_per_month,
            coalesce(ev.n_bypass_365, 0) / sp.months_365 as bypass_per_month,
            coalesce(ev.n_obscured_365, 0) / sp.months_365 as obscured_per_month,
            coalesce(vh.n_over_90, 0) / sp.months_90 as over_per_month_90,
            coalesce(vh.n_pass_90, 0) / sp.months_90 as pass_per_month_90,
            coalesce(vh.n_wim_over_90, 0) / sp.months_90 as wim_over_per_month_90,
            coalesce(vh.n_weighed_365, 0) as n_weighed_365,
            coalesce(vh.n_over_365, 0) as n_over_365,
            coalesce(vh.n_over_90, 0) as n_over_90,
            coalesce(vh.n_pass_90, 0) as n_pass_90,
            coalesce(vh.n_wim_over_90, 0) as n_wim_over_90,
            coalesce(vh.n_static_365, 0) as n_static_365,
            (coalesce(vh.k_over, 0) + $prior_weight * coalesce(pr.over_rate, 0))
                / (coalesce(vh.n_w, 0) + $prior_weight) as over_rate_365,
            (coalesce(vh.k_fixed, 0) + $prior_weight * coalesce(pr.fixed_rate, 0))
                / (coalesce(vh.n_fixed, 0) + $prior_weight) as static_over_rate_365,
            (coalesce(vh.k_dyn, 0) + $prior_weight * coalesce(pr.dyn_rate, 0))
                / (coalesce(vh.n_dyn, 0) + $prior_weight) as wim_over_rate_365,
            (coalesce(vh.k_src, 0) + $prior_weight * coalesce(pr.src_rate, 0))
                / (coalesce(vh.n_src, 0) + $prior_weight) as source_exit_over_rate_365,
            (coalesce(vh.k_night, 0) + $prior_weight * coalesce(pr.night_rate, 0))
                / (coalesce(vh.n_all, 0) + $prior_weight) as night_share_365,
            coalesce(vh.mean_load_ratio_365, 0) as mean_load_ratio_365,
            (coalesce(vh.sum_legal_ratio, 0) + $prior_weight * coalesce(pr.legal_ratio, 0))
                / (coalesce(vh.n_legal_loaded, 0) + $prior_weight) as legal_load_ratio_365,
            (coalesce(vh.n_legal_near, 0) + $prior_weight * coalesce(pr.near_rate, 0))
                / (coalesce(vh.n_legal_loaded, 0) + $prior_weight) as near_limit_share_365,
            coalesce(vh.max_excess_pct_365, 0) as max_excess_pct_365,
            coalesce(vh.days_since_over, 400) as days_since_over,
            coalesce(vh.n_axle_conflict_365, 0) as n_axle_conflict_365,
            coalesce(vh.n_over_registered_365, 0) as n_over_registered_365,
            coalesce(ev.n_bypass_365, 0) as n_bypass_365,
            coalesce(ev.n_obscured_365, 0) as n_obscured_365,
            coalesce(veh.reg_axle_count, 0) as reg_axle_count,
            cast(coalesce(veh.is_tractor, false) as integer) as is_tractor,
            cast(coalesce(veh.yellow_plate, false) as integer) as yellow_plate,
            (coalesce(o.k, 0) + $prior_weight * coalesce(pr.over_rate, 0))
                / (coalesce(o.n, 0) + $prior_weight) as operator_over_rate,
            coalesce(ops.fleet_size, 0) as operator_fleet_size,
            coalesce(vs.source_over_rate, pr.src_rate, 0) as source_over_rate
        from pop p
        left join prior pr on pr.cutoff = p.cutoff
        left join span sp on sp.cutoff = p.cutoff
        left join vh on vh.plate_key = p.plate_key and vh.cutoff = p.cutoff
        left join ev on ev.plate_key = p.plate_key and ev.cutoff = p.cutoff
        left join veh on veh.plate_key = p.plate_key
        left join op_rate o on o.operator_uscc = veh.operator_uscc and o.cutoff = p.cutoff
        left join ops on ops.uscc = veh.operator_uscc
        left join veh_src vs on vs.plate_key = p.plate_key and vs.cutoff = p.cutoff
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
