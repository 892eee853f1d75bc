-- vehicles registered in the region, in service and seen in the last year, with no current lead
with seen as (
    select distinct plate_key
    from ref_weigh_records
    where plate_key is not null
      and passed_at >= cast($as_of as date) - interval 365 day
),

led as (
    select distinct unnest(subject_keys) as plate_key
    from leads.leads
),

final as (
    select v.plate_key, min(v.registered_province) as province
    from ref_vehicles as v
    inner join seen using (plate_key)
    where v.registered_province in ('21', '22', '23', '15')
      and coalesce(v.status, 'active') = 'active'
      and v.plate_key not in (select plate_key from led where plate_key is not null)
    group by v.plate_key
)

select * from final
order by plate_key
