-- over_limit_fanout: 一超四罚 — every confirmed over-limit case fanned out to vehicle, driver, operator and source unit (R44).
with cases as (
    select * from facts.over_limit_violations
    where confirmed
),

subjects as (
    select event_id, passed_at, station_id, station_province, 'vehicle' as subject_kind,
        plate_key as subject_key, '《公路安全保护条例》第六十六条' as legal_basis,
        '车籍地道路运输管理机构' as receiving_authority from cases
    union all
    select event_id, passed_at, station_id, station_province, 'driver', driver_id,
        '《公路安全保护条例》第六十六条', '驾驶人从业资格发证机关' from cases
    union all
    select event_id, passed_at, station_id, station_province, 'operator', operator_uscc,
        '《公路安全保护条例》第六十六条；《超限运输车辆行驶公路管理规定》第二十九条',
        '业户所在地道路运输管理机构' from cases
    union all
    select event_id, passed_at, station_id, station_province, 'source', source_id,
        '《公路安全保护条例》第四十一条；《超限运输车辆行驶公路管理规定》第二十八条',
        '源头单位所在地道路运输管理机构' from cases
),

final as (
    select
        *,
        subject_key is not null as subject_known,
        'R44' as rule_id
    from subjects
)

select * from final
order by passed_at, event_id, subject_kind
