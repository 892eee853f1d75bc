"""Asset checks of the leads layer: packet schema + manifest + no unmasked PI; unique leads."""

from __future__ import annotations

import json

import dagster as dg

from models.leads.privacy import find_unmasked
from reports.packets.manifest import verify_manifest
from reports.packets.write import validate_packet


def audit_packets(out_dir, run_date) -> list[str]:
    """Problems in this run's packets and the region-wide files of out/leads (empty = clean)."""
    problems = []
    root = out_dir / "leads"
    for folder in sorted(root.glob(f"*/{run_date.isoformat()}")):
        problems += [f"{folder.parent.name}: {p}" for p in verify_manifest(folder)]
        try:
            validate_packet(json.loads((folder / "packet.json").read_text(encoding="utf-8")))
        except Exception as exc:  # jsonschema.ValidationError or unreadable JSON
            problems.append(f"{folder.parent.name}: packet.json invalid: {str(exc)[:200]}")
    run_files = [p for f in root.glob(f"*/{run_date.isoformat()}") for p in f.iterdir()]
    top_files = [p for p in root.glob("*") if p.is_file()]
    for path in sorted(run_files + top_files):
        if path.suffix in (".json", ".jsonl", ".html", ".csv"):  # MANIFEST: hashes only
            hits = find_unmasked(path.read_text(encoding="utf-8", errors="ignore"))
            if hits:
                problems.append(f"{path.relative_to(root)}: {len(hits)} unmasked identifiers")
    return problems


@dg.asset_check(
    asset="lead_packets",
    blocking=True,
    required_resource_keys={"duckdb", "settings"},
    description="Every packet validates against lead_packet.schema.json, its MANIFEST.sha256 "
    "verifies, and no file in out/leads holds an unmasked ID or phone number.",
)
def lead_packets_valid(context) -> dg.AssetCheckResult:
    settings = context.resources.settings
    with context.resources.duckdb.get_connection() as conn:
        run_date = settings.as_of_date(conn)
    problems = audit_packets(settings.out_dir, run_date)
    return dg.AssetCheckResult(
        passed=not problems,
        metadata={"problems": dg.MetadataValue.json(problems[:50]), "count": len(problems)},
    )


@dg.asset_check(
    asset="leads",
    required_resource_keys={"duckdb"},
    description="One row per (lead_id, receiving_province); ranks 1..n within each province.",
)
def leads_unique_and_ranked(context) -> dg.AssetCheckResult:
    with context.resources.duckdb.get_connection() as conn:
        dupes, gaps = conn.execute(
            "select (select count(*) - count(distinct (lead_id, receiving_province)) "
            "from leads.leads), (select count(*) from (select receiving_province, "
            "max(rank) as m, count(*) as n from leads.leads group by 1) where m <> n)"
        ).fetchone()
    return dg.AssetCheckResult(
        passed=dupes == 0 and gaps == 0, metadata={"duplicates": dupes, "rank_gaps": gaps}
    )
