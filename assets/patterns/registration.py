"""registration_mismatches (登记不符/大吨小标/称重作弊): scales vs the registry (R14, R32, R42)."""

from __future__ import annotations

import dagster as dg

from assets.patterns._io import preview
from models.patterns import registration
from models.patterns.common import fetch_dicts, insert_findings, registration_view


def detect_registration_mismatches(conn, as_of, params: dict | None = None) -> int:
    """Write patterns.registration_mismatches and findings.registration_mismatch."""
    p = {**registration.DEFAULTS, **(params or {})}
    conn.execute(
        "create or replace table patterns.registration_mismatches as "
        + registration.mismatch_sql(),
        p,
    )
    registration_view(conn)
    rows = fetch_dicts(
        conn,
        "select m.*, v.registered_province from patterns.registration_mismatches m "
        "left join vehicle_registration v using (plate_key)",
    )
    findings = registration.registration_findings(rows, as_of=as_of)
    insert_findings(conn, "registration_mismatch", findings)
    return len(findings)


@dg.asset(
    key="registration_mismatches",
    group_name="patterns",
    deps=["pattern_passages"],
    required_resource_keys={"duckdb", "settings"},
    description="登记不符: measured axles ≠ registered, blue plates ≫ 4.5 t, 大吨小标, and "
    "WIM vs static weight of one trip beyond tolerance. findings.registration_mismatch.",
)
def registration_mismatches(context) -> dg.MaterializeResult:
    with context.resources.duckdb.get_connection() as conn:
        as_of = context.resources.settings.as_of_date(conn)
        conn.execute("begin")
        n = detect_registration_mismatches(conn, as_of)
        conn.execute("commit")
        kinds = conn.execute(
            "select kind, count(*) from patterns.registration_mismatches group by kind"
        ).fetchall()
        return dg.MaterializeResult(
            metadata={
                "findings": n,
                **{f"kind_{k}": int(c) for k, c in kinds},
                "preview": preview(conn, "findings.registration_mismatch", "finding_key, severity"),
            }
        )
