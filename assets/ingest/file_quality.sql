-- per ingested file: rows read / loaded / quarantined / duplicate plus check-digit and plate counts
with ledger as (
    select * from meta.file_ledger
),

flags as (
    select * from _file_flags
),

final as (
    select
        l.table_name,
        l.province,
        l.file_name,
        l.sha256,
        l.format,
        l.encoding,
        l.status,
        l.error,
        l.rows_read,
        l.rows_loaded,
        l.rows_quarantined,
        l.rows_duplicate,
        l.rows_superseded,
        coalesce(f.uscc_check, 0) as uscc_check_failures,
        coalesce(f.id_check, 0) as id_check_failures,
        coalesce(f.vin_check, 0) as vin_check_failures,
        coalesce(f.uscc_check, 0) + coalesce(f.id_check, 0) + coalesce(f.vin_check, 0)
            as check_digit_failures,
        coalesce(f.plate_invalid, 0) as plate_invalid,
        coalesce(f.unreadable_plates, 0) as unreadable_plates,
        coalesce(f.unknown_station, 0) as unknown_station,
        l.extra_columns,
        l.batch_no,
        l.ingested_at
    from ledger as l
    left join flags as f on l.sha256 = f._file_id
)

select * from final
order by table_name, province, file_name
