"""Timestamp parsing: the adaptive parser (best form first, only on what is left) must give
exactly what trying every form on every value gives."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from models.ingest.parsing import parse_date, parse_dates, parse_timestamp, parse_timestamps

VALUES = [
    "46143.3541666667", "20260501", "20260501083000", "2026-05-01", "2026/5/1 8:30",
    "2026-05-01T08:30:00+08:00", "2026-05-01T00:30:00Z", "2026年5月1日 08:30:00", "昨天",
    "2026-13-45 25:61:00", None, "99999999999999", "2026/02/30 08:00",
]  # fmt: skip


def test_adaptive_equals_coalesce_of_all_forms() -> None:
    s = pl.Series("s", VALUES)
    adaptive = parse_timestamps(s)
    everything = pl.select(parse_timestamp(pl.lit(s))).to_series()
    assert adaptive.to_list() == everything.to_list()
    assert adaptive[0] == datetime(2026, 5, 1, 8, 30)
    assert adaptive[6] == datetime(2026, 5, 1, 8, 30)  # UTC → Beijing
    assert adaptive[8:].null_count() == 5


def test_mixed_forms_in_one_column() -> None:
    s = pl.Series("s", ["2026-05-01 08:30:00"] * 50 + ["20260501083000", "2026/5/1 8:30"])
    assert parse_timestamps(s).unique().to_list() == [datetime(2026, 5, 1, 8, 30)]


def test_dates() -> None:
    s = pl.Series("s", ["2026-05-01", "2026/3/1", "46143", "20260301", "2026-05-01 08:00:00", "x"])
    assert parse_dates(s).to_list() == pl.select(parse_date(pl.lit(s))).to_series().to_list()
    assert parse_dates(s).to_list()[:2] == [date(2026, 5, 1), date(2026, 3, 1)]
