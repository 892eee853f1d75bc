-- wim_next_static: for each WIM passage, the next static (fixed-station) weighing of the same vehicle and whether it lies downstream (same road or near), with the record row ids the build joins on.
with candidates as (
    -- the passages at WIM and fixed stations: every record except the re-reads merged into another
    select
        w._rowid,
        w.rid as event_id,
        w.plate_key,
        s.kind = 'fixed' as is_fixed,
        w.station_id,
        w.passed_at
    from weigh_input w
    join staging.stations s on s.station_id = w.station_id
    anti join (select unnest(member_rowids) as _rowid from weigh_passage_keys) m
        on m._rowid = w._rowid
    where w.plate_key is not null
        and s.kind in ('wim', 'fixed')
),

next_fixed as (
    -- one sort; the station details are looked up afterwards for the few linked pairs
    select
        *,
        first_value(
            case when is_fixed then {
                'event_id': event_id,
                '_rowid': _rowid,
                'passed_at': passed_at,
                'station_id': station_id
            } end ignore nulls
        ) over (
            partition by plate_key
            order by passed_at, event_id
            rows between 1 following and unbounded following
        ) as nxt
    from candidates
),

linked as (
    select *
    from next_fixed
    where not is_fixed
        and nxt.event_id is not null
        and nxt.passed_at > passed_at
        and nxt.passed_at <= passed_at + to_minutes(cast($wim_static_link_min as bigint))
),

final as (
    select
        l.event_id as wim_event_id,
        l.nxt.event_id as static_event_id,
        l.plate_key,
        date_diff('second', l.passed_at, l.nxt.passed_at) / 60.0 as gap_min,
        f.road = w.road
            or 2 * 6371 * asin(sqrt(
                power(sin(radians(f.lat - w.lat) / 2), 2)
                + cos(radians(w.lat)) * cos(radians(f.lat))
                * power(sin(radians(f.lon - w.lon) / 2), 2)
            )) <= $wim_static_max_km as downstream,
        l._rowid as wim_rowid,
        l.nxt._rowid as static_rowid
    from linked l
    join staging.stations w on w.station_id = l.station_id
    join staging.stations f on f.station_id = l.nxt.station_id
)

select * from final
