"""quality_report asset: quality.* tables and the files under <workdir>/out/quality/."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from assets.ingest.loader import ensure_schema, read_sql
from assets.ingest.staging import markdown_table
from data_contracts.contract import TABLES, load_contract
from pipelines.resources import XiansuoSettings
from reports.quality import write_quality_report

SAMPLE_PER_FILE = 20  # quarantined rows shown per file in the province's HTML page


def file_flags_sql(*, tables: tuple[str, ...] = TABLES) -> str:
    """Per file: rows flagged uscc/id/vin/plate/station and unreadable plates (staging+history)."""
    parts = []
    for t in tables:
        c = load_contract(t)
        unreadable = "count(*) filter (where not plate_readable)" if c.plate_columns else "0"
        parts.append(
            f"""
            select _file_id,
                count(*) filter (where list_contains(_flags, 'uscc_check')) as uscc_check,
                count(*) filter (where list_contains(_flags, 'id_check')) as id_check,
                count(*) filter (where list_contains(_flags, 'vin_check')) as vin_check,
                count(*) filter (where list_contains(_flags, 'plate_invalid')) as plate_invalid,
                count(*) filter (where list_contains(_flags, 'unknown_station'))
                    as unknown_station,
                {unreadable} as unreadable_plates
            from (select * from staging.{t} union all by name
                  select * exclude (_superseded_by_file, _superseded_by_row) from history.{t})
            group by _file_id"""  # noqa: S608 (identifiers from the contracts; data values are parameters)
        )
    return "\nunion all\n".join(parts)


def reason_rows_sql(*, tables: tuple[str, ...] = TABLES) -> str:
    return "\nunion all\n".join(
        f"select '{t}' as table_name, _file_id, unnest(reasons) as reason from quarantine.{t}"  # noqa: S608 (identifiers from the contracts; data values are parameters)
        for t in tables
    )


def quarantine_samples(conn, per_file: int = SAMPLE_PER_FILE) -> pl.DataFrame:
    parts = [
        f"""select '{t}' as table_name, _province as province, _file_id as sha256, _row_no,
                   array_to_string(reasons, ';') as reasons, cast(original as varchar) as original
            from quarantine.{t}
            qualify row_number() over (partition by _file_id order by _row_no) <= {per_file}"""  # noqa: S608 (identifiers from the contracts; data values are parameters)
        for t in TABLES
    ]
    return conn.sql(" union all ".join(parts) + " order by 1, 2, 3, 4").pl()


def build_quality_tables(conn) -> dict[str, pl.DataFrame]:
    """(Re)build quality.file_quality / quality.quarantine_reasons / quality.table_quality."""
    ensure_schema(conn)
    conn.execute(f"create or replace temp view _file_flags as {file_flags_sql()}")
    conn.execute(f"create or replace temp view _reason_rows as {reason_rows_sql()}")
    conn.execute("begin transaction")
    try:
        conn.execute(
            f"create or replace table quality.file_quality as {read_sql('file_quality.sql')}"
        )
        conn.execute(
            "create or replace table quality.quarantine_reasons as "
            f"{read_sql('quarantine_reasons.sql')}"
        )
        conn.execute(
            """
            create or replace table quality.table_quality as
            select table_name, count(*) as files,
                   sum(rows_read) as rows_read, sum(rows_loaded) as rows_loaded,
                   sum(rows_quarantined) as rows_quarantined,
                   sum(rows_duplicate) as rows_duplicate,
                   sum(rows_superseded) as rows_superseded,
                   sum(check_digit_failures) as check_digit_failures,
                   sum(plate_invalid) as plate_invalid,
                   sum(unreadable_plates) as unreadable_plates,
                   sum(unknown_station) as unknown_station
            from quality.file_quality group by table_name order by table_name
            """
        )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return {
        "file_quality": conn.sql("select * from quality.file_quality").pl(),
        "quarantine_reasons": conn.sql("select * from quality.quarantine_reasons").pl(),
        "table_quality": conn.sql("select * from quality.table_quality").pl(),
        "samples": quarantine_samples(conn),
        "redrops": conn.sql(
            """
            select r.table_name, l.province, r.path, r.same_as_path, r.sha256
            from meta.file_redrops as r inner join meta.file_ledger as l using (sha256)
            order by r.table_name, r.path
            """
        ).pl(),
    }


@dg.asset(
    name="quality_report",
    group_name="ingest",
    deps=[f"staging_{t}" for t in TABLES],
    kinds={"duckdb", "html"},
    description="Data-quality report per file and table (rows read/loaded/quarantined by "
    "reason/duplicates/check digits/unreadable plates): Parquet, XLSX, Chinese HTML per "
    "province, and the data dictionary generated from the contracts.",
)
def quality_report(duckdb: DuckDBResource, settings: XiansuoSettings) -> dg.MaterializeResult:
    with duckdb.get_connection() as conn:
        frames = build_quality_tables(conn)
    out_dir = Path(settings.workdir) / "out" / "quality"
    paths = write_quality_report(frames, out_dir)
    tq = frames["table_quality"]
    return dg.MaterializeResult(
        metadata={
            "files": dg.MetadataValue.int(frames["file_quality"].height),
            "rows_read": dg.MetadataValue.int(int(tq["rows_read"].sum() or 0)),
            "rows_quarantined": dg.MetadataValue.int(int(tq["rows_quarantined"].sum() or 0)),
            "html": dg.MetadataValue.path(str(paths["html"])),
            "tables": dg.MetadataValue.md(markdown_table(tq.columns, tq.rows())),
        }
    )
