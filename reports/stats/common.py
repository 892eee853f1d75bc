"""Shared pieces of the stats HTML reports: reading the Parquet tables, formatting, tables."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import jinja2

from reports.plotly_offline import BASE_CSS, plotly_js_tag
from reports.stats.labels import PERCENT_COLUMNS, column_label, value_label

TEMPLATES = Path(__file__).with_name("templates")


class ParquetTables:
    """Read-only access to out/stats/<table>.parquet; reports are built only from these."""

    def __init__(self, stats_dir: Path):
        self.dir = Path(stats_dir)
        self.conn = duckdb.connect(":memory:")

    def path(self, table: str) -> Path:
        return self.dir / f"{table}.parquet"

    def has(self, table: str) -> bool:
        return self.path(table).exists()

    def source(self, table: str, detail: str = "") -> str:
        s = f"数据来源：out/stats/{table}.parquet（stats.{table}）"
        return s + (f"，{detail}" if detail else "")

    def rows(self, table: str, where: str = "true", order: str | None = None, params=None):
        """Rows as dicts. `where`/`order` are fixed expressions from our code; values are
        parameters."""
        if not self.has(table):
            return []
        sql = f"select * from read_parquet(?) where {where}"  # noqa: S608
        if order:
            sql += f" order by {order}"
        cur = self.conn.execute(sql, [str(self.path(table)), *(params or [])])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def is_missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v)))


def fmt(column: str, v: object) -> str:
    """Format a value for an HTML cell, by column name."""
    if is_missing(v):
        return "—"
    v = value_label(column, v)
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float | int) and column in PERCENT_COLUMNS:
        return f"{v * 100:.1f}%"
    if column in ("disparity", "max_band_disparity"):
        return f"{float(v):.3f}"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if abs(v) >= 100:
            return f"{v:,.0f}"
        return f"{v:,.2f}".rstrip("0").rstrip(".") if abs(v) >= 1 else f"{v:.3g}"
    return str(v)


@dataclass
class HtmlTable:
    title: str
    columns: list[str]
    rows: list[dict]
    source: str
    note: str = ""
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> list[str]:
        return [self.labels.get(c, column_label(c)) for c in self.columns]

    @property
    def cells(self) -> list[list[tuple[str, bool]]]:
        out = []
        for r in self.rows:
            out.append(
                [
                    (fmt(c, r.get(c)), isinstance(r.get(c), int | float) and c != "code")
                    for c in self.columns
                ]
            )
        return out


@dataclass
class Chart:
    div_id: str
    title: str
    html: str
    source: str


def render(template: str, **context) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(template).render(css=BASE_CSS, plotly_js=plotly_js_tag(), **context)
