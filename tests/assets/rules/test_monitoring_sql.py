"""两客一危 SQL at the legal edges: fatigue 4 h 00 / 4 h 01, 19 / 20-minute rest, night ban."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from assets.facts.monitoring import build_monitoring_violations, build_passenger_hazmat_operators
from assets.facts.weigh import build_weigh_events

AS_OF = date(2026, 5, 2)
T0 = datetime(2026, 5, 1, 8, 0)


def _track(plate, start, minutes, speed=70.0):
    return [dict(plate=plate, ts=start + timedelta(minutes=m), lon=123 + m * 0.01, lat=41.0,
                 speed_kmh=speed) for m in range(minutes + 1)]  # fmt: skip


def _run(db, put, points, vehicles):
    put(db, "vehicles", vehicles)
    put(db, "gps_points", points)
    build_weigh_events(db)
    build_monitoring_violations(db, AS_OF)
    return db.execute(
        "select plate_key, kind from facts.monitoring_violations where source = 'track'"
        " order by plate_key, kind"
    ).fetchall()


def _veh(plate, vtype="coach_charter"):
    return dict(
        plate=plate,
        vehicle_type=vtype,
        registered_province="21",
        operator_uscc="OP1",
        status="active",
    )


def test_fatigue_edges(db, put):
    pts = _track("辽A00240", T0, 240) + _track("辽A00241", T0, 241)
    rest = {}
    for plate, rest_min in (("辽A00019", 19), ("辽A00020", 20)):
        rest[plate] = rest_min
        pts += _track(plate, T0, 150)
        pts += [dict(plate=plate, ts=T0 + timedelta(minutes=150 + m), lon=124.5, lat=41.0,
                     speed_kmh=0.0) for m in range(1, rest_min)]  # fmt: skip
        pts += _track(plate, T0 + timedelta(minutes=150 + rest_min), 150)
    got = _run(db, put, pts, [_veh(p) for p in ("辽A00240", "辽A00241", "辽A00019", "辽A00020")])
    fatigue = {p for p, k in got if k == "fatigue"}
    assert fatigue == {"辽A00241|黄", "辽A00019|黄"}


def test_night_ban_edges(db, put):
    pts = []
    for plate, hh, mm in (("辽N00159", 1, 59), ("辽N00200", 2, 0), ("辽N00500", 5, 0)):
        pts += [
            dict(plate=plate, ts=datetime(2026, 5, 1, hh, mm), lon=123.0, lat=41.0, speed_kmh=60.0)
        ]
    got = _run(db, put, pts, [_veh(p, "coach_route") for p in ("辽N00159", "辽N00200", "辽N00500")])
    assert [p for p, k in got if k == "night_ban"] == ["辽N00200|黄"]


def test_alarm_handling_rate_operator_finding(db, put):
    put(db, "operators", [dict(uscc="OP1", name="某客运公司", province_code="21",
                               scope="passenger_route")])  # fmt: skip
    put(db, "monitoring_events", [
        dict(event_id=f"m{i}", plate="辽A00001", event_type="offline",
             started_at=T0 + timedelta(hours=i), handled=i > 0) for i in range(9)
    ])  # fmt: skip
    _run(db, put, [], [_veh("辽A00001")])
    build_passenger_hazmat_operators(db, AS_OF)
    row = db.execute(
        "select subject_keys, legal_trigger, legal_basis, explanation"
        " from findings.passenger_hazmat_operator"
    ).fetchall()
    assert row[0][0] == ["OP1"] and row[0][1]
    assert "第三十五条" in row[0][2] and "88.9%" in row[0][3]
