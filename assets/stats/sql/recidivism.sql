-- first offences and re-offending per item: share of first offences; 12-month re-offence after warning vs fine (Kaplan–Meier, censored at as-of); days to re-offend
with cases as (
    select *
    from stats.case_base
    where subject_key is not null
),

sequenced as (
    select
        code,
        decision,
        first_offence,
        occurred_at,
        lead(occurred_at) over (
            partition by code, subject_key order by occurred_at, rid
        ) as next_at,
        lag(occurred_at) over (
            partition by code, subject_key order by occurred_at, rid
        ) as prev_at
    from cases
),

observed as (
    select
        code,
        case
            when decision in ('warning', 'no_penalty') then decision
            when decision = 'fine' then 'fine'
            else 'other'
        end as after_decision,
        first_offence,
        -- first offence as the data shows it: no case of this item for the subject in the
        -- window before (cannot see history before the data starts)
        prev_at is null or date_diff('day', prev_at, occurred_at) > $window_days
            as derived_first_offence,
        next_at is not null
        and date_diff('day', occurred_at, next_at) <= $window_days as reoffended_in_window,
        case
            when next_at is not null then date_diff('day', occurred_at, next_at)
        end as days_to_next,
        least(
            coalesce(date_diff('day', occurred_at, next_at), 1000000),
            date_diff('day', occurred_at, cast($as_of as timestamp) + interval 1 day)
        ) as duration_days,
        next_at is not null
        and next_at < cast($as_of as timestamp) + interval 1 day as event,
        date_diff('day', occurred_at, cast($as_of as timestamp) + interval 1 day)
        >= $window_days as full_follow_up
    from sequenced
),

groups as (
    select *, after_decision as grp from observed
    union all
    select *, 'all' as grp from observed
),

km_points as (
    select code, grp, duration_days, count(*) as n_at_t, sum(case when event then 1 else 0 end) as d
    from groups
    group by code, grp, duration_days
),

km_risk as (
    select
        *,
        sum(n_at_t) over (
            partition by code, grp order by duration_days desc
            rows between unbounded preceding and current row
        ) as at_risk
    from km_points
),

km_surv as (
    select
        code,
        grp,
        duration_days,
        exp(sum(ln(greatest(1.0 - d * 1.0 / at_risk, 1e-12))) over (
            partition by code, grp order by duration_days
            rows between unbounded preceding and current row
        )) as survival
    from km_risk
),

km_at_window as (
    select code, grp, 1.0 - coalesce(arg_max(survival, duration_days), 1.0) as km_reoffend_window
    from km_surv
    where duration_days <= $window_days
    group by code, grp
),

summary as (
    select
        code,
        grp,
        count(*) as n_cases,
        avg(case when first_offence then 1.0 when first_offence = false then 0.0 end)
            as first_offence_share,
        avg(case when derived_first_offence then 1.0 else 0.0 end) as derived_first_offence_share,
        count(*) filter (where full_follow_up) as n_full_follow_up,
        avg(case when reoffended_in_window then 1.0 else 0.0 end)
            filter (where full_follow_up) as reoffend_rate_full_follow_up,
        count(*) filter (where event) as n_reoffended,
        quantile_cont(days_to_next, 0.5) filter (where event) as median_days_to_reoffend,
        avg(days_to_next) filter (where event) as mean_days_to_reoffend
    from groups
    group by code, grp
),

final as (
    select
        s.code,
        coalesce(cat.name_zh, s.code) as name_zh,
        s.grp as after_decision,
        s.n_cases,
        s.first_offence_share,
        s.derived_first_offence_share,
        s.n_reoffended,
        coalesce(k.km_reoffend_window, 0.0) as reoffend_rate_12m,
        s.n_full_follow_up,
        s.reoffend_rate_full_follow_up,
        s.median_days_to_reoffend,
        s.mean_days_to_reoffend
    from summary as s
    left join km_at_window as k on s.code = k.code and s.grp = k.grp
    left join stats.item_catalog as cat on s.code = cat.code
    order by s.code, s.grp
)

select * from final
