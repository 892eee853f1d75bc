"""Read one landing file into a Polars frame of text columns, whatever its format and encoding.

Everything is read as text first (typing happens set-based in `models.ingest.casting`), so a
bad value can only ever quarantine its own row. Typed inputs (parquet, JSON) keep their
numeric, boolean, date, timestamp and integer-list columns typed (`typed_source`): the casting
reads those directly with the rules of the text path, or turns them into the same text a CSV
export would carry (`text_expr`) where the contract column wants text.
Supported: csv / csv.gz / txt with `,` `\\t` `|` (auto-detected), xlsx (calamine via
fastexcel), parquet, jsonl; UTF-8, UTF-8 with BOM and GB18030/GBK (auto-detected). Broken
lines (fewer or more fields than the header, unparseable JSON) are kept as rows with
`_raw_error` set, never dropped and never fatal for the file.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

ROW_NO = "_row_no"
RAW_ERROR = "_raw_error"  # 'truncated_row' | 'malformed_row' | None
RAW_LINE = "_raw_line"  # the original text of a broken line
DELIMITERS = (",", "\t", "|")
FORMATS = {".csv": "csv", ".txt": "csv", ".gz": "csv", ".xlsx": "xlsx", ".parquet": "parquet",
           ".jsonl": "jsonl", ".ndjson": "jsonl"}  # fmt: skip


@dataclass
class RawFile:
    # original headers (String, or a `typed_source` dtype) plus _row_no, _raw_error, _raw_line
    frame: pl.DataFrame
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def data_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c not in (ROW_NO, RAW_ERROR, RAW_LINE)]


def file_format(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".csv.gz") or name.endswith(".txt.gz"):
        return "csv"
    return FORMATS.get(path.suffix.lower())


def decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding): UTF-8 with BOM, UTF-8, else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            return data.decode("gb18030", errors="replace"), "gb18030?"
        return str(best), best.encoding


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_file(path: Path) -> RawFile:
    fmt = file_format(path)
    if fmt == "csv":
        data = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            data = gzip.decompress(data)
        return read_delimited(data)
    if fmt == "xlsx":
        return _finish(_read_xlsx(path), "xlsx")
    if fmt == "parquet":
        return _finish(_stringify(pl.read_parquet(path), keep_typed=True), "parquet", typed=True)
    if fmt == "jsonl":
        return read_jsonl(path.read_bytes())
    raise ValueError(f"unsupported file type: {path.name}")


def read_delimited(data: bytes) -> RawFile:
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    header = data[:65536].split(b"\n", 1)[0].decode("utf-8", errors="ignore")
    delim = sniff_delimiter(header)  # delimiters are ASCII in every encoding we accept
    if not header.strip():
        return RawFile(_empty(), "csv", encoding, delim, ["empty file"])
    if encoding == "utf-8" and not _utf8_head(data):  # GB18030/GBK: no doomed UTF-8 parse
        text, encoding = decode(data)
        data = text.encode("utf-8")
    try:  # strict UTF-8 in Rust: an invalid byte sequence means a GB18030/GBK export
        frame = _read_csv(data, delim)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc).lower() and "utf8" not in str(exc).lower():
            raise
        text, encoding = decode(data)
        data = text.encode("utf-8")
        frame = _read_csv(data, delim)
    frame = frame.rename({c: c.strip() for c in frame.columns})
    n_fields = len(frame.columns)
    # the same bytes once more, one line per row, to see how many fields each line really had
    lines = pl.read_csv(
        io.BytesIO(data),
        has_header=False,
        skip_rows=1,
        separator="\x1f",
        quote_char=None,
        new_columns=[RAW_LINE],
        infer_schema=False,
        raise_if_empty=False,
    )
    notes: list[str] = []
    if lines.width == 1 and lines.height == frame.height:
        line = pl.col(RAW_LINE)
        unquoted = line.str.replace_all(r'"[^"]*"', "") if b'"' in data else line
        # field count and blankness computed once per line, then classified
        counted = lines.select(
            line,
            (unquoted.str.count_matches(delim, literal=True) + 1).alias("_fields"),
            (line.is_null() | line.str.contains(r"^\s*$")).alias("_blank"),
        )
        fields = pl.col("_fields")
        err = (
            pl.when(pl.col("_blank"))
            .then(pl.lit("blank"))
            .when(fields < n_fields)
            .then(pl.lit("truncated_row"))
            .when(fields > n_fields)
            .then(pl.lit("malformed_row"))
            .otherwise(pl.lit(None, pl.String))
        )
        extra = counted.select(line, err.alias(RAW_ERROR))
        frame = pl.concat([frame, extra], how="horizontal")
        frame = frame.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(ROW_NO))
        if counted.get_column("_blank").any():
            frame = frame.filter(pl.col(RAW_ERROR).ne_missing("blank"))
        frame = frame.with_columns(
            pl.when(pl.col(RAW_ERROR).is_null())
            .then(pl.lit(None, pl.String))
            .otherwise(pl.col(RAW_LINE))
            .alias(RAW_LINE)
        )
    else:  # multi-line quoted fields: line-level checks are not reliable for this file
        notes.append("line count differs from record count; no truncation check")
        frame = _finish(frame, "csv").frame
    return RawFile(_order(frame), "csv", encoding, delim, notes)


def _utf8_head(data: bytes, size: int = 1 << 16) -> bool:
    """Whether the first `size` bytes are valid UTF-8 (a sequence cut at the end is fine)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[:size], final=len(data) <= size)
    except UnicodeDecodeError:
        return False
    return True


def _read_csv(data: bytes, delim: str) -> pl.DataFrame:
    return pl.read_csv(
        io.BytesIO(data),
        separator=delim,
        infer_schema=False,
        truncate_ragged_lines=True,
        quote_char='"',
        raise_if_empty=False,
    )


def read_jsonl(data: bytes) -> RawFile:
    text, encoding = decode(data)
    try:
        frame = pl.read_ndjson(io.BytesIO(text.encode("utf-8")), infer_schema_length=None)
        return _finish(_stringify(frame, keep_typed=True), "jsonl", encoding, typed=True)
    except Exception:  # a truncated / broken line: fall back to line-by-line parsing
        pass
    rows: list[dict[str, str | None]] = []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not an object")
            row = {k: _json_text(v) for k, v in obj.items()}
            row[ROW_NO], row[RAW_ERROR], row[RAW_LINE] = i, None, None
        except ValueError:
            row = {ROW_NO: i, RAW_ERROR: "truncated_row", RAW_LINE: line}
        rows.append(row)
    keys: dict[str, None] = {}
    for r in rows:
        keys.update(dict.fromkeys(r))
    frame = pl.DataFrame(
        {k: [r.get(k) for r in rows] for k in keys},
        schema={k: (pl.Int64 if k == ROW_NO else pl.String) for k in keys},
    )
    return RawFile(_order(frame), "jsonl", encoding, None, ["line-by-line JSON parse"])


def _json_text(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ";".join("" if x is None else str(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _read_xlsx(path: Path) -> pl.DataFrame:
    frame = pl.read_excel(path, engine="calamine", infer_schema_length=0)
    frame = frame.rename({c: str(c).strip() for c in frame.columns})
    return frame.select(pl.all().cast(pl.String))


def typed_source(dtype: pl.DataType) -> bool:
    """Source dtypes a typed reader keeps as they are: integers, Float64, Boolean, Date,
    Datetime (any unit, naive or with a zone) and lists of integers. Their text (`text_expr`)
    is NULL exactly where the value is NULL, so keeping them typed changes no row's fate.
    Float32 stays text: its shortest text parses to another Float64 than its exact value."""
    if dtype.is_integer() or dtype in (pl.Float64, pl.Boolean, pl.Date):
        return True
    if isinstance(dtype, pl.Datetime):
        return True
    return isinstance(dtype, pl.List) and dtype.inner is not None and dtype.inner.is_integer()


def text_expr(name: str, dtype: pl.DataType) -> pl.Expr:
    """A typed column (parquet, JSON) → the same text a CSV export would have carried."""
    col = pl.col(name)
    if isinstance(dtype, pl.List | pl.Array):
        inner = col.cast(pl.List(pl.String)) if isinstance(dtype, pl.List) else col
        return inner.list.join(";")
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone:
            col = col.dt.convert_time_zone("Asia/Shanghai").dt.replace_time_zone(None)
        return col.dt.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(dtype, pl.Date):
        return col.dt.strftime("%Y-%m-%d")
    if isinstance(dtype, pl.Struct):
        return col.struct.json_encode()
    if dtype == pl.Boolean:
        return pl.when(col).then(pl.lit("true")).when(~col).then(pl.lit("false"))
    if dtype.is_float():
        # whole numbers without a trailing '.0' (a weight of 49000.0 kg is 49000)
        return (
            pl.when(col.is_finite() & (col == col.round(0)) & (col.abs() < 1e15))
            .then(col.cast(pl.Int64).cast(pl.String))
            .otherwise(col.cast(pl.String))
        )
    return col.cast(pl.String)


def _stringify(frame: pl.DataFrame, *, keep_typed: bool = False) -> pl.DataFrame:
    """Typed columns (parquet, JSON) → text; with `keep_typed` the `typed_source` ones stay."""
    out = [
        pl.col(name) if keep_typed and typed_source(dtype) else text_expr(name, dtype).alias(name)
        for name, dtype in frame.schema.items()
    ]
    return frame.select(out) if out else frame


def _finish(
    frame: pl.DataFrame, fmt: str, encoding: str | None = None, *, typed: bool = False
) -> RawFile:
    """Add _row_no / _raw_error / _raw_line to a frame read by a format-aware reader."""
    frame = frame.with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(ROW_NO),
        pl.lit(None, pl.String).alias(RAW_ERROR),
        pl.lit(None, pl.String).alias(RAW_LINE),
    )
    data_cols = [c for c in frame.columns if c not in (ROW_NO, RAW_ERROR, RAW_LINE)]
    if data_cols:  # drop rows that are entirely empty (blank spreadsheet lines)
        frame = frame.filter(~pl.all_horizontal(pl.col(data_cols).is_null()))
    return RawFile(_order(frame, typed=typed), fmt, encoding)


def _order(frame: pl.DataFrame, *, typed: bool = False) -> pl.DataFrame:
    for c, t in ((ROW_NO, pl.Int64), (RAW_ERROR, pl.String), (RAW_LINE, pl.String)):
        if c not in frame.columns:
            frame = frame.with_columns(pl.lit(None, t).alias(c))
    data_cols = [c for c in frame.columns if c not in (ROW_NO, RAW_ERROR, RAW_LINE)]
    keep = {c for c in data_cols if typed and typed_source(frame.schema[c])}
    return frame.select(
        [pl.col(c) if c in keep else pl.col(c).cast(pl.String) for c in data_cols]
        + [pl.col(ROW_NO).cast(pl.Int64), pl.col(RAW_ERROR), pl.col(RAW_LINE)]
    )


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={ROW_NO: pl.Int64, RAW_ERROR: pl.String, RAW_LINE: pl.String})
