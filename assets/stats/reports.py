"""Dagster assets for the stats outputs under <workdir>/out/stats/.

discretion_stats: the guide's tables as Parquet + discretion_stats.xlsx; discretion_guide_report:
discretion_guide.html; overview_report: the overview's tables (leads, station rates, quality)
as Parquet + overview.xlsx, and overview.html. The guide never waits for leads or patterns.
"""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.stats.build import GUIDE_TABLES, OVERVIEW_TABLES, export_tables
from assets.stats.db import count_rows
from assets.stats.preview import markdown_preview
from assets.stats.tables import GROUP
from pipelines.resources import XiansuoSettings
from reports.stats.guide import build_discretion_guide
from reports.stats.overview import build_overview
from reports.stats.workbook import write_workbook

WORKBOOK = "discretion_stats.xlsx"
OVERVIEW_WORKBOOK = "overview.xlsx"


@dg.asset(
    group_name=GROUP,
    deps=[f"stats_{name}" for name in GUIDE_TABLES],
    description="裁量基准统计表导出：out/stats/*.parquet 与 discretion_stats.xlsx（每表一页，中文表头）",
    kinds={"parquet", "excel"},
)
def discretion_stats(duckdb: DuckDBResource, settings: XiansuoSettings) -> dg.MaterializeResult:
    stats_dir = settings.out_dir / "stats"
    with duckdb.get_connection() as conn:
        as_of = settings.as_of_date(conn).isoformat()
        paths = export_tables(conn, stats_dir, GUIDE_TABLES)
        counts = {name: count_rows(conn, f"stats.{name}") for name in paths}
        top = markdown_preview(conn, "stats.disparity", order="rank", limit=5)
    sheets = write_workbook(
        {k: v for k, v in paths.items() if k in GUIDE_TABLES}, stats_dir / WORKBOOK, as_of=as_of
    )
    return dg.MaterializeResult(
        metadata={
            "stats_dir": dg.MetadataValue.path(str(stats_dir)),
            "workbook": dg.MetadataValue.path(str(stats_dir / WORKBOOK)),
            "sheets": ", ".join(sheets),
            "row_counts": dg.MetadataValue.json(counts),
            "top_disparity": dg.MetadataValue.md(top),
            "as_of": as_of,
        }
    )


@dg.asset(
    group_name=GROUP,
    deps=[discretion_stats],
    description="discretion_guide.html：裁量基准统计与建议（中文、离线、可打印）",
    kinds={"html"},
)
def discretion_guide_report(
    duckdb: DuckDBResource, settings: XiansuoSettings
) -> dg.MaterializeResult:
    stats_dir = settings.out_dir / "stats"
    with duckdb.get_connection() as conn:
        as_of = settings.as_of_date(conn).isoformat()
    path = stats_dir / "discretion_guide.html"
    charts = build_discretion_guide(stats_dir, path, as_of=as_of)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "charts": len(charts),
            "bytes": path.stat().st_size,
        }
    )


@dg.asset(
    group_name=GROUP,
    deps=[discretion_stats, *[f"stats_{name}" for name in OVERVIEW_TABLES]],
    description="overview.html / overview.xlsx：线索、检测站超限率（R43）与数据质量概览",
    kinds={"html", "excel"},
)
def overview_report(duckdb: DuckDBResource, settings: XiansuoSettings) -> dg.MaterializeResult:
    stats_dir = settings.out_dir / "stats"
    with duckdb.get_connection() as conn:
        as_of = settings.as_of_date(conn).isoformat()
        paths = export_tables(conn, stats_dir, OVERVIEW_TABLES)
        counts = {name: count_rows(conn, f"stats.{name}") for name in paths}
        flagged = markdown_preview(conn, "stats.station_rates", order="status, rate desc", limit=10)
    write_workbook(
        {k: v for k, v in paths.items() if k in OVERVIEW_TABLES},
        stats_dir / OVERVIEW_WORKBOOK,
        as_of=as_of,
    )
    path = stats_dir / "overview.html"
    charts = build_overview(stats_dir, path, as_of=as_of)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "workbook": dg.MetadataValue.path(str(stats_dir / OVERVIEW_WORKBOOK)),
            "charts": len(charts),
            "row_counts": dg.MetadataValue.json(counts),
            "stations": dg.MetadataValue.md(flagged),
            "bytes": path.stat().st_size,
        }
    )


REPORT_ASSETS = [discretion_stats, discretion_guide_report, overview_report]
