-- closed over-limit cases (decided in the look-back window) to notify to the vehicle's registration province (超限规定第四十四条)
with closed as (
    select *
    from ref_cases
    where decided_on is not null
      and decided_on <= $run_date
      and decided_on > $run_date - cast($lookback_days as integer)
      and plate_key is not null
      -- 违法超限运输 only: §44 concerns over-limit cases (codes OL_*, names with 超限, an excess)
      and (
          upper(violation_code) like 'OL%'
          or upper(violation_code) like '%OVERLIMIT%'
          or upper(violation_code) like '%OVER_LIMIT%'
          or violation_name like '%超限%'
          or excess_kg > 0
      )
),

vehicles as (
    select
        plate_key,
        min(vehicle_type) as vehicle_type,
        min(registered_province) as registered_province,
        min(operator_uscc) as operator_uscc,
        min(transport_cert_no) as transport_cert_no
    from ref_vehicles
    group by plate_key
),

operators as (
    select uscc, min(name) as name
    from ref_operators
    group by uscc
),

passages as (
    -- the weighing that led to the case (same plate, within a day), for the loading note
    select
        c.rid as case_rid,
        arg_min(w.waybill_id, abs(epoch(w.passed_at) - epoch(c.occurred_at))) as waybill_id,
        arg_min(w.driver_id, abs(epoch(w.passed_at) - epoch(c.occurred_at))) as driver_id
    from closed as c
    inner join ref_weigh_records as w
        on w.plate_key = c.plate_key
        and abs(epoch(w.passed_at) - epoch(c.occurred_at)) <= 86400
    group by c.rid
),

loadings as (
    select
        waybill_id,
        arg_max(source_id, loaded_at) as source_id,
        arg_max(cargo, loaded_at) as cargo,
        arg_max(declared_kg, loaded_at) as declared_kg,
        max(loaded_at) as loaded_at,
        arg_max(driver_id, loaded_at) as driver_id
    from ref_loadings
    group by waybill_id
),

joined as (
    select
        c.rid as case_rid,
        c.case_id,
        c.lead_id,
        coalesce(c.province_code, c._province) as handling_province,
        c.agency,
        c.decided_on,
        c.occurred_at,
        c.plate,
        c.plate_color,
        c.violation_code,
        c.violation_name,
        c.decision,
        c.penalty_yuan,
        c.excess_kg,
        c.excess_pct,
        v.vehicle_type,
        v.registered_province,
        coalesce(c.operator_uscc, v.operator_uscc) as operator_uscc,
        v.transport_cert_no,
        p.waybill_id,
        l.source_id,
        l.cargo,
        l.declared_kg,
        l.loaded_at,
        coalesce(c.driver_id, p.driver_id, l.driver_id) as driver_id
    from closed as c
    left join vehicles as v on v.plate_key = c.plate_key
    left join passages as p on p.case_rid = c.rid
    left join loadings as l on l.waybill_id = p.waybill_id
),

final as (
    select
        j.*,
        o.name as operator_name,
        d.name as driver_name,
        d.qualification_no,
        d.qualification_class,
        d.employer_uscc,
        eo.name as employer_name,
        s.name as source_name
    from joined as j
    left join operators as o on o.uscc = j.operator_uscc
    left join (
        select driver_id, min(name) as name, min(qualification_no) as qualification_no,
            min(qualification_class) as qualification_class, min(employer_uscc) as employer_uscc
        from ref_drivers
        group by driver_id
    ) as d on d.driver_id = j.driver_id
    left join operators as eo on eo.uscc = d.employer_uscc
    left join (
        select source_id, min(name) as name from ref_sources group by source_id
    ) as s on s.source_id = j.source_id
)

select * from final
order by case_rid
