-- weigh_passage_keys: passages at one station — re-reads of the same vehicle within minutes merged, primary = heaviest reading — as narrow keys (rids only for merged passages).
with keys as (
    select _rowid, rid, plate_key, station_id, passed_at, gross_kg
    from weigh_input
),

edges as (
    select
        *,
        plate_key is null
            or lag(passed_at) over w is null
            or passed_at - lag(passed_at) over w
                > to_minutes(cast($same_station_merge_min as bigint)) as is_new,
        plate_key is null
            or lead(passed_at) over w is null
            or lead(passed_at) over w - passed_at
                > to_minutes(cast($same_station_merge_min as bigint)) as next_is_new
    from keys
    window w as (partition by plate_key, station_id order by passed_at, rid)
),

singles as (
    select
        _rowid, rid as event_id, cast(null as varchar[]) as rids, plate_key, station_id, passed_at
    from edges
    where is_new and next_is_new
),

multi as (
    -- the few records that share a passage with another read
    select
        *,
        sum(case when is_new then 1 else 0 end) over (
            partition by plate_key, station_id
            order by passed_at, rid
            rows between unbounded preceding and current row
        ) as grp
    from edges
    where not (is_new and next_is_new)
),

multi_lists as (
    select plate_key, station_id, grp, list(rid order by passed_at, rid) as rids
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

merged as (
    select p._rowid, p.rid as event_id, l.rids, p.plate_key, p.station_id, p.passed_at
    from multi_primary p
    join multi_lists l
        on l.plate_key = p.plate_key and l.station_id = p.station_id and l.grp = p.grp
),

final as (
    select
        a.*,
        coalesce(s.kind, 'unknown') as station_kind,
        s.road,
        s.lon,
        s.lat
    from (select * from singles union all select * from merged) a
    left join staging.stations s on s.station_id = a.station_id
)

select * from final
