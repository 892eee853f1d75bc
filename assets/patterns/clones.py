"""cloned_plates (套牌): impossible-travel and attribute-conflict sightings of one plate."""

from __future__ import annotations

import dagster as dg

from assets.patterns._io import count, load_sql, preview
from models.patterns import clones
from models.patterns.clone_findings import clone_findings
from models.patterns.common import fetch_dicts, insert_findings, registration_view


def detect_cloned_plates(conn, as_of, params: dict | None = None) -> int:
    """Write patterns.cloned_plate_pairs/_conflicts/_tracks and findings.cloned_plate."""
    p = {**clones.DEFAULTS, **(params or {})}
    speed_params = {
        k: p[k]
        for k in (
            "max_speed_kmh",
            "road_factor",
            "clock_skew_min",
            "source_skew_min",
            "min_confidence",
            "min_km",
        )
    }
    conn.execute(
        "create or replace table patterns.cloned_plate_pairs as " + clones.impossible_pairs_sql(),
        speed_params,
    )
    conn.execute(
        "create or replace table patterns.cloned_plate_conflicts as " + clones.axle_conflicts_sql(),
        {"min_conflicts": p["min_conflicts"]},
    )
    pairs = fetch_dicts(conn, "select * from patterns.cloned_plate_pairs")
    conflicts = fetch_dicts(conn, "select * from patterns.cloned_plate_conflicts")
    sightings: dict[str, list[dict]] = {}
    for row in fetch_dicts(
        conn, load_sql("clone_sightings"), {"min_confidence": p["min_confidence"]}
    ):
        sightings.setdefault(row["plate_key"], []).append(row)
    registration_view(conn)
    registry = {
        r["plate_key"]: r
        for r in fetch_dicts(
            conn,
            "select plate_key, registered_province, vehicle_type from vehicle_registration "
            "where plate_key in (select unnest($keys))",
            {"keys": sorted(sightings) or [""]},
        )
    }
    findings = clone_findings(
        pairs, conflicts, sightings, registry, as_of=as_of, limits=p, min_pairs=p["min_pairs"]
    )
    insert_findings(conn, "cloned_plate", findings)
    conn.execute(
        "create or replace table patterns.cloned_plates as select finding_key, "
        "subject_keys[1] as plate_key, severity, details from findings.cloned_plate"
    )
    return len(findings)


@dg.asset(
    key="cloned_plates",
    group_name="patterns",
    deps=["pattern_passages"],
    required_resource_keys={"duckdb", "settings"},
    description="套牌: plates seen where one vehicle cannot be (implied speed over the limit) or "
    "weighed as two different vehicles; sightings split into tracks. findings.cloned_plate.",
)
def cloned_plates(context) -> dg.MaterializeResult:
    with context.resources.duckdb.get_connection() as conn:
        as_of = context.resources.settings.as_of_date(conn)
        conn.execute("begin")
        n = detect_cloned_plates(conn, as_of)
        conn.execute("commit")
        return dg.MaterializeResult(
            metadata={
                "findings": n,
                "impossible_pairs": count(conn, "patterns.cloned_plate_pairs"),
                "preview": preview(conn, "findings.cloned_plate", "finding_key, severity"),
            }
        )
