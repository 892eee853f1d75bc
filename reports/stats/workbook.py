"""The discretion-statistics workbook: one formatted sheet per Parquet table, Chinese headers.

Every text cell goes through reports.safe.neutralise_cell, so a value from the data that
looks like a formula stays text.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pyarrow.parquet as pq
import xlsxwriter

from reports.safe import neutralise_cell
from reports.stats.labels import (
    EXPORT_EXCLUDE,
    PERCENT_COLUMNS,
    TABLE_LABELS,
    column_label,
    value_label,
)

README_ROWS = [
    ("东北“三省一区”高频违法事项行政处罚裁量基准统计（工作底稿）", ""),
    ("性质", "统计分析与建议（供工作组讨论），不是法律文件；建议阶次与免罚条目须经法制审核。"),
    ("核实标记", "V 已核实；V2 仅见二手来源；U 未核实（配置假设，不作为法律依据引用）。"),
    ("数据", "每个工作表对应 out/stats/ 下同名 Parquet 文件，可逐一追溯。"),
]


def _cell_value(column: str, value: object) -> object:
    value = value_label(column, value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, list | tuple):
        value = "；".join(str(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return neutralise_cell(value)


def write_workbook(parquet_paths: dict[str, Path], out_path: Path, *, as_of: str) -> list[str]:
    """Write `out_path` with a 说明 sheet and one sheet per table; returns the sheet names."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(out_path), {"strings_to_formulas": False, "strings_to_urls": False}
    )
    head = wb.add_format(
        {"bold": True, "bg_color": "#DCE6F0", "border": 1, "text_wrap": True, "valign": "top"}
    )
    pct = wb.add_format({"num_format": "0.0%"})
    num = wb.add_format({"num_format": "#,##0.##"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    title = wb.add_format({"bold": True, "font_size": 14})

    readme = wb.add_worksheet("说明")
    readme.set_column(0, 0, 16)
    readme.set_column(1, 1, 90, wrap)
    readme.write(0, 0, README_ROWS[0][0], title)
    readme.write(1, 0, "数据截止日期")
    readme.write(1, 1, as_of)
    for r, (k, v) in enumerate(README_ROWS[1:], start=2):
        readme.write(r, 0, k)
        readme.write(r, 1, v)
    r0 = len(README_ROWS) + 2
    readme.write(r0, 0, "工作表", head)
    readme.write(r0, 1, "来源文件", head)

    sheets = ["说明"]
    for i, (table, path) in enumerate(parquet_paths.items(), start=1):
        name = TABLE_LABELS.get(table, table)[:31]
        sheets.append(name)
        readme.write(r0 + i, 0, name)
        readme.write(r0 + i, 1, f"out/stats/{path.name}（stats.{table}）")
        ws = wb.add_worksheet(name)
        tbl = pq.read_table(path)
        cols = [c for c in tbl.column_names if c not in EXPORT_EXCLUDE.get(table, set())]
        data = {c: tbl.column(c).to_pylist() for c in cols}
        for j, c in enumerate(cols):
            ws.write(0, j, column_label(c), head)
            fmt = pct if c in PERCENT_COLUMNS else None
            width = max(10, min(48, len(column_label(c)) * 2 + 2))
            if c in ("conditions", "evidence", "basis", "printable_basis", "scope"):
                width, fmt = 60, wrap
            ws.set_column(j, j, width, fmt)
        for rr in range(tbl.num_rows):
            for j, c in enumerate(cols):
                v = _cell_value(c, data[c][rr])
                if v is None:
                    continue
                if isinstance(v, dt.date | dt.datetime):
                    ws.write_datetime(rr + 1, j, v, date_fmt)
                elif isinstance(v, bool):
                    ws.write_boolean(rr + 1, j, v)
                elif isinstance(v, int | float):
                    ws.write_number(rr + 1, j, v, pct if c in PERCENT_COLUMNS else num)
                else:
                    ws.write_string(rr + 1, j, str(v))
        ws.freeze_panes(1, 0)
        if cols:
            ws.autofilter(0, 0, max(tbl.num_rows, 1), len(cols) - 1)
    wb.close()
    return sheets
