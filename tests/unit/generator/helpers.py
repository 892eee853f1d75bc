"""Small readers/normalisers used only by the generator tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl

PLATE_RE = re.compile(
    r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]"
    r"([A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳]|\d{5}[DABCEFGHJK]|[DABCEFGHJK][A-HJ-NP-Z0-9]\d{4})$"
)
COLORS = ["黄绿", "蓝", "黄", "黑", "白", "绿"]


def normalise_plate(raw: str | None) -> str | None:
    if raw is None or raw.strip() in ("", "未识别", "无牌"):
        return None
    s = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in raw)
    s = s.upper().replace(" ", "").replace("·", "").replace("\u3000", "")
    for c in COLORS:
        if s.endswith(c) and len(s) > 7:
            s = s[: -len(c)]
            break
    head, tail = s[:2], s[2:]
    return head + tail.replace("O", "0").replace("I", "1")


def load_json(world: Path, name: str) -> dict:
    return json.loads((world / "_truth" / name).read_text(encoding="utf-8"))


def canonical(world: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(world / "_truth" / "canonical" / f"{table}.parquet")
