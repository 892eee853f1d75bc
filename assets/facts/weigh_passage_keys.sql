-- weigh_passage_keys: the merged passages — re-reads of the same vehicle at one station within minutes, primary = heaviest reading — as narrow keys; every other record is a passage of its own.
with edges as (
    -- one sort of the narrowest keys (row id only as payload); unreadable plates are never
    -- merged, so they stay out of it. No tie-breaker: reads at the same instant always share a
    -- passage, whichever of them comes first (the group numbers below count them together).
    select _rowid, is_new
    from (
        select
            _rowid,
            lag(passed_at) over w is null
                or passed_at - lag(passed_at) over w
                    > to_minutes(cast($same_station_merge_min as bigint)) as is_new,
            lead(passed_at) over w is null
                or lead(passed_at) over w - passed_at
                    > to_minutes(cast($same_station_merge_min as bigint)) as next_is_new
        from weigh_input
        where plate_key is not null
        window w as (partition by plate_key, station_id order by passed_at)
    )
    where not (is_new and next_is_new)
),

multi as (
    -- the few records that share a passage with another read
    select
        w._rowid,
        w.rid,
        w.plate_key,
        w.station_id,
        w.passed_at,
        w.gross_kg,
        sum(case when e.is_new then 1 else 0 end) over (
            partition by w.plate_key, w.station_id
            order by w.passed_at
            range between unbounded preceding and current row
        ) as grp
    from edges e
    join weigh_input w on w._rowid = e._rowid
),

multi_lists as (
    select
        plate_key,
        station_id,
        grp,
        list(rid order by passed_at, rid) as rids,
        list(_rowid) as rowids
    from multi
    group by plate_key, station_id, grp
),

multi_primary as (
    select _rowid, rid, plate_key, station_id, passed_at, grp
    from multi
    qualify row_number() over (
        partition by plate_key, station_id, grp
        order by gross_kg desc nulls last, passed_at, rid
    ) = 1
),

final as (
    select
        p._rowid,
        p.rid as event_id,
        l.rids,
        list_filter(l.rowids, lambda x: x <> p._rowid) as member_rowids,
        p.plate_key,
        p.station_id,
        p.passed_at
    from multi_primary p
    join multi_lists l
        on l.plate_key = p.plate_key and l.station_id = p.station_id and l.grp = p.grp
)

select * from final
