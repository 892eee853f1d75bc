"""Each province's export style per table and file (INTERFACES §1 mess, mixed deterministically)."""

from __future__ import annotations

from .mess import Style

EXT = {
    "csv": "csv",
    "txt": "txt",
    "xlsx": "xlsx",
    "parquet": "parquet",
    "jsonl": "jsonl",
    "csv.gz": "csv.gz",
}


def style(prov: str, table: str, part: int = 0) -> Style:
    """part: index of the file within the table (months for weigh records)."""
    weigh = table == "weigh_records"
    if prov == "21":  # UTF-8 CSV, English headers, kg
        s = Style("csv", "en", "utf-8", bom=part % 4 == 1 or table == "stations", ts="iso_space")
        if weigh and part == 3:
            s.headers = "mixed"
        if weigh and part == 5 or table == "vehicles":
            s.extra = {"remark": "", "data_source": "LN-ZC"}
        if weigh and part == 7 or table == "monitoring_events":
            s.ts = "iso_tz"
        return s
    if prov == "22":  # GB18030, Chinese headers, tonnes, some | or tab delimited .txt
        fmt, sep = [("csv", ","), ("txt", "|"), ("txt", "\t")][part % 3]
        s = Style(
            fmt,
            "zh",
            "gb18030",
            sep=sep,
            ts="slash",
            tonnes=weigh,
            color="code",
            axle_sep="/",
            bools="zh",
        )
        if table in ("loadings", "cases"):
            s.ts = "slash_min"
        if weigh and part == 4:
            s.extra = {"备注": "", "复核人": "系统"}
        return s
    if prov == "23":  # XLSX, Chinese headers, Excel serial timestamps in some files
        s = Style(
            "xlsx", "zh", ts="excel" if part % 2 == 0 else "iso_space", axle_sep=",", bools="10"
        )
        if weigh and part == 1:
            s.headers = "mixed"
        if table in ("monitoring_events", "gps_points"):
            s.ts = "excel"
        return s
    # 15: Parquet and JSONL, some csv.gz
    if weigh:
        if part % 4 == 1:
            return Style("jsonl", "en", ts="iso_tz", axle_sep="|")
        if part % 4 == 3:
            return Style("csv.gz", "en", ts="compact", axle_sep="|", color="code")
        return Style("parquet", "en", ts="native", plate_mess=0.03)
    fmt = {"vehicles": "parquet", "sources": "parquet", "gps_points": "parquet", "stations": "csv.gz",
           "loadings": "csv.gz", "operators": "jsonl", "drivers": "jsonl", "monitoring_events": "jsonl",
           "cases": "jsonl"}[table]  # fmt: skip
    return Style(
        fmt, "en", ts={"csv.gz": "compact", "jsonl": "iso_tz"}.get(fmt, "native"), axle_sep="|"
    )
