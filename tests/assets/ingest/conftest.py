"""Fixtures for ingestion asset tests: a small canonical world and a writer that exports it in
each province's style (encodings, delimiters, headers, units, timestamp forms, plate mess)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from data_contracts.contract import load_contract


def _id_number(area: str, born: str, seq: int) -> str:
    from models.identifiers import id_check_char

    body = f"{area}{born}{seq:03d}"
    return body + id_check_char(body)


def _uscc(area: str, org8: str) -> str:
    from models.identifiers import org_code_check_char, uscc_check_char

    body = "91" + area + org8 + org_code_check_char(org8)
    return body + uscc_check_char(body)


def canonical_world() -> dict[str, pl.DataFrame]:
    """Typed canonical frames (INTERFACES §2 names and types), deterministic."""
    t0 = datetime(2026, 5, 1, 8, 30, 0)
    plates = ["辽A12345", "吉B0K123", "黑A1234挂", "蒙K10234", "辽D46234F", "冀E88001"]
    colours = ["黄", "黄", "黄", "蓝", "黄绿", "黄"]
    n = 40
    weigh = pl.DataFrame(
        {
            "record_id": [f"R{i:04d}" for i in range(n)],
            "station_id": [["S01", "S02", "S03"][i % 3] for i in range(n)],
            "passed_at": [t0 + timedelta(minutes=37 * i, seconds=i) for i in range(n)],
            "plate": [None if i % 13 == 5 else plates[i % 6] for i in range(n)],
            "plate_color": [None if i % 13 == 5 else colours[i % 6] for i in range(n)],
            "plate_confidence": [None if i % 3 else round(0.5 + i / 100, 2) for i in range(n)],
            "axle_count": [2 + i % 5 for i in range(n)],
            "is_combination": [i % 2 == 0 for i in range(n)],
            "single_drive_axle": [None if i % 4 else True for i in range(n)],
            "gross_kg": [18_000 + 731 * i for i in range(n)],
            "axle_weights_kg": [[7000 + i, 11000 + 2 * i] for i in range(n)],
            "length_m": [12.5 + i / 10 for i in range(n)],
            "width_m": [2.5] * n,
            "height_m": [3.9] * n,
            "speed_kmh": [float(60 + i) for i in range(n)],
            "lane": [1 + i % 3 for i in range(n)],
            "outcome": [None if i % 3 else ["unloaded", "penalized", "released"][i % 3 // 1 % 3]
                        for i in range(n)],
            "waybill_id": [None if i % 5 else f"W{i}" for i in range(n)],
            "driver_id": [None if i % 2 else _id_number("210102", "19800101", i) for i in range(n)],
        }
    )  # fmt: skip
    vehicles = pl.DataFrame(
        {
            "plate": plates,
            "plate_color": colours,
            "vin": ["LFWADRJF011002346", None, None, None, None, None],
            "vehicle_type": ["truck", "tractor", "trailer", "coach_route", "truck", "hazmat"],
            "axle_count": [2, 3, 3, 2, 2, 3],
            "curb_kg": [8000, 9000, 7000, 12000, 8000, 9000],
            "rated_load_kg": [10000, 30000, 32000, 0, 10000, 20000],
            "total_mass_kg": [18000, 39000, 39000, 16000, 18000, 29000],
            "registered_province": ["21", "22", "23", "15", "21", "13"],
            "registered_area": ["210102", "220202", "230102", "150602", "210402", "130202"],
            "operator_uscc": [_uscc("210102", "MA0P1234")] * 6,
            "transport_cert_no": ["210102000001"] * 6,
            "cert_valid_to": [date(2027, 1, 1)] * 6,
            "inspection_valid_to": [date(2027, 6, 30)] * 6,
            "status": ["active", "active", "suspended", "active", "revoked", "active"],
        }
    )
    operators = pl.DataFrame(
        {
            "uscc": [_uscc("210102", "MA0P1234"), _uscc("220102", "12345678")],
            "name": ["沈阳某物流有限公司", "长春某运输公司"],
            "province_code": ["21", "22"],
            "area_code": ["210102", "220102"],
            "address": ["沈阳市和平区某路1号", "长春市南关区某街2号"],
            "legal_rep": ["张三", "李四"],
            "phone": ["13800000000", "13900000000"],
            "scope": ["freight", "freight;hazmat"],
            "license_no": ["辽交运管许可沈字210102000001号", None],
            "fleet_size": [12, 40],
        }
    )
    stations = pl.DataFrame(
        {
            "station_id": ["S01", "S02", "S03"],
            "name": ["沈阳北超限检测站", "G1京哈不停车检测点", "铁岭卡口"],
            "province_code": ["21", "21", "21"],
            "area_code": ["210102", "210111", "211202"],
            "kind": ["fixed", "wim", "anpr"],
            "lon": [123.4, 123.5, 123.8],
            "lat": [41.8, 42.0, 42.3],
            "road": ["G1", "G1", "G25"],
            "device_id": ["D1", "D2", None],
            "calibrated_on": [date(2026, 3, 1), date(2026, 1, 15), None],
            "tolerance_pct": [0.0, 5.0, None],
        }
    )
    events = pl.DataFrame(
        {
            "event_id": [f"E{i}" for i in range(6)],
            "plate": plates,
            "plate_color": colours,
            "event_type": ["speeding", "fatigue", "night_ban", "offline", "route_deviation",
                           "tampering"],
            "started_at": [t0 + timedelta(hours=i, seconds=7) for i in range(6)],
            "ended_at": [t0 + timedelta(hours=i, minutes=5) for i in range(6)],
            "lon": [123.0 + i / 10 for i in range(6)],
            "lat": [41.0 + i / 10 for i in range(6)],
            "speed_kmh": [95.0, None, None, None, None, None],
            "limit_kmh": [80.0, None, None, None, None, None],
            "handled": [True, False, None, True, False, True],
            "handled_at": [t0 + timedelta(hours=i, minutes=30) for i in range(6)],
        }
    )  # fmt: skip
    return {
        "weigh_records": weigh,
        "vehicles": vehicles,
        "operators": operators,
        "stations": stations,
        "monitoring_events": events,
    }


@dataclass(frozen=True)
class ExportStyle:
    name: str
    fmt: str  # csv | txt | csv.gz | xlsx | parquet | jsonl
    headers: str = "en"  # en | zh | mixed
    encoding: str = "utf-8"
    bom: bool = False
    sep: str = ","
    eol: str = "\n"
    ts: str = "%Y-%m-%d %H:%M:%S"  # strftime, or 'excel' | 'iso_tz'
    tonnes: bool = False
    colour_codes: bool = False
    axle_sep: str = ";"
    bools: tuple[str, str] = ("true", "false")
    messy_plates: bool = False


COLOUR_CODE = {"蓝": "1", "黄": "2", "黑": "3", "白": "4", "绿": "5", "黄绿": "6"}

# The four provinces' export styles (plus the two remaining formats).
STYLES = {
    "21": ExportStyle("辽宁 UTF-8 CSV, English headers", "csv"),
    "22": ExportStyle(
        "吉林 GB18030 tab txt, Chinese headers, tonnes, colour codes, messy plates",
        "txt",
        headers="zh",
        encoding="gb18030",
        sep="\t",
        eol="\r\n",
        ts="%Y/%-m/%-d %-H:%M:%S",
        tonnes=True,
        colour_codes=True,
        axle_sep="/",
        bools=("是", "否"),
        messy_plates=True,
    ),
    "23": ExportStyle(
        "黑龙江 xlsx, mixed headers, Excel serial dates",
        "xlsx",
        headers="mixed",
        ts="excel",
        axle_sep=",",
        bools=("1", "0"),
    ),
    "15": ExportStyle(
        "内蒙古 UTF-8-BOM pipe csv.gz, +08:00 timestamps, compact",
        "csv.gz",
        headers="mixed",
        bom=True,
        sep="|",
        ts="iso_tz",
        axle_sep="|",
        messy_plates=True,
    ),
    "parquet": ExportStyle("parquet, typed", "parquet"),
    "jsonl": ExportStyle("jsonl, Chinese headers, compact timestamps", "jsonl", headers="zh",
                         ts="%Y%m%d%H%M%S"),
}  # fmt: skip


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in s)


def _messy(plate: str | None, colour: str | None, i: int) -> str | None:
    if plate is None:
        return ["未识别", "无牌", ""][i % 3]
    k = i % 5
    if k == 0:
        return _fullwidth(plate)
    if k == 1:
        return plate[:2] + "·" + plate[2:].lower()
    if k == 2:
        return plate + (colour or "")
    if k == 3 and "0" in plate[2:]:
        return plate[:2] + plate[2:].replace("0", "O", 1)
    return plate[:2] + " " + plate[2:]


def _cell(v, dtype, col: str, style: ExportStyle) -> str | None:
    if v is None:
        return None
    if dtype == pl.Datetime("us"):
        if style.ts == "excel":
            return repr(round((v - datetime(1899, 12, 30)).total_seconds() / 86400.0, 10))
        if style.ts == "iso_tz":
            return v.strftime("%Y-%m-%dT%H:%M:%S+08:00")
        return v.strftime(style.ts)
    if dtype == pl.Date:
        return (
            v.strftime("%Y-%m-%d")
            if style.ts in ("excel", "iso_tz")
            else v.strftime(style.ts.split(" ")[0])
        )
    if dtype == pl.Boolean:
        return style.bools[0] if v else style.bools[1]
    if isinstance(dtype, pl.List):
        return style.axle_sep.join(str(x) for x in v)
    if col == "gross_kg" and style.tonnes:
        return f"{v / 1000:.3f}"
    if col == "plate_color" and style.colour_codes:
        return COLOUR_CODE[v]
    return str(v)


_POLARS_TYPES = {"str": pl.String, "int": pl.Int64, "float": pl.Float64, "bool": pl.Boolean,
                 "date": pl.Date, "ts": pl.Datetime("us"), "list[int]": pl.List(pl.Int64)}  # fmt: skip


def headers_for(table: str, style: ExportStyle) -> list[str]:
    contract = load_contract(table)
    out = []
    for i, c in enumerate(contract.columns):
        h = c.name if style.headers == "en" or (style.headers == "mixed" and i % 2 == 0) else c.zh
        if c.name == "gross_kg" and style.tonnes:
            h = "总重(吨)" if style.headers != "en" else "gross_t"
        out.append(h)
    return out


def write_table(frame: pl.DataFrame, table: str, style: ExportStyle, path: Path,
                extra: dict[str, str] | None = None) -> Path:  # fmt: skip
    """Write one canonical frame in an export style; returns the file path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    headers = headers_for(table, style)
    names = [c.name for c in load_contract(table).columns]
    # optional contract columns this canonical world does not fill are exported empty
    frame = frame.with_columns(
        pl.lit(None, _POLARS_TYPES[c.type]).alias(c.name)
        for c in load_contract(table).columns
        if c.name not in frame.columns
    ).select(names)
    if style.fmt == "parquet":
        frame.rename(dict(zip(names, headers, strict=True))).write_parquet(path)
        return path
    rows = []
    for i, r in enumerate(frame.iter_rows(named=True)):
        vals = []
        for c in names:
            v = r[c]
            if c == "plate" and style.messy_plates:
                v = _messy(v, r["plate_color"], i)
                vals.append(v)
                continue
            vals.append(_cell(v, frame.schema[c], c, style))
        rows.append(vals)
    extra = extra or {}
    all_headers = headers + list(extra)
    rows = [r + list(extra.values()) for r in rows]
    if style.fmt == "xlsx":
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
        ws = wb.add_worksheet("数据")
        dfmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        for j, h in enumerate(all_headers):
            ws.write_string(0, j, h)
        for i, r in enumerate(rows, start=1):
            for j, v in enumerate(r):
                if v is None:
                    continue
                col = names[j] if j < len(names) else None
                dtype = frame.schema[col] if col else pl.String
                if dtype == pl.Datetime("us") and style.ts == "excel":
                    ws.write_number(i, j, float(v), dfmt)
                elif dtype in (pl.Int64, pl.Float64):
                    ws.write_number(i, j, float(v))
                else:
                    ws.write_string(i, j, v)
        wb.close()
        return path
    if style.fmt == "jsonl":
        lines = [
            json.dumps(dict(zip(all_headers, r, strict=True)), ensure_ascii=False) for r in rows
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def q(v: str | None) -> str:
        if v is None:
            return ""
        return '"' + v.replace('"', '""') + '"' if style.sep in v or '"' in v else v

    text = style.eol.join(style.sep.join(q(v) for v in r) for r in [all_headers, *rows])
    data = (("\ufeff" if style.bom else "") + text + style.eol).encode(style.encoding)
    if style.fmt == "csv.gz":
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path


def write_world(landing: Path, world: dict[str, pl.DataFrame], province: str,
                style: ExportStyle) -> list[Path]:  # fmt: skip
    ext = style.fmt
    return [
        write_table(df, table, style, landing / province / table / f"{table}_export.{ext}")
        for table, df in world.items()
    ]


@pytest.fixture(scope="session")
def world() -> dict[str, pl.DataFrame]:
    return canonical_world()


@pytest.fixture(scope="session")
def styles() -> dict[str, ExportStyle]:
    return STYLES


@pytest.fixture(scope="session")
def writer():
    """The export helpers as one namespace (fixtures cannot be imported across files)."""

    class W:
        write_table = staticmethod(write_table)
        write_world = staticmethod(write_world)
        headers_for = staticmethod(headers_for)
        ExportStyle = ExportStyle

    return W


# a fixed 'now' so future_date is deterministic in tests
NOW = datetime(2026, 11, 27, 12, 0, 0)


@pytest.fixture(scope="session")
def now() -> datetime:
    return NOW
