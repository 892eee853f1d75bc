"""Offline Plotly for self-contained HTML reports.

Officers' machines have no internet: plotly.js is embedded ONCE per page, inline, from the
installed plotly package (no CDN), charts are bare <div>s that use it, and fonts come from a
CJK font stack of locally installed fonts (no web-font URLs). Includes print CSS so the
reports read well on A4.
"""

from __future__ import annotations

from functools import lru_cache

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

CJK_FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    '"Hiragino Sans GB", "WenQuanYi Micro Hei", SimHei, SimSun, "Noto Sans", Arial, sans-serif'
)

BASE_CSS = f"""
:root {{ --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --accent: #1f5f99; }}
body {{ font-family: {CJK_FONT_STACK}; color: var(--ink); margin: 0 auto; max-width: 1100px;
       padding: 24px; line-height: 1.55; font-size: 14px; }}
h1 {{ font-size: 24px; border-bottom: 3px solid var(--accent); padding-bottom: 6px; }}
h2 {{ font-size: 19px; margin-top: 32px; border-left: 5px solid var(--accent); padding-left: 8px; }}
h3 {{ font-size: 16px; margin-top: 20px; }}
table {{ border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 12.5px; }}
th, td {{ border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }}
th {{ background: #f0f4f8; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.source {{ color: var(--muted); font-size: 12px; margin: 2px 0 14px; }}
.note {{ background: #fff8e1; border-left: 4px solid #f0b429; padding: 6px 10px; margin: 8px 0; }}
.proposal {{ background: #e8f4fd; border-left: 4px solid var(--accent); padding: 6px 10px; }}
.badge {{ display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px;
          background: #e4e7eb; }}
.badge.high {{ background: #ffd8d8; }} .badge.low {{ background: #fff3c4; }}
.badge.normal {{ background: #d9f2e3; }}
.chart {{ page-break-inside: avoid; break-inside: avoid; }}
footer {{ color: var(--muted); font-size: 12px; margin-top: 40px; border-top: 1px solid var(--line); }}
@media print {{
  @page {{ size: A4; margin: 14mm 12mm; }}
  body {{ max-width: none; padding: 0; font-size: 11pt; }}
  h2 {{ page-break-after: avoid; break-after: avoid; }}
  table, .chart {{ page-break-inside: avoid; break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  .modebar, .no-print {{ display: none !important; }}
  a {{ color: inherit; text-decoration: none; }}
}}
"""

CHART_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"],
}


@lru_cache(maxsize=1)
def plotly_js_tag() -> str:
    """The whole plotly.js bundle in one inline <script> (put it once per page, in <head>)."""
    return f'<script type="text/javascript">{get_plotlyjs()}</script>'


COLORWAY = ["#1f5f99", "#d9822b", "#2f9e44", "#c92a2a", "#7048e8", "#868e96", "#e8590c"]

# a small template instead of plotly_white: each chart would otherwise embed ~8 kB of it
PRINT_TEMPLATE = go.layout.Template(
    layout={
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": COLORWAY,
        "xaxis": {"gridcolor": "#e5e7eb", "linecolor": "#9aa5b1", "zeroline": False},
        "yaxis": {"gridcolor": "#e5e7eb", "linecolor": "#9aa5b1", "zeroline": False},
    }
)


def style_figure(fig: go.Figure, *, height: int = 380) -> go.Figure:
    """CJK font, white print-friendly template, compact margins."""
    fig.update_layout(
        template=PRINT_TEMPLATE,
        font={"family": CJK_FONT_STACK, "size": 12},
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return fig


def figure_div(fig: go.Figure, div_id: str, *, height: int = 380) -> str:
    """A chart as a <div> that uses the page's single inline plotly.js (no script loading)."""
    style_figure(fig, height=height)
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id,
        config=CHART_CONFIG,
    )
