"""discretion_guide.html — the working group's evidence for a shared 裁量基准 (Chinese)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from models.stats.legal import load_legal_config
from reports.stats.common import HtmlTable, ParquetTables, render
from reports.stats.guide_charts import build_charts
from reports.stats.labels import province_name


def build_tables(t: ParquetTables, top_codes: list[str]) -> dict[str, HtmlTable]:
    tb: dict[str, HtmlTable] = {}
    tb["top_region"] = HtmlTable(
        "表1 全区域高频违法事项（按立案数）",
        ["rank", "code", "name_zh", "n_cases", "share_of_cases", "n_detected"],
        t.rows("top_items", "scope = '全区域' and rank <= 15", "rank"),
        t.source("top_items", "scope = '全区域'"),
    )
    tb["trends"] = HtmlTable(
        "表2 月度趋势（执法案件）",
        ["code", "name_zh", "n_months", "total", "mean_per_month", "slope_per_month",
         "relative_slope"],
        t.rows("trends", "source = 'cases'", "total desc"),
        t.source("trends", "source = 'cases'"),
    )  # fmt: skip
    tb["reconciliation"] = HtmlTable(
        "表3 检出与立案对账（按事项×省份）",
        ["code", "name_zh", "province", "n_detected", "n_detected_evidence_ok", "n_cases",
         "cases_per_detected"],
        t.rows("reconciliation", order="code, province"),
        t.source("reconciliation"),
        note="“立案数/检出数”低说明检出的违法多数未进入执法程序；检出数来自系统规则，"
        "证据合格指设备检定有效（R35）。",
    )  # fmt: skip
    tb["severity"] = HtmlTable(
        "表4 超限重量与比例分位数（执法案件，按省份）",
        ["code", "name_zh", "group_value", "measure", "n", "mean", "p10", "p25", "p50", "p75",
         "p90", "p99"],
        t.rows("severity_quantiles", "source = 'cases' and group_kind in ('province', 'all')",
               "code, measure, group_kind desc, group_value"),
        t.source("severity_quantiles", "source = 'cases'"),
        labels={"group_value": "省份/范围"},
    )  # fmt: skip
    for r in tb["severity"].rows:
        r["group_value"] = province_name(r["group_value"])
    tb["severity_monitoring"] = HtmlTable(
        "表5 系统检出的严重程度分位数（超速比例、驾驶/持续时长、按轴型的超限重量）",
        ["code", "name_zh", "group_kind", "group_value", "measure", "n", "mean", "p25", "p50",
         "p75", "p90", "p99"],
        t.rows("severity_quantiles", "source = 'detected'", "code, measure, group_value"),
        t.source("severity_quantiles", "source = 'detected'"),
    )  # fmt: skip
    tb["disparity"] = HtmlTable(
        "表6 省际处罚差异度（差异最大者居前）",
        ["rank", "code", "name_zh", "disparity", "max_band_disparity", "light_share_spread",
         "max_share_outside_legal_range", "most_divergent_band", "province_highest", "highest_median_yuan", "province_lowest",
         "lowest_median_yuan", "n_cases_compared", "max_provinces"],
        t.rows("disparity", order="rank"),
        t.source("disparity"),
        note="差异度大于1表示省际差距超过法定幅度本身，通常意味着部分省份的罚款超出法定幅度"
        "（见“超出法定幅度占比”）。",
    )  # fmt: skip
    tb["penalty_by_band"] = HtmlTable(
        "表7 前列高频事项分档处罚对比（各省）",
        ["code", "band_label", "province", "n", "median_yuan", "p25_yuan", "p75_yuan",
         "iqr_yuan", "share_warning", "share_no_penalty", "share_outside_legal_range",
         "median_statutory_yuan", "median_deviation_yuan"],
        t.rows("penalty_by_band", "list_contains(?, code)", "code, band_no, province",
               [top_codes[:5]]),
        t.source("penalty_by_band", "前5位高频事项"),
    )  # fmt: skip
    tb["recidivism"] = HtmlTable(
        "表8 首违占比与再犯",
        ["code", "name_zh", "after_decision", "n_cases", "first_offence_share",
         "derived_first_offence_share", "n_reoffended",
         "reoffend_rate_12m", "n_full_follow_up", "reoffend_rate_full_follow_up",
         "median_days_to_reoffend"],
        t.rows("recidivism", order="code, after_decision"),
        t.source("recidivism"),
    )  # fmt: skip
    tb["tiers"] = HtmlTable(
        "表9 建议裁量阶次（建议，供工作组讨论）",
        ["code", "name_zh", "tier", "severity_kind", "severity_from", "severity_to", "sanction",
         "penalty_min_yuan", "penalty_max_yuan", "n_cases", "share_of_cases", "basis", "tag",
         "quantile_source"],
        t.rows("tiers", order="code, tier_no"),
        t.source("tiers"),
    )  # fmt: skip
    tb["light_list"] = HtmlTable(
        "表10 轻罚/免罚清单候选（建议，供工作组讨论）",
        ["code", "name_zh", "kind", "scope", "conditions", "basis", "tag", "n_cases_in_scope",
         "n_detected_in_scope",
         "first_offence_share", "reoffend_12m_after_warning", "reoffend_12m_after_fine",
         "evidence", "status"],
        t.rows("light_list", order="code"),
        t.source("light_list"),
    )  # fmt: skip
    tb["catalog"] = HtmlTable(
        "表11 事项目录与法定罚款幅度",
        ["code", "name_zh", "min_yuan", "max_yuan", "warning_allowed", "printable_basis", "tag"],
        t.rows("item_catalog", order="domain, code"),
        t.source("item_catalog", "源自 models/stats/legal_ranges.yaml"),
    )  # fmt: skip
    return tb


def build_discretion_guide(stats_dir: Path, out_path: Path, *, as_of: str) -> list[str]:
    """Write discretion_guide.html from the Parquet tables; returns the chart div ids."""
    t = ParquetTables(stats_dir)
    charts = build_charts(t)
    top_codes = [r["code"] for r in t.rows("top_items", "scope = '全区域'", "rank")]
    tables = build_tables(t, top_codes)
    notes = [
        r["note"]
        for r in t.rows(
            "source_notes",
            "table_name not in ('leads_summary', 'station_rates', 'quality_summary')",
        )
    ]
    cfg = load_legal_config()
    html = render(
        "discretion_guide.html.j2",
        title="高频违法事项行政处罚裁量基准统计与建议（东北三省一区）",
        as_of=as_of,
        generated_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
        charts=charts,
        tables=tables,
        notes=notes,
        min_cases=cfg.min_cases_per_province,
        q=cfg.tier_quantiles,
    )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(html, encoding="utf-8")
    ids: list[str] = []
    for c in charts.values():
        ids.extend(x.div_id for x in (c if isinstance(c, list) else [c]))
    return ids
