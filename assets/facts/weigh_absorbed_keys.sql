-- weigh_absorbed_keys: the WIM passages merged into a static event, kept (assessed on their own) for the WIM→static links.
select p._rowid, p.event_id, p.rids
from weigh_passage_keys p
semi join (
    select wim_event_id from facts.wim_next_static
    where downstream and gap_min <= $wim_static_merge_min
) m on m.wim_event_id = p.event_id
