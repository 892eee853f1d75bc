"""Rules-area asset fixtures: tiny staging tables (INTERFACES §2 + DESIGN staging extras) built
inside a test's DuckDB, and the generator's canonical world with the rules run on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

CANON: dict[str, list[tuple[str, str]]] = {
    "stations": [
        ("station_id", "varchar"), ("name", "varchar"), ("province_code", "varchar"),
        ("area_code", "varchar"), ("kind", "varchar"), ("lon", "double"), ("lat", "double"),
        ("road", "varchar"), ("device_id", "varchar"), ("calibrated_on", "date"),
        ("tolerance_pct", "double"),
    ],
    "weigh_records": [
        ("record_id", "varchar"), ("station_id", "varchar"), ("passed_at", "timestamp"),
        ("plate", "varchar"), ("plate_color", "varchar"), ("plate_confidence", "double"),
        ("axle_count", "bigint"), ("is_combination", "boolean"), ("single_drive_axle", "boolean"),
        ("gross_kg", "bigint"), ("axle_weights_kg", "bigint[]"), ("length_m", "double"),
        ("width_m", "double"), ("height_m", "double"), ("speed_kmh", "double"),
        ("lane", "bigint"), ("outcome", "varchar"), ("waybill_id", "varchar"),
        ("driver_id", "varchar"),
    ],
    "vehicles": [
        ("plate", "varchar"), ("plate_color", "varchar"), ("vin", "varchar"),
        ("vehicle_type", "varchar"), ("axle_count", "bigint"), ("curb_kg", "bigint"),
        ("rated_load_kg", "bigint"), ("total_mass_kg", "bigint"),
        ("registered_province", "varchar"), ("registered_area", "varchar"),
        ("operator_uscc", "varchar"), ("transport_cert_no", "varchar"),
        ("cert_valid_to", "date"), ("inspection_valid_to", "date"), ("status", "varchar"),
    ],
    "operators": [
        ("uscc", "varchar"), ("name", "varchar"), ("province_code", "varchar"),
        ("area_code", "varchar"), ("address", "varchar"), ("legal_rep", "varchar"),
        ("phone", "varchar"), ("scope", "varchar"), ("license_no", "varchar"),
        ("fleet_size", "bigint"),
    ],
    "drivers": [
        ("driver_id", "varchar"), ("name", "varchar"), ("qualification_no", "varchar"),
        ("qualification_class", "varchar"), ("employer_uscc", "varchar"), ("phone", "varchar"),
    ],
    "sources": [
        ("source_id", "varchar"), ("name", "varchar"), ("uscc", "varchar"), ("kind", "varchar"),
        ("province_code", "varchar"), ("area_code", "varchar"), ("lon", "double"),
        ("lat", "double"), ("key_source", "boolean"),
    ],
    "loadings": [
        ("waybill_id", "varchar"), ("source_id", "varchar"), ("plate", "varchar"),
        ("plate_color", "varchar"), ("loaded_at", "timestamp"), ("cargo", "varchar"),
        ("declared_kg", "bigint"), ("measured_gross_kg", "bigint"), ("driver_id", "varchar"),
        ("escort_id", "varchar"), ("un_number", "varchar"),
    ],
    "monitoring_events": [
        ("event_id", "varchar"), ("plate", "varchar"), ("plate_color", "varchar"),
        ("event_type", "varchar"), ("started_at", "timestamp"), ("ended_at", "timestamp"),
        ("lon", "double"), ("lat", "double"), ("speed_kmh", "double"), ("limit_kmh", "double"),
        ("handled", "boolean"), ("handled_at", "timestamp"),
    ],
    "gps_points": [
        ("plate", "varchar"), ("plate_color", "varchar"), ("ts", "timestamp"),
        ("lon", "double"), ("lat", "double"), ("speed_kmh", "double"),
    ],
    "cases": [
        ("case_id", "varchar"), ("province_code", "varchar"), ("agency", "varchar"),
        ("violation_code", "varchar"), ("violation_name", "varchar"),
        ("occurred_at", "timestamp"), ("decided_on", "date"), ("plate", "varchar"),
        ("plate_color", "varchar"), ("operator_uscc", "varchar"), ("driver_id", "varchar"),
        ("excess_kg", "bigint"), ("excess_pct", "double"), ("penalty_yuan", "double"),
        ("decision", "varchar"), ("first_offence", "boolean"), ("lead_id", "varchar"),
    ],
}  # fmt: skip
PLATE_TABLES = {"weigh_records", "vehicles", "loadings", "monitoring_events", "gps_points", "cases"}
RID = {
    "weigh_records": "record_id",
    "loadings": "waybill_id",
    "monitoring_events": "event_id",
    "cases": "case_id",
}


def create_staging(conn) -> None:
    """Empty staging tables in the DESIGN.md staging schema."""
    conn.execute("create schema if not exists staging")
    for table, cols in CANON.items():
        extra = [("_province", "varchar"), ("_file_id", "varchar"), ("_row_no", "bigint"),
                 ("_flags", "varchar[]")]  # fmt: skip
        if table in PLATE_TABLES:
            extra += [("plate_key", "varchar"), ("plate_readable", "boolean")]
        if table in RID:
            extra.append(("rid", "varchar"))
        ddl = ", ".join(f"{c} {t}" for c, t in cols + extra)
        conn.execute(f"create or replace table staging.{table} ({ddl})")


def insert(conn, table: str, rows: list[dict[str, Any]], province: str = "21") -> None:
    """Insert rows (missing columns NULL) and derive _province, plate_key, rid like staging does."""
    cols = [c for c, _ in CANON[table]]
    for row in rows:
        full = {c: row.get(c) for c in cols}
        prov = row.get("_province", province)
        extra: dict[str, Any] = {"_province": prov, "_file_id": None, "_row_no": None,
                                 "_flags": []}  # fmt: skip
        if table in PLATE_TABLES:
            plate = full.get("plate")
            colour = full.get("plate_color") or "黄"
            if table != "gps_points" or full.get("plate_color") is None:
                full["plate_color"] = colour if plate else full.get("plate_color")
            extra["plate_key"] = f"{plate}|{full['plate_color']}" if plate else None
            extra["plate_readable"] = plate is not None
        if table in RID:
            extra["rid"] = f"{prov}:{full[RID[table]]}"
        values = {**full, **extra}
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        conn.execute(
            f"insert into staging.{table} ({names}) values ({marks})", list(values.values())
        )


@pytest.fixture
def db():
    """A temp in-memory DuckDB with empty staging tables."""
    conn = duckdb.connect()
    create_staging(conn)
    yield conn
    conn.close()


@pytest.fixture
def put():
    """`put(conn, table, rows, province='21')` — insert staging rows."""
    return insert


@pytest.fixture(scope="session")
def canonical_world(tiny_world: Path, tmp_path_factory: pytest.TempPathFactory):
    """(db path, truth) — the generator's clean canonical copy loaded as staging, rules run on it."""
    from datetime import date

    from assets.facts.monitoring import (
        build_monitoring_violations,
        build_passenger_hazmat_operators,
    )
    from assets.facts.weigh import (
        build_over_limit_violations,
        build_weigh_events,
        build_wim_static_links,
    )
    from assets.facts.windows import (
        build_operator_fleet_ratios,
        build_repeat,
        build_source_overloading,
    )
    from assets.scores.risk import build_risk_scores

    truth = json.loads((tiny_world / "_truth" / "truth.json").read_text(encoding="utf-8"))
    path = tmp_path_factory.mktemp("rules_canonical") / "rules.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute("create schema staging")
    for pq in sorted((tiny_world / "_truth" / "canonical").glob("*.parquet")):
        conn.execute(f"create table staging.{pq.stem} as select * from read_parquet(?)", [str(pq)])
    as_of = date.fromisoformat(truth["as_of"])
    build_weigh_events(conn)
    build_wim_static_links(conn)
    build_over_limit_violations(conn, as_of)
    build_monitoring_violations(conn, as_of)
    build_risk_scores(conn, as_of)
    build_repeat(conn, as_of, kind="vehicle")
    build_repeat(conn, as_of, kind="driver")
    build_operator_fleet_ratios(conn, as_of)
    build_source_overloading(conn, as_of)
    build_passenger_hazmat_operators(conn, as_of)
    conn.close()
    return path, truth
