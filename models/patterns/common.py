"""Shared SQL pieces for the pattern detectors: sightings ("passages"), distances, findings."""

from __future__ import annotations

FINDINGS_DDL = """
    finding_key varchar, lead_type varchar, subject_kind varchar, subject_keys varchar[],
    subject_provinces varchar[], origin_provinces varchar[], legal_trigger boolean,
    severity double, risk_score double, risk_lo double, risk_hi double, legal_basis varchar,
    evidence_record_ids varchar[], first_evidence_at timestamp, last_evidence_at timestamp,
    explanation varchar, explanation_en varchar, details json, as_of date
"""

FINDINGS_COLUMNS = [
    c.strip().split(" ")[0] for c in FINDINGS_DDL.replace("\n", " ").split(",") if c.strip()
]


def haversine_km_sql(*, lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """Great-circle distance in km between two (lat, lon) column expressions (portable SQL)."""
    return (
        f"(2 * 6371.0 * asin(sqrt(power(sin(radians({lat2} - {lat1}) / 2), 2) + "
        f"cos(radians({lat1})) * cos(radians({lat2})) * "
        f"power(sin(radians({lon2} - {lon1}) / 2), 2))))"
    )


# 超限规定 §3(4)-(8) GVW limits by axle configuration (fallback when facts.weigh_events is absent).
FALLBACK_LIMIT_SQL = """
    case
        when r.axle_count is null then null
        when r.axle_count <= 2 then 18000
        when r.axle_count = 3 then case when r.is_combination then 27000 else 25000 end
        when r.axle_count = 4 then case when r.is_combination then 36000 else 31000 end
        when r.axle_count = 5 then 43000
        when r.single_drive_axle and r.is_combination then 46000
        else 49000
    end
"""


# The one registration of each plate that passages and findings report (registered province,
# type, axles, operator): the active registration first, then the lowest exporting province,
# then the VIN — the choice facts.weigh_events makes, so a plate registered in two provinces
# is routed the same way by every finding.
REGISTRATION_SQL = """
select *
from staging.vehicles
where plate_key is not null
qualify row_number() over (
    partition by plate_key order by (status = 'active') desc, _province, vin
) = 1
"""


def registration_view(conn) -> None:
    """(Re)create the temp view ``vehicle_registration`` (``REGISTRATION_SQL``) on ``conn``;
    read by passages_sql, the night-passage and risk-feature SQL and the findings."""
    conn.execute("create or replace temp view vehicle_registration as " + REGISTRATION_SQL)


def passages_sql(*, use_weigh_events: bool) -> str:
    """Every sighting at any station with station geometry and registry attributes.

    With the rules helper's ``facts.weigh_events`` (re-reads merged, exact limits and
    tolerances) the passages are its events; otherwise they are built from staging with a
    GVW-only over-limit fallback per 超限规定 §3.
    """
    if use_weigh_events:
        source = """
        select e.event_id as rid, e.station_id, e.station_kind, e.station_province, e.road,
            e.lon, e.lat, e.passed_at, e.plate, e.plate_color, e.plate_key, e.plate_readable,
            e.plate_confidence, e.axle_count, e.is_combination, e.single_drive_axle,
            e.gross_kg, e.speed_kmh, e.outcome, e.waybill_id, e.driver_id, e.source_id,
            e.tolerance_pct, e.limit_kg,
            coalesce(e.over_limit, false) as over_limit, e.net_excess_kg
        from facts.weigh_events e"""
    else:
        tol = "coalesce(s.tolerance_pct, case when s.kind = 'fixed' then 0 else 5 end)"
        source = f"""
        select r.rid, r.station_id, s.kind as station_kind,
            coalesce(s.province_code, r._province) as station_province, s.road, s.lon, s.lat,
            r.passed_at, r.plate, r.plate_color, r.plate_key, r.plate_readable,
            r.plate_confidence, r.axle_count, r.is_combination, r.single_drive_axle,
            r.gross_kg, r.speed_kmh, r.outcome, r.waybill_id, r.driver_id, l.source_id,
            {tol} as tolerance_pct,
            ({FALLBACK_LIMIT_SQL}) as limit_kg,
            coalesce(r.gross_kg > ({FALLBACK_LIMIT_SQL}) * (1 + {tol} / 100.0), false)
                as over_limit,
            r.gross_kg - ({FALLBACK_LIMIT_SQL}) * (1 + {tol} / 100.0) as net_excess_kg
        from staging.weigh_records r
        left join staging.stations s on s.station_id = r.station_id
        left join (
            select waybill_id, source_id from staging.loadings
            qualify row_number() over (partition by waybill_id order by loaded_at desc, rid) = 1
        ) l on l.waybill_id = r.waybill_id"""  # noqa: S608 (identifiers from code; data values are parameters)
    return f"""
    with events as ({source}
    ),
    final as (
        select e.* exclude (plate_readable),
            cast(e.passed_at as date) as day,
            coalesce(e.plate_readable, true) and e.plate_key is not null as plate_readable,
            v.vehicle_type, v.axle_count as reg_axle_count,
            v.total_mass_kg as reg_total_mass_kg, v.rated_load_kg as reg_rated_load_kg,
            v.operator_uscc, v.registered_province
        from events e
        left join vehicle_registration v on v.plate_key = e.plate_key
    )
    select * from final
    """  # noqa: S608 (identifiers from code; data values are parameters)


def table_exists(conn, schema: str, table: str) -> bool:
    """True when ``schema.table`` exists in the connected DuckDB database."""
    row = conn.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def _findings_schema():
    import pyarrow as pa

    lst = pa.list_(pa.string())
    return pa.schema(
        [
            ("finding_key", pa.string()),
            ("lead_type", pa.string()),
            ("subject_kind", pa.string()),
            ("subject_keys", lst),
            ("subject_provinces", lst),
            ("origin_provinces", lst),
            ("legal_trigger", pa.bool_()),
            ("severity", pa.float64()),
            ("risk_score", pa.float64()),
            ("risk_lo", pa.float64()),
            ("risk_hi", pa.float64()),
            ("legal_basis", pa.string()),
            ("evidence_record_ids", lst),
            ("first_evidence_at", pa.timestamp("us")),
            ("last_evidence_at", pa.timestamp("us")),
            ("explanation", pa.string()),
            ("explanation_en", pa.string()),
            ("details", pa.string()),
            ("as_of", pa.date32()),
        ]
    )


def insert_findings(conn, lead_type: str, rows: list[dict]) -> int:
    """Replace ``findings.<lead_type>`` with ``rows`` (dicts with the contract's columns)."""
    import json

    import pyarrow as pa

    clean = []
    for r in rows:
        r = dict(r)
        r["details"] = json.dumps(r.get("details") or {}, ensure_ascii=False, default=str)
        clean.append({c: r.get(c) for c in FINDINGS_COLUMNS})
    table = pa.Table.from_pylist(clean, schema=_findings_schema())
    conn.execute("create schema if not exists findings")
    conn.execute(f"create or replace table findings.{lead_type} ({FINDINGS_DDL})")
    conn.register("_findings_rows", table)
    try:
        target = f"findings.{lead_type}"
        conn.execute(
            f"insert into {target} select * replace (cast(details as json) as details) "  # noqa: S608 (identifier from code)
            "from _findings_rows order by finding_key"
        )
    finally:
        conn.unregister("_findings_rows")
    return len(rows)


def fetch_dicts(conn, sql: str, params: dict | None = None) -> list[dict]:
    """Run a query and return rows as dicts."""
    cur = conn.execute(sql, params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
