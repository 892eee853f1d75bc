"""overview.html — regional overview: leads, station over-limit rates (R43), data quality."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import plotly.graph_objects as go

from models.stats.legal import load_legal_config
from reports.plotly_offline import figure_div
from reports.stats.common import Chart, HtmlTable, ParquetTables, render
from reports.stats.labels import province_name, value_label


def _chart(div_id: str, title: str, fig: go.Figure, source: str) -> Chart:
    return Chart(div_id, title, figure_div(fig, div_id), source)


def build_overview(stats_dir: Path, out_path: Path, *, as_of: str) -> list[str]:
    """Write overview.html from the Parquet tables; returns the chart div ids."""
    t = ParquetTables(stats_dir)
    cfg = load_legal_config()
    notes = [r["note"] for r in t.rows("source_notes")] if t.has("source_notes") else []

    leads = t.rows("leads_summary", order="receiving_province, lead_type")
    fig = go.Figure()
    for lt in sorted({r["lead_type"] for r in leads}):
        rows = [r for r in leads if r["lead_type"] == lt]
        fig.add_bar(
            name=str(value_label("lead_type", lt)),
            x=[province_name(r["receiving_province"]) for r in rows],
            y=[r["n_leads"] for r in rows],
        )
    fig.update_layout(barmode="stack", yaxis_title="线索数")
    if not leads:
        fig.add_annotation(
            text="暂无线索数据", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
        )
    charts = {
        "leads": _chart(
            "chart-leads", "图1 各接收省份线索数（按类型）", fig, t.source("leads_summary")
        )
    }

    stations = t.rows("station_rates", order="province, station_id")
    fig = go.Figure()
    for status, label in (
        ("normal", "正常"),
        ("high", "偏高"),
        ("low", "偏低"),
        ("insufficient", "样本不足"),
    ):
        rows = [r for r in stations if r["status"] == status]
        if not rows:
            continue
        fig.add_scatter(
            name=label,
            mode="markers",
            x=[r["n_passages"] for r in rows],
            y=[r["rate"] for r in rows],
            text=[f"{r['station_id']} {r['station_name'] or ''}" for r in rows],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [r["rate_ci_high"] - r["rate"] for r in rows],
                "arrayminus": [r["rate"] - r["rate_ci_low"] for r in rows],
            },
        )
    lo, hi = cfg.station_default_rate
    fig.add_hrect(y0=lo, y1=hi, fillcolor="green", opacity=0.12, line_width=0)
    fig.update_layout(
        xaxis={"title": "称重车次", "type": "log"},
        yaxis={"title": "超限率（误差线为95%区间）", "tickformat": ".1%"},
    )
    if not stations:
        fig.add_annotation(
            text="暂无称重事实数据", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
        )
    charts["stations"] = _chart(
        "chart-stations",
        "图2 各检测站超限率（绿色带为预期区间 0.3%–0.7%）",
        fig,
        t.source("station_rates"),
    )

    station_cols = ["station_id", "station_name", "province", "kind", "road", "n_passages",
                    "n_over_limit", "rate", "rate_ci_low", "rate_ci_high", "status"]  # fmt: skip
    top_codes_rows = t.rows("top_items", "scope = '全区域' and rank <= 10", "rank")
    tables = {
        "leads": HtmlTable(
            "表1 线索数（接收省份×类型）",
            ["receiving_province", "lead_type", "n_leads"],
            leads,
            t.source("leads_summary"),
        ),
        "stations_flagged": HtmlTable(
            "表2 超限率偏离预期的检测站（需核查）",
            station_cols,
            t.rows("station_rates", "status in ('low', 'high')", "status, rate desc"),
            t.source("station_rates", "status 为 low / high 的行"),
        ),
        "stations": HtmlTable(
            "表3 全部检测站超限率", station_cols, stations, t.source("station_rates")
        ),
        "top_region": HtmlTable(
            "表4 全区域高频违法事项",
            ["rank", "code", "name_zh", "n_cases", "n_detected", "share_of_cases"],
            top_codes_rows,
            t.source("top_items", "scope = '全区域'"),
        ),
        "reconciliation": HtmlTable(
            "表5 检出与立案对账（按事项×省份）",
            ["code", "name_zh", "province", "n_detected", "n_cases", "cases_per_detected"],
            t.rows("reconciliation", order="code, province"),
            t.source("reconciliation"),
        ),
        "quality": HtmlTable(
            "表6 数据质量：各表各省读入、入库、隔离、重复行数",
            [
                "table_name",
                "province",
                "files",
                "rows_read",
                "rows_loaded",
                "rows_quarantined",
                "rows_duplicate",
                "quarantine_share",
                "check_digit_failures",
                "unreadable_plates",
            ],
            t.rows("quality_summary", order="table_name, province"),
            t.source("quality_summary"),
            note="详细的逐文件质量报告（读入、入库、隔离、重复）见 out/quality/。",
        ),
    }
    html = render(
        "overview.html.j2",
        title="东北三省一区执法线索与数据概览",
        as_of=as_of,
        generated_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
        charts=charts,
        tables=tables,
        notes=notes,
        min_passages=cfg.station_min_passages,
    )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(html, encoding="utf-8")
    return [c.div_id for c in charts.values()]
