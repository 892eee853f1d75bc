-- entity_ties: operator ↔ identifier ties (phone, address, legal rep, similar name, shared driver, shared source) after normalisation.
with ops as (
    select entity, uscc, phone_key, address_key, rep_key, name_key from patterns.operator_entities
),

drivers as (
    select driver_id, employer_uscc,
        regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') as phone_key
    from staging.drivers
),

op_phone as (
    select entity, 'phone:' || phone_key as node, 'phone' as kind from ops where phone_key <> ''
    union
    select o.entity, 'phone:' || right(d.phone_key, 11), 'phone'
    from drivers d join ops o on o.uscc = d.employer_uscc
    where length(d.phone_key) >= 7
),

op_other as (
    select entity, 'addr:' || address_key as node, 'address' as kind
    from ops where address_key <> ''
    union
    select entity, 'rep:' || rep_key, 'legal_rep' from ops where rep_key <> ''
    union
    select entity, 'name:' || name_key, 'name' from ops where name_key <> ''
),

driven as (
    -- drivers seen driving vehicles of an operator (weigh records, loadings)
    select distinct p.driver_id, o.entity
    from patterns.passages p
    join ops o on o.uscc = p.operator_uscc
    where p.driver_id is not null
    union
    select distinct l.driver_id, o.entity
    from staging.loadings l
    join staging.vehicles v on v.plate_key = l.plate_key
    join ops o on o.uscc = v.operator_uscc
    where l.driver_id is not null
),

op_driver as (
    select entity, 'drv:' || driver_id as node, 'driver' as kind from driven
    union
    select o.entity, 'drv:' || d.driver_id, 'driver'
    from drivers d join ops o on o.uscc = d.employer_uscc
),

ties as (
    select * from op_phone
    union all select * from op_other
    union all select * from op_driver
),

shared as (
    -- identifiers tying 2..$hub_cap operator entities (bigger ones are hubs: parks, agents)
    select node from ties
    group by node
    having count(distinct entity) between 2 and $hub_cap
),

final as (
    select distinct t.entity, t.node, t.kind
    from ties t join shared s using (node)
)

select * from final
order by node, entity
