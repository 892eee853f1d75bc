"""Build a small ``patterns.passages`` table from dicts (columns as built by passages_sql)."""

from __future__ import annotations

import datetime as dt

import duckdb

COLUMNS = {
    "rid": "varchar",
    "station_id": "varchar",
    "station_kind": "varchar",
    "station_province": "varchar",
    "road": "varchar",
    "lon": "double",
    "lat": "double",
    "passed_at": "timestamp",
    "plate": "varchar",
    "plate_color": "varchar",
    "plate_key": "varchar",
    "plate_confidence": "double",
    "axle_count": "bigint",
    "gross_kg": "bigint",
    "speed_kmh": "double",
    "source_id": "varchar",
    "tolerance_pct": "double",
    "limit_kg": "bigint",
    "over_limit": "boolean",
    "day": "date",
    "plate_readable": "boolean",
    "vehicle_type": "varchar",
    "reg_axle_count": "bigint",
    "reg_total_mass_kg": "bigint",
    "registered_province": "varchar",
}

DEFAULTS = {
    "station_province": "21",
    "road": "G1",
    "lon": 123.0,
    "lat": 41.0,
    "plate_readable": True,
    "tolerance_pct": 5.0,
    "limit_kg": 49000,
    "over_limit": False,
    "vehicle_type": "tractor",
    "registered_province": "21",
}


def make_passages(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    conn.execute("create schema patterns")
    conn.execute(
        "create table patterns.passages (" + ", ".join(f"{c} {t}" for c, t in COLUMNS.items()) + ")"
    )
    for i, r in enumerate(rows):
        row = {**DEFAULTS, "rid": f"r{i}", **r}
        row.setdefault("plate", row["plate_key"].split("|")[0] if row.get("plate_key") else None)
        row.setdefault(
            "plate_color", row["plate_key"].split("|")[1] if row.get("plate_key") else None
        )
        row["day"] = row["passed_at"].date()
        conn.execute(
            f"insert into patterns.passages values ({', '.join('?' * len(COLUMNS))})",
            [row.get(c) for c in COLUMNS],
        )
    return conn


T0 = dt.datetime(2026, 5, 1, 8, 0)
