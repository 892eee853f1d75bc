"""绕行: consecutive sightings around a fixed station without a sighting at it."""

from __future__ import annotations

import datetime as dt

from models.patterns.common import registration_view
from models.patterns.evasion import (
    DEFAULTS,
    bypass_legs_sql,
    evasion_findings,
    night_passages_sql,
)

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


def _night_conn():
    rows = []
    for d in range(10):
        # one journey a day through the fixed cluster: at 23:00 vs at 08:00 (T0)
        rows += _trip("NIGHT|黄", d, ["K1", "W1", "F1", "K2"], passed_at_shift=15)
        rows += _trip("DAY|黄", d, ["K1", "W1", "F1", "K2"])
        rows += _trip("BUS|黄", d, ["K1", "K2"], vehicle_type="coach_route", passed_at_shift=15)
    for r in rows:
        r["passed_at"] += dt.timedelta(hours=r.pop("passed_at_shift", 0))
    conn = make_passages(rows)
    _stations(conn)
    conn.execute(
        "create table staging.vehicles as select 'NIGHT|黄' as plate_key, '21' as registered_province, "
        "'active' as status, '21' as _province, null::varchar as vin"
    )
    registration_view(conn)
    return conn


def test_night_journeys_count_trips_not_passages() -> None:
    conn = _night_conn()
    rows = {
        r[0]: r[1:]
        for r in conn.execute(
            "select plate_key, n_journeys, n_night, n_area_night, len(rids), registered_province "
            f"from ({night_passages_sql()})",
            {"cluster_km": DEFAULTS["cluster_km"], "journey_gap_h": DEFAULTS["journey_gap_h"]},
        ).fetchall()
    }
    # four stations a day are one journey; coaches (never weighed) are not tested
    assert rows["NIGHT|黄"] == (10, 10, 10, 40, "21")
    assert rows["DAY|黄"][:3] == (10, 0, 0)
    assert "BUS|黄" not in rows


def _night_row(plate: str, n_journeys: int, n_night: int, n_area_night: int) -> dict:
    return {"plate_key": plate, "n_journeys": n_journeys, "n_night": n_night,
            "n_area_night": n_area_night, "rids": [f"{plate}-{i}" for i in range(n_night)],
            "stations": ["G1F1"], "provinces": ["21"], "first_at": T0, "last_at": T0,
            "registered_province": "21"}  # fmt: skip


def test_night_running_is_its_own_signal_with_its_own_evidence() -> None:
    night = [
        _night_row("NIGHT|黄", 20, 18, 12),
        _night_row("SOME|黄", 20, 9, 6),  # 45 %: ordinary
        _night_row("FEW|黄", 6, 6, 6),  # too few journeys to judge
        _night_row("ROAD|黄", 20, 18, 1),  # at night, but not around the stations
    ]
    out = evasion_findings(
        [],
        [],
        base_bypass_rate=0.01,
        base_unread_rate=0.01,
        base_night_share=0.3,
        base_area_night_share=0.3,
        night=night,
        as_of=T0.date(),
    )
    assert [f["subject_keys"] for f in out] == [["NIGHT|黄"]]
    f = out[0]
    assert f["details"]["kinds"] == ["night"] and f["legal_trigger"] is False
    assert f["details"]["night"]["p_value"] < DEFAULTS["night_max_p"]
    assert "风险信号" in f["legal_basis"] and "夜间" in f["explanation"]
    assert "18趟在夜间" in f["explanation"]
    assert set(f["evidence_record_ids"]) == {f"NIGHT|黄-{i}" for i in range(18)}
    assert 0.4 <= f["severity"] <= 0.8


def test_night_kind_joins_a_bypass_finding_without_changing_its_basis() -> None:
    base = {"n_night": 5, "rids": ["a", "b"], "stations": ["G1F1"], "provinces": ["21"],
            "first_at": T0, "last_at": T0, "registered_province": "21"}  # fmt: skip
    out = evasion_findings(
        [{"plate_key": "EV|黄", "n_bypass": 6, "n_fixed": 1, **base}],
        [],
        base_bypass_rate=0.01,
        base_unread_rate=0.01,
        base_night_share=0.3,
        base_area_night_share=0.3,
        night=[_night_row("EV|黄", 20, 18, 12)],
        as_of=T0.date(),
    )
    assert len(out) == 1 and out[0]["details"]["kinds"] == ["bypass", "night"]
    assert "第四十条" in out[0]["legal_basis"] and "风险信号" not in out[0]["legal_basis"]
    assert out[0]["severity"] == 0.8  # 0.5 + 0.05 × 6 bypasses
