-- hit rate per lead type and receiving province (confirmed ÷ answered, days to answer) and lift over the control sample
with sent as (
    select
        lead_id,
        receiving_province,
        item_kind,
        case when item_kind = 'control' then ['control'] else lead_types end as types,
        first_sent_on
    from leads.ledger
    where first_sent_on is not null
),

answers as (
    select
        lead_id,
        receiving_province,
        arg_max(outcome, received_at) as outcome,
        min(received_at) as answered_at
    from leads.feedback_log
    where outcome in ('confirmed', 'penalized', 'unfounded', 'duplicate')
    group by lead_id, receiving_province
),

items as (
    select
        s.item_kind,
        s.types,
        s.receiving_province,
        a.outcome,
        date_diff('day', s.first_sent_on, cast(a.answered_at as date)) as days_to_answer
    from sent as s
    left join answers as a using (lead_id, receiving_province)
),

exploded as (
    -- a lead with several reasons counts once under each of its lead types
    select unnest(types) as lead_type, receiving_province, outcome, days_to_answer
    from items
),

by_type as (
    select
        lead_type,
        coalesce(receiving_province, '全部') as receiving_province,
        count(*) as sent,
        count(outcome) as answered,
        count(*) filter (where outcome in ('confirmed', 'penalized')) as confirmed,
        count(*) filter (where outcome = 'penalized') as penalized,
        count(*) filter (where outcome = 'unfounded') as unfounded,
        count(*) filter (where outcome = 'duplicate') as duplicate,
        avg(days_to_answer) as mean_days_to_answer,
        median(days_to_answer) as median_days_to_answer
    from exploded
    group by grouping sets ((lead_type, receiving_province), (lead_type))
),

overall as (
    -- every lead once (control items excluded)
    select
        '全部' as lead_type,
        coalesce(receiving_province, '全部') as receiving_province,
        count(*) as sent,
        count(outcome) as answered,
        count(*) filter (where outcome in ('confirmed', 'penalized')) as confirmed,
        count(*) filter (where outcome = 'penalized') as penalized,
        count(*) filter (where outcome = 'unfounded') as unfounded,
        count(*) filter (where outcome = 'duplicate') as duplicate,
        avg(days_to_answer) as mean_days_to_answer,
        median(days_to_answer) as median_days_to_answer
    from items
    where item_kind = 'lead'
    group by grouping sets ((receiving_province), ())
),

rates as (
    select
        *,
        case when answered > 0 then confirmed / answered end as hit_rate,
        case when sent > 0 then answered / sent end as answer_rate
    from (
        select * from by_type
        union all by name
        select * from overall
    )
),

control as (
    select receiving_province, hit_rate as control_hit_rate
    from rates
    where lead_type = 'control'
),

final as (
    select
        r.*,
        c.control_hit_rate,
        case when c.control_hit_rate > 0 then r.hit_rate / c.control_hit_rate end as lift
    from rates as r
    left join control as c using (receiving_province)
)

select * from final
order by lead_type = '全部' desc, lead_type, receiving_province
