"""The typed fast path: parquet/JSON columns already numeric, boolean, date or timestamp are cast
directly, with exactly the result the text path gives for the same values written as CSV."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from data_contracts.contract import load_contract
from models.ingest.casting import CastResult, _fast_source, _plain_int_lists, cast_frame
from models.ingest.readers import read_delimited, read_file

NOW = datetime(2026, 11, 27, 12, 0, 0)
BASE = {"record_id": ["R1", "R2", "R3"], "station_id": ["S01"] * 3}


def typed(tmp_path: Path, columns: dict, table: str = "weigh_records") -> CastResult:
    path = tmp_path / "t.parquet"
    pl.DataFrame(columns).write_parquet(path)
    raw = read_file(path)
    return cast_frame(raw.frame, load_contract(table), province="15", file_id="f", now=NOW)


def text(csv: str, table: str = "weigh_records") -> CastResult:
    raw = read_delimited(csv.encode("utf-8"))
    return cast_frame(raw.frame, load_contract(table), province="15", file_id="f", now=NOW)


def assert_same(a: CastResult, b: CastResult) -> None:
    assert_frame_equal(a.accepted, b.accepted, check_exact=True)
    assert_frame_equal(a.quarantined.drop("raw_line"), b.quarantined.drop("raw_line"))
    assert_frame_equal(a.extras, b.extras)


def test_the_reader_keeps_typed_parquet_columns(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pl.DataFrame({**BASE, "gross_kg": [1, 2, 3], "length_m": [1.5, 2.0, None]}).write_parquet(path)
    schema = read_file(path).frame.schema
    assert (schema["gross_kg"], schema["length_m"], schema["record_id"]) == (
        pl.Int64,
        pl.Float64,
        pl.String,
    )


def test_tonnes_column_typed_float(tmp_path: Path) -> None:
    res = typed(tmp_path, {**BASE, "passed_at": ["2026-05-01 08:30:00"] * 3,
                           "总重(吨)": [49.0, 49.123, None]})  # fmt: skip
    assert res.accepted["gross_kg"].to_list() == [49000, 49123, None]
    csv = "record_id,station_id,passed_at,总重(吨)\n" + "\n".join(
        f"R{i},S01,2026-05-01 08:30:00,{v}" for i, v in ((1, "49"), (2, "49.123"), (3, ""))
    )
    assert_same(res, text(csv))


def test_out_of_range_typed_values_get_the_reasons_of_their_text(tmp_path: Path) -> None:
    res = typed(
        tmp_path,
        {**BASE, "passed_at": [datetime(2026, 5, 1, 8, 30)] * 3, "axle_count": [9, 6, 1],
         "gross_kg": [49000, -5, 30000], "plate_confidence": [0.5, 0.9, 1.5]},
    )  # fmt: skip
    q = res.quarantined
    got = dict(zip(q["_row_no"].to_list(), q["reasons"].to_list(), strict=True))
    assert got == {1: ["axle_out_of_range"], 2: ["negative_weight"],
                   3: ["bad_value", "axle_out_of_range"]}  # fmt: skip
    csv = (
        "record_id,station_id,passed_at,axle_count,gross_kg,plate_confidence\n"
        "R1,S01,2026-05-01 08:30:00,9,49000,0.5\n"
        "R2,S01,2026-05-01 08:30:00,6,-5,0.9\n"
        "R3,S01,2026-05-01 08:30:00,1,30000,1.5\n"
    )
    assert_same(res, text(csv))
    # the quarantine keeps the original values as their text
    assert json.loads(res.quarantined["original"][0])["passed_at"] == "2026-05-01 08:30:00"


def test_tz_aware_timestamp_column(tmp_path: Path) -> None:
    utc = pl.Series(
        [datetime(2026, 5, 1, 0, 30), datetime(2025, 12, 31, 20, 0, 0, 250_000), None],
        dtype=pl.Datetime("ms", "UTC"),
    )
    res = typed(tmp_path, {**BASE, "passed_at": utc})
    assert res.accepted["passed_at"].to_list() == [
        datetime(2026, 5, 1, 8, 30),
        datetime(2026, 1, 1, 4, 0),  # Beijing time, whole seconds like the text of the value
    ]
    assert res.quarantined["reasons"].to_list() == [["missing_required"]]
    csv = (
        "record_id,station_id,passed_at\nR1,S01,2026-05-01T00:30:00Z\n"
        "R2,S01,2025-12-31T20:00:00Z\nR3,S01,\n"
    )
    assert_same(res, text(csv))


def test_naive_timestamps_are_beijing_time_and_lose_the_fraction(tmp_path: Path) -> None:
    naive = pl.Series([datetime(2026, 5, 1, 8, 30, 1, 999_999)] * 3, dtype=pl.Datetime("ns"))
    res = typed(tmp_path, {**BASE, "passed_at": naive})
    assert res.accepted["passed_at"].to_list() == [datetime(2026, 5, 1, 8, 30, 1)] * 3


def test_integer_column_with_a_fractional_float(tmp_path: Path) -> None:
    res = typed(tmp_path, {**BASE, "passed_at": ["2026-05-01 08:30:00"] * 3,
                           "axle_count": [6.0, 6.5, float("nan")]})  # fmt: skip
    assert res.accepted["axle_count"].to_list() == [6]
    assert res.quarantined["reasons"].to_list() == [["bad_number"], ["bad_number"]]
    assert json.loads(res.quarantined["original"][0])["axle_count"] == "6.5"
    csv = (
        "record_id,station_id,passed_at,axle_count\nR1,S01,2026-05-01 08:30:00,6\n"
        "R2,S01,2026-05-01 08:30:00,6.5\nR3,S01,2026-05-01 08:30:00,NaN\n"
    )
    assert_same(res, text(csv))


def test_integer_lists_bools_and_dates(tmp_path: Path) -> None:
    axles = pl.Series([[7000, None, 8000], [], [-5, 3]], dtype=pl.List(pl.Int32))
    columns = {"axle_weights_kg": axles, "is_combination": [True, None, False]}
    res = typed(tmp_path, {**BASE, "passed_at": ["2026-05-01 08:30:00"] * 3, **columns})
    assert res.accepted["axle_weights_kg"].to_list() == [[7000, 8000], None]  # NULLs skipped
    assert res.accepted["is_combination"].to_list() == [True, None]
    assert res.quarantined["reasons"].to_list() == [["negative_weight"]]
    csv = (
        "record_id,station_id,passed_at,axle_weights_kg,is_combination\n"
        "R1,S01,2026-05-01 08:30:00,7000;8000,true\nR2,S01,2026-05-01 08:30:00,,\n"
        "R3,S01,2026-05-01 08:30:00,-5;3,false\n"
    )
    assert_same(res, text(csv))


def test_plain_integer_lists_skip_the_list_clean_up(tmp_path: Path) -> None:
    """Integer lists without NULL elements or empty lists (a NULL list is fine) are used as they
    are; the rows come out as the text path makes them."""
    assert _plain_int_lists(pl.Series([[1, 2], None], dtype=pl.List(pl.Int32)))
    assert not _plain_int_lists(pl.Series([[1, None], [2]], dtype=pl.List(pl.Int64)))
    assert not _plain_int_lists(pl.Series([[1], []], dtype=pl.List(pl.Int64)))
    axles = pl.Series([[7000, 8000], None, [-5, 3]], dtype=pl.List(pl.Int32))
    res = typed(
        tmp_path, {**BASE, "passed_at": ["2026-05-01 08:30:00"] * 3, "axle_weights_kg": axles}
    )
    assert res.accepted["axle_weights_kg"].to_list() == [[7000, 8000], None]
    assert res.quarantined["reasons"].to_list() == [["negative_weight"]]
    csv = (
        "record_id,station_id,passed_at,axle_weights_kg\nR1,S01,2026-05-01 08:30:00,7000;8000\n"
        "R2,S01,2026-05-01 08:30:00,\nR3,S01,2026-05-01 08:30:00,-5;3\n"
    )
    assert_same(res, text(csv))


def test_dates_and_far_off_years(tmp_path: Path) -> None:
    frame = pl.DataFrame({"d": [date(2026, 1, 1), None], "far": [date(1850, 1, 1), None]})
    contract = load_contract("vehicles")
    column = contract.column("cert_valid_to")
    assert _fast_source(frame, "d", column) is not None
    assert _fast_source(frame, "far", column) is None  # text path decides far-off years
    assert _fast_source(frame, "d", contract.column("plate")) is None  # text wanted


def test_typed_json_lines_match_their_text(tmp_path: Path) -> None:
    path = tmp_path / "w.jsonl"
    rows = [
        {"record_id": "J1", "station_id": "S01", "passed_at": "2026-05-01 08:30:00",
         "gross_kg": 49000.0, "axle_count": 6, "axle_weights_kg": [7000, 8000]},
        {"record_id": "J2", "station_id": "S01", "passed_at": "2026-05-01 08:30:00",
         "gross_kg": -1.5, "axle_count": 9, "axle_weights_kg": []},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    raw = read_file(path)
    assert raw.frame.schema["gross_kg"] == pl.Float64
    res = cast_frame(raw.frame, load_contract("weigh_records"), province="15", file_id="f", now=NOW)
    csv = (
        "record_id,station_id,passed_at,gross_kg,axle_count,axle_weights_kg\n"
        "J1,S01,2026-05-01 08:30:00,49000,6,7000;8000\n"
        "J2,S01,2026-05-01 08:30:00,-1.5,9,\n"
    )
    assert_same(res, text(csv))
    assert res.quarantined["reasons"].to_list() == [["negative_weight", "axle_out_of_range"]]
