"""Asset checks of the pattern layer: every findings table follows the findings contract."""

from __future__ import annotations

import dagster as dg

from models.patterns.common import FINDINGS_COLUMNS

FINDINGS_OF = {
    "cloned_plates": "cloned_plate",
    "convoys": "convoy",
    "network_clusters": "network_cluster",
    "registration_mismatches": "registration_mismatch",
    "station_evasion": "station_evasion",
    "risk_model": "high_risk_vehicle",
}


def contract_problems(conn, lead_type: str) -> list[str]:
    """Violations of the findings contract in ``findings.<lead_type>`` (empty = clean)."""
    table = f"findings.{lead_type}"
    cols = [r[0] for r in conn.execute(f"describe {table}").fetchall()]
    if cols != FINDINGS_COLUMNS:
        return [f"columns {cols} differ from the contract"]
    checks = {
        "wrong lead_type or key prefix": "lead_type <> $t or not starts_with(finding_key, $t || ':')",
        "no subject": "subject_keys is null or len(subject_keys) = 0",
        "severity outside 0..1": "severity is null or severity not between 0 and 1",
        "no explanation or legal basis": "explanation is null or legal_basis is null",
        "legal trigger claimed by a pattern": "legal_trigger",
    }
    problems = []
    for label, cond in checks.items():
        sql = f"select count(*) from {table} where {cond}"  # noqa: S608 (identifiers from code)
        params = {"t": lead_type} if "$t" in cond else {}
        n = conn.execute(sql, params).fetchone()[0]
        if n:
            problems.append(f"{n} rows: {label}")
    dup = conn.execute(f"select count(*) - count(distinct finding_key) from {table}").fetchone()[0]  # noqa: S608 (identifier from code)
    if dup:
        problems.append(f"{dup} duplicate finding keys")
    return problems


def _make_check(asset_key: str, lead_type: str):
    @dg.asset_check(
        asset=asset_key,
        name=f"{lead_type}_findings_contract",
        blocking=True,
        required_resource_keys={"duckdb"},
        description=f"findings.{lead_type} follows the findings contract (columns, keys, "
        "severity in 0..1, Chinese explanation and legal basis, no legal trigger).",
    )
    def _check(context) -> dg.AssetCheckResult:
        with context.resources.duckdb.get_connection() as conn:
            problems = contract_problems(conn, lead_type)
        return dg.AssetCheckResult(
            passed=not problems, metadata={"problems": dg.MetadataValue.json(problems)}
        )

    return _check


CHECKS = [_make_check(asset, lead_type) for asset, lead_type in FINDINGS_OF.items()]
