"""Charts of discretion_guide.html, each from one Parquet table named under it."""

from __future__ import annotations

import plotly.graph_objects as go

from reports.plotly_offline import figure_div
from reports.stats.common import Chart, ParquetTables, is_missing
from reports.stats.labels import province_name

PROVINCE_ORDER = ("21", "22", "23", "15")


def _empty(fig: go.Figure, text: str = "暂无数据") -> go.Figure:
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig


def _chart(div_id: str, title: str, fig: go.Figure, source: str, height: int = 380) -> Chart:
    return Chart(div_id, title, figure_div(fig, div_id, height=height), source)


def _short(name: str, n: int = 14) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def build_charts(t: ParquetTables) -> dict[str, Chart | list[Chart]]:
    charts: dict[str, Chart | list[Chart]] = {}

    # 1. top items by province
    region = t.rows("top_items", "scope = '全区域' and rank <= 8", "rank")
    codes = [r["code"] for r in region]
    names = {r["code"]: r["name_zh"] for r in region}
    fig = go.Figure()
    for prov in PROVINCE_ORDER:
        rows = {r["code"]: r for r in t.rows("top_items", "scope = ?", params=[prov])}
        fig.add_bar(
            name=province_name(prov),
            x=[_short(names[c]) for c in codes],
            y=[rows.get(c, {}).get("n_cases", 0) for c in codes],
        )
    fig.update_layout(barmode="group", yaxis_title="案件数")
    if not codes:
        _empty(fig)
    charts["top_by_province"] = _chart(
        "chart-top-by-province",
        "图1 全区域前8位高频事项的各省案件数",
        fig,
        t.source("top_items", "scope 为各省代码的行"),
    )

    # 2. monthly trend of the top 5 items (cases)
    fig = go.Figure()
    if t.has("violation_counts"):
        for c in codes[:5]:
            cur = t.conn.execute(
                "select month, sum(n) from read_parquet(?) where source = 'cases' and code = ? "
                "group by month order by month",
                [str(t.path("violation_counts")), c],
            ).fetchall()
            fig.add_scatter(
                name=_short(names[c]),
                x=[r[0] for r in cur],
                y=[r[1] for r in cur],
                mode="lines+markers",
            )
    fig.update_layout(yaxis_title="案件数/月", xaxis_title="月份")
    if not codes:
        _empty(fig)
    charts["trend"] = _chart(
        "chart-trend",
        "图2 前5位事项月度案件数（全区域）",
        fig,
        t.source("violation_counts", "source = 'cases'，按月份对各省求和"),
    )

    # 3. detected vs opened
    rec = (
        t.conn.execute(
            "select code, any_value(name_zh), sum(n_detected), sum(n_cases) from read_parquet(?) "
            "group by code order by sum(n_detected) + sum(n_cases) desc limit 10",
            [str(t.path("reconciliation"))],
        ).fetchall()
        if t.has("reconciliation")
        else []
    )
    fig = go.Figure()
    fig.add_bar(name="系统检出", x=[_short(r[1]) for r in rec], y=[r[2] for r in rec])
    fig.add_bar(name="执法立案", x=[_short(r[1]) for r in rec], y=[r[3] for r in rec])
    fig.update_layout(barmode="group", yaxis_title="数量")
    if not rec:
        _empty(fig)
    charts["reconciliation"] = _chart(
        "chart-reconciliation",
        "图3 系统检出与执法立案对比（全区域）",
        fig,
        t.source("reconciliation", "按事项对各省求和"),
    )

    # 3b. monthly detected vs opened for the top item
    fig = go.Figure()
    top = codes[0] if codes else None
    monthly = (
        t.conn.execute(
            "select month, sum(n_detected), sum(n_cases) from read_parquet(?) where code = ? "
            "group by month order by month",
            [str(t.path("reconciliation_monthly")), top],
        ).fetchall()
        if top and t.has("reconciliation_monthly")
        else []
    )
    fig.add_scatter(name="系统检出", x=[r[0] for r in monthly], y=[r[1] for r in monthly])
    fig.add_scatter(name="执法立案", x=[r[0] for r in monthly], y=[r[2] for r in monthly])
    fig.update_layout(yaxis_title="数量/月", xaxis_title="月份")
    if not monthly:
        _empty(fig)
    charts["reconciliation_monthly"] = _chart(
        "chart-reconciliation-monthly",
        f"图3b {names.get(top, '首位事项')}：系统检出与执法立案月度对比（全区域）",
        fig,
        t.source("reconciliation_monthly", f"code = '{top}'，按月份对各省求和"),
    )

    # 4. severity by axle configuration (box from precomputed quantiles)
    sev = t.rows(
        "severity_quantiles",
        "source = 'detected' and code = 'OL-MASS' and measure = 'excess_kg' "
        "and group_kind = 'axle_config'",
        "group_value",
    )
    src_detail = "source = 'detected'，code = 'OL-MASS'，measure = 'excess_kg'，按轴型"
    if not sev:
        sev = t.rows(
            "severity_quantiles",
            "source = 'cases' and code = 'OL-MASS' and measure = 'excess_kg' "
            "and group_kind = 'province'",
            "group_value",
        )
        src_detail = "source = 'cases'，code = 'OL-MASS'，measure = 'excess_kg'，按省份"
    fig = go.Figure()
    if sev:
        fig.add_trace(
            go.Box(
                name="超限重量(kg)",
                x=[province_name(r["group_value"]) if r["group_kind"] == "province"
                   else r["group_value"] for r in sev],
                q1=[r["p25"] for r in sev],
                median=[r["p50"] for r in sev],
                q3=[r["p75"] for r in sev],
                lowerfence=[r["p10"] for r in sev],
                upperfence=[r["p90"] for r in sev],
                mean=[r["mean"] for r in sev],
                boxpoints=False,
            )
        )  # fmt: skip
        fig.update_layout(yaxis_title="超限重量(kg)，须线为P10–P90", showlegend=False)
    else:
        _empty(fig)
    charts["severity_axle"] = _chart(
        "chart-severity-axle",
        "图4 车货总质量超限重量分布",
        fig,
        t.source("severity_quantiles", src_detail),
    )

    # 5. disparity ranking
    disp = t.rows("disparity", order="rank")
    fig = go.Figure()
    fig.add_bar(
        x=[0 if is_missing(r["disparity"]) else r["disparity"] for r in disp],
        y=[_short(r["name_zh"], 18) for r in disp],
        orientation="h",
        name="差异度",
    )
    fig.update_layout(
        yaxis={"autorange": "reversed"}, xaxis_title="差异度（中位数极差 ÷ 法定幅度）"
    )
    if not disp:
        _empty(fig)
    charts["disparity"] = _chart(
        "chart-disparity", "图5 各事项省际处罚差异度（差异最大者居上）", fig, t.source("disparity")
    )

    # 6. penalty by band for the 3 most divergent items
    band_charts = []
    for k, r in enumerate(disp[:3], start=1):
        rows = t.rows(
            "penalty_by_band", "code = ? and comparable", "band_no, province", [r["code"]]
        )
        fig = go.Figure()
        for prov in PROVINCE_ORDER:
            pr = [x for x in rows if x["province"] == prov]
            if not pr:
                continue
            fig.add_bar(
                name=province_name(prov),
                x=[x["band_label"] for x in pr],
                y=[x["median_yuan"] for x in pr],
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [x["p75_yuan"] - x["median_yuan"] for x in pr],
                    "arrayminus": [x["median_yuan"] - x["p25_yuan"] for x in pr],
                },
            )
        fig.update_layout(barmode="group", yaxis_title="罚款中位数(元)，误差线为P25–P75")
        band_charts.append(
            _chart(
                f"chart-band-{k}",
                f"图6-{k} {r['name_zh']}：各档位各省罚款中位数",
                fig,
                t.source("penalty_by_band", f"code = '{r['code']}'，仅可比省份"),
            )
        )
    charts["bands"] = band_charts

    # 7. re-offending after warning vs fine
    rec_rows = t.rows("recidivism", "after_decision in ('warning', 'fine')", "code")
    items = sorted({r["code"] for r in rec_rows})
    fig = go.Figure()
    for dec, label in (("warning", "警告后"), ("fine", "罚款后")):
        m = {r["code"]: r for r in rec_rows if r["after_decision"] == dec}
        fig.add_bar(
            name=label,
            x=[_short(m.get(c, {}).get("name_zh") or c) for c in items],
            y=[m.get(c, {}).get("reoffend_rate_12m") for c in items],
        )
    fig.update_layout(barmode="group", yaxis={"title": "12个月再犯率", "tickformat": ".0%"})
    if not items:
        _empty(fig)
    charts["recidivism"] = _chart(
        "chart-recidivism",
        "图7 警告后与罚款后12个月再犯率（Kaplan–Meier）",
        fig,
        t.source("recidivism", "after_decision 为 warning / fine 的行"),
    )

    # 8. share of past cases per proposed tier
    tiers = t.rows("tiers", "n_cases > 0", "code, tier_no")
    fig = go.Figure()
    for tier in ("轻", "一般", "重"):
        tr = [r for r in tiers if r["tier"] == tier]
        fig.add_bar(
            name=tier, x=[_short(r["name_zh"]) for r in tr], y=[r["share_of_cases"] for r in tr]
        )
    fig.update_layout(barmode="stack", yaxis={"title": "历史案件占比", "tickformat": ".0%"})
    if not tiers:
        _empty(fig)
    charts["tiers"] = _chart(
        "chart-tiers", "图8 建议阶次下的历史案件分布（建议，供工作组讨论）", fig, t.source("tiers")
    )
    return charts
