-- quarantined rows per file and reason code (a row with two reasons counts under both)
with reasons as (
    select * from _reason_rows
),

final as (
    select
        r.table_name,
        l.province,
        l.file_name,
        r._file_id as sha256,
        r.reason,
        count(*) as rows
    from reasons as r
    inner join meta.file_ledger as l on r._file_id = l.sha256
    group by all
)

select * from final
order by table_name, province, file_name, reason
