-- data-quality summary per canonical table and exporting province, from the ingestion engineer's quality.file_quality
with files as (
    select * from quality.file_quality
),

final as (
    select
        table_name,
        province,
        count(*) as files,
        sum(rows_read) as rows_read,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined,
        sum(rows_duplicate) as rows_duplicate,
        sum(check_digit_failures) as check_digit_failures,
        sum(unreadable_plates) as unreadable_plates,
        sum(rows_quarantined) * 1.0 / nullif(sum(rows_read), 0) as quarantine_share
    from files
    group by table_name, province
    order by table_name, province
)

select * from final
