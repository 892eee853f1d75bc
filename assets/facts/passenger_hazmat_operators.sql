-- passenger_hazmat_operators: per 两客一危 operator — alarm-handling rate (R28), violations from alarms and tracks (incl. coach scheduling R21 and over-capacity R25), and track/alarm mismatches that show weak monitoring.
with window_violations as (
    select *
    from facts.monitoring_violations
    where operator_uscc is not null
        and started_at > cast($as_of as date) - to_months(cast($window_months as integer))
        and started_at < cast($as_of as date) + 1
),

fleet as (
    select
        operator_uscc,
        count(distinct plate_key) filter (
            where status = 'active' and vehicle_type in ('hazmat', 'coach_route', 'coach_charter')
        ) as fleet_phv
    from staging.vehicles
    where operator_uscc is not null
    group by operator_uscc
),

per_op as (
    select
        operator_uscc,
        -- R28 counts dynamic-monitoring alarms; an over-capacity report (R25) is not one
        count(*) filter (where source = 'alarm' and kind <> 'over_capacity') as alarms,
        count(*) filter (where source = 'alarm' and kind <> 'over_capacity' and handled)
            as alarms_handled,
        count(*) filter (where kind = 'fatigue' and (source = 'alarm' or not alarmed)) as fatigue,
        count(*) filter (where kind = 'night_ban' and (source = 'alarm' or not alarmed)) as night_ban,
        count(*) filter (where kind = 'speeding' and (source = 'alarm' or not alarmed)) as speeding,
        count(*) filter (where kind = 'offline' and (source = 'alarm' or not alarmed)) as offline,
        count(*) filter (where kind = 'tampering' and (source = 'alarm' or not alarmed)) as tampering,
        count(*) filter (where kind = 'no_escort') as no_escort,
        count(*) filter (where kind = 'waybill_incomplete') as waybill_incomplete,
        count(*) filter (where kind = 'no_waybill') as no_waybill,
        count(*) filter (where kind = $r21_kind_night) as night_continuous,
        count(*) filter (where kind = $r21_kind_day) as driving_24h,
        count(*) filter (where kind = $r21_kind_week) as driving_7d,
        count(*) filter (where kind = 'over_capacity' and capacity_band is not null)
            as over_capacity,
        count(*) filter (where kind = 'over_capacity' and points >= 12) as over_capacity_high,
        count(*) filter (
            where source = 'track' and kind in ('fatigue', 'night_ban', 'speeding') and not alarmed
        ) as unalarmed_track_violations,
        count(*) filter (where alarm_not_in_track) as alarms_not_in_track,
        count(distinct plate_key) as vehicles_involved,
        flatten(list(evidence_record_ids order by started_at)) as evidence_record_ids,
        list_sort(list_distinct(list(province))) as origin_provinces,
        list_sort(list_distinct(list(rule_id) filter (where rule_id is not null))) as rule_ids,
        min(started_at) as first_evidence_at,
        max(started_at) as last_evidence_at
    from window_violations
    group by operator_uscc
),

operators as (
    select *
    from staging.operators
    qualify row_number() over (partition by uscc order by _province) = 1
),

final as (
    select
        p.operator_uscc as uscc,
        o.name as operator_name,
        coalesce(o.province_code, substr(p.operator_uscc, 3, 2)) as operator_province,
        o.scope,
        coalesce(f.fleet_phv, 0) as fleet_phv,
        p.alarms,
        p.alarms_handled,
        case when p.alarms > 0 then p.alarms_handled * 1.0 / p.alarms end as handling_rate,
        p.alarms >= $min_alarms and p.alarms_handled < p.alarms * cast($min_rate as decimal(9, 4))
            as r28_trigger,
        p.fatigue,
        p.night_ban,
        p.speeding,
        p.offline,
        p.tampering,
        p.no_escort,
        p.waybill_incomplete,
        p.no_waybill,
        p.night_continuous,
        p.driving_24h,
        p.driving_7d,
        p.over_capacity,
        p.over_capacity_high,
        p.unalarmed_track_violations,
        p.alarms_not_in_track,
        p.fatigue + p.night_ban + p.speeding + p.offline + p.tampering + p.no_escort
            + p.waybill_incomplete + p.no_waybill + p.night_continuous + p.driving_24h
            + p.driving_7d + p.over_capacity as incidents,
        p.vehicles_involved,
        p.evidence_record_ids,
        p.origin_provinces,
        p.rule_ids,
        p.first_evidence_at,
        p.last_evidence_at,
        cast($as_of as date) as as_of
    from per_op p
    left join fleet f on f.operator_uscc = p.operator_uscc
    left join operators o on o.uscc = p.operator_uscc
)

select
    *,
    no_escort + waybill_incomplete + no_waybill >= $min_r30 as r30_trigger,
    night_continuous + driving_24h + driving_7d >= $min_r21 as r21_trigger,
    over_capacity >= $min_r25 as r25_trigger,
    r28_trigger
        or no_escort + waybill_incomplete + no_waybill >= $min_r30
        or night_continuous + driving_24h + driving_7d >= $min_r21
        or over_capacity >= $min_r25
        or ($use_mismatch and unalarmed_track_violations + alarms_not_in_track >= $min_mismatch)
        or ($use_volume and incidents >= $min_incidents_per_vehicle * greatest(fleet_phv, 1))
        as is_lead
from final
order by is_lead desc, incidents desc, uscc
