"""Builders for the stats.* tables: run the .sql beside this module on a DuckDB connection.

No Dagster here, so the benchmark and the tests can call the same code the assets call.
Every builder writes one table in one transaction and returns its row count. Upstream
tables that are absent (facts, leads, quality not built yet) degrade to an empty table with
a note in stats.source_notes that the reports print.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from assets.stats.db import (
    StatsParams,
    count_rows,
    create_from_sql,
    ensure_schema,
    read_sql,
    table_columns,
    table_exists,
    write_note,
)
from assets.stats.proposals import build_light_list, build_tiers
from models.stats.legal import band_label
from models.stats.sql import monitoring_detected_sql, resolve_columns

__all__ = [
    "BUILDERS",
    "EXPORT_TABLES",
    "GUIDE_TABLES",
    "OVERVIEW_TABLES",
    "StatsParams",
    "build_all",
    "export_tables",
]

DETECTED_DDL = """
create or replace table stats.detected_base (
    rid varchar, province varchar, code varchar, month date, occurred_at timestamp,
    plate_key varchar, excess_kg double, excess_pct double, speed_pct double,
    duration_h double, axle_config varchar, evidence_ok boolean, source_table varchar,
    detected_by varchar
)
"""
STATION_DDL = """
create or replace table stats.station_rates (
    station_id varchar, station_name varchar, province varchar, kind varchar, road varchar,
    n_passages bigint, n_over_limit bigint, rate double, rate_ci_low double,
    rate_ci_high double, expected_low double, expected_high double, status varchar
)
"""
LEADS_DDL = """
create or replace table stats.leads_summary (
    receiving_province varchar, lead_type varchar, n_leads bigint
)
"""


# ---------------------------------------------------------------- reference tables


def build_item_catalog(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    """stats.item_catalog, item_aliases, item_bands, station_expected from legal_ranges.yaml."""
    ensure_schema(conn)
    cfg = p.config
    conn.execute("begin")
    try:
        conn.execute(
            """
            create or replace table stats.item_catalog (
                code varchar, name_zh varchar, domain varchar, min_yuan double,
                max_yuan double, warning_allowed boolean, formula varchar, severity varchar,
                basis varchar, printable_basis varchar, tag varchar, has_light_list boolean,
                duration_source varchar
            )
            """
        )
        conn.executemany(
            "insert into stats.item_catalog values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    i.code, i.name_zh, i.domain, i.min_yuan, i.max_yuan, i.warning_allowed,
                    i.formula, i.severity, i.basis, i.printable_basis, i.tag,
                    i.light_list is not None, i.duration_source,
                ]
                for i in cfg.items.values()
            ],
        )  # fmt: skip
        conn.execute("create or replace table stats.item_aliases (alias varchar, code varchar)")
        conn.executemany(
            "insert into stats.item_aliases values (?, ?)", sorted(cfg.alias_map.items())
        )
        conn.execute(
            """
            create or replace table stats.item_bands (
                code varchar, band_no integer, band_from double, band_to double,
                band_label varchar
            )
            """
        )
        rows = []
        for i in cfg.items.values():
            edges = [None, *i.bands, None]
            for n in range(len(i.bands) + 1):
                rows.append([i.code, n, edges[n], edges[n + 1], band_label(i.bands, n, i.severity)])
        conn.executemany("insert into stats.item_bands values (?, ?, ?, ?, ?)", rows)
        conn.execute(
            "create or replace table stats.station_expected "
            "(kind varchar, expected_low double, expected_high double)"
        )
        conn.executemany(
            "insert into stats.station_expected values (?, ?, ?)",
            [[k, lo, hi] for k, (lo, hi) in cfg.station_rates.items()]
            + [["_default", *cfg.station_default_rate]],
        )
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    return len(cfg.items)


# ---------------------------------------------------------------- base tables


def build_case_base(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    return create_from_sql(
        conn,
        "case_base",
        "case_base",
        {"as_of": p.as_of, "rounding": p.config.mass_rounding},
    )


def build_detected_base(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    """Detected violations: over-limit facts + 两客一危 monitoring violations, as available."""
    notes = []
    conn.execute("begin")
    try:
        conn.execute(DETECTED_DDL)
        if table_exists(conn, "facts", "over_limit_violations"):
            conn.execute(
                "insert into stats.detected_base\n" + read_sql("detected_over_limit"),
                {"as_of": p.as_of},
            )
        else:
            notes.append("facts.over_limit_violations 尚未生成，超限检出数缺失")
        source = None
        if table_exists(conn, "facts", "monitoring_violations"):
            source = "facts.monitoring_violations"
        elif table_exists(conn, "staging", "monitoring_events"):
            source = "staging.monitoring_events"
            notes.append(
                "facts.monitoring_violations 尚未生成，两客一危检出数暂以联网联控报警"
                "（staging.monitoring_events）代替"
            )
        else:
            notes.append("无两客一危监控数据")
        if source:
            schema, name = source.split(".")
            available = table_columns(conn, schema, name)
            cols = resolve_columns(available)
            if cols["id"] and cols["province"] and cols["type"] and cols["start"]:
                sql = monitoring_detected_sql(
                    table=source,
                    id_col=cols["id"],
                    province_col=cols["province"],
                    type_col=cols["type"],
                    start_col=cols["start"],
                    plate_col=cols["plate"],
                    end_col=cols["end"],
                    speed_col=cols["speed"],
                    limit_col=cols["limit"],
                    duration_col=cols["duration"],
                    skip_alarmed_tracks={"source", "alarmed"} <= available,
                    detected_by_col="source" if "source" in available else None,
                )
                conn.execute("insert into stats.detected_base\n" + sql, {"as_of": p.as_of})
            else:
                notes.append(f"{source} 缺少必要列，两客一危检出数缺失")
        write_note(conn, "detected_base", "；".join(notes) or None)
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    return count_rows(conn, "stats.detected_base")


# ---------------------------------------------------------------- statistics tables


def build_violation_counts(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    return create_from_sql(conn, "violation_counts", "violation_counts", {})


def build_reconciliation(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    return create_from_sql(conn, "reconciliation", "reconciliation", {})


def build_reconciliation_monthly(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    return create_from_sql(conn, "reconciliation_monthly", "reconciliation_monthly", {})


def build_top_items(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    return create_from_sql(conn, "top_items", "top_items", {})


def build_trends(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    return create_from_sql(conn, "trends", "trends", {})


def build_severity_quantiles(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    return create_from_sql(conn, "severity_quantiles", "severity_quantiles", {})


def build_penalty_by_band(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    return create_from_sql(
        conn, "penalty_by_band", "penalty_by_band", {"min_cases": p.config.min_cases_per_province}
    )


def build_disparity(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    return create_from_sql(conn, "disparity", "disparity", {})


def build_recidivism(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    return create_from_sql(
        conn,
        "recidivism",
        "recidivism",
        {"as_of": p.as_of, "window_days": p.config.recidivism_window_days},
    )


def build_station_rates(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    if not (
        table_exists(conn, "facts", "weigh_events") and table_exists(conn, "staging", "stations")
    ):
        conn.execute("begin")
        conn.execute(STATION_DDL)
        write_note(conn, "station_rates", "facts.weigh_events 尚未生成，无法计算各站超限率")
        conn.execute("commit")
        return 0
    return create_from_sql(
        conn,
        "station_rates",
        "station_rates",
        {"as_of": p.as_of, "min_passages": p.config.station_min_passages},
    )


def build_leads_summary(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    if not table_exists(conn, "leads", "leads"):
        conn.execute("begin")
        conn.execute(LEADS_DDL)
        write_note(conn, "leads_summary", "leads.leads 尚未生成，线索统计缺失")
        conn.execute("commit")
        return 0
    return create_from_sql(conn, "leads_summary", "leads_summary", {})


QUALITY_DDL = """
create or replace table stats.quality_summary (
    table_name varchar, province varchar, files bigint, rows_read bigint, rows_loaded bigint,
    rows_quarantined bigint, rows_duplicate bigint, check_digit_failures bigint,
    unreadable_plates bigint, quarantine_share double
)
"""


def build_quality_summary(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    """Per table × province: rows read / loaded / quarantined / duplicate (quality.file_quality);
    without it, only the rows loaded per staging table."""
    if table_exists(conn, "quality", "file_quality"):
        return create_from_sql(conn, "quality_summary", "quality_summary", {})
    conn.execute("begin")
    try:
        conn.execute(QUALITY_DDL)
        tables = conn.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'staging' order by table_name"
        ).fetchall()
        for (name,) in tables:
            n = count_rows(conn, f"staging.{name}")
            conn.execute(
                "insert into stats.quality_summary (table_name, rows_loaded) values (?, ?)",
                [name, n],
            )
        write_note(conn, "quality_summary", "quality.file_quality 尚未生成，仅列出各暂存表行数")
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    return count_rows(conn, "stats.quality_summary")


# table name → (builder, stats tables it reads, upstream asset keys it depends on)
BUILDERS = {
    "item_catalog": (build_item_catalog, [], []),
    "case_base": (build_case_base, ["item_catalog"], ["staging_cases"]),
    "detected_base": (
        build_detected_base,
        ["item_catalog"],
        ["over_limit_violations", "monitoring_violations", "staging_monitoring_events"],
    ),
    "violation_counts": (build_violation_counts, ["case_base", "detected_base"], []),
    "reconciliation": (build_reconciliation, ["case_base", "detected_base"], []),
    "reconciliation_monthly": (build_reconciliation_monthly, ["violation_counts"], []),
    "top_items": (build_top_items, ["reconciliation"], []),
    "trends": (build_trends, ["violation_counts"], []),
    "severity_quantiles": (build_severity_quantiles, ["case_base", "detected_base"], []),
    "penalty_by_band": (build_penalty_by_band, ["case_base"], []),
    "disparity": (build_disparity, ["penalty_by_band"], []),
    "recidivism": (build_recidivism, ["case_base"], []),
    "tiers": (build_tiers, ["case_base", "detected_base"], []),
    "light_list": (build_light_list, ["recidivism", "case_base", "tiers"], []),
    "station_rates": (
        build_station_rates,
        ["item_catalog"],
        ["weigh_events", "staging_stations"],
    ),
    "leads_summary": (build_leads_summary, ["item_catalog"], ["leads"]),
    "quality_summary": (build_quality_summary, ["item_catalog"], ["quality_report"]),
}

# tables exported to out/stats (Parquet + one XLSX sheet each), in report order. The guide's
# tables must not wait for leads/patterns: the overview's come from other areas and are
# exported by overview_report, so a failure upstream of leads never blocks the guide.
GUIDE_TABLES = [
    "top_items",
    "violation_counts",
    "reconciliation",
    "reconciliation_monthly",
    "trends",
    "severity_quantiles",
    "penalty_by_band",
    "disparity",
    "recidivism",
    "tiers",
    "light_list",
    "item_catalog",
]
OVERVIEW_TABLES = ["leads_summary", "station_rates", "quality_summary"]
EXPORT_TABLES = [*GUIDE_TABLES, *OVERVIEW_TABLES]


def build_all(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> dict[str, int]:
    """Build every stats table in dependency order (for benchmarks and notebooks)."""
    return {name: fn(conn, p) for name, (fn, _, _) in BUILDERS.items()}


def export_tables(
    conn: duckdb.DuckDBPyConnection, stats_dir: Path, tables: list[str] | None = None
) -> dict[str, Path]:
    """Write stats tables (default: all exported ones) and the source notes to
    <stats_dir>/<table>.parquet; returns the paths written."""
    stats_dir.mkdir(parents=True, exist_ok=True)
    ensure_schema(conn)
    paths: dict[str, Path] = {}
    for name in [*(tables or EXPORT_TABLES), "source_notes"]:
        if not table_exists(conn, "stats", name):
            continue
        path = stats_dir / f"{name}.parquet"
        tmp = path.with_suffix(".parquet.tmp")
        conn.table(f"stats.{name}").write_parquet(str(tmp))
        tmp.replace(path)
        paths[name] = path
    return paths
