-- current leads per receiving province and lead type (from the leads engineer's leads.leads)
with leads as (
    select receiving_province, lead_type
    from leads.leads
),

final as (
    select receiving_province, lead_type, count(*) as n_leads
    from leads
    group by receiving_province, lead_type
    order by receiving_province, n_leads desc, lead_type
)

select * from final
