"""Contract-driven, set-based typing of a frame of text columns (Polars expressions).

`map_headers` finds each canonical column among the file's headers (English, Chinese, province
variants, unit-bearing names such as `总重(吨)`). `cast_frame` types every column, normalises
plates, colours, codes and value sets, computes the quarantine reason codes and the quality
flags of every row, and returns accepted and quarantined rows separately. Python runs only over
the *distinct* values of identifier columns (plates, USCC, ID numbers, VINs), never per row.

Typed source columns (parquet, JSON: `readers.typed_source`) whose contract column has a
matching type are read directly (`_fast_source`) instead of being printed to text and parsed
again; every rule of the text path (units, whole numbers, ranges, time zones, NULLs) gives the
same result on them. Any other typed column is turned into the text a CSV export would carry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import polars as pl

from data_contracts.contract import Column, Contract
from models import identifiers as ids
from models.ingest.parsing import parse_dates, parse_timestamps
from models.ingest.readers import RAW_ERROR, RAW_LINE, ROW_NO, text_expr
from models.plates import CANONICAL_PLATE, normalise_plate, normalise_plate_color

SHANGHAI = ZoneInfo("Asia/Shanghai")
REASONS = "_reasons"
FLAGS = "_flags"
EARLIEST = datetime(2000, 1, 1)
# typed timestamps and dates within these years take the fast path (their text always parses)
FAST_YEARS = (1900, 2999)

_TRUE = {"1", "true", "t", "yes", "y", "是", "有", "√", "已处理", "已", "对"}
_FALSE = {"0", "false", "f", "no", "n", "否", "无", "×", "未处理", "未", "不是"}
_LIST_SEPARATORS = r"[;,/|，；、\s]+"


@dataclass
class HeaderMapping:
    columns: dict[str, str]  # canonical column → source header
    multipliers: dict[str, float]  # canonical column → unit multiplier (tonnes → 1000)
    extras: list[str]  # source headers not in the contract (kept in raw)
    duplicates: list[str] = field(default_factory=list)  # second header for the same column
    sources: dict[str, str] = field(default_factory=dict)  # canonical column → original header


def map_headers(headers: list[str], contract: Contract) -> HeaderMapping:
    cols: dict[str, str] = {}
    mult: dict[str, float] = {}
    extras: list[str] = []
    dups: list[str] = []
    for h in headers:
        hit = contract.match_header(h)
        if hit is None:
            extras.append(h)
        elif hit[0] in cols:
            dups.append(h)
        else:
            cols[hit[0]] = h
            mult[hit[0]] = hit[1]
    return HeaderMapping(cols, mult, extras + dups, dups, dict(cols))


@dataclass
class CastResult:
    accepted: pl.DataFrame  # exactly the staging schema of the table
    quarantined: pl.DataFrame  # _row_no, _reasons, _original (JSON), _raw_line
    extras: pl.DataFrame  # _row_no, _extra (JSON) for accepted rows with unknown columns
    mapping: HeaderMapping


def cast_frame(
    raw: pl.DataFrame,
    contract: Contract,
    *,
    province: str,
    file_id: str | None,
    now: datetime | None = None,
    colour_code_set: str = "xiansuo",
    known_refs: dict[str, pl.Series] | None = None,
) -> CastResult:
    """Type, normalise and validate one file's rows against its table contract.

    `known_refs`: per 'ref' flag target (`stations.station_id`), the values loaded so far; a
    value not among them gets the flag (e.g. unknown_station). Without one, no 'ref' flag is set.
    """
    now = now or datetime.now(SHANGHAI).replace(tzinfo=None)
    headers = [c for c in raw.columns if c not in (ROW_NO, RAW_ERROR, RAW_LINE)]
    mapping = map_headers(headers, contract)
    # source columns get internal names so they never collide with canonical output names
    internal = {h: f"__src{i}" for i, h in enumerate(headers)}
    target = {h: contract.column(k) for k, h in mapping.columns.items()}
    mapping.columns = {k: internal[h] for k, h in mapping.columns.items()}
    fast: set[str] = set()  # internal names of typed source columns read directly
    exprs = []
    for h in headers:
        expr = _fast_source(raw, h, target.get(h))
        if expr is not None:
            fast.add(internal[h])
        else:
            expr = _text(pl.col(h), raw.schema[h])
        exprs.append(expr.alias(internal[h]))
    src = raw.select(*exprs, ROW_NO, RAW_ERROR, RAW_LINE)

    values: list[pl.Expr] = []  # typed canonical columns
    bad: dict[str, list[pl.Expr]] = {  # reason code → boolean expressions
        "truncated_row": [pl.col(RAW_ERROR) == "truncated_row"],
        "malformed_row": [pl.col(RAW_ERROR) == "malformed_row"],
        "missing_required": [],
        "bad_number": [],
        "bad_timestamp": [],
        "bad_value": [],
    }
    flags: list[tuple[str, pl.Expr]] = []
    for col in contract.columns:
        header = mapping.columns.get(col.name)
        s = pl.col(header) if header else pl.lit(None, pl.String)
        mult = mapping.multipliers.get(col.name, 1.0)
        if header in fast:
            value, invalid, reason = _typed_fast(col, s, mult)
        else:
            value, invalid, reason = _typed(col, s, src, header, mult)
        values.append(value.alias(col.name))
        if invalid is None:
            continue
        if col.key_check:  # structurally unusable key: the value is kept but the row is bad
            bad[reason].append(invalid)
        else:  # a present source value that typed to NULL could not be read (evaluated once)
            bad[reason].append(s.is_not_null() & pl.col(col.name).is_null())
    done = {c.name for c in contract.columns if mapping.columns.get(c.name) in fast}
    done = {c for c in done if mapping.multipliers.get(c, 1.0) == 1.0}  # final in `_typed_fast`
    typed = _finish_lists(src.lazy().with_columns(values).collect(), contract, done)

    if contract.plate_columns:
        typed, plate_flags = _plates(typed, contract, mapping, colour_code_set)
        flags += plate_flags

    for col in contract.columns:
        if col.required:
            miss = pl.col(col.name).is_null()
            header = mapping.columns.get(col.name)
            if header and col.name != "plate":  # unparseable ≠ missing: that has its own code
                miss = miss & pl.col(header).is_null()
            bad["missing_required"].append(miss)

    bad["bad_value"] += range_exprs(contract)
    for rule in contract.rules:
        bad.setdefault(rule.code, []).extend(_rule_exprs(rule, contract, now))
    for f in contract.flags:
        flags += _flag_exprs(f, typed)
    for f in contract.flags:  # after the others: the order of codes in _flags is stable
        known = (known_refs or {}).get(f.ref) if f.kind == "ref" and f.ref else None
        if known is not None:
            flags += [
                (f.flag, pl.col(c).is_not_null() & ~pl.col(c).is_in(known.implode()))
                for c in f.columns
            ]

    reason_codes = [code for code, exprs in bad.items() if exprs]
    flag_codes = list(dict.fromkeys(code for code, _ in flags))
    reason_bits = _bits([pl.any_horizontal(bad[c]) for c in reason_codes])
    # a broken line's values are unreliable: it carries only its structural reason
    for code in ("truncated_row", "malformed_row"):
        bit = 1 << reason_codes.index(code)
        reason_bits = pl.when(pl.col(RAW_ERROR) == code).then(bit).otherwise(reason_bits)
    flag_bits = _bits(
        [pl.any_horizontal([e for c, e in flags if c == code]) for code in flag_codes]
    )
    typed = (
        typed.lazy()
        .with_columns(
            reason_bits.cast(pl.UInt32).alias("_rbits"), flag_bits.cast(pl.UInt32).alias("_fbits")
        )
        .collect()
    )
    typed = typed.with_columns(
        _codes(typed, "_rbits", reason_codes).alias(REASONS),
        _codes(typed, "_fbits", flag_codes).alias(FLAGS),
    )

    is_bad = pl.col("_rbits") > 0
    meta = [
        pl.lit(province, pl.String).alias("_province"),
        pl.lit(file_id, pl.String).alias("_file_id"),
        pl.col(ROW_NO).cast(pl.Int64).alias("_row_no"),
    ]
    staging_cols = [name for name, _ in contract.staging_schema()]
    extra_src = [internal[h] for h in mapping.extras]
    any_bad = bool(typed.get_column("_rbits").max() or 0)
    # only the columns that reach staging or raw are filtered (not every source column)
    kept = list(dict.fromkeys([c for c in staging_cols if c in typed.columns] + extra_src))
    if any_bad:
        accepted = typed.lazy().filter(~is_bad).select(kept).collect()
    else:
        accepted = typed.select(kept)
    accepted = accepted.with_columns(meta)
    if contract.rid:
        accepted = accepted.with_columns(
            (pl.lit(province + ":") + pl.col(contract.rid)).alias("rid")
        )
    extras = pl.DataFrame(schema={"_row_no": pl.Int64, "_extra": pl.String})
    if mapping.extras:
        extras = accepted.select(
            pl.col(ROW_NO).alias("_row_no"),
            pl.struct([pl.col(internal[h]).alias(h) for h in mapping.extras])
            .struct.json_encode()
            .alias("_extra"),
        )
    accepted = accepted.select(staging_cols)

    quarantined = (typed.filter(is_bad) if any_bad else typed.clear()).select(
        pl.lit(province, pl.String).alias("_province"),
        pl.lit(file_id, pl.String).alias("_file_id"),
        pl.col(ROW_NO).cast(pl.Int64).alias("_row_no"),
        pl.col(REASONS).alias("reasons"),
        (
            pl.struct(
                [_original(internal[h], src, fast).alias(h) for h in headers]
            ).struct.json_encode()
            if headers
            else pl.lit("{}")
        ).alias("original"),
        pl.col(RAW_LINE).alias("raw_line"),
    )
    return CastResult(accepted, quarantined, extras, mapping)


def _text(s: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A source column as trimmed text, NULL when empty (typed columns: the text of a CSV)."""
    if dtype != pl.String:
        s = text_expr(s.meta.output_name(), dtype)
    return s.str.strip_chars().replace("", None)


def _original(name: str, src: pl.DataFrame, fast: set[str]) -> pl.Expr:
    """A source column's value as the text the quarantine keeps (typed ones printed)."""
    return _text(pl.col(name), src.schema[name]) if name in fast else pl.col(name)


def _fast_source(raw: pl.DataFrame, header: str, col: Column | None) -> pl.Expr | None:
    """A typed source column prepared for direct casting to `col`, or None (→ text path).

    The value each prepared column holds is the one the text path parses from the column's
    text (`readers.text_expr`): numbers as they are (-0.0, printed `0`, as 0.0), timestamps in
    naive Beijing time without the fraction of a second (the text has whole seconds), lists
    without NULL elements and NULL when empty (the text skips NULL elements). Its text is the
    text of the original value, so the quarantine keeps the same original values."""
    dtype = raw.schema[header]
    if col is None or dtype == pl.String:
        return None
    s = pl.col(header)
    if col.type in ("int", "float") and (dtype.is_integer() or dtype == pl.Float64):
        return pl.when(s == 0).then(pl.lit(0.0)).otherwise(s) if dtype == pl.Float64 else s
    if col.type == "bool" and dtype == pl.Boolean:
        return s
    if col.type == "list[int]" and isinstance(dtype, pl.List) and dtype.inner.is_integer():
        if _plain_int_lists(raw.get_column(header)):
            return s  # nothing to drop (list operations are the slow part of a typed file)
        parts = s.list.drop_nulls()
        return pl.when(parts.list.len() > 0).then(parts)
    if col.type == "ts" and isinstance(dtype, pl.Datetime):
        if dtype.time_zone:
            s = s.dt.convert_time_zone("Asia/Shanghai").dt.replace_time_zone(None)
        s = s.dt.truncate("1s").cast(pl.Datetime("us"))
    elif col.type == "date" and dtype == pl.Date:
        pass
    else:
        return None
    years = raw.select(s.dt.year().min().alias("lo"), s.dt.year().max().alias("hi")).row(0)
    if years[0] is not None and (years[0] < FAST_YEARS[0] or years[1] > FAST_YEARS[1]):
        return None  # far-off years: the text path decides whether their text parses
    return s


INT64_LIMIT = 2.0**63  # a parsed number this large has no Int64 value: bad_number


def _plain_int_lists(lists: pl.Series) -> bool:
    """Whether an integer-list column has no NULL element and no empty list (NULL lists are
    fine), read from its Arrow buffers without a list operation."""
    if lists.null_count() == len(lists):
        return True
    values = lists.to_arrow().flatten()  # the elements of the non-NULL lists
    return values.null_count == 0 and int(lists.list.len().min() or 0) > 0


def _finish_lists(typed: pl.DataFrame, contract: Contract, done: set[str]) -> pl.DataFrame:
    """list[int] columns (but those already `done`): whole kg, and NULL when any element was
    not a number (two passes: one combined expression re-parses the list and is ~10x slower)."""
    lists = [c.name for c in contract.columns if c.type == "list[int]" and c.name not in done]
    return typed.with_columns(
        pl.when(
            pl.col(c)
            .list.eval(pl.element().is_null() | (pl.element().abs() >= INT64_LIMIT))
            .list.any()
        )
        .then(None)
        .otherwise(pl.col(c).list.eval(pl.element().round(0)))
        .cast(pl.List(pl.Int64))
        .alias(c)
        for c in lists
    )


def _bits(conditions: list[pl.Expr]) -> pl.Expr:
    """One integer per row with bit i set when condition i holds (NULL counts as false)."""
    if not conditions:
        return pl.lit(0, pl.UInt32)
    return pl.sum_horizontal(
        [c.fill_null(False).cast(pl.UInt32) * (1 << i) for i, c in enumerate(conditions)]
    )


def _codes(frame: pl.DataFrame, bits: str, codes: list[str]) -> pl.Expr:
    """The list of codes whose bit is set, via a lookup over the few distinct bit patterns
    (building lists row by row with concat_list is ~20x slower)."""
    patterns = frame.get_column(bits).unique().to_list()
    lookup = {m: [c for i, c in enumerate(codes) if m >> i & 1] for m in patterns}
    return pl.col(bits).replace_strict(lookup, return_dtype=pl.List(pl.String))


# --- per-type casting -------------------------------------------------------------------------
def _typed_fast(col: Column, s: pl.Expr, mult: float) -> tuple[pl.Expr, pl.Expr, str]:
    """`_typed` for a column prepared by `_fast_source`: the same steps after the parse."""
    present = s.is_not_null()
    if col.type in ("int", "float"):
        num = s.cast(pl.Float64)
        return _number(col, num * mult if mult != 1.0 else num, present, mult)
    if col.type == "list[int]":
        nums = s.cast(pl.List(pl.Float64))
        if mult == 1.0:  # whole numbers without NULLs: what `_finish_lists` would make of them
            return nums.cast(pl.List(pl.Int64)), present, "bad_number"
        return nums * mult, present, "bad_number"
    reason = "bad_value" if col.type == "bool" else "bad_timestamp"
    return s, present & s.is_null(), reason


def _number(
    col: Column, num: pl.Expr, present: pl.Expr, mult: float
) -> tuple[pl.Expr, pl.Expr, str]:
    """A parsed number (already in the contract unit) → value, invalid, reason."""
    invalid = present & (num.is_null() | ~num.is_finite())
    if col.type == "int":
        invalid = invalid | (present & (num.abs() >= INT64_LIMIT))  # no 64-bit integer
        if col.unit != "kg" and mult == 1.0:  # counts must be whole numbers
            invalid = invalid | (present & (num != num.round(0)))
        value = pl.when(invalid).then(None).otherwise(num.round(0)).cast(pl.Int64)
    else:
        value = pl.when(invalid).then(None).otherwise(num)
    return value, invalid, "bad_number"


def _typed(
    col: Column, s: pl.Expr, src: pl.DataFrame, header: str | None, mult: float
) -> tuple[pl.Expr, pl.Expr | None, str]:
    present = s.is_not_null()
    if header is None or src.get_column(header).null_count() == src.height:
        # column absent from this file, or present without a single value (a NULL of the
        # column's type, and nothing to find invalid: no parsing at all)
        return pl.lit(None, _EMPTY_DTYPES[col.type]), None, "bad_value"
    if col.type == "str":
        return _string(col, s, src, header)
    if col.type in ("int", "float"):
        if src.get_column(header).str.contains(",", literal=True).any():  # 12,345 (thousands)
            s = s.str.replace_all(",", "", literal=True)
        num = s.cast(pl.Float64, strict=False)
        return _number(col, num * mult if mult != 1.0 else num, present, mult)
    if col.type == "bool":
        low = s.str.to_lowercase()
        value = pl.when(low.is_in(list(_TRUE))).then(True).when(low.is_in(list(_FALSE))).then(False)
        return value.cast(pl.Boolean), present & value.is_null(), "bad_value"
    if col.type == "ts":
        value = s.map_batches(parse_timestamps, return_dtype=pl.Datetime("us"))
        return value, present & value.is_null(), "bad_timestamp"
    if col.type == "date":
        value = s.map_batches(parse_dates, return_dtype=pl.Date)
        return value, present & value.is_null(), "bad_timestamp"
    if col.type == "list[int]":
        nums = _list_parts(src.get_column(header), s).cast(pl.List(pl.Float64), strict=False)
        # List(Float64) here; `_finish_lists` rounds to kg and nulls lists with a bad element
        return (nums * mult if mult != 1.0 else nums), present, "bad_number"
    raise ValueError(col.type)


_EMPTY_DTYPES = {"str": pl.String, "int": pl.Int64, "float": pl.Float64, "bool": pl.Boolean,
                 "ts": pl.Datetime("us"), "date": pl.Date, "list[int]": pl.List(pl.Int64)}  # fmt: skip


def _list_parts(values: pl.Series, s: pl.Expr) -> pl.Expr:
    """A list column's text split into its elements: brackets stripped, any run of separators
    splits. When the whole column uses one plain separator (no brackets, blanks, doubled or
    edge separators) a plain split gives the same lists at a third of the cost."""
    for sep in _PLAIN_SEPARATORS:
        others = "".join(re.escape(c) for c in _LIST_CHARS if c != sep)
        twice, edge = re.escape(sep * 2), re.escape(sep)
        if not values.str.contains(f"[{others}\\s]|{twice}|^{edge}|{edge}$").any():
            return s.str.split(sep)
    return (
        s.str.strip_chars("[](){}")
        .str.replace_all(_LIST_SEPARATORS, ";")
        .str.strip_chars(";")
        .str.split(";")
    )


_LIST_CHARS = "[](){};,/|，；、"  # brackets and separators (and blanks) of list[int] text
_PLAIN_SEPARATORS = (";", "/", ",", "|")


def _string(
    col: Column, s: pl.Expr, src: pl.DataFrame, header: str | None
) -> tuple[pl.Expr, pl.Expr | None, str]:
    present = s.is_not_null()
    if header is None:
        return s, None, "bad_value"
    if col.domain == "province":
        mapping = _over_distinct(src, header, _province_code_of)
        value = _lookup(s, mapping, pl.String)
        return value, present & value.is_null(), "bad_value"
    if col.values:
        vmap = col.value_map()
        if col.multi:
            parts = s.str.split(col.multi).list.eval(
                pl.element()
                .str.strip_chars()
                .map_elements(lambda v: vmap.get(_fold(v)), return_dtype=pl.String)
            )
            ok = ~parts.list.eval(pl.element().is_null()).list.any()
            value = pl.when(ok).then(parts.list.join(col.multi))
            return value, present & ~ok.fill_null(False), "bad_value"
        mapping = _over_distinct(src, header, lambda v: vmap.get(_fold(v)))
        value = _lookup(s, mapping, pl.String)
        return value, present & value.is_null(), "bad_value"
    if col.key_check or any(col.name == c for c in _CODE_COLUMNS):
        mapping = _over_distinct(src, header, _clean_code)
        value = _lookup(s, mapping, pl.String)
        if col.key_check == "uscc":
            return value, present & ~value.map_batches(_vec(_uscc_structure_ok)), "bad_value"
        if col.key_check == "id":
            return value, present & ~value.map_batches(_vec(_id_structure_ok)), "bad_value"
        return value, None, "bad_value"
    if col.range is not None:  # a ranged string? not used
        return s, None, "bad_value"
    return s, None, "bad_value"


# The scalar identifier functions of models/ memoised per distinct value: the same plates,
# codes and ID numbers recur in every monthly file, so after the first files the Python work
# per file is a dictionary lookup per distinct value. Results are exactly the pure functions'.
_MEMO = 1 << 20
_clean_code = lru_cache(maxsize=_MEMO)(ids.clean_code)
_province_code_of = lru_cache(maxsize=_MEMO)(ids.province_code_of)
_uscc_structure_ok = lru_cache(maxsize=_MEMO)(ids.uscc_structure_ok)
_id_structure_ok = lru_cache(maxsize=_MEMO)(ids.id_structure_ok)
_uscc_valid = lru_cache(maxsize=_MEMO)(ids.uscc_valid)
_vin_valid = lru_cache(maxsize=_MEMO)(ids.vin_valid)
_area_code_valid = lru_cache(maxsize=_MEMO)(ids.area_code_valid)


@lru_cache(maxsize=_MEMO)
def _id_valid_on(value: object, today: date) -> bool:
    return ids.id_valid(value, today=today)


def _id_valid(value: object) -> bool:
    """`ids.id_valid` (birth date checked against today, so today is part of the memo key)."""
    return _id_valid_on(value, date.today())


# identifier columns folded to half-width upper case without blanks
_CODE_COLUMNS = ("uscc", "operator_uscc", "employer_uscc", "driver_id", "escort_id", "vin",
                 "area_code", "registered_area")  # fmt: skip


def _fold(v: object) -> str:
    from data_contracts.contract import normalise_header

    return normalise_header(str(v))


def _vec(fn):
    """A scalar validator applied to the distinct values of a Series, mapped back."""

    def run(series: pl.Series) -> pl.Series:
        uniq = series.drop_nulls().unique()
        ok = pl.Series([bool(fn(v)) for v in uniq.to_list()], dtype=pl.Boolean)
        return series.replace_strict(uniq, ok, default=True, return_dtype=pl.Boolean)

    return run


def _lookup(
    s: pl.Expr, mapping: dict[str, object], dtype: pl.DataType, default: object = None
) -> pl.Expr:
    """`s.replace_strict(mapping, …)` with the mapping passed as typed Series (no Python-object
    conversion of the distinct values)."""
    old = pl.Series(list(mapping), dtype=pl.String)
    new = pl.Series(list(mapping.values()), dtype=dtype)
    return s.replace_strict(old, new, default=default, return_dtype=dtype)


def _over_distinct(src: pl.DataFrame, header: str, fn) -> dict[str, object]:
    uniq = src.get_column(header).drop_nulls().unique().to_list()
    return {v: fn(v) for v in uniq}


def _plates(
    typed: pl.DataFrame, contract: Contract, mapping: HeaderMapping, code_set: str
) -> tuple[pl.DataFrame, list[tuple[str, pl.Expr]]]:
    """plate, plate_color, plate_key, plate_readable and the plate flags, computed once per
    distinct (plate text, colour text) pair and joined back to the rows."""
    plate_h, colour_h = mapping.columns.get("plate"), mapping.columns.get("plate_color")
    on = [h for h in (plate_h, colour_h) if h]
    if on:
        pairs = typed.select(on).unique()
        # plate text already canonical (most camera reads): vectorised, no Python per pair
        canonical = pl.col(plate_h).str.contains(CANONICAL_PLATE) if plate_h else pl.lit(False)
        split = pairs.with_columns(canonical.fill_null(False).alias("_canonical"))
        quick = split.filter(pl.col("_canonical")).drop("_canonical")
        slow = split.filter(~pl.col("_canonical")).drop("_canonical")
        normalised = pl.DataFrame(
            normalise_plate_pairs(
                slow.get_column(plate_h).to_list() if plate_h else [None] * slow.height,
                slow.get_column(colour_h).to_list() if colour_h else [None] * slow.height,
                code_set,
            ),
            schema=dict(zip(PLATE_COLUMNS, PLATE_SCHEMA, strict=True)),
        )
        table = pl.concat(
            [
                pl.concat([slow, normalised], how="horizontal"),
                pl.concat([quick, _canonical_plates(quick, plate_h, colour_h, code_set)],
                          how="horizontal"),
            ]
        )  # fmt: skip
        joined = typed.select(on).join(
            table, on=on, how="left", maintain_order="left", nulls_equal=True
        )
        typed = typed.with_columns(joined.get_column(n) for n in PLATE_COLUMNS)
    else:
        typed = typed.with_columns(
            pl.lit(None, dtype).alias(n)
            for n, dtype in zip(PLATE_COLUMNS, PLATE_SCHEMA, strict=True)
        ).with_columns(pl.lit(False).alias(n) for n in PLATE_COLUMNS[3:])
    flags = [
        ("plate_invalid", pl.col("plate_readable") & ~pl.col("_plate_valid")),
        ("plate_color_unknown", pl.col("_colour_unknown")),
    ]
    return typed, flags


# what the plate step adds to each row (`_plates`, `normalise_plate_pairs`), and their types
PLATE_COLUMNS = ("plate", "plate_color", "plate_key", "plate_readable", "_plate_valid",
                 "_colour_unknown")  # fmt: skip
PLATE_SCHEMA = (pl.String, pl.String, pl.String, pl.Boolean, pl.Boolean, pl.Boolean)


def _canonical_plates(
    pairs: pl.DataFrame, plate_h: str, colour_h: str | None, code_set: str
) -> pl.DataFrame:
    """`normalise_plate_pairs` for pairs whose plate text matches CANONICAL_PLATE, vectorised:
    such a text is its own normalised plate (readable, valid, no colour word), so the colour
    comes from the colour column alone, normalised once per distinct colour text."""
    if colour_h:
        texts = pairs.get_column(colour_h).drop_nulls().unique().to_list()
        coded = _lookup(
            pl.col(colour_h), {t: normalise_plate_color(t, code_set) for t in texts}, pl.String
        )
        unknown = pl.col(colour_h).is_not_null() & coded.is_null()
    else:
        coded, unknown = pl.lit(None, pl.String), pl.lit(False)
    plate = pl.col(plate_h)
    return pairs.select(
        plate.alias("plate"),
        coded.alias("plate_color"),
        pl.concat_str(plate, pl.lit("|"), coded.fill_null("")).alias("plate_key"),
        pl.lit(True).alias("plate_readable"),
        pl.lit(True).alias("_plate_valid"),
        unknown.alias("_colour_unknown"),
    )


def normalise_plate_pairs(
    plates: list[str | None], colours: list[str | None], code_set: str
) -> dict[str, list]:
    """Per (plate text, colour text): the normalised plate, its colour (the colour column, else
    a colour word inside the plate text), plate_key, plate_readable, plate validity and whether
    a colour value was present but unknown (`_plate_pair`, one memoised call per pair)."""
    rows = [_plate_pair(p, c, code_set) for p, c in zip(plates, colours, strict=True)]
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(PLATE_COLUMNS)
    return {name: list(values) for name, values in zip(PLATE_COLUMNS, columns, strict=True)}


@lru_cache(maxsize=_MEMO)
def _plate_pair(text: str | None, colour_text: str | None, code_set: str) -> tuple:
    """The scalar normalisers of models.plates for one (plate text, colour text) pair."""
    norm = normalise_plate(text) if text is not None else None
    plate = norm.plate if norm else None
    coded = normalise_plate_color(colour_text, code_set) if colour_text is not None else None
    colour = coded if coded is not None else (norm.colour if norm else None)
    key = None if plate is None else f"{plate}|{colour or ''}"
    valid = bool(norm.valid) if norm else False
    return plate, colour, key, plate is not None, valid, colour_text is not None and coded is None


# --- rules and flags -------------------------------------------------------------------------
def _rule_exprs(rule, contract: Contract, now: datetime) -> list[pl.Expr]:
    out: list[pl.Expr] = []
    for name in rule.columns:
        c = pl.col(name)
        col = contract.column(name)
        is_list = col.type == "list[int]"
        if rule.kind == "min":
            lo = float(rule.value if rule.value is not None else 0)
            out.append(c.list.min() < lo if is_list else c < lo)
        elif rule.kind == "range":
            out.append((c < rule.min) | (c > rule.max))
        elif rule.kind == "not_future":
            limit = now.date() if col.type == "date" else now
            out.append(c > pl.lit(limit))
        elif rule.kind == "min_date":
            limit = EARLIEST.date() if col.type == "date" else EARLIEST
            out.append(c < pl.lit(limit))
        else:
            raise ValueError(f"unknown rule kind {rule.kind}")
    return out


def range_exprs(contract: Contract) -> list[pl.Expr]:
    """Plausibility ranges declared on columns (`range:`) → bad_value."""
    return [
        (pl.col(c.name) < c.range[0]) | (pl.col(c.name) > c.range[1])
        for c in contract.columns
        if c.range is not None and c.type in ("int", "float")
    ]


def _flag_exprs(flag, typed: pl.DataFrame) -> list[tuple[str, pl.Expr]]:
    today = date.today()  # once per file, not once per distinct ID number
    check = {
        "uscc": _uscc_valid,
        "id": lambda v: _id_valid_on(v, today),
        "vin": _vin_valid,
        "area": _area_code_valid,
    }.get(flag.kind)
    if check is None:  # plate flags come from _plates; 'ref' flags from `known_refs`
        return []
    out = []
    for name in flag.columns:
        ok = pl.col(name).map_batches(_vec(check), return_dtype=pl.Boolean)
        out.append((flag.flag, pl.col(name).is_not_null() & ~ok))
    return out
