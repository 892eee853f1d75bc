-- wim_static_links: each WIM passage and the next static weighing of the same vehicle downstream (the label for the WIM screening model).
with links as (
    select * from facts.wim_next_static where downstream
),

wim as (
    select event_id, station_id, passed_at, gross_kg, over_limit, excess_pct
    from facts.weigh_events
    where station_kind = 'wim'
    union all
    select event_id, station_id, passed_at, gross_kg, over_limit, excess_pct
    from facts.weigh_absorbed_wim
),

final as (
    select
        l.wim_event_id,
        l.static_event_id,
        l.plate_key,
        w.passed_at as wim_passed_at,
        f.passed_at as static_passed_at,
        w.gross_kg as wim_gross_kg,
        f.gross_kg as static_gross_kg,
        w.over_limit as wim_over_limit,
        f.over_limit as static_over_limit,
        w.station_id as wim_station_id,
        f.station_id as static_station_id,
        w.excess_pct as wim_excess_pct,
        f.excess_pct as static_excess_pct,
        f.outcome as static_outcome,
        l.gap_min,
        l.gap_min <= $wim_static_merge_min as merged
    from links l
    join wim w on w.event_id = l.wim_event_id
    join facts.weigh_events f on f.event_id = l.static_event_id
)

select * from final
