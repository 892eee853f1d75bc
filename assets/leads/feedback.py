"""Feedback loop: receiving provinces report back (INTERFACES §2 lead_feedback); closing
cases that carry a lead_id close leads automatically. Both update leads.ledger."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from assets.leads._io import (
    FEEDBACK_SCHEMA,
    HISTORY_SCHEMA,
    append_rows,
    create_reference_views,
    ensure_tables,
    fetch_dicts,
)
from data_contracts.contract import load_contract, normalise_header
from models.leads.ledger import apply_outcome, case_outcome, normalise_outcome

_TS_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y%m%d%H%M%S", "%Y%m%d")


def parse_ts(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time())
    text = str(value).strip().replace("/", "-").replace("T", " ")
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        pass
    for fmt in _TS_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _row_hash(row: dict) -> str:
    parts = [str(row.get(c)) for c in ("lead_id", "receiving_province", "received_at", "outcome",
                                       "case_id", "penalty_yuan", "note")]  # fmt: skip
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def apply_feedback_rows(conn, rows: list[dict], source: str) -> dict[str, int]:
    """Log new feedback rows (identical rows are ignored) and move ledger statuses."""
    ensure_tables(conn)
    known_hashes = {
        r[0] for r in conn.execute("select row_hash from leads.feedback_log").fetchall()
    }
    now = datetime.now().replace(microsecond=0)
    fresh, seen = [], set()
    for row in rows:
        row = {**row, "source": source, "imported_at": now}
        row["row_hash"] = _row_hash(row)
        if row["row_hash"] in known_hashes or row["row_hash"] in seen:
            continue
        seen.add(row["row_hash"])
        fresh.append(row)
    append_rows(conn, "leads.feedback_log", fresh, FEEDBACK_SCHEMA)
    ledger = {
        (r["lead_id"], r["receiving_province"]): r
        for r in fetch_dicts(
            conn,
            "select lead_id, receiving_province, status, outcome, answered_at, case_id, "
            "penalty_yuan from leads.ledger",
        )
    }
    events, changed, unknown = [], {}, 0
    for row in sorted(fresh, key=lambda r: (r.get("received_at") or datetime.min, r["row_hash"])):
        key = (row["lead_id"], row["receiving_province"])
        led = changed.get(key) or ledger.get(key)
        if led is None:
            unknown += 1
            continue
        before = led["status"]
        after = apply_outcome(before, row["outcome"])
        led = {**led, "status": after}
        if row["outcome"] != "pending":
            led.update(
                outcome=row["outcome"],
                answered_at=row.get("received_at") or now,
                case_id=row.get("case_id") or led.get("case_id"),
                penalty_yuan=row.get("penalty_yuan") or led.get("penalty_yuan"),
            )
        changed[key] = led
        if after != before:
            when = (row.get("received_at") or now).date()
            note = f"反馈：{row['outcome']}" + (
                f"（案件{row['case_id']}）" if row.get("case_id") else ""
            )
            events.append(
                {"lead_id": key[0], "receiving_province": key[1], "from_status": before,
                 "to_status": after, "source": source, "on_date": when, "note": note}
            )  # fmt: skip
    if changed:
        conn.executemany(
            "update leads.ledger set status = ?, status_reason = ?, outcome = ?, "
            "answered_at = ?, case_id = ?, penalty_yuan = ? "
            "where lead_id = ? and receiving_province = ?",
            [
                [led["status"], "反馈更新", led.get("outcome"), led.get("answered_at"),
                 led.get("case_id"), led.get("penalty_yuan"), key[0], key[1]]
                for key, led in changed.items()
            ],
        )  # fmt: skip
    append_rows(conn, "leads.ledger_history", events, HISTORY_SCHEMA)
    return {"new_rows": len(fresh), "duplicates": len(rows) - len(fresh),
            "unknown_lead": unknown, "status_changes": len(events)}  # fmt: skip


def apply_staging_feedback(conn) -> int:
    """Feedback delivered through the landing folder (staging.lead_feedback)."""
    rows = fetch_dicts(
        conn,
        "select lead_id, receiving_province, received_at, outcome, case_id, penalty_yuan, note "
        "from ref_lead_feedback where lead_id is not null",
    )
    for row in rows:
        row["outcome"] = normalise_outcome(row["outcome"])
    rows = [r for r in rows if r["outcome"]]
    return apply_feedback_rows(conn, rows, "staging")["status_changes"] if rows else 0


def apply_cases(conn, as_of: date) -> int:
    """Closed cases carrying a lead_id close that lead (penalized / confirmed)."""
    cases = fetch_dicts(
        conn,
        "select c.lead_id, l.receiving_province, c.case_id, c.decision, c.penalty_yuan, "
        "c.decided_on from ref_cases as c inner join leads.ledger as l using (lead_id) "
        "where c.lead_id is not null and c.decided_on is not null and c.decided_on <= ? "
        "and (l.receiving_province = coalesce(c.province_code, c._province) or not exists ("
        "select 1 from leads.ledger as x where x.lead_id = c.lead_id "
        "and x.receiving_province = coalesce(c.province_code, c._province)))",
        [as_of],
    )
    rows = [
        {
            "lead_id": c["lead_id"],
            "receiving_province": c["receiving_province"],
            "received_at": datetime.combine(c["decided_on"], datetime.min.time()),
            "outcome": case_outcome(c["decision"]),
            "case_id": c["case_id"],
            "penalty_yuan": c["penalty_yuan"],
            "note": "案件结案自动关闭",
        }
        for c in cases
    ]
    return apply_feedback_rows(conn, rows, "case")["status_changes"] if rows else 0


def _read_table(file: Path) -> list[list[Any]]:
    suffix = file.name.lower()
    if suffix.endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(file, read_only=True, data_only=True)
        try:
            return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    raw = file.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(f"{file.name}: 无法识别的文件编码")
    first = text.splitlines()[0] if text else ""
    delimiter = max(",\t|", key=first.count)
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def read_feedback_file(file: Path) -> tuple[list[dict], dict[str, int]]:
    """Rows of a CSV/TXT/XLSX feedback file in canonical form, and rejected-row counts."""
    contract = load_contract("lead_feedback")
    table = [r for r in _read_table(file) if any(v not in (None, "") for v in r)]
    if not table:
        return [], {}
    columns = []
    for header in table[0]:
        match = contract.match_header(str(header or ""))
        columns.append(match[0] if match else None)
    missing = [c for c in contract.required if c not in columns]
    if missing:
        raise ValueError(f"{file.name}: 缺少必需列 {', '.join(missing)}")
    outcomes = contract.column("outcome").value_map()
    rows, rejected = [], {}
    for values in table[1:]:
        raw = {c: v for c, v in zip(columns, values, strict=False) if c}
        raw = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
        outcome = outcomes.get(normalise_header(str(raw.get("outcome") or "")))
        province = str(raw.get("receiving_province") or "").strip()
        province = province[:-2] if province.endswith(".0") else province
        reason = None
        if not raw.get("lead_id"):
            reason = "missing_required"
        elif province not in ("21", "22", "23", "15"):
            reason = "bad_value"
        elif outcome is None:
            reason = "bad_value"
        received = parse_ts(raw.get("received_at"))
        if raw.get("received_at") not in (None, "") and received is None:
            reason = reason or "bad_timestamp"
        penalty = raw.get("penalty_yuan")
        try:
            penalty = None if penalty in (None, "") else float(penalty)
        except ValueError:
            reason = reason or "bad_number"
        if reason:
            rejected[reason] = rejected.get(reason, 0) + 1
            continue
        rows.append(
            {
                "lead_id": str(raw["lead_id"]),
                "receiving_province": province,
                "received_at": received,
                "outcome": outcome,
                "case_id": None if raw.get("case_id") in (None, "") else str(raw["case_id"]),
                "penalty_yuan": penalty,
                "note": None if raw.get("note") in (None, "") else str(raw["note"]),
            }
        )
    return rows, rejected


def import_feedback_file(db_path: Path, file: Path) -> dict:
    """`xiansuo feedback import FILE`: log the rows, update the ledger, refresh hit rates."""
    from assets.leads.hit_rates import refresh_hit_rates

    db_path, file = Path(db_path), Path(file)
    rows, rejected = read_feedback_file(file)
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("begin")
        ensure_tables(conn)
        create_reference_views(conn)
        result = apply_feedback_rows(conn, rows, f"file:{file.name}")
        rates = refresh_hit_rates(conn, db_path.parent / "out")
        conn.execute("commit")
        by_status = dict(
            conn.execute(
                "select status, count(*) from leads.ledger group by status order by status"
            ).fetchall()
        )
    return {
        "file": file.name,
        "rows_read": len(rows) + sum(rejected.values()),
        "imported": result["new_rows"],
        "duplicates": result["duplicates"],
        "unknown_lead": result["unknown_lead"],
        "status_changes": result["status_changes"],
        "rejected": rejected,
        "ledger_by_status": by_status,
        "hit_rate_rows": rates,
    }
