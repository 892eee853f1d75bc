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


# R21 coach scheduling limits from tracks (enterprise duty) and R25 over-capacity


def _legs(plate, legs, speed=70.0):
    """Tracks of driving legs (start, minutes), one fix a minute, stops ≥ 30 min between legs."""
    pts = []
    for start, minutes in legs:
        pts += _track(plate, start, minutes, speed)
    return pts


def _r21(db, put, legs_by_plate, vtype="coach_route"):
    pts = [p for plate, legs in legs_by_plate.items() for p in _legs(plate, legs)]
    got = _run(db, put, pts, [_veh(p, vtype) for p in legs_by_plate])
    return {(p, k) for p, k in got if k in ("night_continuous", "driving_24h", "driving_7d")}


def test_r21_night_continuous_2h00_vs_2h01(db, put):
    night = datetime(2026, 5, 1, 23, 0)
    got = _r21(db, put, {"辽R00120": [(night, 120)], "辽R00121": [(night, 121)],
                         "辽R00240": [(datetime(2026, 5, 1, 20, 0), 240)]})  # fmt: skip
    assert got == {("辽R00121|黄", "night_continuous")}
    row = db.execute(
        "select driving_min, limit_min, rule_id, legal_basis, evidence_record_ids"
        " from facts.monitoring_violations where kind = 'night_continuous'"
    ).fetchall()
    assert row[0][:3] == (121.0, 120.0, "R21") and "第三十八条" in row[0][3]
    assert row[0][4] and row[0][4][0].startswith("gps:night_continuous:辽R00121|黄:")


def test_r21_24h_8h00_vs_8h01(db, put):
    d = datetime(2026, 5, 1, 6, 0)
    base = [(d, 180), (d + timedelta(hours=3, minutes=30), 180)]
    got = _r21(db, put, {"辽R00480": [*base, (d + timedelta(hours=7), 120)],
                         "辽R00481": [*base, (d + timedelta(hours=7), 121)]},
               vtype="coach_charter")  # fmt: skip
    assert got == {("辽R00481|黄", "driving_24h")}


def test_r21_7_days_44h_vs_44h01_and_not_for_trucks(db, put):
    d = datetime(2026, 4, 20, 6, 0)
    days = [(d + timedelta(days=k), 390) for k in range(6)]
    pts = _legs("辽R04400", [*days, (d + timedelta(days=6), 300)])
    pts += _legs("辽R04401", [*days, (d + timedelta(days=6), 301)])
    pts += _legs("辽T04401", [*days, (d + timedelta(days=6), 301)])
    vehicles = [_veh("辽R04400"), _veh("辽R04401"), _veh("辽T04401", "truck")]
    got = {(p, k) for p, k in _run(db, put, pts, vehicles) if k.startswith("driving_")}
    assert got == {("辽R04401|黄", "driving_7d")}
    assert db.execute(
        "select count(*) from facts.monitoring_violations where kind = 'driving_7d'"
    ).fetchall() == [(1,)]


def _with_capacity_columns(db):
    db.execute("alter table staging.vehicles add column seats bigint")
    db.execute("alter table staging.monitoring_events add column passenger_count bigint")


def test_r25_over_capacity_at_exactly_20_percent(db, put):
    _with_capacity_columns(db)
    put(db, "operators", [dict(uscc="OP1", name="某客运公司", province_code="21")])
    cases = {"辽C00050": (50, 50), "辽C00051": (50, 51), "辽C00059": (50, 59),
             "辽C00060": (50, 60), "辽C00054": (45, 54), "辽C00053": (45, 53)}  # fmt: skip
    put(db, "vehicles", [_veh(p) for p in cases])
    for plate, (seats, _) in cases.items():
        db.execute("update staging.vehicles set seats = ? where plate = ?", [seats, plate])
    put(db, "monitoring_events", [
        dict(event_id=f"c{k}", plate=plate, event_type="over_capacity",
             started_at=T0 + timedelta(hours=k), handled=True)
        for k, plate in enumerate(cases)
    ])  # fmt: skip
    for k, (_, count) in enumerate(cases.values()):
        db.execute(
            "update staging.monitoring_events set passenger_count = ? where event_id = ?",
            [count, f"c{k}"],
        )
    build_weigh_events(db)
    build_monitoring_violations(db, AS_OF)
    got = {
        r[0]: r[1:]
        for r in db.execute(
            "select plate, capacity_band, fine_min_yuan, fine_max_yuan, points, rule_id"
            " from facts.monitoring_violations v join staging.vehicles s using (plate_key)"
            " where kind = 'over_capacity'"
        ).fetchall()
    }
    low = ("超员20%以下", 200.0, 500.0, 6, "R25")
    high = ("超员20%以上", 500.0, 2000.0, 12, "R25")
    assert got == {
        "辽C00050": (None, None, None, None, "R25"),
        "辽C00051": low,
        "辽C00059": low,
        "辽C00060": high,
        "辽C00054": high,
        "辽C00053": low,
    }
    build_passenger_hazmat_operators(db, AS_OF)
    op = db.execute(
        "select alarms, over_capacity, over_capacity_high, r25_trigger, is_lead"
        " from facts.passenger_hazmat_operators"
    ).fetchall()
    # over-capacity reports are not dynamic-monitoring alarms (R28 rate unaffected)
    assert op == [(0, 5, 2, True, True)]
    text = db.execute(
        "select explanation, legal_basis from findings.passenger_hazmat_operator"
    ).fetchall()[0]
    assert "客车超员5起（其中超员20%以上2起）" in text[0] and "第九十二条" in text[1]


def test_without_optional_columns_over_capacity_has_no_band(db, put):
    """An older export without seats / passenger_count still runs (bands stay empty)."""
    put(db, "monitoring_events", [dict(event_id="c1", plate="辽C00001", event_type="over_capacity",
                                       started_at=T0, handled=True)])  # fmt: skip
    _run(db, put, [], [_veh("辽C00001")])
    assert db.execute(
        "select kind, capacity_band, passenger_count from facts.monitoring_violations"
    ).fetchall() == [("over_capacity", None, None)]
