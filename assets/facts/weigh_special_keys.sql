-- weigh_special_keys: the few records whose passage is not simply itself — re-reads merged into a passage (member), WIM passages absorbed into the static event just after them (absorbed) and events whose record list grows (event).
with absorbed as (
    select
        a.wim_event_id,
        a.wim_rowid,
        a.static_event_id,
        a.static_rowid,
        coalesce(m.rids, [a.wim_event_id]) as wim_rids
    from wim_next_static_run a
    left join weigh_passage_keys m on m._rowid = a.wim_rowid
    where a.downstream and a.gap_min <= $wim_static_merge_min
),

absorbing as (
    select
        static_rowid,
        any_value(static_event_id) as static_event_id,
        flatten(list(wim_rids)) as wim_rids  -- sorted in events below
    from absorbed
    group by static_rowid
),

members as (
    select
        unnest(member_rowids) as _rowid,
        'member' as role,
        cast(null as varchar) as absorbed_into,
        cast(null as varchar[]) as rids
    from weigh_passage_keys
),

absorbed_wim as (
    select wim_rowid as _rowid, 'absorbed' as role, static_event_id as absorbed_into,
        wim_rids as rids
    from absorbed
),

merged as (
    -- merged passages that are not themselves absorbed
    select m._rowid, m.rids
    from weigh_passage_keys m
    anti join absorbed a on a.wim_rowid = m._rowid
),

events as (
    select
        coalesce(b.static_rowid, m._rowid) as _rowid,
        'event' as role,
        cast(null as varchar) as absorbed_into,
        case when b.wim_rids is null then m.rids
            else list_sort(list_concat(coalesce(m.rids, [b.static_event_id]), b.wim_rids)) end
            as rids
    from merged m
    full join absorbing b on b.static_rowid = m._rowid
)

select * from members
union all
select * from absorbed_wim
union all
select * from events
