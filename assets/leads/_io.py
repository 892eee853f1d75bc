"""Helpers of the leads assets: SQL files, reference views, typed table writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from data_contracts.contract import load_contract

HERE = Path(__file__).resolve().parent

# The findings contract (DESIGN.md); a findings table lacking one of these is skipped.
FINDINGS_COLUMNS = (
    "finding_key", "lead_type", "subject_kind", "subject_keys", "subject_provinces",
    "origin_provinces", "legal_trigger", "severity", "risk_score", "risk_lo", "risk_hi",
    "legal_basis", "evidence_record_ids", "first_evidence_at", "last_evidence_at",
    "explanation", "explanation_en", "details", "as_of",
)  # fmt: skip

# staging tables the leads layer reads (a missing one reads as empty).
REF_TABLES = (
    "vehicles", "operators", "drivers", "sources", "stations", "weigh_records", "loadings",
    "monitoring_events", "cases", "lead_feedback",
)  # fmt: skip
WEIGH_EVENT_COLUMNS = (
    ("event_id", "VARCHAR"),
    ("limit_kg", "BIGINT"),
    ("excess_kg", "BIGINT"),
    ("over_limit", "BOOLEAN"),
)

LEDGER_SCHEMA: tuple[tuple[str, str], ...] = (
    ("lead_id", "VARCHAR"), ("receiving_province", "VARCHAR"), ("item_kind", "VARCHAR"),
    ("lead_type", "VARCHAR"), ("lead_types", "VARCHAR[]"), ("subject_kind", "VARCHAR"),
    ("subject_keys", "VARCHAR[]"), ("category", "VARCHAR"), ("priority", "BIGINT"),
    ("status", "VARCHAR"), ("status_reason", "VARCHAR"), ("is_current", "BOOLEAN"),
    ("first_seen_on", "DATE"), ("last_seen_on", "DATE"), ("evidence_record_ids", "VARCHAR[]"),
    ("sent_evidence_ids", "VARCHAR[]"), ("new_evidence_count", "BIGINT"),
    ("last_evidence_at", "TIMESTAMP"), ("first_sent_on", "DATE"), ("last_sent_on", "DATE"),
    ("times_sent", "BIGINT"), ("outcome", "VARCHAR"), ("answered_at", "TIMESTAMP"),
    ("case_id", "VARCHAR"), ("penalty_yuan", "DOUBLE"), ("retired_on", "DATE"),
    ("send_reason", "VARCHAR"), ("added_evidence_ids", "VARCHAR[]"),
)  # fmt: skip
HISTORY_SCHEMA: tuple[tuple[str, str], ...] = (
    ("lead_id", "VARCHAR"), ("receiving_province", "VARCHAR"), ("from_status", "VARCHAR"),
    ("to_status", "VARCHAR"), ("source", "VARCHAR"), ("on_date", "DATE"), ("note", "VARCHAR"),
)  # fmt: skip
FEEDBACK_SCHEMA: tuple[tuple[str, str], ...] = (
    ("lead_id", "VARCHAR"), ("receiving_province", "VARCHAR"), ("received_at", "TIMESTAMP"),
    ("outcome", "VARCHAR"), ("case_id", "VARCHAR"), ("penalty_yuan", "DOUBLE"),
    ("note", "VARCHAR"), ("source", "VARCHAR"), ("row_hash", "VARCHAR"),
    ("imported_at", "TIMESTAMP"),
)  # fmt: skip
NOTICE_LOG_SCHEMA: tuple[tuple[str, str], ...] = (
    ("case_rid", "VARCHAR"),
    ("receiving_province", "VARCHAR"),
    ("sent_on", "DATE"),
)
LEADS_SCHEMA: tuple[tuple[str, str], ...] = (
    ("lead_id", "VARCHAR"), ("lead_type", "VARCHAR"), ("lead_types", "VARCHAR[]"),
    ("subject_kind", "VARCHAR"), ("member_kind", "VARCHAR"), ("subject_keys", "VARCHAR[]"),
    ("receiving_province", "VARCHAR"), ("external_registration", "BOOLEAN"),
    ("member_share", "VARCHAR[]"), ("member_total", "BIGINT"),
    ("registration_provinces", "VARCHAR[]"), ("origin_provinces", "VARCHAR[]"),
    ("priority", "BIGINT"), ("priority_explanation", "VARCHAR"), ("rank", "BIGINT"),
    ("category", "VARCHAR"), ("legal_trigger", "BOOLEAN"), ("severity", "DOUBLE"),
    ("risk_score", "DOUBLE"), ("risk_lo", "DOUBLE"), ("risk_hi", "DOUBLE"),
    ("risk_conservative", "DOUBLE"), ("gang_member", "BOOLEAN"), ("cross_province", "DOUBLE"),
    ("legal_basis", "VARCHAR"), ("evidence_record_ids", "VARCHAR[]"),
    ("first_evidence_at", "TIMESTAMP"), ("last_evidence_at", "TIMESTAMP"),
    ("explanation", "VARCHAR"), ("explanation_en", "VARCHAR"), ("finding_keys", "VARCHAR[]"),
    ("reasons", "JSON"), ("status", "VARCHAR"), ("first_seen_on", "DATE"), ("as_of", "DATE"),
)  # fmt: skip

_ARROW = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "VARCHAR[]": pa.list_(pa.string()),
    "JSON": pa.string(),
}


def load_sql(name: str) -> str:
    """Text of ``<name>.sql`` beside this module."""
    return (HERE / f"{name}.sql").read_text(encoding="utf-8")


def table_exists(conn, schema: str, name: str) -> bool:
    row = conn.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(row[0])


def fetch_dicts(conn, sql: str, params: Any = None) -> list[dict]:
    cur = conn.execute(sql, params) if params is not None else conn.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def ddl(schema: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f'"{name}" {kind}' for name, kind in schema)


def _typed_empty_sql(columns) -> str:
    cols = ", ".join(f'cast(null as {kind}) as "{name}"' for name, kind in columns)
    return f"select {cols} where false"


def create_reference_views(conn) -> dict[str, bool]:
    """Temp views `ref_<table>` over staging (typed empty when a table is missing) and
    `ref_weigh_events` over facts.weigh_events. Returns which sources exist."""
    present = {}
    for table in REF_TABLES:
        present[table] = table_exists(conn, "staging", table)
        body = (
            f"select * from staging.{table}"  # noqa: S608 (table name from REF_TABLES)
            if present[table]
            else _typed_empty_sql(load_contract(table).staging_schema())
        )
        conn.execute(f"create or replace temp view ref_{table} as {body}")
    present["weigh_events"] = table_exists(conn, "facts", "weigh_events")
    cols = ", ".join(name for name, _ in WEIGH_EVENT_COLUMNS)
    body = (
        f"select {cols} from facts.weigh_events"  # noqa: S608 (constant columns)
        if present["weigh_events"]
        else _typed_empty_sql(WEIGH_EVENT_COLUMNS)
    )
    conn.execute(f"create or replace temp view ref_weigh_events as {body}")
    return present


def ensure_tables(conn) -> None:
    """The leads schema and its persistent tables (ledger, history, feedback, notice log)."""
    conn.execute("create schema if not exists leads")
    for name, schema in (
        ("ledger", LEDGER_SCHEMA),
        ("ledger_history", HISTORY_SCHEMA),
        ("feedback_log", FEEDBACK_SCHEMA),
        ("notice_log", NOTICE_LOG_SCHEMA),
    ):
        conn.execute(f"create table if not exists leads.{name} ({ddl(schema)})")


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "JSON" and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, default=str)
    if kind == "VARCHAR[]":
        return [str(v) for v in value]
    return value


def arrow_rows(rows: list[dict], schema: tuple[tuple[str, str], ...]) -> pa.Table:
    arrow_schema = pa.schema([(name, _ARROW[kind]) for name, kind in schema])
    data = [{name: _cell(r.get(name), kind) for name, kind in schema} for r in rows]
    return pa.Table.from_pylist(data, schema=arrow_schema)


def replace_rows(
    conn, table: str, rows: list[dict], schema: tuple[tuple[str, str], ...], *, create=False
) -> int:
    """Replace the content of `table` by `rows` (typed by `schema`)."""
    if create:
        conn.execute(f"create or replace table {table} ({ddl(schema)})")
    else:
        conn.execute(f"delete from {table}")  # noqa: S608 (our own table name)
    return append_rows(conn, table, rows, schema)


def append_rows(conn, table: str, rows: list[dict], schema: tuple[tuple[str, str], ...]) -> int:
    if not rows:
        return 0
    frame = arrow_rows(rows, schema)
    conn.register("_leads_rows", frame)
    try:
        cols = ", ".join(f'"{name}"' for name, _ in schema)
        sel = ", ".join(
            f'cast("{name}" as json)' if kind == "JSON" else f'"{name}"' for name, kind in schema
        )
        conn.execute(f"insert into {table} ({cols}) select {sel} from _leads_rows")  # noqa: S608
    finally:
        conn.unregister("_leads_rows")
    return len(rows)
