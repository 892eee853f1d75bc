"""File writers: landing files in each province's export style (with planted bad rows and
duplicates, recorded in the manifest) and the canonical parquet sinks. Deterministic bytes."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import xlsxwriter

from . import identifiers as ids
from . import schema
from .config import FIXED_MTIME
from .fastxlsx import NUMERIC, write_xlsx
from .mess import Style, mess_plates, to_raw

REQUIRED = {
    "stations": ["station_id", "province_code", "kind"],
    "weigh_records": ["record_id", "station_id", "passed_at"],
    "vehicles": ["plate", "plate_color", "vehicle_type", "registered_province"],
    "operators": ["uscc", "name", "province_code", "scope"],
    "drivers": ["driver_id"],
    "sources": ["source_id", "name", "province_code"],
    "loadings": ["waybill_id", "source_id", "plate", "loaded_at"],
    "monitoring_events": ["event_id", "plate", "event_type", "started_at"],
    "gps_points": ["plate", "ts", "lon", "lat"],
    "cases": ["case_id", "province_code", "violation_code", "occurred_at"],
}
TS_COL = {"weigh_records": "passed_at", "loadings": "loaded_at", "monitoring_events": "started_at",
          "gps_points": "ts", "cases": "occurred_at"}  # fmt: skip
NUM_COL = {"weigh_records": "gross_kg", "loadings": "declared_kg", "monitoring_events": "speed_kmh",
           "gps_points": "speed_kmh", "cases": "penalty_yuan", "vehicles": "curb_kg", "operators": "fleet_size",
           "sources": "lon", "stations": "lon"}  # fmt: skip
NUMERIC_RE = re.compile(NUMERIC)
BAD_TS = ["2026-13-45 25:61:00", "昨天", "2026/02/30 08:00", "99999999999999"]


class CanonSink:
    """Streams canonical chunks of one table into DIR/_truth/canonical/<table>.parquet."""

    def __init__(self, path: Path):
        self.path = path
        self.writer: pq.ParquetWriter | None = None
        self.rows = 0

    def write(self, df: pl.DataFrame) -> None:
        tbl = df.to_arrow()
        if self.writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(self.path, tbl.schema, compression="zstd")
        self.writer.write_table(tbl.cast(self.writer.schema))
        self.rows += len(df)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def fmt_bad_ts(ts: datetime, style: Style) -> str:
    if style.ts == "excel":
        return str(round((ts - datetime(1899, 12, 30)).total_seconds() / 86400.0, 8))
    from .mess import TS_FORMATS

    return ts.strftime(TS_FORMATS[style.ts].replace("%-", "%"))


class Landing:
    """Writes landing files and keeps the manifest."""

    def __init__(self, out: Path, rng: np.random.Generator):
        self.out = out
        self.rng = rng
        self.files: list[dict] = []
        self.planted: list[dict] = []
        self.raw_cache: dict[tuple[str, str], tuple[str, list[dict]]] = {}
        self.mtime_seq = 0

    # ---- planting ----------------------------------------------------------------------
    def _plant(
        self, raw: pl.DataFrame, table: str, style: Style, n_bad: int, n_dup: int, typed: bool
    ):
        """Insert bad copies and exact duplicates at random places. Returns (frame, marks) with
        marks[i]['row'] the 1-based data row of the planted line."""
        r = self.rng
        n = len(raw)
        if n == 0 or (n_bad == 0 and n_dup == 0):
            return raw, []
        key = schema.KEY[table]
        kinds = ["missing_required", "bad_timestamp", "future_date", "date_before_2000"]
        if table == "weigh_records":
            kinds += ["bad_number", "negative_weight", "axle_out_of_range"]
        elif table in NUM_COL:
            kinds += ["bad_number"]
        if table not in TS_COL:
            kinds = [k for k in kinds if k in ("missing_required", "bad_number")]
        if typed:
            kinds = [k for k in kinds if k not in ("bad_number", "bad_timestamp")]
        if style.fmt in ("csv", "txt", "csv.gz"):
            kinds.append("truncated_row")
        extras, marks, keys = [], [], []
        src_rows = r.integers(0, n, n_bad + n_dup)
        picked = raw[src_rows.tolist()].to_dicts()
        for j in range(n_bad):
            row = dict(picked[j])
            kind = kinds[j % len(kinds)]
            if row.get(key) is not None:
                row[key] = self._fresh_key(table, row[key], j)
            if kind == "missing_required":
                row[REQUIRED[table][j % len(REQUIRED[table])]] = None
            elif kind == "bad_number":
                row[NUM_COL[table]] = ["abc", "12,5吨x", "NaN吨"][j % 3]
            elif kind == "negative_weight":
                g = row["gross_kg"]
                row["gross_kg"] = (
                    (-abs(int(g or 12000))) if typed else f"-{str(g or '12000').lstrip('-')}"
                )
            elif kind == "axle_out_of_range":
                row["axle_count"] = [0, 99][j % 2] if typed else ["0", "99"][j % 2]
            elif kind in ("future_date", "date_before_2000", "bad_timestamp"):
                ts = TS_COL[table]
                if kind == "bad_timestamp":
                    row[ts] = BAD_TS[j % len(BAD_TS)]
                else:
                    d = (
                        datetime(2031, 3, 5, 10, 20, 0)
                        if kind == "future_date"
                        else datetime(1998, 7, 1, 9, 0, 0)
                    )
                    row[ts] = d if typed else fmt_bad_ts(d, style)
            extras.append(row)
            keys.append(float(r.uniform(0, n)))
            marks.append({"kind": kind, "key": row.get(key)})
        for j in range(n_dup):
            src = int(src_rows[n_bad + j])
            extras.append(dict(picked[n_bad + j]))
            keys.append(float(r.uniform(src + 0.5, n + 0.5)))
            marks.append(
                {"kind": "exact_duplicate", "key": picked[n_bad + j].get(key), "dup_of_row": src}
            )
        ext = pl.DataFrame(extras, schema=raw.schema, orient="row")
        both = pl.concat([raw.with_columns(pl.int_range(0, n).cast(pl.Float64).alias("__k")),
                          ext.with_columns(pl.Series("__k", keys))])  # fmt: skip
        both = both.with_row_index("__i").sort("__k", "__i")
        pos = both["__i"].to_numpy()
        where = np.empty(len(pos), np.int64)
        where[pos] = np.arange(1, len(pos) + 1)
        for j, m in enumerate(marks):
            m["row"] = int(where[n + j])
            if "dup_of_row" in m:
                m["dup_of_row"] = int(where[m["dup_of_row"]])
        return both.drop("__i", "__k"), marks

    def _fresh_key(self, table: str, key: str, j: int) -> str:
        """A new, well-formed key for a planted bad copy (so its only problem is the planted one)."""
        r = self.rng
        if table == "operators":
            return ids.make_uscc(r, key[2:8] if key[2:8].isdigit() else "210102")
        if table == "drivers":
            return ids.make_id_number(r, key[:6] if key[:6].isdigit() else "210102")
        if table == "vehicles":
            return key[:2] + ids.make_plate_serial(r)
        if table == "gps_points":
            return key  # no record key: the copy stays on the same vehicle
        return f"{key}X{j}"

    # ---- writing -----------------------------------------------------------------------
    def write(self, prov: str, table: str, name: str, df: pl.DataFrame, style: Style,
              n_bad: int = 0, n_dup: int = 0, protect: set[str] | None = None,
              track: list[str] | None = None) -> dict:  # fmt: skip
        """df: canonical-typed frame (canonical column names). protect: keys whose plates stay
        clean (re-sent later as exact duplicates); track: keys whose 1-based rows are returned in
        entry['tracked']. Returns the manifest entry."""
        r = self.rng
        cols = schema.columns(table)
        df = df.select([c for c in cols if c in df.columns])
        types = {c: t for c, t, _ in schema.TABLES[table]}
        n_messy = 0
        key = schema.KEY[table]
        clean = df
        if "plate" in df.columns and style.plate_mess > 0:
            plates, n_messy = mess_plates(
                r, df["plate"].to_list(), df["plate_color"].to_list(), style.plate_mess
            )
            new = pl.Series("plate", plates, dtype=pl.String)
            if protect:
                new = pl.select(
                    pl.when(df[key].is_in(list(protect))).then(df["plate"]).otherwise(new)
                ).to_series()
            df = df.with_columns(new.alias("plate"))
        if table == "weigh_records":
            # unreadable ANPR/WIM reads: '未识别', '无牌' or empty
            fill = np.array(["未识别", "无牌", ""], dtype=object)[r.integers(0, 3, len(df))]
            df = df.with_columns(
                pl.coalesce(pl.col("plate"), pl.Series(list(fill), dtype=pl.String)).alias("plate")
            )
        typed = style.fmt == "parquet"
        raw = df if typed else to_raw(df, types, style)
        frame, marks = self._plant(raw, table, style, n_bad, n_dup, typed)
        tracked = {}
        if track:
            hit = (
                frame.with_row_index("__r", offset=1)
                .filter(pl.col(key).is_in(track))
                .select("__r", key)
            )
            for i, k in hit.iter_rows():
                tracked.setdefault(k, int(i))
        path = self.out / prov / table / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if style.extra:
            frame = frame.with_columns(
                [pl.lit(v, dtype=pl.String).alias(k) for k, v in style.extra.items()]
            )
        headers = self._headers(table, style, frame.columns)
        if style.fmt in ("csv", "txt", "csv.gz"):
            data = self._text(frame, headers, style, marks)
            if style.fmt == "csv.gz":
                buf = io.BytesIO()
                with gzip.GzipFile(
                    filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6
                ) as gz:
                    gz.write(data)
                data = buf.getvalue()
            path.write_bytes(data)
        elif style.fmt == "xlsx":
            kinds = ["d" if types.get(c) == pl.Datetime("us") and style.ts == "excel"
                     else "n" if types.get(c) in (pl.Int64, pl.Float64) else "s" for c in frame.columns]  # fmt: skip
            if len(frame) <= 5000 and table not in ("weigh_records", "gps_points"):
                write_xlsx_small(path, headers, frame, kinds)
            else:  # big sheets: vectorised writer (xlsxwriter is ~50x slower per cell)
                write_xlsx(path, headers, frame, kinds, FIXED_MTIME)
        elif style.fmt == "parquet":
            frame.rename(dict(zip(frame.columns, headers, strict=True))).write_parquet(
                path, compression="zstd", statistics=False
            )
        elif style.fmt == "jsonl":
            frame.rename(dict(zip(frame.columns, headers, strict=True))).write_ndjson(path)
        self.mtime_seq += 1
        ts = FIXED_MTIME.timestamp() + self.mtime_seq
        os.utime(path, (ts, ts))
        rel = str(path.relative_to(self.out))
        entry = {
            "file": rel, "province": prov, "table": table, "format": style.fmt,
            "encoding": style.encoding + ("-sig" if style.bom else "") if style.fmt in ("csv", "txt", "csv.gz") else None,
            "delimiter": style.sep if style.fmt in ("csv", "txt", "csv.gz") else None,
            "headers": style.headers, "timestamps": style.ts, "weights": "t" if style.tonnes else "kg",
            "plate_color": style.color, "rows": len(frame), "canonical_rows": len(clean),
            "bad_rows": sum(1 for m in marks if m["kind"] != "exact_duplicate"),
            "duplicates": sum(1 for m in marks if m["kind"] == "exact_duplicate"), "messy_plates": n_messy,
            "extra_columns": sorted(style.extra), "bytes": path.stat().st_size,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        }  # fmt: skip
        self.files.append(entry)
        entry = {**entry, "tracked": tracked}
        for m in marks:
            self.planted.append({"file": rel, "table": table, "province": prov, **m})
        return entry

    def _headers(self, table: str, style: Style, cols: list[str]) -> list[str]:
        zh = schema.zh(table)
        if style.headers == "en":
            out = cols
        elif style.headers == "zh":
            out = [zh.get(c, c) for c in cols]
        else:  # mixed: every other canonical column in Chinese
            out = [zh[c] if c in zh and i % 2 == 1 else c for i, c in enumerate(cols)]
        if style.tonnes:
            out = ["总重(吨)" if c in ("gross_kg", "车货总重(kg)") else c for c in out]
        return out

    def _text(
        self, frame: pl.DataFrame, headers: list[str], style: Style, marks: list[dict]
    ) -> bytes:
        sep = style.sep
        eol = "\r\n" if style.encoding == "gb18030" else "\n"
        body = frame.write_csv(None, include_header=False, separator=sep, null_value="", quote_style="necessary",
                               line_terminator="\n")  # fmt: skip
        lines = body.split("\n")
        for m in marks:
            if m["kind"] == "truncated_row":
                vals = [("" if v is None else str(v)) for v in frame.row(m["row"] - 1)]
                lines[m["row"] - 1] = sep.join(
                    v for v in vals[: max(2, len(vals) // 3)] if sep not in v
                )
        head = sep.join(('"' + h + '"') if sep in h else h for h in headers)
        text = ("\ufeff" if style.bom else "") + head + eol + eol.join(lines)
        return text.encode(style.encoding)


def write_xlsx_small(path: Path, headers: list[str], frame: pl.DataFrame, kinds: list[str]) -> None:
    """xlsxwriter output (shared strings, styles) with fixed document dates."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})  # fmt: skip
    wb.set_properties({"created": FIXED_MTIME, "author": "xiansuo"})
    ws = wb.add_worksheet("数据")
    dfmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for j, h in enumerate(headers):
        ws.write_string(0, j, h)
    for i, row in enumerate(frame.iter_rows(), start=1):
        for j, v in enumerate(row):
            if v is None or v == "":
                continue
            if kinds[j] in ("n", "d") and NUMERIC_RE.match(v):
                ws.write_number(i, j, float(v), dfmt if kinds[j] == "d" else None)
            else:
                ws.write_string(i, j, v)
    wb.close()
