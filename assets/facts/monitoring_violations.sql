-- monitoring_violations: 两客一危 violations from alarms and GPS tracks (fatigue, night ban, speeding, offline, tampering, coach scheduling limits R21, over-capacity R25), hazmat loadings without escort, with an incomplete or no e-waybill, unregistered operation; tracks and alarms reconciled.
with vehicles as (
    select plate_key, vehicle_type, operator_uscc, registered_province, curb_kg, rated_load_kg,
        total_mass_kg, {{seats}} as seats
    from staging.vehicles
    where plate_key is not null
    qualify row_number() over (partition by plate_key order by (status = 'active') desc, _province) = 1
),

fixes as (
    select
        g.plate_key,
        g.ts,
        g.lon,
        g.lat,
        coalesce(g.speed_kmh, 0) as speed_kmh,
        coalesce(g.speed_kmh, 0) > $moving_kmh as moving,
        g._province
    from staging.gps_points g
    where g.plate_key is not null
        and g.ts > cast($as_of as date) - to_months(cast($horizon_months as integer))
        and g.ts < cast($as_of as date) + 1
),

fix_seq as (
    select
        *,
        lead(ts) over w as next_ts,
        lead(lon) over w as next_lon,
        lead(lat) over w as next_lat,
        lead(moving) over w as next_moving,
        lag(moving) over w as prev_moving
    from fixes
    window w as (partition by plate_key order by ts)
),

moving_fixes as (
    -- a rest is measured between moving fixes (the longest the vehicle can have stood still)
    select
        plate_key,
        ts,
        _province,
        case
            when lag(ts) over w is null then 1
            when ts - lag(ts) over w >= to_minutes(cast($min_rest_min as bigint)) then 1
            else 0
        end as is_break
    from fixes
    where moving
    window w as (partition by plate_key order by ts)
),

fix_periods as (
    select
        *,
        sum(is_break) over (partition by plate_key order by ts rows unbounded preceding) as period_id
    from moving_fixes
),

driving as (
    select
        plate_key,
        period_id,
        min(ts) as started_at,
        max(ts) as ended_at,
        any_value(_province) as province
    from fix_periods
    group by plate_key, period_id
),

track_fatigue as (
    select
        'fatigue' as kind,
        plate_key,
        started_at,
        ended_at,
        cast(null as double) as speed_kmh,
        cast(null as double) as limit_kmh,
        province
    from driving
    where ended_at - started_at > to_minutes(cast($max_continuous_min as bigint))
),

coach_driving as (
    -- R21: the driving periods (R20) of coaches, for the enterprise scheduling limits
    select d.plate_key, d.period_id, d.started_at, d.ended_at, d.province
    from driving d
    join vehicles v on v.plate_key = d.plate_key
    where list_contains($r21_types, v.vehicle_type)
),

night_parts as (
    -- the part of a driving period inside each night window (e.g. 22:00 → 06:00) it touches
    select
        plate_key,
        province,
        greatest(started_at, night_from) as part_from,
        least(ended_at, night_from + to_minutes(cast($r21_night_len_min as bigint))) as part_to
    from (
        select
            *,
            cast(cast(started_at as date) + cast(k as integer) as timestamp)
                + to_minutes(cast($r21_night_start_min as bigint)) as night_from
        from (
            select *, unnest(range(-1, date_diff('day', started_at, ended_at) + 1)) as k
            from coach_driving
        )
    )
    where started_at < night_from + to_minutes(cast($r21_night_len_min as bigint))
        and ended_at > night_from
),

track_night_continuous as (
    select
        $r21_kind_night as kind,
        plate_key,
        part_from as started_at,
        part_to as ended_at,
        date_diff('second', part_from, part_to) / 60.0 as driving_min,
        cast($r21_max_night_min as double) as limit_min,
        province
    from night_parts
    where part_to - part_from > to_minutes(cast($r21_max_night_min as bigint))
),

r21_spans as (
    select * from (values
        ($r21_kind_day, $r21_day_span_min, $r21_max_day_min),
        ($r21_kind_week, $r21_week_span_min, $r21_max_week_min)
    ) t(kind, span_min, max_min)
),

r21_windows as (
    -- candidate windows of every span: one starting at each period start, one ending at each
    -- period end (a maximum of the sliding sum is always reached at one of them)
    select s.kind, s.max_min, c.plate_key, c.started_at as w_from,
        c.started_at + to_minutes(cast(s.span_min as bigint)) as w_to
    from coach_driving c, r21_spans s
    union all
    select s.kind, s.max_min, c.plate_key, c.ended_at - to_minutes(cast(s.span_min as bigint)),
        c.ended_at
    from coach_driving c, r21_spans s
),

r21_sums as (
    select
        w.kind,
        w.plate_key,
        w.w_from,
        w.w_to,
        sum(date_diff('second', greatest(d.started_at, w.w_from), least(d.ended_at, w.w_to)))
            / 60.0 as driving_min,
        min(greatest(d.started_at, w.w_from)) as first_at,
        max(least(d.ended_at, w.w_to)) as last_at,
        any_value(d.province) as province,
        any_value(w.max_min) as max_min
    from r21_windows w
    join coach_driving d
        on d.plate_key = w.plate_key and d.started_at < w.w_to and d.ended_at > w.w_from
    group by w.kind, w.plate_key, w.w_from, w.w_to
),

r21_over as (
    -- exceeding windows merged into episodes (overlapping windows = one episode)
    select
        *,
        sum(case when w_from < prev_to then 0 else 1 end)
            over (partition by kind, plate_key order by w_from, w_to rows unbounded preceding)
            as episode
    from (
        select
            *,
            max(w_to) over (partition by kind, plate_key order by w_from, w_to
                rows between unbounded preceding and 1 preceding) as prev_to
        from r21_sums
        where driving_min > max_min
    )
),

track_cumulative as (
    select
        kind,
        plate_key,
        min(first_at) as started_at,
        max(last_at) as ended_at,
        max(driving_min) as driving_min,
        cast(any_value(max_min) as double) as limit_min,
        any_value(province) as province
    from r21_over
    group by kind, plate_key, episode
),

track_schedule as (
    -- R21 episodes, with the vehicle's passages (weigh/ANPR records) during them as evidence
    select
        t.*,
        t.kind || ':' || t.plate_key || ':' || strftime(t.started_at, '%Y%m%d%H%M%S') as violation_id,
        coalesce(
            (select list(r order by r) from (
                select unnest(e.rids) as r from facts.weigh_events e
                where e.plate_key = t.plate_key and e.passed_at between t.started_at and t.ended_at
            )),
            []
        ) as passage_rids
    from (select * from track_night_continuous union all select * from track_cumulative) t
),

track_night as (
    select
        'night_ban' as kind,
        f.plate_key,
        min(f.ts) as started_at,
        max(f.ts) as ended_at,
        max(f.speed_kmh) as speed_kmh,
        cast(null as double) as limit_kmh,
        any_value(f._province) as province
    from fixes f
    join vehicles v on v.plate_key = f.plate_key
    where f.moving
        and list_contains($night_types, v.vehicle_type)
        and cast(f.ts as time) >= cast($night_start as time)
        and cast(f.ts as time) < cast($night_end as time)
    group by f.plate_key, cast(f.ts as date)
),

speed_fixes as (
    select
        f.*,
        l.limit_kmh,
        f.speed_kmh > l.limit_kmh as speeding
    from fixes f
    join vehicles v on v.plate_key = f.plate_key
    join facts.rule_speed_limits l on l.vehicle_type = v.vehicle_type
),

speed_runs as (
    select
        *,
        sum(case when speeding is distinct from prev_speeding then 1 else 0 end)
            over (partition by plate_key order by ts rows unbounded preceding) as run_id
    from (
        select *, lag(speeding) over (partition by plate_key order by ts) as prev_speeding
        from speed_fixes
    )
),

track_speeding as (
    select
        'speeding' as kind,
        plate_key,
        min(ts) as started_at,
        max(ts) as ended_at,
        max(speed_kmh) as speed_kmh,
        any_value(limit_kmh) as limit_kmh,
        any_value(_province) as province
    from speed_runs
    where speeding
    group by plate_key, run_id
    having max(ts) - min(ts) >= to_minutes(cast($speed_min_duration_min as bigint))
),

gaps as (
    select
        plate_key,
        ts as started_at,
        next_ts as ended_at,
        2 * 6371 * asin(sqrt(
            power(sin(radians(next_lat - lat) / 2), 2)
            + cos(radians(lat)) * cos(radians(next_lat)) * power(sin(radians(next_lon - lon) / 2), 2)
        )) as gap_km,
        _province as province
    from fix_seq
    where next_ts - ts >= to_minutes(cast($offline_gap_min as bigint))
        and moving and next_moving
),

gap_sightings as (
    select
        g.plate_key,
        g.started_at,
        list(e.event_id order by e.passed_at) as seen_event_ids
    from gaps g
    join facts.weigh_events e
        on e.plate_key = g.plate_key
        and e.passed_at > g.started_at + to_minutes(cast($match_tolerance_min as bigint))
        and e.passed_at < g.ended_at - to_minutes(cast($match_tolerance_min as bigint))
    where e.station_kind in ('fixed', 'wim', 'toll_entrance', 'anpr')
    group by g.plate_key, g.started_at
),

track_gaps as (
    select
        case
            when g.gap_km / (date_diff('second', g.started_at, g.ended_at) / 3600.0) > $teleport_kmh
                or s.seen_event_ids is not null then 'tampering'
            else 'offline'
        end as kind,
        g.plate_key,
        g.started_at,
        g.ended_at,
        g.gap_km / (date_diff('second', g.started_at, g.ended_at) / 3600.0) as speed_kmh,
        cast(null as double) as limit_kmh,
        g.province,
        coalesce(s.seen_event_ids, []) as seen_event_ids
    from gaps g
    left join gap_sightings s on s.plate_key = g.plate_key and s.started_at = g.started_at
    where (g.gap_km >= $offline_min_km
            and g.gap_km / (date_diff('second', g.started_at, g.ended_at) / 3600.0) >= $offline_min_kmh)
        or s.seen_event_ids is not null
),

track_all as (
    select *, cast([] as varchar[]) as seen_event_ids from track_fatigue
    union all
    select *, cast([] as varchar[]) from track_night
    union all
    select *, cast([] as varchar[]) from track_speeding
    union all
    select * from track_gaps
),

alarms as (
    select
        m.rid,
        m.event_type as kind,
        m.plate_key,
        m.started_at,
        coalesce(m.ended_at, m.started_at) as ended_at,
        m.speed_kmh,
        m.limit_kmh,
        m.handled,
        m._province as province,
        {{passenger_count}} as passenger_count
    from staging.monitoring_events m
    where m.started_at > cast($as_of as date) - to_months(cast($horizon_months as integer))
        and m.started_at < cast($as_of as date) + 1
),

alarm_checked as (
    select
        a.*,
        exists (
            select 1 from track_all t
            where t.plate_key = a.plate_key and t.kind = a.kind
                and t.started_at <= a.ended_at + to_minutes(cast($match_tolerance_min as bigint))
                and t.ended_at >= a.started_at - to_minutes(cast($match_tolerance_min as bigint))
        ) as track_confirmed,
        exists (
            select 1 from fixes f
            where f.plate_key = a.plate_key
                and f.ts between a.started_at - to_minutes(cast($match_tolerance_min as bigint))
                and a.ended_at + to_minutes(cast($match_tolerance_min as bigint))
        ) as track_covered
    from alarms a
),

track_checked as (
    select
        t.*,
        exists (
            select 1 from alarms a
            where a.plate_key = t.plate_key and a.kind = t.kind
                and t.started_at <= a.ended_at + to_minutes(cast($match_tolerance_min as bigint))
                and t.ended_at >= a.started_at - to_minutes(cast($match_tolerance_min as bigint))
        ) as alarmed
    from track_all t
),

hazmat_loadings as (
    select
        l.rid,
        l.plate_key,
        l.loaded_at,
        l.escort_id,
        l.un_number,
        l._province
    from staging.loadings l
    left join vehicles v on v.plate_key = l.plate_key
    where (v.vehicle_type = 'hazmat' or l.un_number is not null)
        and l.loaded_at > cast($as_of as date) - to_months(cast($horizon_months as integer))
        and l.loaded_at < cast($as_of as date) + 1
),

unwaybilled_passages as (
    -- a clearly loaded hazmat vehicle at an enforcement station with no loading (e-waybill) on
    -- record in the hours before: tankers load at source units and return empty
    select
        e.event_id,
        e.rids,
        e.plate_key,
        e.passed_at,
        e.station_province,
        case
            when lag(e.passed_at) over (partition by e.plate_key order by e.passed_at) is null then 1
            when e.passed_at - lag(e.passed_at) over (partition by e.plate_key order by e.passed_at)
                > to_hours(cast($waybill_lookback_h as bigint)) then 1
            else 0
        end as new_trip
    from facts.weigh_events e
    join vehicles v on v.plate_key = e.plate_key and v.vehicle_type = 'hazmat'
    where e.station_kind in ('fixed', 'wim', 'toll_entrance')
        and e.gross_kg > v.curb_kg + $loaded_share * coalesce(v.rated_load_kg, v.total_mass_kg - v.curb_kg)
        and e.passed_at > cast($as_of as date) - to_months(cast($horizon_months as integer))
        and e.passed_at < cast($as_of as date) + 1
        and not exists (
            select 1 from staging.loadings l
            where l.plate_key = e.plate_key
                and l.loaded_at between e.passed_at - to_hours(cast($waybill_lookback_h as bigint))
                and e.passed_at
        )
),

unwaybilled_trips as (
    select
        plate_key,
        min(passed_at) as started_at,
        max(passed_at) as ended_at,
        any_value(station_province) as province,
        flatten(list(rids order by passed_at)) as rids
    from (
        select *, sum(new_trip) over (partition by plate_key order by passed_at) as trip
        from unwaybilled_passages
    )
    group by plate_key, trip
),

sightings as (
    select plate_key, rid as record_id, started_at as seen_at, _province as province, 'alarm' as seen_by
    from staging.monitoring_events
    union all
    select plate_key, null, ts, _province, 'track' from staging.gps_points
),

unregistered as (
    select
        s.plate_key,
        min(s.seen_at) as started_at,
        max(s.seen_at) as ended_at,
        list_sort(list_distinct(list(s.record_id) filter (where s.record_id is not null)))
            as record_ids,
        any_value(s.province) as province,
        list_sort(list_distinct(list(s.seen_by))) as seen_by
    from sightings s
    left join vehicles v on v.plate_key = s.plate_key
    where s.plate_key is not null
        and v.plate_key is null
        and list_contains($registry_prefixes, left(s.plate_key, 1))
        and s.seen_at > cast($as_of as date) - to_months(cast($horizon_months as integer))
        and s.seen_at < cast($as_of as date) + 1
    group by s.plate_key
),

unioned as (
    select
        a.kind || ':' || a.rid as violation_id,
        a.kind,
        'alarm' as source,
        a.plate_key,
        a.started_at,
        a.ended_at,
        a.speed_kmh,
        a.limit_kmh,
        a.province,
        a.rid as alarm_rid,
        a.handled,
        null::boolean as alarmed,
        case when a.kind in ('fatigue', 'night_ban', 'speeding') then a.track_confirmed end
            as track_confirmed,
        a.kind in ('fatigue', 'night_ban', 'speeding') and a.track_covered
            and not a.track_confirmed as alarm_not_in_track,
        [a.rid] as evidence_record_ids
    from alarm_checked a
    union all
    select
        t.kind || ':' || t.plate_key || ':' || strftime(t.started_at, '%Y%m%d%H%M%S'),
        t.kind,
        'track',
        t.plate_key,
        t.started_at,
        t.ended_at,
        t.speed_kmh,
        t.limit_kmh,
        t.province,
        null,
        null,
        t.alarmed,
        null,
        null,
        t.seen_event_ids
    from track_checked t
    union all
    select
        'no_escort:' || h.rid, 'no_escort', 'loading', h.plate_key, h.loaded_at, h.loaded_at,
        null, null, h._province, null, null, null, null, null, [h.rid]
    from hazmat_loadings h
    where h.escort_id is null
    union all
    select
        'waybill_incomplete:' || h.rid, 'waybill_incomplete', 'loading', h.plate_key, h.loaded_at,
        h.loaded_at, null, null, h._province, null, null, null, null, null, [h.rid]
    from hazmat_loadings h
    where h.un_number is null
    union all
    select
        'no_waybill:' || w.plate_key || ':' || strftime(w.started_at, '%Y%m%d%H%M%S'), 'no_waybill',
        'weigh', w.plate_key, w.started_at, w.ended_at, null, null, w.province, null, null, null,
        null, null, w.rids
    from unwaybilled_trips w
    union all
    select
        'unregistered:' || u.plate_key, 'unregistered', array_to_string(u.seen_by, '+'),
        u.plate_key, u.started_at, u.ended_at, null, null, u.province, null, null, null, null,
        null, u.record_ids
    from unregistered u
    union all
    select
        t.violation_id, t.kind, 'track', t.plate_key, t.started_at, t.ended_at, null, null,
        t.province, null, null, null, null, null,
        -- no record id in a GPS track: the passages seen during the episode, else the episode id
        case when len(t.passage_rids) > 0 then t.passage_rids else ['gps:' || t.violation_id] end
    from track_schedule t
),

capacity as (
    -- R25 over-capacity: passengers counted against the registered seats, band by exact
    -- integer comparison (passengers × 100 ≥ seats × (100 + from_pct))
    select
        'over_capacity:' || a.rid as violation_id,
        a.passenger_count,
        v.seats,
        case when v.seats > 0
            then cast(round(100.0 * (a.passenger_count - v.seats) / v.seats, 1) as double)
        end as over_capacity_pct,
        b.band as capacity_band,
        b.fine_min_yuan,
        b.fine_max_yuan,
        b.points,
        case when $r25_serious_pct is not null and v.seats > 0
                and a.passenger_count * 100 >= v.seats * (100 + $r25_serious_pct)
            then $r25_serious_note end as capacity_note
    from alarms a
    left join vehicles v on v.plate_key = a.plate_key
    left join lateral (
        select * from facts.rule_capacity_bands cb
        where v.seats > 0 and a.passenger_count > v.seats
            and a.passenger_count * 100 >= v.seats * (100 + cb.from_pct)
        order by cb.from_pct desc
        limit 1
    ) b on true
    where a.kind = 'over_capacity'
),

schedule as (
    select violation_id, cast(round(driving_min, 1) as double) as driving_min, limit_min
    from track_schedule
),

final as (
    select
        u.violation_id,
        u.kind,
        u.source,
        u.plate_key,
        v.vehicle_type,
        v.operator_uscc,
        coalesce(v.registered_province, pp.province) as registered_province,
        u.province,
        u.started_at,
        u.ended_at,
        cast(round(date_diff('second', u.started_at, u.ended_at) / 60.0, 1) as double) as duration_min,
        cast(round(u.speed_kmh, 1) as double) as speed_kmh,
        cast(u.limit_kmh as double) as limit_kmh,
        case when u.kind = 'speeding' and u.limit_kmh > 0
            then cast(round(100.0 * (u.speed_kmh - u.limit_kmh) / u.limit_kmh, 1) as double)
        end as over_pct,
        case
            when u.kind <> 'speeding' or not u.limit_kmh > 0 then null
            when 100.0 * (u.speed_kmh - u.limit_kmh) / u.limit_kmh >= $band_high_pct then $band_high
            when 100.0 * (u.speed_kmh - u.limit_kmh) / u.limit_kmh >= $band_mid_pct then $band_mid
            else $band_low
        end as speed_band,
        r.rule_id,
        c.citation as legal_basis,
        u.alarm_rid,
        u.handled,
        u.alarmed,
        u.track_confirmed,
        u.alarm_not_in_track,
        u.evidence_record_ids,
        sc.driving_min,
        sc.limit_min,
        cp.passenger_count,
        cp.seats,
        cp.over_capacity_pct,
        cp.capacity_band,
        cp.fine_min_yuan,
        cp.fine_max_yuan,
        cp.points,
        cp.capacity_note
    from unioned u
    left join schedule sc on sc.violation_id = u.violation_id
    left join capacity cp on cp.violation_id = u.violation_id
    left join vehicles v on v.plate_key = u.plate_key
    left join facts.plate_provinces pp on pp.prefix = left(u.plate_key, 1)
    left join facts.rule_kinds r on r.kind = u.kind
    left join facts.rule_catalogue c on c.rule_id = r.rule_id
)

select * from final
order by started_at, violation_id
