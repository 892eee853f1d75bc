"""Timestamps and dates in every form of INTERFACES §1 → naive Asia/Shanghai values.

`2024-05-01 08:30:00`, `2024/5/1 8:30`, `2024-05-01T08:30:00+08:00` (converted to Beijing
time), `20240501083000`, Chinese `2024年5月1日 …`, and Excel serial day numbers (xlsx).
`parse_timestamps` tries each form only on the values still unparsed, best form first.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

TS_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y%m%d%H%M%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y.%m.%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H时%M分%S秒",
    "%Y年%m月%d日%H时%M分",
)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")
TZ_FORMATS = ("%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%d %H:%M%z")
_EXCEL_SERIAL = r"^\d{4,5}(\.\d+)?$"
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _parse_adaptive(
    series: pl.Series, attempts: list, dtype, fast: list | None = None
) -> pl.Series:
    """Try each parser only on the values still unparsed, best-matching parser first.

    A real export uses one or two forms per column, so this costs ~one strptime per column
    instead of one per supported form; the result equals `pl.coalesce(attempts)`.
    `fast[i]` (optional) is attempt i without the text clean-up every attempt shares (`T` →
    blank, `Z` → `+00:00`): for the best form it parses the bulk of the column directly, and
    the full attempt i then still sees every value it left unparsed. The few values left after
    that (typically a handful of bad ones) get every remaining form in one pass."""
    n = len(series)
    result = pl.repeat(None, n, dtype=dtype, eager=True).rename(series.name)
    todo = series.is_not_null()
    if not todo.any():
        return result
    sample = series.filter(todo).head(200).to_frame("s")
    hits = sample.select(a.is_not_null().sum().alias(str(i)) for i, a in enumerate(attempts))
    order = sorted(range(len(attempts)), key=lambda i: -hits.item(0, i))
    frame = series.to_frame("s")
    # the best form over the whole column at once: the still-empty result is simply its output
    # (row-wise expressions, so equal to parsing the non-null rows and scattering them back)
    quick = fast[order[0]] if fast is not None and order[0] < len(fast) else None
    first = frame.select(
        (quick if quick is not None else attempts[order[0]]).alias("s")
    ).to_series()
    result = first.cast(dtype).rename(series.name)
    todo = todo & first.is_null()
    rest = order if quick is not None else order[1:]
    if 0 < todo.sum() <= _FEW:  # the first form that parses each value, in the same order
        idx = todo.arg_true()
        parsed = frame[idx].select(pl.coalesce([attempts[i] for i in rest]).alias("s"))
        parsed = parsed.to_series()
        ok = parsed.is_not_null()
        return result.scatter(idx.filter(ok), parsed.filter(ok)) if ok.any() else result
    for i in rest:
        if not todo.any():
            break
        idx = todo.arg_true()
        if len(idx) == 0:
            break
        parsed = frame[idx].select(attempts[i].alias("s")).to_series()
        ok = parsed.is_not_null()
        if not ok.any():
            continue
        result = result.scatter(idx.filter(ok), parsed.filter(ok))
        todo = todo.scatter(idx.filter(ok), False)
    return result


_FEW = 1000  # leftover values parsed with every remaining form at once


# Timestamps are nearly all distinct: Polars' per-value strptime cache (`cache=True`) costs more
# than it saves there, so timestamp forms parse with cache=False (dates, which repeat, keep it).
def parse_timestamps(series: pl.Series) -> pl.Series:
    s = pl.col("s")
    fast = [s.str.strptime(pl.Datetime("us"), f, strict=False, cache=False) for f in TS_FORMATS]
    return _parse_adaptive(series, _ts_attempts(s), pl.Datetime("us"), fast)


def parse_dates(series: pl.Series) -> pl.Series:
    s = pl.col("s")
    fast = [s.str.strptime(pl.Date, f, strict=False) for f in DATE_FORMATS]
    return _parse_adaptive(series, _date_attempts(s), pl.Date, fast)


def parse_timestamp(s: pl.Expr) -> pl.Expr:
    """Expression form of `parse_timestamps` (all forms tried on every value)."""
    return pl.coalesce(_ts_attempts(s))


def parse_date(s: pl.Expr) -> pl.Expr:
    return pl.coalesce(_date_attempts(s))


def _ts_attempts(s: pl.Expr) -> list[pl.Expr]:
    """Every timestamp form of INTERFACES §1 → naive Asia/Shanghai TIMESTAMP (NULL if none fits).

    Offsets (`+08:00`, `Z`) are converted to Beijing time; bare values are taken as Beijing
    time; Excel serial day numbers (xlsx) are days since 1899-12-30."""
    t = s.str.replace("T", " ", literal=True)
    t = t.str.replace(r"Z$", "+00:00")
    attempts = [t.str.strptime(pl.Datetime("us"), f, strict=False, cache=False) for f in TS_FORMATS]
    attempts += [
        t.str.strptime(pl.Datetime("us", "UTC"), f, strict=False, cache=False)
        .dt.convert_time_zone("Asia/Shanghai")
        .dt.replace_time_zone(None)
        for f in TZ_FORMATS
    ]
    attempts += [
        t.str.strptime(pl.Date, f, strict=False).cast(pl.Datetime("us")) for f in DATE_FORMATS
    ]
    attempts.append(_excel_serial(s))
    return attempts


def _date_attempts(s: pl.Expr) -> list[pl.Expr]:
    t = s.str.replace("T", " ", literal=True)
    attempts = [t.str.strptime(pl.Date, f, strict=False) for f in DATE_FORMATS]
    attempts += [t.str.strptime(pl.Datetime("us"), f, strict=False).dt.date() for f in TS_FORMATS]
    attempts.append(_excel_serial(s).dt.date())
    return attempts


def _excel_serial(s: pl.Expr) -> pl.Expr:
    days = pl.when(s.str.contains(_EXCEL_SERIAL)).then(s.cast(pl.Float64, strict=False))
    days = pl.when((days >= 25569) & (days < 73051)).then(days)  # 1970 … 2100
    seconds = (days * 86_400).round(0).cast(pl.Int64)  # exports carry whole seconds
    return pl.lit(_EXCEL_EPOCH, pl.Datetime("us")) + pl.duration(seconds=seconds)


# --- plates ---------------------------------------------------------------------------------
