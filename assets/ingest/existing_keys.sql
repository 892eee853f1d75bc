-- record keys of this batch (_batch_keys) already in staging: their rows are classified version by version
select distinct {key_cols_s}
from staging.{table} as s
semi join _batch_keys as i on {key_join}
