"""Model card of one risk-model training run: Markdown + HTML with a calibration plot
(plotly, JS embedded so it opens offline on an officer's machine)."""

from __future__ import annotations

import json
from pathlib import Path


def calibration_figure_html(points: list[dict]) -> str:
    """Reliability diagram (predicted vs observed over-limit rate) as an HTML fragment."""
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="理想校准", line={"dash": "dash"})
    )
    fig.add_trace(
        go.Scatter(
            x=[p["predicted"] for p in points],
            y=[p["observed"] for p in points],
            mode="lines+markers",
            name="模型（测试期，95%区间）",
            text=[f"n={p['n']}" for p in points],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [p.get("observed_hi", p["observed"]) - p["observed"] for p in points],
                "arrayminus": [p["observed"] - p.get("observed_lo", p["observed"]) for p in points],
            },
        )
    )
    fig.update_layout(
        title="校准曲线：预测概率 vs 实际超限率",
        xaxis_title="预测概率",
        yaxis_title="实际超限比例",
        font={"family": "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"},
        width=640,
        height=480,
    )
    return fig.to_html(full_html=False, include_plotlyjs=True)


def write_model_card(
    out_dir: Path,
    *,
    as_of,
    windows: dict,
    metrics: dict,
    calibration: list[dict],
    coefficients: dict[str, float],  # feature → importance
    feature_words: dict[str, str],
    notes: list[str],
    ranking: list[dict] | None = None,
) -> list[Path]:
    """Write risk_model_<as_of>.md/.html (and risk_model.md/.html as the latest copy)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# 风险模型卡 — 截至 {as_of}",
        "",
        "预测对象：车辆下一次固定超限检测站（静态称重）被认定超限的概率。"
        "标签来自不停车检测→固定站的关联称重；仅按时间切分（早期训练、随后校准、最后测试）。",
        "",
        "## 数据窗口",
        "",
        *[f"- {k}: {v[0]} → {v[1]}" for k, v in windows.items()],
        "",
        "## 测试期指标",
        "",
        *[f"- {k}: {v:.4f}" if isinstance(v, float) else f"- {k}: {v}" for k, v in metrics.items()],
        "",
        "## 测试期精确率@k（滚动起点：最后几个截点各用其之前的数据训练的模型打分；每个截点各取前k名，与规则排序同一批样本）",
        "",
        "| 样本 | 排序 | k | 精确率 | 95% Wilson区间 | 命中 | 选取数 |",
        "|---|---|---|---|---|---|---|",
        *[
            f"| {'尚未触发累计超限（≤R09次数）' if '.untriggered.' in r['detector'] else '全部'} | "
            f"{r['detector'].split('.')[0]} | {r['detector'].split('@')[1]} | "
            f"{r['precision']:.3f} | "
            + (
                f"{r['precision_lo']:.3f}–{r['precision_hi']:.3f}"
                if r.get("precision_lo") is not None
                else "—"
            )
            + f" | {r['tp'] if r.get('tp') is not None else '—'} | {r['found']} |"
            for r in (ranking or [])
            if "@" in r["detector"]
        ],
        "",
        *[
            f"- {r['detector']}: {r['precision']:.4f}（{r['note']}）"
            for r in (ranking or [])
            if r["detector"].endswith("average_precision")
        ],
        "",
        "## 校准（测试期，按预测概率等量分箱，实际比例附95% Wilson区间）",
        "",
        "| 预测概率范围 | 平均预测 | 实际比例 | 95%区间 | 超限数 | 样本数 |",
        "|---|---|---|---|---|---|",
        *[
            f"| {p['bin']} | {p['predicted']:.4f} | {p['observed']:.4f} | "
            f"{p.get('observed_lo', 0):.4f}–{p.get('observed_hi', 1):.4f} | "
            f"{p.get('positives', '—')} | {p['n']} |"
            for p in calibration
        ],
        "",
        "## 特征重要性（特征置为中位数时预测概率的平均变化）",
        "",
        "| 特征 | 说明 | 重要性 |",
        "|---|---|---|",
        *[
            f"| {k} | {feature_words.get(k, k)} | {v:.4f} |"
            for k, v in sorted(coefficients.items(), key=lambda kv: -abs(kv[1]))
        ],
        "",
        "## 说明",
        "",
        *[f"- {n}" for n in notes],
        "",
    ]
    md = "\n".join(lines)
    html = (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>风险模型卡 {as_of}</title></head><body style='font-family: sans-serif'>"
        f"<pre style='white-space: pre-wrap'>{_escape(md)}</pre>"
        f"{calibration_figure_html(calibration) if calibration else ''}"
        f"<script type='application/json' id='metrics'>{json.dumps(metrics)}</script>"
        "</body></html>"
    )
    paths = []
    for stem in (f"risk_model_{as_of}", "risk_model"):
        (out_dir / f"{stem}.md").write_text(md, encoding="utf-8")
        (out_dir / f"{stem}.html").write_text(html, encoding="utf-8")
        paths += [out_dir / f"{stem}.md", out_dir / f"{stem}.html"]
    return paths


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
