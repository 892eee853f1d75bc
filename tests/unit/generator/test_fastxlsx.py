"""The vectorised XLSX writer produces files that fastexcel (calamine) and openpyxl both read."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import fastexcel
import openpyxl
import polars as pl

from data_contracts.generator.fastxlsx import col_letter, write_xlsx


def test_col_letters():
    assert [col_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_roundtrip(tmp_path: Path):
    raw = pl.DataFrame(
        {
            "id": ["A&B<1>", "辽Ａ１２３４５", None],
            "n": ["12.5", "abc", "-3"],
            "t": ["46143.35416667", "2026-05-01 08:30:00", ""],
        }
    )
    p = tmp_path / "x.xlsx"
    write_xlsx(p, ["编号", "数值", "时间"], raw, ["s", "n", "d"], datetime(2026, 11, 1))
    df = fastexcel.read_excel(p).load_sheet(0).to_polars()
    assert df.columns == ["编号", "数值", "时间"]
    assert df["编号"].to_list()[:2] == ["A&B<1>", "辽Ａ１２３４５"]
    rows = list(openpyxl.load_workbook(p, read_only=True).active.iter_rows(values_only=True))
    assert rows[1][1] == 12.5 and rows[2][1] == "abc" and rows[3][1] == -3
    assert (
        rows[1][2] == datetime(2026, 5, 1, 8, 30, 0, 0)
        or abs((rows[1][2] - datetime(2026, 5, 1, 8, 30)).total_seconds()) < 1
    )
    assert rows[2][2] == "2026-05-01 08:30:00"
    first = p.read_bytes()
    write_xlsx(p, ["编号", "数值", "时间"], raw, ["s", "n", "d"], datetime(2026, 11, 1))
    assert p.read_bytes() == first
