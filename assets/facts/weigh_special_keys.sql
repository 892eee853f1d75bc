-- weigh_special_keys: the few records whose passage is not simply itself — re-reads merged into a passage (member), WIM passages absorbed into the static event just after them (absorbed) and events whose record list grows (event).
with absorbed as (
    select wim_event_id, static_event_id
    from wim_next_static_run
    where downstream and gap_min <= $wim_static_merge_min
),

absorbing as (
    select
        a.static_event_id,
        flatten(list(coalesce(p.rids, [p.event_id]))) as wim_rids  -- sorted in events below
    from absorbed a
    join weigh_passage_keys p on p.event_id = a.wim_event_id
    group by a.static_event_id
),

members as (
    select w._rowid, 'member' as role, cast(null as varchar) as absorbed_into,
        cast(null as varchar[]) as rids
    from (
        select event_id, unnest(rids) as rid from weigh_passage_keys where rids is not null
    ) m
    join weigh_input w on w.rid = m.rid
    where m.rid <> m.event_id
),

absorbed_wim as (
    select p._rowid, 'absorbed' as role, a.static_event_id as absorbed_into,
        coalesce(p.rids, [p.event_id]) as rids
    from absorbed a
    join weigh_passage_keys p on p.event_id = a.wim_event_id
),

events as (
    select
        p._rowid,
        'event' as role,
        cast(null as varchar) as absorbed_into,
        case when b.wim_rids is null then p.rids
            else list_sort(list_concat(coalesce(p.rids, [p.event_id]), b.wim_rids)) end as rids
    from weigh_passage_keys p
    left join absorbing b on b.static_event_id = p.event_id
    anti join absorbed a on a.wim_event_id = p.event_id
    where p.rids is not null or b.static_event_id is not null
)

select * from members
union all
select * from absorbed_wim
union all
select * from events
