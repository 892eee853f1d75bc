"""Blocking checks on every staging table: exact reconciliation per file, and the GX suite."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.ingest.loader import ensure_schema, reconcile_sql
from data_contracts.contract import TABLES, load_contract
from data_contracts.gx_suites import SAMPLE_ROWS
from pipelines.resources import XiansuoSettings


def reconciliation(conn, table: str) -> list[dict]:
    """Per file: rows read vs loaded + quarantined + duplicate (unaccounted must be 0)."""
    cur = conn.execute(reconcile_sql(table=table), {"table_name": table})
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _reconcile_check(table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=f"staging_{table}",
        name="reconciles",
        blocking=True,
        description="Every row read ends in exactly one of staging/history, quarantine or the "
        "duplicate log: read = loaded + quarantined + duplicate, per file.",
    )
    def _check(duckdb: DuckDBResource) -> dg.AssetCheckResult:
        with duckdb.get_connection() as conn:
            ensure_schema(conn, (table,))
            rows = reconciliation(conn, table)
        bad = [r for r in rows if r["unaccounted"] != 0]
        return dg.AssetCheckResult(
            passed=not bad,
            metadata={
                "files": len(rows),
                "rows_read": sum(r["rows_read"] or 0 for r in rows),
                "unaccounted_files": dg.MetadataValue.json(
                    [{k: r[k] for k in ("file_name", "province", "unaccounted")} for r in bad]
                ),
            },
        )

    return _check


def latest_batch_frame(conn, table: str, sample_rows: int = SAMPLE_ROWS):
    """The staging rows of the latest ingested batch (else the whole table) as pandas; a
    reproducible reservoir sample when the batch is large (GX runs on pandas in memory)."""
    batch = conn.execute(
        "select max(batch_no) from meta.file_ledger where table_name = ?", [table]
    ).fetchall()[0][0]
    where = ""
    params: list = []
    if batch is not None:
        where = (
            "where _file_id in (select sha256 from meta.file_ledger "
            "where table_name = ? and batch_no = ?)"
        )
        params = [table, batch]
    sample = f"using sample reservoir({int(sample_rows)} rows) repeatable (42)"
    sql = f"select * from (select * from staging.{table} {where}) {sample}"  # noqa: S608 (identifiers from the contracts; data values are parameters)
    return conn.execute(sql, params).df()


def _gx_check(table: str) -> dg.AssetChecksDefinition:
    contract = load_contract(table)

    @dg.asset_check(
        asset=f"staging_{table}",
        name="gx_suite",
        blocking=True,
        description=f"Great Expectations suite staging_{table}, generated from the contract, "
        "on the latest batch (sampled when large); Data Docs under out/quality/gx_docs/.",
    )
    def _check(duckdb: DuckDBResource, settings: XiansuoSettings) -> dg.AssetCheckResult:
        from data_contracts.gx_suites import validate_frame  # GX imported lazily

        with duckdb.get_connection() as conn:
            ensure_schema(conn, (table,))
            df = latest_batch_frame(conn, table)
        if df.empty:
            return dg.AssetCheckResult(passed=True, metadata={"rows": 0})
        out = validate_frame(
            df,
            contract,
            Path(settings.workdir) / "gx",
            Path(settings.workdir) / "out" / "quality" / "gx_docs",
        )
        return dg.AssetCheckResult(
            passed=out.success,
            metadata={
                "rows": out.rows,
                "sampled": out.sampled,
                "expectations": out.evaluated,
                "failed": dg.MetadataValue.json(out.failed),
            },
        )

    return _check


CHECKS: list[dg.AssetChecksDefinition] = [_reconcile_check(t) for t in TABLES] + [
    _gx_check(t) for t in TABLES
]
