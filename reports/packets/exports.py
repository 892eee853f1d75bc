"""Region-wide lead outputs: out/leads/leads.parquet + leads.jsonl (INTERFACES §4) and
out/leads/hit_rates.{parquet,csv,xlsx}. Personal identifiers masked, cells neutralised."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

from reports.packets import privacy
from reports.packets.assemble import jsonable
from reports.packets.write import write_sheet
from reports.safe import neutralise_cell

LEAD_COLUMNS = (
    "lead_id", "lead_type", "lead_types", "subject_kind", "subject_keys", "receiving_province",
    "external_registration", "member_share", "member_total", "registration_provinces",
    "origin_provinces", "priority", "priority_explanation", "rank", "category", "legal_trigger",
    "severity", "risk_score", "risk_lo", "risk_hi", "legal_basis", "evidence_record_ids",
    "status", "first_seen_on", "first_evidence_at", "last_evidence_at", "explanation",
)  # fmt: skip
_LIST = pa.list_(pa.string())
LEAD_SCHEMA = pa.schema(
    [
        ("lead_id", pa.string()), ("lead_type", pa.string()), ("lead_types", _LIST),
        ("subject_kind", pa.string()), ("subject_keys", _LIST), ("receiving_province", pa.string()),
        ("external_registration", pa.bool_()), ("member_share", _LIST), ("member_total", pa.int64()),
        ("registration_provinces", _LIST), ("origin_provinces", _LIST), ("priority", pa.int64()),
        ("priority_explanation", pa.string()), ("rank", pa.int64()), ("category", pa.string()),
        ("legal_trigger", pa.bool_()), ("severity", pa.float64()), ("risk_score", pa.float64()),
        ("risk_lo", pa.float64()), ("risk_hi", pa.float64()), ("legal_basis", pa.string()),
        ("evidence_record_ids", _LIST), ("status", pa.string()), ("first_seen_on", pa.date32()),
        ("first_evidence_at", pa.timestamp("us")), ("last_evidence_at", pa.timestamp("us")),
        ("explanation", pa.string()),
    ]
)  # fmt: skip


def export_row(row: dict) -> dict:
    kind = row.get("member_kind") if row["subject_kind"] == "group" else row["subject_kind"]
    out = {c: row.get(c) for c in LEAD_COLUMNS}
    out["subject_keys"] = privacy.mask_keys(row["subject_keys"], kind)
    out["member_share"] = privacy.mask_keys(row.get("member_share") or [], kind)
    out["explanation"] = privacy.scrub(row.get("explanation"))
    out["registration_provinces"] = [p for p in row.get("registration_provinces") or [] if p]
    return out


def write_leads_exports(folder: Path, rows: list[dict]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    data = [export_row(r) for r in sorted(rows, key=lambda r: (r["receiving_province"], r["rank"]))]
    parquet, jsonl = folder / "leads.parquet", folder / "leads.jsonl"
    pq.write_table(pa.Table.from_pylist(data, schema=LEAD_SCHEMA), parquet)
    with jsonl.open("w", encoding="utf-8") as fh:
        for row in data:
            fh.write(json.dumps(jsonable(row), ensure_ascii=False) + "\n")
    return {"leads.parquet": parquet, "leads.jsonl": jsonl}


HIT_RATE_HEADERS = {
    "lead_type": "线索类型", "receiving_province": "接收省份", "sent": "已推送",
    "answered": "已反馈", "confirmed": "查实(含已处罚)", "penalized": "已处罚",
    "unfounded": "不实", "duplicate": "重复", "hit_rate": "命中率", "answer_rate": "反馈率",
    "mean_days_to_answer": "平均反馈天数", "median_days_to_answer": "反馈天数中位数",
    "control_hit_rate": "对照命中率", "lift": "相对随机提升倍数",
}  # fmt: skip


def write_hit_rates(folder: Path, rows: list[dict]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    cols = list(HIT_RATE_HEADERS)
    data = [{c: jsonable(r.get(c)) for c in cols} for r in rows]
    paths = {n: folder / n for n in ("hit_rates.parquet", "hit_rates.csv", "hit_rates.xlsx")}
    table = pa.Table.from_pylist(data) if data else pa.table({c: pa.array([]) for c in cols})
    pq.write_table(table, paths["hit_rates.parquet"])
    with paths["hit_rates.csv"].open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([HIT_RATE_HEADERS[c] for c in cols])
        writer.writerows([[neutralise_cell(r[c]) for c in cols] for r in data])
    book = xlsxwriter.Workbook(str(paths["hit_rates.xlsx"]), {"strings_to_formulas": False})
    write_sheet(
        book, "命中率", [HIT_RATE_HEADERS[c] for c in cols], [[r[c] for c in cols] for r in data]
    )
    book.close()
    return paths
