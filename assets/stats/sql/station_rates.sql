-- over-limit share per weighing station vs the expected band per station kind (R43), with a Wilson 95 % interval
with passages as (
    select
        station_id,
        any_value(station_kind) as kind,
        any_value(station_province) as province,
        count(*) as n_passages,
        count(*) filter (where over_limit) as n_over_limit
    from facts.weigh_events
    where gross_kg is not null
        and passed_at < cast($as_of as date) + interval 1 day
    group by station_id
),

with_ci as (
    select
        *,
        n_over_limit * 1.0 / n_passages as rate,
        (n_over_limit * 1.0 / n_passages + 1.96 * 1.96 / (2 * n_passages))
        / (1 + 1.96 * 1.96 / n_passages) as centre,
        1.96 * sqrt(
            (n_over_limit * 1.0 / n_passages) * (1 - n_over_limit * 1.0 / n_passages) / n_passages
            + 1.96 * 1.96 / (4.0 * n_passages * n_passages)
        ) / (1 + 1.96 * 1.96 / n_passages) as half_width
    from passages
),

final as (
    select
        w.station_id,
        s.name as station_name,
        w.province,
        w.kind,
        s.road,
        w.n_passages,
        w.n_over_limit,
        w.rate,
        greatest(0.0, w.centre - w.half_width) as rate_ci_low,
        least(1.0, w.centre + w.half_width) as rate_ci_high,
        coalesce(k.expected_low, d.expected_low) as expected_low,
        coalesce(k.expected_high, d.expected_high) as expected_high,
        case
            when w.n_passages < $min_passages then 'insufficient'
            when least(1.0, w.centre + w.half_width) < coalesce(k.expected_low, d.expected_low) then 'low'
            when greatest(0.0, w.centre - w.half_width) > coalesce(k.expected_high, d.expected_high) then 'high'
            else 'normal'
        end as status
    from with_ci as w
    left join staging.stations as s on w.station_id = s.station_id
    left join stats.station_expected as k on w.kind = k.kind
    left join stats.station_expected as d on d.kind = '_default'
    order by w.province, w.station_id
)

select * from final
