-- weigh_event_keys: one key per event — a WIM passage followed by the fixed station downstream within the merge window is absorbed into the static event.
with absorbed as (
    select
        n.static_event_id,
        flatten(list(p.rids order by n.wim_event_id)) as wim_rids
    from facts.wim_next_static n
    join weigh_passage_keys p on p.event_id = n.wim_event_id
    where n.downstream and n.gap_min <= $wim_static_merge_min
    group by n.static_event_id
),

final as (
    select
        p._rowid,
        p.event_id,
        case when a.wim_rids is null then p.rids
            else list_sort(list_concat(p.rids, a.wim_rids)) end as rids
    from weigh_passage_keys p
    left join absorbed a on a.static_event_id = p.event_id
    anti join (
        select wim_event_id from facts.wim_next_static
        where downstream and gap_min <= $wim_static_merge_min
    ) m on m.wim_event_id = p.event_id
)

select * from final
