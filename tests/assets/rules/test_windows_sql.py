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


# Licence-anniversary anchor (R09/R10 `window_anchor`): a configurable [U] option


def _book_with(**params):
    """The rule book with R09 and R10 params changed (the file stays as it is)."""
    import dataclasses

    from models.rules import load_rules

    book = load_rules()
    rules = dict(book.rules)
    for rid in ("R09", "R10"):
        rules[rid] = dataclasses.replace(rules[rid], params={**rules[rid].params, **params})
    return dataclasses.replace(book, rules=rules)


def _first_issue_columns(db, vehicles: dict, drivers: dict) -> None:
    db.execute("alter table staging.vehicles add column cert_first_issued_on date")
    db.execute("alter table staging.drivers add column qualification_first_issued_on date")
    for plate, first in vehicles.items():
        db.execute(
            "insert into staging.vehicles (plate, plate_color, plate_key, vehicle_type,"
            " registered_province, status, cert_first_issued_on, _province)"
            " values (?, '黄', ? || '|黄', 'truck', '21', 'active', ?, '21')",
            [plate, plate, first],
        )
    for driver, first in drivers.items():
        db.execute(
            "insert into staging.drivers (driver_id, qualification_first_issued_on, _province)"
            " values (?, ?, '21')",
            [driver, first],
        )


def test_switching_the_anchor_changes_exactly_the_expected_findings(db, put, monkeypatch):
    import assets.facts.windows as windows

    # ages in days before as_of 2026-10-31; cycle anniversaries relative to as_of
    _setup(db, put, {
        "辽A10001": [1, 40, 80, 120],      # first issue 2015-07-04 → cycle from 2026-07-04: 3
        "辽A10002": [1, 40, 80, 120],      # first issue 2015-07-03 = day 120 (cycle start): 4
        "辽A10003": [1, 40, 80, 120],      # unknown first issue → rolling fallback: 4
        "辽A10004": [1, 40, 80, 300],      # first issue 2020-02-29 → cycle from 2026-03-01: 3
        "辽A10005": [1, 40, 80, 120, 200],  # first issue 2012-01-05 → cycle from 2026-01-05: 5
    })  # fmt: skip
    _first_issue_columns(
        db,
        {
            "辽A10001": date(2015, 7, 4),
            "辽A10002": date(2015, 7, 3),
            "辽A10004": date(2020, 2, 29),
            "辽A10005": date(2012, 1, 5),
        },
        {"D-辽A10001": date(2015, 7, 4), "D-辽A10003": date(2019, 7, 4)},
    )

    def run():
        build_repeat(db, AS_OF, kind="vehicle")
        build_repeat(db, AS_OF, kind="driver")
        return (
            {r[0] for r in db.execute("select subject_keys[1] from findings.vehicle_repeat").fetchall()},
            {r[0] for r in db.execute("select subject_keys[1] from findings.driver_repeat").fetchall()},
        )  # fmt: skip

    rolling_v, rolling_d = run()
    assert rolling_v == {f"辽A1000{i}|黄" for i in range(1, 6)}
    assert rolling_d == {f"D-辽A1000{i}" for i in range(1, 6)}

    monkeypatch.setattr(
        windows, "load_rules", lambda: _book_with(window_anchor="licence_anniversary")
    )
    anniv_v, anniv_d = run()
    assert rolling_v - anniv_v == {"辽A10001|黄", "辽A10004|黄"}
    assert anniv_v == {"辽A10002|黄", "辽A10003|黄", "辽A10005|黄"}
    # drivers: D-辽A10001 and D-辽A10003 have cycles from 2026-07-04 (3 each: dropped); the
    # others have no date and fall back to rolling
    assert rolling_d - anniv_d == {"D-辽A10001", "D-辽A10003"}
    used = dict(
        db.execute(
            "select subject_key, window_anchor_used from facts.vehicle_repeat_offences"
        ).fetchall()
    )
    assert (
        used["辽A10003|黄"] == "rolling_fallback" and used["辽A10002|黄"] == "licence_anniversary"
    )
    rows = dict(
        db.execute("select subject_keys[1], explanation from findings.vehicle_repeat").fetchall()
    )
    assert "初次领取日期不详，按滚动12个月计算" in rows["辽A10003|黄"]
    assert (
        "自道路运输证初次领取日2015-07-03起按周年计算，2026-07-03至2026-10-31"
        in rows["辽A10002|黄"]
    )
    assert "非法定依据" in rows["辽A10002|黄"]
    details = db.execute(
        "select details->>'window_anchor_used' from findings.vehicle_repeat"
        " where subject_keys[1] = '辽A10003|黄'"
    ).fetchall()
    assert details == [("rolling_fallback",)]


def test_anniversary_sql_matches_python(db, put, monkeypatch):
    """The SQL cycle equals models.windows.anniversary_cycle (random first issues, leap days)."""
    import random

    import assets.facts.windows as windows
    from models.windows import anniversary_cycle

    rnd = random.Random(7)
    firsts = [date(2020, 2, 29), date(2016, 2, 29), date(2025, 10, 31), date(2026, 10, 31)]
    firsts += [date(2008, 1, 1) + timedelta(days=rnd.randrange(0, 6860)) for _ in range(40)]
    plates = {f"辽B2{k:04d}": f for k, f in enumerate(firsts)}
    _setup(db, put, {p: [rnd.randrange(0, 360) for _ in range(3)] for p in plates})
    _first_issue_columns(db, plates, {})
    for mode in ("mar1", "feb28"):
        book = _book_with(window_anchor="licence_anniversary", leap_day_anniversary=mode)
        monkeypatch.setattr(windows, "load_rules", lambda book=book: book)
        build_repeat(db, AS_OF, kind="vehicle")
        got = dict(
            db.execute(
                "select subject_key, window_start + 1 from facts.vehicle_repeat_offences"
            ).fetchall()
        )
        days = {
            r[0]: r[1]
            for r in db.execute(
                "select plate_key, list(cast(passed_at as date)) from staging.weigh_records"
                " group by plate_key"
            ).fetchall()
        }
        for plate, first in plates.items():
            start, _ = anniversary_cycle(first, AS_OF, mode)
            key = f"{plate}|黄"
            if any(start <= d <= AS_OF for d in days[key]):
                assert got[key] == start, (plate, first, mode)
            else:
                assert key not in got
