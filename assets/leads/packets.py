"""`copy_notices` (抄告 due) and `lead_packets`: one packet per receiving province per run."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import dagster as dg

from assets.leads._io import (
    HISTORY_SCHEMA,
    LEDGER_SCHEMA,
    NOTICE_LOG_SCHEMA,
    append_rows,
    create_reference_views,
    ensure_tables,
    fetch_dicts,
    load_sql,
    replace_rows,
    table_exists,
)
from models.leads import config as cfg
from models.leads.control import select_control
from models.leads.deadlines import notice_due
from models.leads.ids import control_id
from models.leads.ledger import mark_sent, needs_sending
from reports.packets.assemble import assemble_packet
from reports.packets.exports import write_leads_exports
from reports.packets.write import write_packet
from reports.safe import safe_filename

NOTICE_COLUMNS = (
    ("notice_id", "VARCHAR"), ("receiving_province", "VARCHAR"),
    ("external_registration", "BOOLEAN"), ("due_on", "DATE"), ("overdue", "BOOLEAN"),
)  # fmt: skip


def due_notices(conn, run_date: date) -> list[dict]:
    """Closed cases to 抄告, routed to the registration province (outside the region: to the
    handling province, flagged), with the 7-working-day due date."""
    rows = fetch_dicts(conn, "select * from leads.copy_notices order by case_rid")
    for r in rows:
        reg = r.get("registered_province")
        r["external_registration"] = reg not in cfg.REGION
        r["receiving_province"] = reg if reg in cfg.REGION else r["handling_province"]
        r["due_on"] = notice_due(r["decided_on"])
        r["overdue"] = run_date > r["due_on"]
        r["notice_id"] = "CG-" + r["case_rid"]
    return [r for r in rows if r["receiving_province"] in cfg.REGION]


def build_copy_notices(conn, run_date: date) -> list[dict]:
    """leads.copy_notices: the case rows of copy_notices.sql plus routing and due date."""
    create_reference_views(conn)
    ensure_tables(conn)
    params = {"run_date": run_date, "lookback_days": cfg.NOTICE_LOOKBACK_DAYS}
    conn.execute(
        "create or replace table leads.copy_notices as " + load_sql("copy_notices"), params
    )
    for name, kind in NOTICE_COLUMNS:
        conn.execute(f"alter table leads.copy_notices add column if not exists {name} {kind}")
    rows = due_notices(conn, run_date)
    conn.execute(
        "delete from leads.copy_notices where case_rid not in (select unnest(?::varchar[]))",
        [[r["case_rid"] for r in rows]],
    )
    if rows:
        conn.executemany(
            "update leads.copy_notices set notice_id = ?, receiving_province = ?, "
            "external_registration = ?, due_on = ?, overdue = ? where case_rid = ?",
            [
                [r["notice_id"], r["receiving_province"], r["external_registration"],
                 r["due_on"], r["overdue"], r["case_rid"]]
                for r in rows
            ],
        )  # fmt: skip
    return rows


@dg.asset(
    key="copy_notices",
    group_name="leads",
    deps=["staging_cases", "staging_vehicles", "staging_drivers", "staging_operators",
          "staging_loadings", "staging_sources", "staging_weigh_records"],
    required_resource_keys={"duckdb", "settings"},
    description="抄告: closed cases to notify to the vehicle's registration province within 7 "
    "working days (超限规定第四十四条) with the §44 fields; leads.copy_notices.",
)  # fmt: skip
def copy_notices(context) -> dg.MaterializeResult:
    with context.resources.duckdb.get_connection() as conn:
        run_date = context.resources.settings.as_of_date(conn)
        conn.execute("begin")
        rows = build_copy_notices(conn, run_date)
        conn.execute("commit")
    by_prov = Counter(r["receiving_province"] for r in rows)
    return dg.MaterializeResult(
        metadata={
            "notices": len(rows),
            "overdue": sum(1 for r in rows if r["overdue"]),
            "by_province": dg.MetadataValue.json(dict(sorted(by_prov.items()))),
        }
    )


def _control_rows(conn, ledger: dict, run_date: date) -> list[tuple[str, str]]:
    """Draw this month's control sample; new draws enter the ledger as `control` items."""
    candidates = [
        (r["plate_key"], r["province"])
        for r in fetch_dicts(conn, load_sql("control_candidates"), {"as_of": run_date})
    ]
    period = f"{run_date:%Y-%m}"
    for plate_key, prov in select_control(candidates, run_date):
        key = (control_id(plate_key, period), prov)
        if key not in ledger:
            ledger[key] = {
                "lead_id": key[0], "receiving_province": prov, "item_kind": "control",
                "lead_type": "control", "lead_types": ["control"], "subject_kind": "vehicle",
                "subject_keys": [plate_key], "category": None, "priority": None,
                "status": "new", "status_reason": "随机对照抽样", "is_current": True,
                "first_seen_on": run_date, "last_seen_on": run_date, "evidence_record_ids": [],
                "sent_evidence_ids": [], "new_evidence_count": 0, "times_sent": 0,
            }  # fmt: skip
    return [k for k, r in ledger.items() if r.get("item_kind") == "control"]


def send_packets(conn, out_dir: Path, run_date: date) -> dict:
    """Choose what to send, write one packet per province, record the sends in the ledger."""
    create_reference_views(conn)
    ensure_tables(conn)
    ledger = {
        (r["lead_id"], r["receiving_province"]): r
        for r in fetch_dicts(conn, "select * from leads.ledger")
    }
    current = {
        (r["lead_id"], r["receiving_province"]): r
        for r in fetch_dicts(conn, "select * from leads.leads")
    }
    _control_rows(conn, ledger, run_date)
    events, outgoing, controls = [], {p: [] for p in cfg.REGION}, {p: [] for p in cfg.REGION}
    for key, row in sorted(ledger.items()):
        if row.get("item_kind") == "control":
            if row["status"] == "new" or row.get("last_sent_on") == run_date:
                controls[key[1]].append((key[0], row["subject_keys"][0]))
                event = mark_sent(row, run_date)
                events += [event] if event else []
            continue
        if key not in current or not needs_sending(row, run_date):
            continue
        event = mark_sent(row, run_date)
        events += [event] if event else []
        lead = dict(current[key])
        lead.update(
            status=row["status"],
            send_reason=row["send_reason"],
            new_evidence_record_ids=list(row.get("added_evidence_ids") or []),
        )
        lead["first_seen_on"] = row["first_seen_on"]
        if key[1] in outgoing:
            outgoing[key[1]].append(lead)
    keys = sorted(
        {k for leads in outgoing.values() for lead in leads for k in lead["subject_keys"]}
    )
    names = {
        r["subject_key"]: r["name"]
        for r in fetch_dicts(conn, load_sql("subject_names"), {"keys": keys})
    }
    for leads in outgoing.values():
        for lead in leads:
            lead["subject_names"] = [names.get(k) for k in lead["subject_keys"]]
    rids = sorted(
        {r for leads in outgoing.values() for lead in leads for r in lead["evidence_record_ids"]}
    )
    evidence = {e["rid"]: e for e in fetch_dicts(conn, load_sql("evidence"), {"rids": rids})}
    notices = _notices_to_send(conn, run_date)
    paths = {}
    for prov in cfg.REGION:
        packet = assemble_packet(
            prov, run_date, outgoing[prov], evidence, notices.get(prov, []), controls[prov]
        )
        folder = out_dir / "leads" / safe_filename(prov) / safe_filename(run_date.isoformat())
        paths[prov] = write_packet(packet, folder)
    replace_rows(conn, "leads.ledger", list(ledger.values()), LEDGER_SCHEMA)
    append_rows(conn, "leads.ledger_history", events, HISTORY_SCHEMA)
    conn.execute(
        "update leads.leads as l set status = g.status from leads.ledger as g "
        "where g.lead_id = l.lead_id and g.receiving_province = l.receiving_province"
    )
    exports = write_leads_exports(out_dir / "leads", fetch_dicts(conn, "select * from leads.leads"))
    return {
        "paths": paths,
        "exports": exports,
        "leads": {p: len(v) for p, v in outgoing.items()},
        "by_type": Counter(lead["lead_type"] for v in outgoing.values() for lead in v),
        "notices": {p: len(v) for p, v in notices.items()},
        "controls": {p: len(v) for p, v in controls.items()},
    }


def _notices_to_send(conn, run_date: date) -> dict[str, list[dict]]:
    """Notices not sent on an earlier day; logged as sent today."""
    rows = []
    if table_exists(conn, "leads", "copy_notices"):
        rows = fetch_dicts(
            conn,
            "select n.* from leads.copy_notices as n where not exists (select 1 from "
            "leads.notice_log as s where s.case_rid = n.case_rid and s.sent_on < ?)",
            [run_date],
        )
    logged = {
        r[0]
        for r in conn.execute(
            "select case_rid from leads.notice_log where sent_on = ?", [run_date]
        ).fetchall()
    }
    append_rows(
        conn,
        "leads.notice_log",
        [{"case_rid": r["case_rid"], "receiving_province": r["receiving_province"], "sent_on": run_date}
         for r in rows if r["case_rid"] not in logged],
        NOTICE_LOG_SCHEMA,
    )  # fmt: skip
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["receiving_province"], []).append(r)
    return out


@dg.asset(
    key="lead_packets",
    group_name="leads",
    deps=["leads", "copy_notices"],
    required_resource_keys={"duckdb", "settings"},
    description="线索推送包: out/leads/<prov>/<run_date>/packet.{json,html,xlsx} + MANIFEST.sha256 "
    "per receiving province (new leads and leads with new evidence, 抄告, control items); "
    "out/leads/leads.parquet and leads.jsonl.",
)
def lead_packets(context) -> dg.MaterializeResult:
    settings = context.resources.settings
    with context.resources.duckdb.get_connection() as conn:
        run_date = settings.as_of_date(conn)
        conn.execute("begin")
        result = send_packets(conn, settings.out_dir, run_date)
        conn.execute("commit")
    meta = {
        "run_date": run_date.isoformat(),
        "leads_sent_by_province": dg.MetadataValue.json(result["leads"]),
        "leads_sent_by_type": dg.MetadataValue.json(dict(sorted(result["by_type"].items()))),
        "copy_notices_by_province": dg.MetadataValue.json(result["notices"]),
        "control_items_by_province": dg.MetadataValue.json(result["controls"]),
        "leads_parquet": dg.MetadataValue.path(str(result["exports"]["leads.parquet"])),
    }
    for prov, files in result["paths"].items():
        meta[f"packet_{prov}"] = dg.MetadataValue.path(str(files["packet.html"].parent))
    return dg.MaterializeResult(metadata=meta)
