"""staging_<table> assets: one per canonical table, each ingesting only the new files."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb as _duckdb
from dagster_duckdb import DuckDBResource

from assets.ingest.loader import TableResult, ingest_table
from data_contracts.contract import TABLES, load_contract
from pipelines.resources import XiansuoSettings

# weigh records are flagged `unknown_station` against the stations loaded before them
DEPS: dict[str, list[str]] = {"weigh_records": ["staging_stations"]}
PREVIEW_ROWS = 5


def staging_metadata(conn: _duckdb.DuckDBPyConnection, table: str, result: TableResult) -> dict:
    """Row counts, quarantine counts by reason (this run and in total) and a masked preview."""
    contract = load_contract(table)
    new_ids = [f.sha256 for f in result.files if f.status != "skipped"]
    total = conn.execute(f"select count(*) from staging.{table}").fetchall()[0][0]  # noqa: S608 (identifiers from the contracts; data values are parameters)
    by_reason_total = dict(
        conn.execute(
            f"select r, count(*) from (select unnest(reasons) as r from quarantine.{table}) "  # noqa: S608 (identifiers from the contracts; data values are parameters)
            "group by r order by r"
        ).fetchall()
    )
    by_reason_run: dict[str, int] = {}
    if new_ids:
        by_reason_run = dict(
            conn.execute(
                f"select r, count(*) from (select unnest(reasons) as r from quarantine.{table} "  # noqa: S608 (identifiers from the contracts; data values are parameters)
                "where _file_id in (select unnest(?))) group by r order by r",
                [new_ids],
            ).fetchall()
        )
    visible = [c.name for c in contract.columns if not c.pi][:10]
    preview = conn.execute(
        f"select {', '.join(visible)} from staging.{table} order by _province, _file_id, _row_no "  # noqa: S608 (identifiers from the contracts; data values are parameters)
        f"limit {PREVIEW_ROWS}"
    ).fetchall()
    s = result.summary()
    return {
        "rows_in_staging": dg.MetadataValue.int(int(total)),
        "new_files": dg.MetadataValue.int(int(s["new_files"])),
        "rows_read": dg.MetadataValue.int(int(s["rows_read"])),
        "rows_loaded": dg.MetadataValue.int(int(s["rows_loaded"])),
        "rows_quarantined": dg.MetadataValue.int(int(s["rows_quarantined"])),
        "rows_duplicate": dg.MetadataValue.int(int(s["rows_duplicate"])),
        "rows_superseded": dg.MetadataValue.int(int(s["rows_superseded"])),
        "quarantine_by_reason_run": dg.MetadataValue.json(by_reason_run),
        "quarantine_by_reason_total": dg.MetadataValue.json(by_reason_total),
        "seconds": dg.MetadataValue.float(float(s["seconds"])),
        "preview": dg.MetadataValue.md(markdown_table(visible, preview)),
    }


def markdown_table(columns: list[str], rows: list[tuple]) -> str:
    def cell(v: object) -> str:
        return "" if v is None else str(v).replace("|", "\\|").replace("\n", " ")

    head = "| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n"
    return head + "".join("| " + " | ".join(cell(v) for v in r) + " |\n" for r in rows)


def _staging_asset(table: str) -> dg.AssetsDefinition:
    contract = load_contract(table)

    @dg.asset(
        name=f"staging_{table}",
        group_name="ingest",
        deps=DEPS.get(table, []),
        kinds={"duckdb"},
        description=f"staging.{table} — {contract.title_zh} ({contract.title_en}): current "
        "version of every record from the landing folder, typed and normalised per the contract.",
    )
    def _asset(duckdb: DuckDBResource, settings: XiansuoSettings) -> dg.MaterializeResult:
        with duckdb.get_connection() as conn:
            result = ingest_table(conn, table, Path(settings.landing))
            metadata = staging_metadata(conn, table, result)
        return dg.MaterializeResult(metadata=metadata)

    return _asset


STAGING_ASSETS: list[dg.AssetsDefinition] = [_staging_asset(t) for t in TABLES]
