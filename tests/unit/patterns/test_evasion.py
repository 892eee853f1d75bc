"""绕行: consecutive sightings around a fixed station without a sighting at it."""

from __future__ import annotations

import datetime as dt

from models.patterns.evasion import DEFAULTS, bypass_legs_sql, evasion_findings

from ._passages import T0, make_passages

# a fixed cluster on G1 along a meridian: ANPR −20 km, WIM −8 km, fixed 0, ANPR +12 km
KM = 1 / 111.0
STATIONS = {"K1": -20, "W1": -8, "F1": 0, "K2": 12}


def _stations(conn) -> None:
    conn.execute("create schema if not exists staging")
    conn.execute(
        "create table staging.stations (station_id varchar, name varchar, kind varchar, road varchar,"
        " lat double, lon double, province_code varchar)"
    )
    for sid, km in STATIONS.items():
        kind = {"K": "anpr", "W": "wim", "F": "fixed"}[sid[0]]
        conn.execute(
            "insert into staging.stations values (?, ?, ?, 'G1', ?, 123.0, '21')",
            [sid, f"G1{sid}", kind, 41.0 + km * KM],
        )


def _trip(plate, day, stops, **kw):
    out = []
    for i, sid in enumerate(stops):
        out.append(
            {
                "plate_key": plate,
                "station_id": sid,
                "station_kind": {"K": "anpr", "W": "wim", "F": "fixed"}[sid[0]],
                "lat": 41.0 + STATIONS[sid] * KM,
                "lon": 123.0,
                "passed_at": T0 + dt.timedelta(days=day, minutes=10 * i),
                "gross_kg": None if sid[0] == "K" else 30000,
                **kw,
            }
        )
    return out


def test_bypass_legs_only_for_weighed_vehicles_missing_the_station() -> None:
    rows = []
    for d in range(4):
        rows += _trip("EV|黄", d, ["K1", "W1", "K2"])  # never at F1
        rows += _trip("OK|黄", d, ["K1", "W1", "F1", "K2"])
        rows += _trip("BUS|黄", d, ["K1", "K2"], vehicle_type="coach_route")  # never weighed
    conn = make_passages(rows)
    _stations(conn)
    legs = conn.execute(
        f"select plate_key, fixed_station from ({bypass_legs_sql()})",
        {k: DEFAULTS[k] for k in ("cluster_km", "max_leg_min", "between_slack_km")},
    ).fetchall()
    assert set(legs) == {("EV|黄", "F1")}
    assert len(legs) == 4


def test_evasion_findings_need_repeated_bypasses_beyond_chance() -> None:
    base = {"n_night": 1, "rids": ["a", "b"], "stations": ["G1F1"], "provinces": ["21"],
            "first_at": T0, "last_at": T0, "registered_province": "21"}  # fmt: skip
    bypass = [
        {"plate_key": "EV|黄", "n_bypass": 6, "n_fixed": 1, **base},
        {"plate_key": "ONCE|黄", "n_bypass": 1, "n_fixed": 20, **base},
    ]
    out = evasion_findings(
        bypass,
        [],
        base_bypass_rate=0.01,
        base_unread_rate=0.01,
        base_night_share=0.2,
        as_of=T0.date(),
    )
    assert [f["subject_keys"] for f in out] == [["EV|黄"]]
    assert "第四十条" in out[0]["legal_basis"]
    assert "6次" in out[0]["explanation"]
