"""Repeat-offence windows and fleet ratio in SQL at the legal edges (R09–R11)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from assets.facts.weigh import build_over_limit_violations, build_weigh_events
from assets.facts.windows import build_operator_fleet_ratios, build_repeat

AS_OF = date(2026, 10, 31)


def _setup(db, put, offences: dict[str, list[int]]):
    put(db, "stations", [dict(station_id="F1", name="沈阳北站", kind="fixed", province_code="21",
                              road="G1", calibrated_on=date(2026, 1, 1))])  # fmt: skip
    rows = []
    for plate, ages in offences.items():
        for k, age in enumerate(ages):
            rows.append(dict(record_id=f"{plate}-{k}", station_id="F1",
                             passed_at=datetime.combine(AS_OF, datetime.min.time()) - timedelta(days=age) + timedelta(hours=9),
                             plate=plate, axle_count=2, gross_kg=20000,
                             driver_id=f"D-{plate}"))  # fmt: skip
    put(db, "weigh_records", rows)
    build_weigh_events(db)
    build_over_limit_violations(db, AS_OF)


def test_three_vs_four_and_a_fourth_366_days_old(db, put):
    _setup(db, put, {
        "辽A00003": [1, 40, 80],
        "辽A00004": [1, 40, 80, 120],
        "辽A00366": [1, 40, 80, 366],
        "辽A00365": [1, 40, 80, 364],
    })  # fmt: skip
    build_repeat(db, AS_OF, kind="vehicle")
    build_repeat(db, AS_OF, kind="driver")
    got = dict(
        db.execute("select subject_key, is_repeat from facts.vehicle_repeat_offences").fetchall()
    )
    assert got == {
        "辽A00003|黄": False,
        "辽A00004|黄": True,
        "辽A00366|黄": False,
        "辽A00365|黄": True,
    }
    found = db.execute("select subject_keys[1] from findings.vehicle_repeat order by 1").fetchall()
    assert found == [("辽A00004|黄",), ("辽A00365|黄",)]
    drivers = db.execute("select subject_keys[1] from findings.driver_repeat order by 1").fetchall()
    assert drivers == [("D-辽A00004",), ("D-辽A00365",)]
    text = db.execute(
        "select explanation, legal_basis from findings.vehicle_repeat limit 1"
    ).fetchall()[0]
    assert "超过法定的3次" in text[0] and "第六十六条" in text[1]


def test_same_day_detections_count_once(db, put):
    """A continuing act detected twice on one day is one offence (count_unit: day)."""
    _setup(db, put, {"辽A00005": [1, 1, 40, 80]})
    build_repeat(db, AS_OF, kind="vehicle")
    assert db.execute(
        "select violations_12m, is_repeat from facts.vehicle_repeat_offences"
    ).fetchall() == [(3, False)]


def test_fleet_exactly_ten_percent_vs_just_over(db, put):
    fleet = [
        dict(
            plate="辽B00001",
            vehicle_type="truck",
            registered_province="21",
            operator_uscc="OP10",
            status="active",
        )
    ]
    fleet += [
        dict(
            plate=f"辽B1{i:04d}",
            vehicle_type="truck",
            registered_province="21",
            operator_uscc="OP10",
            status="active",
        )
        for i in range(9)
    ]
    fleet += [
        dict(
            plate=p,
            vehicle_type="truck",
            registered_province="21",
            operator_uscc="OP19",
            status="active",
        )
        for p in ("辽C00001", "辽C00002")
    ]
    fleet += [dict(plate=f"辽C1{i:04d}", vehicle_type="truck", registered_province="21",
                   operator_uscc="OP19", status="active") for i in range(17)]  # fmt: skip
    put(db, "vehicles", fleet)
    put(db, "operators", [dict(uscc="OP10", name="甲", province_code="21", fleet_size=10),
                          dict(uscc="OP19", name="乙", province_code="21", fleet_size=19)])  # fmt: skip
    _setup(db, put, {"辽B00001": [5], "辽C00001": [5], "辽C00002": [6]})
    build_operator_fleet_ratios(db, AS_OF)
    got = dict(db.execute("select uscc, is_trigger from facts.operator_fleet_ratios").fetchall())
    assert got == {"OP10": False, "OP19": True}
    assert db.execute("select subject_keys from findings.operator_fleet_ratio").fetchall() == [
        (["OP19"],)
    ]


def test_fleet_is_registered_active_and_declared_only_cross_checks(db, put):
    """R11 denominator = active registry vehicles; the declared size is shown and flagged."""

    def trucks(op, prefix, n, status="active"):
        return [dict(plate=f"{prefix}{i:04d}", vehicle_type="truck", registered_province="21",
                     operator_uscc=op, status=status) for i in range(n)]  # fmt: skip

    # SHELL: 20 active, declares 5 (tiny) -> 2/20 = exactly 10 %: no lead (20 % by declared)
    # STALE: 10 active + 5 revoked, declares 30 -> 2/10 = 20 %: lead (6.7 % by declared)
    put(db, "vehicles", trucks("SHELL", "辽D1", 20) + trucks("STALE", "辽E1", 10)
        + trucks("STALE", "辽E9", 5, status="revoked"))  # fmt: skip
    put(db, "operators", [dict(uscc="SHELL", name="丙", province_code="21", fleet_size=5),
                          dict(uscc="STALE", name="丁", province_code="21", fleet_size=30)])  # fmt: skip
    _setup(db, put, {"辽D10000": [5], "辽D10001": [6], "辽E10000": [5], "辽E90000": [7]})
    build_operator_fleet_ratios(db, AS_OF)
    got = {
        r[0]: r[1:]
        for r in db.execute(
            "select uscc, fleet, fleet_declared, violating_vehicles, is_trigger, fleet_divergence "
            "from facts.operator_fleet_ratios"
        ).fetchall()
    }
    assert got == {"SHELL": (20, 5, 2, False, True), "STALE": (10, 30, 2, True, True)}
    text = db.execute("select explanation from findings.operator_fleet_ratio").fetchall()
    assert len(text) == 1 and "申报车辆数30辆" in text[0][0] and "有效车辆10辆" in text[0][0]
