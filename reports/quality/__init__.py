"""Data-quality report files under <workdir>/out/quality/ and the data dictionary.

Inputs are the frames built by the quality_report asset (quality.* tables); outputs:
file_quality / table_quality / quarantine_reasons / summary (.parquet), quality_report.xlsx,
quality_report.html (all provinces), <prov>/quality_report_<prov>.html (to send back to the
exporting province), data_dictionary.html (from the contracts). Text for people is Chinese.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import polars as pl

from data_contracts.contract import all_contracts, message, reasons
from data_contracts.regions import REGION as PROVINCE_NAMES
from reports.safe import mask_free_text, neutralise_cell

TEMPLATES = Path(__file__).parent / "templates"

FILE_COLUMNS_ZH = {
    "table_name": "数据表",
    "province": "省份",
    "file_name": "文件名",
    "format": "格式",
    "encoding": "编码",
    "status": "状态",
    "rows_read": "读取行数",
    "rows_loaded": "入库行数",
    "rows_quarantined": "隔离行数",
    "rows_duplicate": "重复行数",
    "rows_superseded": "被更新替换",
    "check_digit_failures": "校验位错误",
    "plate_invalid": "车牌格式异常",
    "unreadable_plates": "无法识别车牌",
    "unknown_station": "未知站点",
}


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )


def table_titles() -> dict[str, str]:
    return {c.table: c.title_zh for c in all_contracts()}


def write_quality_report(frames: dict[str, pl.DataFrame], out_dir: Path) -> dict[str, Path]:
    """Write every quality output; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fq, rq, tq, samples = (
        frames["file_quality"],
        frames["quarantine_reasons"],
        frames["table_quality"],
        frames["samples"],
    )
    paths = {
        "file_quality": out_dir / "file_quality.parquet",
        "table_quality": out_dir / "table_quality.parquet",
        "quarantine_reasons": out_dir / "quarantine_reasons.parquet",
        "summary": out_dir / "summary.parquet",
        "xlsx": out_dir / "quality_report.xlsx",
        "html": out_dir / "quality_report.html",
        "dictionary": out_dir / "data_dictionary.html",
    }
    fq.write_parquet(paths["file_quality"])
    tq.write_parquet(paths["table_quality"])
    rq.write_parquet(paths["quarantine_reasons"])
    fq.select(
        "table_name", "province", "file_name", "sha256", "rows_read", "rows_loaded",
        "rows_quarantined", "rows_duplicate",
    ).write_parquet(paths["summary"])  # fmt: skip
    write_xlsx(fq, rq, tq, samples, paths["xlsx"])
    env = _env()
    redrops = frames.get("redrops", pl.DataFrame(schema={"province": pl.String}))
    page = env.get_template("quality_report.html.j2")
    paths["html"].write_text(
        page.render(**_context(fq, rq, tq, samples, province=None), redrops=_redrops(redrops)),
        encoding="utf-8",
    )
    for prov in sorted(set(fq["province"].to_list())):
        target = out_dir / prov / f"quality_report_{prov}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        sub = {
            "fq": fq.filter(pl.col("province") == prov),
            "rq": rq.filter(pl.col("province") == prov),
            "samples": samples.filter(pl.col("province") == prov),
        }
        target.write_text(
            page.render(
                **_context(sub["fq"], sub["rq"], None, sub["samples"], province=prov),
                redrops=_redrops(redrops.filter(pl.col("province") == prov)),
            ),
            encoding="utf-8",
        )
        paths[f"html_{prov}"] = target
    write_data_dictionary(paths["dictionary"])
    return paths


def _redrops(frame: pl.DataFrame) -> list[dict]:
    if frame.is_empty():
        return []
    return [
        {"file": Path(r["path"]).name, "same_as": Path(r["same_as_path"]).name, **r}
        for r in frame.iter_rows(named=True)
    ]


def _context(fq, rq, tq, samples, *, province: str | None) -> dict:
    titles = table_titles()
    reason_zh = {code: m["zh"] for code, m in reasons()["reasons"].items()}
    reason_rows: dict[str, list[dict]] = {}
    for r in rq.iter_rows(named=True):
        reason_rows.setdefault(r["sha256"], []).append(
            {"code": r["reason"], "zh": reason_zh.get(r["reason"], r["reason"]), "rows": r["rows"]}
        )
    sample_rows: dict[str, list[dict]] = {}
    for s in samples.iter_rows(named=True):
        sample_rows.setdefault(s["sha256"], []).append(
            {
                "row_no": s["_row_no"],
                "reasons": "；".join(message(c) for c in (s["reasons"] or "").split(";") if c),
                "codes": s["reasons"],
                "original": mask_free_text(s["original"]),
            }
        )
    files = []
    for f in fq.iter_rows(named=True):
        files.append(
            {
                **f,
                "table_zh": titles.get(f["table_name"], f["table_name"]),
                "province_zh": PROVINCE_NAMES.get(f["province"], f["province"]),
                "reasons": reason_rows.get(f["sha256"], []),
                "samples": sample_rows.get(f["sha256"], []),
            }
        )
    totals = {
        k: int(fq[k].sum() or 0) if fq.height else 0
        for k in ("rows_read", "rows_loaded", "rows_quarantined", "rows_duplicate",
                  "check_digit_failures", "unreadable_plates")
    }  # fmt: skip
    tables = []
    if tq is not None:
        for t in tq.iter_rows(named=True):
            tables.append({**t, "table_zh": titles.get(t["table_name"], t["table_name"])})
    return {
        "province": province,
        "province_zh": PROVINCE_NAMES.get(province or "", province or ""),
        "files": files,
        "tables": tables,
        "totals": totals,
        "reason_legend": [
            {"code": c, "zh": m["zh"], "en": m["en"]} for c, m in reasons()["reasons"].items()
        ],
    }


def write_xlsx(fq, rq, tq, samples, path: Path) -> None:
    """Workbook readable by openpyxl; every text cell passes through neutralise_cell."""
    import xlsxwriter

    titles = table_titles()
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True},
    )
    header = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})

    def sheet(name: str, frame: pl.DataFrame, labels: dict[str, str]) -> None:
        ws = wb.add_worksheet(name)
        cols = [c for c in frame.columns if c not in ("extra_columns", "sha256", "ingested_at")]
        for j, c in enumerate(cols):
            ws.write(0, j, labels.get(c, c), header)
        for i, row in enumerate(frame.select(cols).iter_rows(), start=1):
            for j, v in enumerate(row):
                if isinstance(v, list):
                    v = ";".join(map(str, v))
                if v is None:
                    continue
                if isinstance(v, int | float):
                    ws.write_number(i, j, v)
                else:
                    ws.write_string(i, j, str(neutralise_cell(str(v))))
        ws.freeze_panes(1, 0)

    sheet("按表汇总", tq.with_columns(pl.col("table_name").replace(titles).alias("表名")),
          {"table_name": "数据表", **FILE_COLUMNS_ZH})  # fmt: skip
    sheet("按文件", fq, FILE_COLUMNS_ZH)
    sheet("隔离原因", rq.with_columns(pl.col("reason").replace(
        {c: m["zh"] for c, m in reasons()["reasons"].items()}).alias("原因说明")),
        {**FILE_COLUMNS_ZH, "reason": "原因代码", "rows": "行数"})  # fmt: skip
    sheet(
        "隔离样例",
        samples.with_columns(
            pl.col("original").map_elements(mask_free_text, return_dtype=pl.String)
        ),
        {**FILE_COLUMNS_ZH, "_row_no": "行号", "reasons": "原因代码", "original": "原始值"},
    )
    wb.close()


def write_data_dictionary(path: Path) -> Path:
    """data_dictionary.html generated from the contracts (the same source as parsing and GX)."""
    page = _env().get_template("data_dictionary.html.j2")
    contracts = []
    for c in all_contracts():
        contracts.append(
            {
                "table": c.table,
                "title_zh": c.title_zh,
                "title_en": c.title_en,
                "key": ", ".join(c.key),
                "rid": c.rid,
                "columns": [
                    {
                        "name": col.name,
                        "type": col.type,
                        "duckdb": col.duckdb_type,
                        "required": col.required,
                        "zh": col.zh,
                        "aliases": "、".join(col.aliases),
                        "tonne_aliases": "、".join(col.tonne_aliases),
                        "unit": col.unit or "",
                        "values": "；".join(
                            f"{k}（{'、'.join(v)}）" if v else k for k, v in col.values.items()
                        ),
                        "range": f"{col.range[0]:g} – {col.range[1]:g}" if col.range else "",
                        "pi": col.pi,
                    }
                    for col in c.columns
                ],
                "rules": [
                    {"code": r.code, "columns": ", ".join(r.columns), "zh": r.zh, "en": r.en}
                    for r in c.rules
                ],
                "flags": [
                    {"flag": f.flag, "columns": ", ".join(f.columns), "zh": f.zh, "en": f.en}
                    for f in c.flags
                ],
            }
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        page.render(contracts=contracts, reasons=reasons()["reasons"], flags=reasons()["flags"]),
        encoding="utf-8",
    )
    return path
