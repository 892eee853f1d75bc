-- per file of one table: rows read = loaded (staging + history) + quarantined + duplicate
with ledger as (
    select sha256, file_name, province, rows_read
    from meta.file_ledger
    where table_name = $table_name
),

in_staging as (
    select _file_id, count(*) as n from staging.{table} group by _file_id
),

in_history as (
    select _file_id, count(*) as n from history.{table} group by _file_id
),

in_quarantine as (
    select _file_id, count(*) as n from quarantine.{table} group by _file_id
),

in_duplicates as (
    select _file_id, count(*) as n
    from meta.duplicates
    where table_name = $table_name
    group by _file_id
),

final as (
    select
        l.sha256,
        l.file_name,
        l.province,
        l.rows_read,
        coalesce(s.n, 0) + coalesce(h.n, 0) as rows_loaded,
        coalesce(q.n, 0) as rows_quarantined,
        coalesce(d.n, 0) as rows_duplicate
    from ledger as l
    left join in_staging as s on l.sha256 = s._file_id
    left join in_history as h on l.sha256 = h._file_id
    left join in_quarantine as q on l.sha256 = q._file_id
    left join in_duplicates as d on l.sha256 = d._file_id
)

select *, rows_read - rows_loaded - rows_quarantined - rows_duplicate as unaccounted
from final
order by province, file_name
