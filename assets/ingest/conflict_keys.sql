-- record keys of this file that need version-by-version classification: repeated in the file or already in staging
create or replace temp table _existing_keys as
select {key_cols_s} from staging.{table} as s semi join _incoming as i on {key_join};

create or replace temp table _conflict_keys as
with repeated as (
    select {key_cols} from _incoming group by {key_cols} having count(*) > 1
),

existing as (  -- probed in staging once, above
    select {key_cols} from _existing_keys
),

final as (
    select * from repeated
    union
    select * from existing
)

select * from final
