"""Every mess of INTERFACES §1 and every bad-row kind, through the readers and the casting.

Each test writes a few lines the way a provincial system does and checks the typed result or
the quarantine reason code; nothing here touches DuckDB.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from data_contracts.contract import load_contract
from models.ingest.casting import cast_frame
from models.ingest.readers import read_delimited, read_file

NOW = datetime(2026, 11, 27, 12, 0, 0)
HEADER = "record_id,station_id,passed_at,plate,plate_color,axle_count,gross_kg,axle_weights_kg"
GOOD = "R1,S01,2026-05-01 08:30:00,辽A12345,黄,6,49000,7000;8000;8000;9000;9000;8000"


def cast(data: bytes | str, table: str = "weigh_records", encoding: str = "utf-8"):
    raw = read_delimited(data.encode(encoding) if isinstance(data, str) else data)
    return raw, cast_frame(raw.frame, load_contract(table), province="21", file_id="f", now=NOW)


def one(data: bytes | str, table: str = "weigh_records") -> dict:
    _, res = cast(data, table)
    assert res.quarantined.height == 0, res.quarantined.to_dicts()
    assert res.accepted.height == 1
    return res.accepted.row(0, named=True)


def reasons(data: str, table: str = "weigh_records") -> list[list[str]]:
    _, res = cast(data, table)
    return res.quarantined.sort("_row_no")["reasons"].to_list()


# --- encodings ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prefix", "encoding", "detected"),
    [(b"", "utf-8", "utf-8"), (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
     (b"", "gb18030", "gb18030"), (b"", "gbk", "gb18030")],
)  # fmt: skip
def test_encodings_are_detected(prefix: bytes, encoding: str, detected: str) -> None:
    text = "检测单号,站点编号,检测时间,车牌号码\nR1,S01,2026-05-01 08:30:00,辽A12345\n"
    raw, res = cast(prefix + text.encode(encoding))
    assert raw.encoding == detected
    assert res.accepted.row(0, named=True)["plate"] == "辽A12345"


# --- delimiters ---------------------------------------------------------------------------------
@pytest.mark.parametrize("sep", [",", "\t", "|"])
def test_delimiters_are_sniffed(sep: str) -> None:
    text = HEADER.replace(",", sep) + "\n" + GOOD.replace(",", sep).replace(";", "/") + "\n"
    raw, _ = cast(text)
    assert raw.delimiter == sep
    assert one(text)["axle_weights_kg"] == [7000, 8000, 8000, 9000, 9000, 8000]


def test_crlf_line_ends() -> None:
    assert one(HEADER + "\r\n" + GOOD + "\r\n")["record_id"] == "R1"


# --- headers ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    [
        HEADER,
        "检测单号,站点编号,检测时间,车牌号码,车牌颜色,轴数,车货总重(kg),轴重(kg)",
        "record_id,站点编号,passed_at,车牌号码,plate_color,轴数,gross_kg,轴重",
        "单号,站点代码,过车时间,号牌号码,号牌颜色,车轴数,总重,各轴重",
    ],
)
def test_english_chinese_mixed_and_alias_headers(header: str) -> None:
    row = one(header + "\n" + GOOD + "\n")
    assert (row["record_id"], row["gross_kg"], row["plate_key"]) == ("R1", 49000, "辽A12345|黄")


def test_unknown_columns_are_kept_as_extra_json() -> None:
    _, res = cast(HEADER + ",备注,inspector\n" + GOOD + ",夜班,王五\n")
    assert res.mapping.extras == ["备注", "inspector"]
    assert json.loads(res.extras["_extra"][0]) == {"备注": "夜班", "inspector": "王五"}


# --- units --------------------------------------------------------------------------------------
@pytest.mark.parametrize("gross_header", ["gross_t", "总重(吨)", "车货总重(t)", "车货总重(吨)"])
def test_tonnes_become_kg(gross_header: str) -> None:
    text = f"record_id,station_id,passed_at,{gross_header}\nR1,S01,2026-05-01 08:30:00,49.537\n"
    assert one(text)["gross_kg"] == 49537


def test_axle_weights_in_tonnes() -> None:
    text = "record_id,station_id,passed_at,轴重(吨)\nR1,S01,2026-05-01 08:30:00,7.5;10.25\n"
    assert one(text)["axle_weights_kg"] == [7500, 10250]


@pytest.mark.parametrize("sep", [";", ",", "/", "|", "，", "、"])
def test_axle_list_separators(sep: str) -> None:
    text = f'record_id,station_id,passed_at,axle_weights_kg\nR1,S01,2026-05-01 08:30:00,"7000{sep}11000{sep}12000"\n'
    assert one(text)["axle_weights_kg"] == [7000, 11000, 12000]


# --- timestamps ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    ["2026-05-01 08:30:00", "2026/5/1 8:30", "2026/05/01 08:30:00", "2026-05-01T08:30:00+08:00",
     "2026-05-01T00:30:00Z", "2026-05-01T00:30:00+00:00", "20260501083000", "2026-05-01T08:30:00",
     "46143.3541666667", "2026年5月1日 08:30:00"],
)  # fmt: skip
def test_timestamp_forms(value: str) -> None:
    text = f"record_id,station_id,passed_at\nR1,S01,{value}\n"
    assert one(text)["passed_at"] == datetime(2026, 5, 1, 8, 30, 0)


def test_xlsx_excel_serial_and_date_cells(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "w.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for j, h in enumerate(["检测单号", "站点编号", "检测时间", "总重(吨)"]):
        ws.write_string(0, j, h)
    ws.write_row(1, 0, ["R1", "S01"])
    ws.write_number(1, 2, 46143.3541666667)  # plain serial number
    ws.write_number(1, 3, 49.5)
    ws.write_row(2, 0, ["R2", "S01"])
    ws.write_datetime(
        2, 2, datetime(2026, 5, 1, 8, 30), wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    )
    ws.write_number(2, 3, 30)
    wb.close()
    raw = read_file(path)
    res = cast_frame(raw.frame, load_contract("weigh_records"), province="23", file_id="x", now=NOW)
    rows = res.accepted.sort("record_id").to_dicts()
    assert [r["passed_at"] for r in rows] == [datetime(2026, 5, 1, 8, 30)] * 2
    assert [r["gross_kg"] for r in rows] == [49500, 30000]


# --- plates -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("plate", "colour", "key"),
    [("辽Ａ１２３４５", "黄", "辽A12345|黄"), ("辽a12345", "2", "辽A12345|黄"),
     ("辽A 12345", "黄色", "辽A12345|黄"), ("辽A·12345", "1", "辽A12345|蓝"),
     ("辽A12345黄", "", "辽A12345|黄"), ("辽AI234O", "黄", "辽A12340|黄")],
)  # fmt: skip
def test_plate_messes(plate: str, colour: str, key: str) -> None:
    text = f"record_id,station_id,passed_at,plate,plate_color\nR1,S01,2026-05-01 08:30:00,{plate},{colour}\n"
    row = one(text)
    assert (
        row["plate_key"] == key and row["plate_readable"] and "plate_invalid" not in row["_flags"]
    )


@pytest.mark.parametrize("plate", ["未识别", "无牌", ""])
def test_unreadable_plates_load_with_null_plate(plate: str) -> None:
    text = f"record_id,station_id,passed_at,plate\nR1,S01,2026-05-01 08:30:00,{plate}\n"
    row = one(text)
    assert row["plate"] is None and row["plate_key"] is None and row["plate_readable"] is False


def test_unreadable_plate_in_register_is_missing_required() -> None:
    text = "plate,plate_color,vehicle_type,registered_province\n未识别,黄,truck,21\n"
    assert reasons(text, "vehicles") == [["missing_required"]]


# --- bad rows -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "code"),
    [
        (",S01,2026-05-01 08:30:00,辽A12345,黄,6,49000,", "missing_required"),
        ("R1,,2026-05-01 08:30:00,辽A12345,黄,6,49000,", "missing_required"),
        ("R1,S01,,辽A12345,黄,6,49000,", "missing_required"),
        ("R1,S01,2026-05-01 08:30:00,辽A12345,黄,6,-49000,", "negative_weight"),
        ("R1,S01,2026-05-01 08:30:00,辽A12345,黄,6,49000,7000;-1", "negative_weight"),
        ("R1,S01,2026-05-01 08:30:00,辽A12345,黄,0,49000,", "axle_out_of_range"),
        ("R1,S01,2026-05-01 08:30:00,辽A12345,黄,99,49000,", "axle_out_of_range"),
        ("R1,S01,2031-03-05 10:20:00,辽A12345,黄,6,49000,", "future_date"),
        ("R1,S01,1998-07-01 09:00:00,辽A12345,黄,6,49000,", "date_before_2000"),
        ("R1,S01,2026-13-45 25:61:00,辽A12345,黄,6,49000,", "bad_timestamp"),
        ("R1,S01,昨天,辽A12345,黄,6,49000,", "bad_timestamp"),
        ("R1,S01,2026/02/30 08:00,辽A12345,黄,6,49000,", "bad_timestamp"),
        ("R1,S01,99999999999999,辽A12345,黄,6,49000,", "bad_timestamp"),
        ("R1,S01,2026-05-01 08:30:00,辽A12345,黄,6,abc,", "bad_number"),
        ('R1,S01,2026-05-01 08:30:00,辽A12345,黄,6,"12,5吨x",', "bad_number"),
        ("R1,S01,2026-05-01 08:30:00,辽A12345,黄,6,NaN,", "bad_number"),
        ("R1,S01,2026-05-01 08:30:00,辽A12345,黄,2.5,49000,", "bad_number"),
        ("R1,S01,2026-05-01 08:30:00,辽A12345,黄,6,49000,7000;x", "bad_number"),
        # beyond a 64-bit integer: a bad number, not a crash of the whole file
        ("R1,S01,2026-05-01 08:30:00,辽A12345,黄,1e20,49000,", "bad_number"),
        ("R1,S01,2026-05-01 08:30:00,辽A12345,黄,6,1e20,", "bad_number"),
        ("R1,S01,2026-05-01 08:30:00,辽A12345,黄,6,49000,7000;1e20", "bad_number"),
        ("R1,S01,2026-05-01 08:30", "truncated_row"),
        ("R1,S01,2026-05-01 08:30:00,辽A12345,黄,6,49000,1;2,extra", "malformed_row"),
    ],
)
def test_bad_row_kinds(line: str, code: str) -> None:
    text = HEADER + "\n" + GOOD + "\n" + line + "\n" + GOOD.replace("R1", "R9") + "\n"
    _, res = cast(text)
    assert res.accepted.height == 2  # the bad row never stops the rest of the file
    assert res.quarantined["reasons"].to_list() == [[code]]
    original = json.loads(res.quarantined["original"][0])
    assert original["record_id"] == (line.split(",")[0] or None)  # original values kept


def test_bad_value_in_value_set_and_province() -> None:
    text = (
        "station_id,province_code,kind\nS1,21,fixed\nS2,21,火箭站\nS3,99,wim\nS4,辽宁,超限检测站\n"
    )
    _, res = cast(text, "stations")
    assert res.quarantined.sort("_row_no")["reasons"].to_list() == [["bad_value"], ["bad_value"]]
    assert res.accepted.sort("station_id").select("province_code", "kind").rows() == [
        ("21", "fixed"),
        ("21", "fixed"),
    ]


def test_bad_bool_and_range() -> None:
    text = HEADER + ",is_combination,plate_confidence\n" + GOOD + ",也许,0.5\n" + GOOD + ",是,1.7\n"
    assert reasons(text) == [["bad_value"], ["bad_value"]]


def test_check_digit_failures_are_flags_not_quarantine() -> None:
    text = (
        "uscc,name,province_code,scope\n"
        "91210100MA0P12342A,甲,21,普通货运\n"
        "91210100MA0P12342B,乙,21,freight;hazmat\n"
        "91210100MA0P1234,丙,21,freight\n"
    )
    _, res = cast(text, "operators")
    rows = res.accepted.sort("name").to_dicts()
    assert [(r["name"], r["_flags"], r["scope"]) for r in rows] == [
        ("乙", ["uscc_check"], "freight;hazmat"),
        ("甲", [], "freight"),
    ]
    # the table's key is structurally unusable → quarantined
    assert res.quarantined["reasons"].to_list() == [["bad_value"]]


def test_id_and_vin_flags() -> None:
    text = "driver_id,name\n11010519491231002X,张\n110105194912310021,李\n11010519491231002x,王\n"
    _, res = cast(text, "drivers")
    flags = dict(res.accepted.select("name", "_flags").rows())
    assert flags == {"张": [], "李": ["id_check"], "王": []}
    text = "plate,plate_color,vehicle_type,registered_province,vin\n辽A12345,黄,货车,21,1M8GDM9A1KP042788\n"
    assert one(text, "vehicles")["_flags"] == ["vin_check"]


def test_reference_flags_come_last_and_only_with_known_values() -> None:
    """A station missing from the loaded stations gets `unknown_station`, after the row's other
    flags; without the known values (none loaded yet for this table) no reference flag is set."""
    text = (
        "record_id,station_id,passed_at,plate,driver_id\n"
        "R1,S01,2026-05-01 08:30:00,辽A12345,\n"
        "R2,S99,2026-05-01 08:30:00,辽AI2345X,110105194912310021\n"
        "R3,,2026-05-01 08:30:00,辽A12345,\n"
    )
    raw = read_delimited(text.encode("utf-8"))
    known = {"stations.station_id": pl.Series(["S01", "S02"])}
    contract = load_contract("weigh_records")
    res = cast_frame(raw.frame, contract, province="21", file_id="f", now=NOW, known_refs=known)
    flags = dict(res.accepted.select("record_id", "_flags").rows())
    assert flags == {"R1": [], "R2": ["plate_invalid", "id_check", "unknown_station"]}
    assert res.quarantined["reasons"].to_list() == [["missing_required"]]
    res = cast_frame(raw.frame, contract, province="21", file_id="f", now=NOW)
    assert dict(res.accepted.select("record_id", "_flags").rows())["R2"] == [
        "plate_invalid", "id_check"
    ]  # fmt: skip


# --- hostile values -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    ["=cmd|' /C calc'!A0", "<script>alert(1)</script>", "'; drop table staging.weigh_records; --",
     "../../etc/passwd", "@SUM(1+1)", "+1+1"],
)  # fmt: skip
def test_hostile_values_are_plain_data(value: str) -> None:
    quoted = '"' + value.replace('"', '""') + '"'
    text = f"record_id,station_id,passed_at,waybill_id\nR1,S01,2026-05-01 08:30:00,{quoted}\n"
    assert one(text)["waybill_id"] == value


# --- other formats ------------------------------------------------------------------------------
def test_jsonl_with_a_truncated_line(tmp_path: Path) -> None:
    path = tmp_path / "w.jsonl"
    good = {"检测单号": "R1", "站点编号": "S01", "检测时间": "2026-05-01T08:30:00+08:00",
            "轴重(kg)": [7000, 8000], "extra": {"a": 1}}  # fmt: skip
    path.write_text(
        json.dumps(good, ensure_ascii=False) + "\n" + '{"检测单号": "R2", "站点' + "\n"
        + json.dumps({**good, "检测单号": "R3"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    raw = read_file(path)
    res = cast_frame(raw.frame, load_contract("weigh_records"), province="15", file_id="j", now=NOW)
    assert res.accepted["record_id"].to_list() == ["R1", "R3"]
    assert res.accepted["axle_weights_kg"].to_list() == [[7000, 8000]] * 2
    assert res.quarantined["reasons"].to_list() == [["truncated_row"]]
    assert json.loads(res.extras["_extra"][0]) == {"extra": '{"a": 1}'}


def test_parquet_typed_columns(tmp_path: Path) -> None:
    path = tmp_path / "w.parquet"
    pl.DataFrame(
        {
            "record_id": ["R1"],
            "station_id": ["S01"],
            "passed_at": [datetime(2026, 5, 1, 8, 30)],
            "gross_kg": [49000],
            "axle_weights_kg": [[7000, 8000]],
            "is_combination": [True],
            "length_m": [12.5],
        }
    ).write_parquet(path)
    raw = read_file(path)
    res = cast_frame(raw.frame, load_contract("weigh_records"), province="21", file_id="p", now=NOW)
    row = res.accepted.row(0, named=True)
    assert (row["passed_at"], row["gross_kg"], row["axle_weights_kg"], row["is_combination"],
            row["length_m"]) == (datetime(2026, 5, 1, 8, 30), 49000, [7000, 8000], True, 12.5)  # fmt: skip


def test_csv_gz(tmp_path: Path) -> None:
    path = tmp_path / "w.csv.gz"
    path.write_bytes(gzip.compress((HEADER + "\n" + GOOD + "\n").encode("gb18030")))
    raw = read_file(path)
    assert raw.encoding == "gb18030" and raw.frame.height == 1


def test_blank_lines_are_not_rows() -> None:
    _, res = cast(HEADER + "\n" + GOOD + "\n\n" + GOOD.replace("R1", "R2") + "\n")
    assert res.accepted["_row_no"].to_list() == [1, 3]
    assert res.quarantined.height == 0


def test_header_only_and_empty_files() -> None:
    _, res = cast(HEADER + "\n")
    assert res.accepted.height == 0 and res.quarantined.height == 0
    raw = read_delimited(b"")
    assert raw.frame.height == 0


@pytest.mark.parametrize("ascii_rows", [0, 5000])  # non-ASCII in the first 64 KB, or only later
def test_gb18030_detected_wherever_the_first_chinese_byte_is(ascii_rows) -> None:
    lines = ["station_id,name"] + [f"S{i:05d},plain ascii name" for i in range(ascii_rows)]
    lines.append("S99999,辽宁省沈阳市检测站")
    raw = read_delimited(("\n".join(lines) + "\n").encode("gb18030"))
    assert raw.encoding == "gb18030"
    assert raw.frame.height == ascii_rows + 1
    assert raw.frame.get_column("name").to_list()[-1] == "辽宁省沈阳市检测站"
