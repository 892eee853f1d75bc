-- source_overloading_base: departures of each source unit in the window, how many left over the limit (linked weighing or the source's own exit scale), ranked by shrunk share and volume (R15).
with departures as (
    select
        l.rid,
        l.waybill_id,
        l.source_id,
        l.plate_key,
        l.loaded_at,
        l.measured_gross_kg,
        l._province
    from staging.loadings l
    where l.source_id is not null
        and cast(l.loaded_at as date) > cast($as_of as date) - to_months(cast($window_months as integer))
        and cast(l.loaded_at as date) <= cast($as_of as date)
),

linked as (
    select
        waybill_id,
        bool_or(over_limit) as weighed_over,
        list(event_id order by event_id) as event_ids,
        flatten(list(rids order by event_id)) as weigh_rids
    from facts.weigh_events
    where waybill_id is not null
    group by waybill_id
),

vehicles as (
    select plate_key, axle_count, vehicle_type in ('tractor') as is_combination
    from staging.vehicles
    where plate_key is not null
    qualify row_number() over (partition by plate_key order by (status = 'active') desc) = 1
),

exit_limit as (
    select
        d.rid,
        min(g.limit_kg) as exit_limit_kg
    from departures d
    join vehicles v on v.plate_key = d.plate_key
    join facts.rule_gvw_limits g
        on v.axle_count between g.axles_min and g.axles_max
        and (g.combination is null or g.combination = v.is_combination)
        and g.single_drive_axle is null
        and g.province is null
    group by d.rid
),

judged as (
    select
        d.*,
        k.weighed_over,
        k.weigh_rids,
        e.exit_limit_kg,
        coalesce(k.weighed_over, false)
            or coalesce(d.measured_gross_kg > e.exit_limit_kg * (1 + $source_tol_pct / 100.0), false)
            as overloaded
    from departures d
    left join linked k on k.waybill_id = d.waybill_id
    left join exit_limit e on e.rid = d.rid
),

per_source as (
    select
        source_id,
        count(*) as departures,
        count(*) filter (where overloaded) as overloaded_departures,
        count(distinct plate_key) filter (where overloaded) as overloaded_vehicles,
        list(rid order by loaded_at) filter (where overloaded) as overloaded_rids,
        flatten(list(coalesce(weigh_rids, []) order by loaded_at) filter (where overloaded))
            as weigh_rids,
        list_sort(list_distinct(list(_province))) as origin_provinces,
        min(loaded_at) filter (where overloaded) as first_evidence_at,
        max(loaded_at) filter (where overloaded) as last_evidence_at
    from judged
    group by source_id
),

prior as (
    select
        sum(overloaded_departures) * 1.0 / nullif(sum(departures), 0) as prior_share
    from per_source
),

sources as (
    select *
    from staging.sources
    qualify row_number() over (partition by source_id order by _province) = 1
),

final as (
    select
        p.source_id,
        s.name as source_name,
        s.kind as source_kind,
        s.province_code as source_province,
        s.key_source,
        p.departures,
        p.overloaded_departures,
        p.overloaded_vehicles,
        p.overloaded_departures * 1.0 / p.departures as share,
        (p.overloaded_departures + $prior_strength * coalesce(r.prior_share, 0))
            / (p.departures + $prior_strength) as shrunk_share,
        r.prior_share as regional_share,
        list_concat(coalesce(p.overloaded_rids, []), coalesce(p.weigh_rids, [])) as evidence_record_ids,
        p.origin_provinces,
        p.first_evidence_at,
        p.last_evidence_at,
        cast($as_of as date) as as_of
    from per_source p
    cross join prior r
    left join sources s on s.source_id = p.source_id
)

select
    *,
    rank() over (order by share desc, overloaded_departures desc) as rank_share_raw,
    rank() over (order by shrunk_share desc, overloaded_departures desc) as rank_share,
    rank() over (order by overloaded_departures desc, shrunk_share desc) as rank_volume
from final
order by rank_share, source_id
