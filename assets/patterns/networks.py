"""network_clusters (团伙): resolved operators tied by shared identifiers, Leiden communities."""

from __future__ import annotations

import dagster as dg
import pyarrow as pa

from assets.patterns._io import count, load_sql, preview
from models.patterns import networks
from models.patterns.common import fetch_dicts, insert_findings


def detect_networks(conn, as_of, params: dict | None = None) -> int:
    """Write patterns.operator_entities/entity_ties/network_members and findings.network_cluster."""
    p = {**networks.DEFAULTS, **(params or {})}
    ops = fetch_dicts(
        conn,
        # one row per USCC (several provinces may export it): the first exporting province's,
        # with the largest declared fleet of any of them
        "select uscc, name, address, phone, legal_rep, province_code, "
        "max(fleet_size) over (partition by uscc) as fleet_size, license_no "
        "from staging.operators where uscc is not null "
        "qualify row_number() over (partition by uscc order by _province, _file_id, _row_no) = 1 "
        "order by uscc",
    )
    ents = networks.operator_entities(ops)
    schema = pa.schema(
        [
            (c, pa.int64() if c in ("fleet_size", "licence_year") else pa.string())
            for c in (
                "entity",
                "uscc",
                "name",
                "province_code",
                "fleet_size",
                "name_key",
                "phone_key",
                "address_key",
                "rep_key",
                "licence_year",
            )
        ]
    )
    conn.register("_ents", pa.Table.from_pylist(ents, schema=schema))
    conn.execute("create or replace table patterns.operator_entities as select * from _ents")
    conn.unregister("_ents")
    conn.execute(
        "create or replace table patterns.entity_ties as " + load_sql("entity_ties"),
        {"hub_cap": p["hub_cap"]},
    )
    ties = fetch_dicts(conn, "select * from patterns.entity_ties")
    clusters = networks.clusters_from_ties(ties, resolution=p["resolution"])
    conn.execute(
        "create or replace table patterns.network_members as " + load_sql("network_members"),
        {"as_of": as_of},
    )
    members = fetch_dicts(conn, "select * from patterns.network_members")
    pop = conn.execute(
        "select (count(*) filter (where over_limit) + 0.5) / (count(gross_kg) + 5.0) "
        "from patterns.passages"
    ).fetchone()[0]
    findings = networks.network_findings(
        clusters, ents, members, population_over_rate=float(pop), as_of=as_of, params=p
    )
    insert_findings(conn, "network_cluster", findings)
    conn.execute(
        "create or replace table patterns.network_clusters as select finding_key, "
        "details->'operators' as operators, details->'vehicles' as vehicles, severity, details "
        "from findings.network_cluster"
    )
    return len(findings)


@dg.asset(
    key="network_clusters",
    group_name="patterns",
    deps=["pattern_passages"],
    required_resource_keys={"duckdb", "settings"},
    description="团伙: operators resolved across near-duplicate names/addresses, tied by shared "
    "phones, addresses, legal reps and drivers; Leiden communities scored for shell signs and "
    "violations. findings.network_cluster.",
)
def network_clusters(context) -> dg.MaterializeResult:
    with context.resources.duckdb.get_connection() as conn:
        as_of = context.resources.settings.as_of_date(conn)
        conn.execute("begin")
        n = detect_networks(conn, as_of)
        conn.execute("commit")
        return dg.MaterializeResult(
            metadata={
                "findings": n,
                "ties": count(conn, "patterns.entity_ties"),
                "preview": preview(conn, "findings.network_cluster", "finding_key, severity"),
            }
        )
