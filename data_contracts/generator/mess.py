"""Export mess of real provincial systems (INTERFACES §1): plate variants, colour codes, timestamp
forms, unit changes, list separators. Turns a canonical frame into the raw strings of a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import polars as pl

COLOR_CODE = {"蓝": "1", "黄": "2", "黑": "3", "白": "4", "绿": "5", "黄绿": "6"}
TS_FORMATS = {
    "iso_space": "%Y-%m-%d %H:%M:%S",
    "slash": "%Y/%-m/%-d %-H:%M:%S",
    "slash_min": "%Y/%-m/%-d %-H:%M",
    "iso_tz": "%Y-%m-%dT%H:%M:%S+08:00",
    "compact": "%Y%m%d%H%M%S",
}
UNREADABLE = ["未识别", "无牌", ""]


@dataclass
class Style:
    fmt: str  # csv, txt, xlsx, parquet, jsonl, csv.gz
    headers: str = "en"  # en, zh, mixed
    encoding: str = "utf-8"
    bom: bool = False
    sep: str = ","
    ts: str = "iso_space"  # key of TS_FORMATS, or 'excel' (serial numbers), 'native'
    tonnes: bool = False
    color: str = "word"  # word, code
    axle_sep: str = ";"
    bools: str = "tf"  # tf (true/false), 10, zh (是/否)
    plate_mess: float = 0.04  # share of plates written in a messy variant
    extra: dict[str, str] = field(default_factory=dict)  # unknown extra columns: name -> value


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in s)


def messy_plate(plate: str, color: str, k: int) -> str:
    """One of the real-world variants of a correct plate."""
    if k == 0:
        return fullwidth(plate)
    if k == 1:
        return plate[0] + plate[1:].lower()
    if k == 2:
        return plate[:2] + " " + plate[2:]
    if k == 3:
        return plate[:2] + "·" + plate[2:]
    if k == 4:
        return plate + color
    if k == 5:  # O/I typed where 0/1 was meant (serial positions only)
        tail = plate[2:]
        if "0" in tail:
            return plate[:2] + tail.replace("0", "O", 1)
        if "1" in tail:
            return plate[:2] + tail.replace("1", "I", 1)
        return plate + " "
    return plate


def mess_plates(
    rng: np.random.Generator, plates: list, colors: list, share: float
) -> tuple[list, int]:
    out = list(plates)
    n_messy = 0
    pick = np.nonzero(rng.random(len(out)) < share)[0]
    kinds = rng.integers(0, 6, len(pick))
    for i, k in zip(pick, kinds, strict=True):
        p = out[i]
        if p:
            out[i] = messy_plate(p, colors[i] or "", int(k))
            n_messy += 1
    return out, n_messy


def fmt_ts(col: pl.Expr, style: Style) -> pl.Expr:
    if style.ts == "excel":
        base = datetime(1899, 12, 30)
        return ((col - pl.lit(base)).dt.total_seconds() / 86400.0).round(8).cast(pl.String)
    return col.dt.strftime(TS_FORMATS[style.ts])


def fmt_bool(col: pl.Expr, style: Style) -> pl.Expr:
    t, f = {"tf": ("true", "false"), "10": ("1", "0"), "zh": ("是", "否")}[style.bools]
    return pl.when(col.is_null()).then(None).when(col).then(pl.lit(t)).otherwise(pl.lit(f))


def to_raw(df: pl.DataFrame, types: dict[str, object], style: Style) -> pl.DataFrame:
    """All columns as strings (None for empty) in the file's conventions."""
    exprs = []
    for c in df.columns:
        t = types.get(c)
        col = pl.col(c)
        if t == pl.Datetime("us"):
            e = fmt_ts(col, style)
        elif t == pl.Date:
            e = col.dt.strftime("%Y-%m-%d" if style.ts != "slash" else "%Y/%-m/%-d")
        elif t == pl.Boolean:
            e = fmt_bool(col, style)
        elif t == pl.List(pl.Int64):
            e = col.cast(pl.List(pl.String)).list.join(style.axle_sep)
        elif c == "gross_kg" and style.tonnes:
            e = (col.cast(pl.Float64) / 1000.0).round(2).cast(pl.String)
        elif c == "plate_color" and style.color == "code":
            e = col.replace_strict(COLOR_CODE, default=col)
        else:
            e = col.cast(pl.String)
        exprs.append(e.alias(c))
    return df.select(exprs)
