"""The one registration per plate that passages and findings report (`registration_view`)."""

from __future__ import annotations

import itertools

import duckdb

from models.patterns.common import registration_view

ROWS = [
    # plate_key, registered_province, status, exporting province, vin
    ("A|黄", "21", "cancelled", "21", "V1"),
    ("A|黄", "22", "active", "22", "V2"),
    ("B|黄", "23", "active", "23", "V4"),
    ("B|黄", "15", "active", "15", "V3"),
    ("C|黄", "21", "active", "21", "V6"),
    ("C|黄", "13", "active", "21", "V5"),
    (None, "21", "active", "21", "V7"),
]


def _chosen(rows) -> dict:
    conn = duckdb.connect()
    conn.execute("create schema staging")
    conn.execute(
        "create table staging.vehicles (plate_key varchar, registered_province varchar, "
        "status varchar, _province varchar, vin varchar)"
    )
    conn.executemany("insert into staging.vehicles values (?, ?, ?, ?, ?)", rows)
    registration_view(conn)
    return dict(
        conn.execute("select plate_key, registered_province from vehicle_registration").fetchall()
    )


def test_active_first_then_exporting_province_then_vin_in_any_row_order() -> None:
    expected = {"A|黄": "22", "B|黄": "15", "C|黄": "13"}
    for order in itertools.islice(itertools.permutations(ROWS), 0, 5040, 97):
        assert _chosen(list(order)) == expected
