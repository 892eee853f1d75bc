"""Minimal, fast and deterministic XLSX writer for large sheets (one sheet, inline strings,
numbers, Excel-serial date-times). Cells are built column-wise with polars string expressions;
xlsxwriter writes cell by cell in Python and is ~50x slower on millions of cells."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import polars as pl

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = (
    HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    HEAD + f'<Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{PKG}/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)
WB_RELS = (
    HEAD + f'<Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    HEAD + f'<styleSheet xmlns="{NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
NUMERIC = r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"


def col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        s = chr(65 + rem) + s
    return s


def _esc(e: pl.Expr) -> pl.Expr:
    return (
        e.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
        .str.replace_all(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "")
    )


def write_xlsx(path: Path, headers: list[str], raw: pl.DataFrame, kinds: list[str], created: datetime,
               sheet: str = "数据") -> None:  # fmt: skip
    """raw: all-string frame; kinds per column: 's' text, 'n' number (if numeric), 'd' date serial."""
    cols = raw.columns
    row_no = (pl.int_range(2, pl.len() + 2)).cast(pl.String)
    cells = []
    for j, (c, k) in enumerate(zip(cols, kinds, strict=True)):
        ref = pl.lit(f'<c r="{col_letter(j)}') + row_no
        v = pl.col(c)
        text = (
            ref
            + pl.lit('" t="inlineStr"><is><t xml:space="preserve">')
            + _esc(v)
            + pl.lit("</t></is></c>")
        )
        if k in ("n", "d"):
            style = ' s="1"' if k == "d" else ""
            num = ref + pl.lit(f'"{style}><v>') + v + pl.lit("</v></c>")
            cell = pl.when(v.str.contains(NUMERIC)).then(num).otherwise(text)
        else:
            cell = text
        cells.append(pl.when(v.is_null() | (v == "")).then(pl.lit("")).otherwise(cell))
    body = raw.select(
        (
            pl.lit('<row r="') + row_no + pl.lit('">') + pl.concat_str(cells) + pl.lit("</row>")
        ).alias("x")
    )["x"]
    head = "".join(
        f'<c r="{col_letter(j)}1" t="inlineStr"><is><t>{h.replace("&", "&amp;").replace("<", "&lt;")}</t></is></c>'
        for j, h in enumerate(headers)
    )
    sheet_head = (
        HEAD + f'<worksheet xmlns="{NS}" xmlns:r="{REL}"><sheetData><row r="1">{head}</row>'
    )
    wb = (HEAD + f'<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>'
          f'<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>')  # fmt: skip
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    core = (
        HEAD
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>xiansuo</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
    )
    parts = [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS), ("docProps/core.xml", core),
             ("xl/workbook.xml", wb), ("xl/_rels/workbook.xml.rels", WB_RELS), ("xl/styles.xml", STYLES)]  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode("utf-8"), compresslevel=1)
        # a name (not a ZipInfo) keeps the archive's level 1 and ZipInfo's fixed 1980-01-01 date
        with z.open("xl/worksheets/sheet1.xml", "w") as f:  # streamed in slices to bound memory
            f.write(sheet_head.encode("utf-8"))
            for k in range(0, len(body), 20000):
                f.write("".join(body.slice(k, 20000).to_list()).encode("utf-8"))
            f.write(b"</sheetData></worksheet>")
