"""Dagster assets for the stats.* tables of the discretion guide (one asset per table).

Thin: each asset opens the DuckDB resource, calls its builder in assets/stats/build.py
(which runs the .sql beside it) and attaches row counts and a markdown preview.
"""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.stats.build import BUILDERS, StatsParams
from assets.stats.preview import markdown_preview
from pipelines.resources import XiansuoSettings

GROUP = "stats"

DESCRIPTIONS = {
    "item_catalog": "违法事项目录：法定罚款幅度、法律依据与核实标记（legal_ranges.yaml）",
    "case_base": "执法案件标准化：事项代码、严重程度分档、实际处罚与§43法定金额",
    "detected_base": "系统检出违法（超限事实、两客一危监控违法），标准化为事项代码",
    "violation_counts": "按事项×省份×月份统计：案件数与检出数",
    "reconciliation": "检出违法与立案数对账（按事项×省份）",
    "reconciliation_monthly": "检出违法与立案数对账（按事项×省份×月份）",
    "top_items": "高频违法事项排名（各省及全区域）",
    "trends": "各事项月度趋势（均值与斜率）",
    "severity_quantiles": "严重程度分布分位数（超限重量/比例按轴型，超速比例，驾驶时长）",
    "penalty_by_band": "同事项同严重程度档位下各省实际处罚（中位数、四分位距、警告/不予处罚占比）",
    "disparity": "各事项省际处罚差异度（中位数极差÷法定幅度），差异最大者居前",
    "recidivism": "首违占比与警告/罚款后12个月再犯率（Kaplan–Meier）",
    "tiers": "建议裁量阶次（轻/一般/重），限定在法定幅度内（供工作组讨论）",
    "light_list": "轻罚/免罚清单候选条目及其条件与数据证据（供工作组讨论）",
    "station_rates": "各检测站超限率与预期区间（R43）对比",
    "leads_summary": "线索按接收省份与类型统计",
    "quality_summary": "数据质量概况（各层表行数）",
}

PREVIEW_ORDER = {
    "top_items": "scope, rank",
    "disparity": "rank",
    "tiers": "code, tier_no",
    "reconciliation": "n_detected + n_cases desc",
    "station_rates": "status, rate desc",
    "recidivism": "n_cases desc",
}


def table_asset(name: str) -> dg.AssetsDefinition:
    builder, stats_deps, upstream = BUILDERS[name]

    @dg.asset(
        name=f"stats_{name}",
        group_name=GROUP,
        deps=[f"stats_{d}" for d in stats_deps] + upstream,
        description=DESCRIPTIONS.get(name, name),
        kinds={"duckdb"},
    )
    def _asset(duckdb: DuckDBResource, settings: XiansuoSettings) -> dg.MaterializeResult:
        with duckdb.get_connection() as conn:
            params = StatsParams.default(settings.as_of_date(conn))
            n = builder(conn, params)
            note = conn.execute(
                "select string_agg(note, '；') from stats.source_notes where table_name = ?",
                [name],
            ).fetchall()[0][0]
            preview = markdown_preview(conn, f"stats.{name}", order=PREVIEW_ORDER.get(name))
        meta: dict[str, dg.MetadataValue | str | int] = {
            "table": f"stats.{name}",
            "dagster/row_count": n,
            "as_of": params.as_of.isoformat(),
            "preview": dg.MetadataValue.md(preview),
        }
        if note:
            meta["note"] = note
        return dg.MaterializeResult(metadata=meta)

    return _asset


TABLE_ASSETS = [table_asset(name) for name in BUILDERS]
