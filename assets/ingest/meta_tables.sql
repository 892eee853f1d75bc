-- bookkeeping tables of ingestion: file ledger (content hash) and duplicate log
create schema if not exists meta;
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists quarantine;
create schema if not exists history;
create schema if not exists quality;
create table if not exists meta.file_ledger (
    sha256 varchar primary key,
    table_name varchar not null,
    province varchar not null,
    path varchar,
    file_name varchar,
    format varchar,
    encoding varchar,
    delimiter varchar,
    size_bytes bigint,
    rows_read bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    rows_duplicate bigint,
    rows_superseded bigint,
    header_map json,
    extra_columns varchar[],
    status varchar,
    error varchar,
    batch_no bigint,
    ingested_at timestamp
);
create table if not exists meta.duplicates (
    table_name varchar,
    _province varchar,
    _file_id varchar,
    _row_no bigint,
    kind varchar,
    record_key varchar,
    first_file_id varchar,
    first_row_no bigint
);
create table if not exists meta.file_redrops (
    sha256 varchar,
    table_name varchar,
    path varchar,
    same_as_path varchar
);
