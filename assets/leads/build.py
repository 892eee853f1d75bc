"""`leads`: findings → leads.leads (routed, ranked, explained) and the lead ledger."""

from __future__ import annotations

from collections import Counter
from datetime import date

import dagster as dg

from assets.leads._io import (
    FINDINGS_COLUMNS,
    HISTORY_SCHEMA,
    LEADS_SCHEMA,
    LEDGER_SCHEMA,
    append_rows,
    create_reference_views,
    ensure_tables,
    fetch_dicts,
    load_sql,
    replace_rows,
)
from assets.leads.feedback import apply_cases, apply_staging_feedback
from models.leads.ledger import reconcile
from models.leads.merge import build_leads, rerank, routed_rows

# Every asset that may write findings.<lead_type> (only ordering; absent ones are ignored).
FINDINGS_ASSETS = [
    "vehicle_repeat_offences",
    "driver_repeat_offences",
    "operator_fleet_ratios",
    "source_overloading",
    "passenger_hazmat_operators",
    "risk_scores",
    "cloned_plates",
    "convoys",
    "network_clusters",
    "registration_mismatches",
    "station_evasion",
    "risk_model",
]
STAGING_DEPS = [
    "staging_vehicles",
    "staging_operators",
    "staging_drivers",
    "staging_sources",
    "staging_stations",
    "staging_weigh_records",
    "staging_loadings",
    "staging_monitoring_events",
    "staging_cases",
    "staging_lead_feedback",
]


def findings_tables(conn) -> tuple[list[str], list[str]]:
    """(usable findings tables, skipped ones with the reason) — any lead_type, none required."""
    rows = conn.execute(
        "select table_name, list(column_name) from information_schema.columns "
        "where table_schema = 'findings' group by table_name order by table_name"
    ).fetchall()
    usable, skipped = [], []
    for name, columns in rows:
        missing = [c for c in FINDINGS_COLUMNS if c not in set(columns)]
        if missing and any(c not in ("details", "as_of", "explanation_en") for c in missing):
            skipped.append(f"findings.{name}: missing {', '.join(missing)}")
        else:
            usable.append(f'findings."{name}"')
    return usable, skipped


def read_findings(conn) -> tuple[list[dict], list[str]]:
    tables, skipped = findings_tables(conn)
    if not tables:
        return [], skipped
    conn.execute(
        "create or replace temp table findings_all as " + load_sql("findings_all"),
        {"tables": tables},
    )
    return fetch_dicts(conn, "select * from findings_all order by finding_key"), skipped


def resolved_provinces(conn) -> dict[str, str | None]:
    return {
        r["subject_key"]: r["province"] for r in fetch_dicts(conn, load_sql("subject_provinces"))
    }


def build_current_leads(conn, as_of: date) -> tuple[list[dict], list[str]]:
    """Read all findings, merge per subject, route and rank. Writes leads.leads."""
    create_reference_views(conn)
    findings, skipped = read_findings(conn)
    resolved = resolved_provinces(conn) if findings else {}
    rows = routed_rows(build_leads(findings, resolved, as_of))
    return rows, skipped


def update_ledger(conn, rows: list[dict], as_of: date) -> dict[str, int]:
    """Reconcile the ledger with this run's leads; apply staged feedback and closing cases."""
    ensure_tables(conn)
    existing = {
        (r["lead_id"], r["receiving_province"]): r
        for r in fetch_dicts(conn, "select * from leads.ledger")
    }
    ledger, events = reconcile(existing, rows, as_of)
    replace_rows(conn, "leads.ledger", ledger, LEDGER_SCHEMA)
    append_rows(conn, "leads.ledger_history", events, HISTORY_SCHEMA)
    fed = apply_staging_feedback(conn)
    closed = apply_cases(conn, as_of)
    status = {
        (r["lead_id"], r["receiving_province"]): r
        for r in fetch_dicts(
            conn, "select lead_id, receiving_province, status, first_seen_on from leads.ledger"
        )
    }
    for row in rows:
        led = status[(row["lead_id"], row["receiving_province"])]
        row["status"], row["first_seen_on"] = led["status"], led["first_seen_on"]
    retired = sum(1 for e in events if e["to_status"] == "retired")
    return {"feedback_applied": fed, "closed_by_cases": closed, "retired": retired}


def materialise_leads(conn, as_of: date) -> dict:
    rows, skipped = build_current_leads(conn, as_of)
    conn.execute("create schema if not exists leads")
    stats = update_ledger(conn, rows, as_of)
    rows = rerank([r for r in rows if r["status"] != "retired"])  # stale: ledger only (R34)
    replace_rows(conn, "leads.leads", rows, LEADS_SCHEMA, create=True)
    return {"rows": rows, "skipped": skipped, **stats}


@dg.asset(
    key="leads",
    group_name="leads",
    deps=[*FINDINGS_ASSETS, *STAGING_DEPS],
    required_resource_keys={"duckdb", "settings"},
    description="线索: every findings.<lead_type> table merged per subject, routed to the "
    "receiving province (R36), prioritised 0-100 and ranked; leads.leads + leads.ledger.",
)
def leads(context) -> dg.MaterializeResult:
    with context.resources.duckdb.get_connection() as conn:
        as_of = context.resources.settings.as_of_date(conn)
        conn.execute("begin")
        result = materialise_leads(conn, as_of)
        conn.execute("commit")
    rows = result["rows"]
    by_prov = Counter(r["receiving_province"] for r in rows)
    by_type = Counter(r["lead_type"] for r in rows)
    for note in result["skipped"]:
        context.log.warning(f"skipped {note}")
    return dg.MaterializeResult(
        metadata={
            "leads": len({r["lead_id"] for r in rows}),
            "routed_rows": len(rows),
            "by_province": dg.MetadataValue.json(dict(sorted(by_prov.items()))),
            "by_lead_type": dg.MetadataValue.json(dict(sorted(by_type.items()))),
            "external_registration": sum(1 for r in rows if r["external_registration"]),
            "feedback_applied": result["feedback_applied"],
            "closed_by_cases": result["closed_by_cases"],
            "retired_stale": result["retired"],
            "skipped_tables": dg.MetadataValue.json(result["skipped"]),
        }
    )
