-- classify the batch rows of keys seen twice (in the batch or in staging): exact duplicate of the previous version, superseded, or the new current one
with incoming as (
    select *, {hash} as _hash
    from _conflicting
),

incoming_keys as (
    select distinct {key_cols} from incoming
),

current_rows as (
    select
        {key_cols_s},
        {hash_s} as _hash,
        s._file_id as _cur_file,
        s._row_no as _cur_row
    from {current} as s
    inner join incoming_keys as k on {key_join}
),

ordered as (
    select
        i.*,
        case when row_number() over w = 1 then c._hash else lag(i._hash) over w end as _prev_hash,
        case
            when row_number() over w = 1 then c._cur_file else lag(i._file_id) over w
        end as _prev_file,
        case when row_number() over w = 1 then c._cur_row else lag(i._row_no) over w end as _prev_row
    from incoming as i
    left join current_rows as c on {key_join_ic}
    window w as ({partition} order by i._seq, i._row_no)
),

classified as (
    select *, coalesce(_hash = _prev_hash, false) as _dup
    from ordered
),

final as (
    select
        *,
        not _dup and row_number() over v_desc = 1 as _last,
        not _dup and row_number() over v = 1 as _first,
        lead(_file_id) over v as _next_file,
        lead(_row_no) over v as _next_row
    from classified
    window
        v as (partition by {key_cols}, _dup order by _seq, _row_no),
        v_desc as (partition by {key_cols}, _dup order by _seq desc, _row_no desc)
)

select * from final
