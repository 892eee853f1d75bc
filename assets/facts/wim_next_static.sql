-- wim_next_static: for each WIM passage, the next static (fixed-station) weighing of the same vehicle and whether it lies downstream (same road or near).
with candidates as (
    select
        event_id,
        plate_key,
        station_kind,
        station_id,
        passed_at,
        road,
        lon,
        lat
    from weigh_passage_keys
    where plate_key is not null
        and station_kind in ('wim', 'fixed')
),

next_fixed as (
    select
        *,
        first_value(case when station_kind = 'fixed' then event_id end ignore nulls) over after
            as fixed_event_id,
        first_value(case when station_kind = 'fixed' then passed_at end ignore nulls) over after
            as fixed_passed_at,
        first_value(case when station_kind = 'fixed' then road end ignore nulls) over after
            as fixed_road,
        first_value(case when station_kind = 'fixed' then lon end ignore nulls) over after
            as fixed_lon,
        first_value(case when station_kind = 'fixed' then lat end ignore nulls) over after
            as fixed_lat
    from candidates
    window after as (
        partition by plate_key
        order by passed_at, event_id
        rows between 1 following and unbounded following
    )
),

final as (
    select
        event_id as wim_event_id,
        fixed_event_id as static_event_id,
        plate_key,
        date_diff('second', passed_at, fixed_passed_at) / 60.0 as gap_min,
        fixed_road = road
            or 2 * 6371 * asin(sqrt(
                power(sin(radians(fixed_lat - lat) / 2), 2)
                + cos(radians(lat)) * cos(radians(fixed_lat))
                * power(sin(radians(fixed_lon - lon) / 2), 2)
            )) <= $wim_static_max_km as downstream
    from next_fixed
    where station_kind = 'wim'
        and fixed_event_id is not null
        and fixed_passed_at > passed_at
        and fixed_passed_at <= passed_at + to_minutes(cast($wim_static_link_min as bigint))
)

select * from final
