"""The weighing SQL agrees with the pure legal formulas at every R01 boundary, merges passages,
keeps WIM→static links and applies the evidence (R35) and limitation (R34) gates."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from assets.facts.weigh import (
    build_over_limit_violations,
    build_weigh_events,
    build_wim_static_links,
)
from models.fines import mass_fine_yuan
from models.limits import assess_mass, gvw_limit_kg

CONFIGS = [
    (2, False, False),
    (3, False, False),
    (3, True, False),
    (4, False, False),
    (4, True, False),
    (5, True, False),
    (6, True, False),
    (6, True, True),
]
T0 = datetime(2026, 9, 1, 8, 0)


def _stations(db, put):
    put(db, "stations", [
        dict(station_id="F1", name="沈阳北站", kind="fixed", province_code="21", road="G1",
             lon=123.0, lat=41.8, calibrated_on=date(2026, 1, 10)),
        dict(station_id="W1", name="G1不停车检测点", kind="wim", province_code="21", road="G1",
             lon=123.2, lat=41.9, calibrated_on=date(2026, 3, 1)),
        dict(station_id="W9", kind="wim", province_code="22", road="G12", lon=126.5, lat=43.8),
        dict(station_id="F9", kind="fixed", province_code="22", road="G12", lon=126.6, lat=43.9,
             calibrated_on=date(2024, 1, 1)),
    ])  # fmt: skip


def test_sql_limits_match_pure_formulas_at_every_boundary(db, put):
    _stations(db, put)
    rows, expected = [], {}
    for i, (axles, combo, sdrive) in enumerate(CONFIGS):
        limit = gvw_limit_kg(axles, combo, sdrive)
        for j, (station, gross) in enumerate([
            ("F1", limit), ("F1", limit + 1), ("W1", int(limit * 1.05)),
            ("W1", int(limit * 1.05) + 1), ("F1", limit + 1000), ("F1", limit + 1001),
        ]):  # fmt: skip
            rid = f"r{i}_{j}"
            rows.append(dict(record_id=rid, station_id=station, passed_at=T0 + timedelta(hours=i),
                             plate=f"辽A{i}{j}000", axle_count=axles, is_combination=combo,
                             single_drive_axle=sdrive, gross_kg=gross))  # fmt: skip
            tol = 0.0 if station == "F1" else 5.0
            expected[f"21:{rid}"] = (limit, assess_mass(gross, limit, tol))
    put(db, "weigh_records", rows)
    build_weigh_events(db)
    got = db.execute(
        "select event_id, limit_kg, excess_kg, net_excess_kg, over_limit, within_tolerance,"
        " fine_estimate_yuan, sanction, tolerance_pct from facts.weigh_events"
    ).fetchall()
    assert len(got) == len(expected)
    for event_id, limit, excess, net, over, within, fine, sanction, _tol in got:
        exp_limit, exp = expected[event_id]
        assert limit == exp_limit, event_id
        assert excess == exp.excess_kg and over == exp.over_limit, event_id
        assert net == pytest.approx(exp.net_excess_kg, abs=0.1), event_id
        assert within == exp.within_tolerance, event_id
        exp_sanction, exp_fine = mass_fine_yuan(exp.net_excess_kg)
        assert (sanction, fine) == (exp_sanction, exp_fine), event_id


def test_passages_merge_and_wim_static_link(db, put):
    """Re-reads at one station are one passage; a WIM and the fixed station downstream within
    the merge window are one event (primary = static); the WIM→static link is kept."""
    _stations(db, put)
    base = dict(plate="辽A12345", axle_count=6, is_combination=True, single_drive_axle=False)
    put(db, "weigh_records", [
        dict(record_id="a1", station_id="W1", passed_at=T0, gross_kg=56000, **base),
        dict(record_id="a2", station_id="W1", passed_at=T0 + timedelta(minutes=3), gross_kg=55800, **base),
        dict(record_id="a3", station_id="F1", passed_at=T0 + timedelta(minutes=25), gross_kg=57200, **base),
        dict(record_id="a4", station_id="F1", passed_at=T0 + timedelta(minutes=30), gross_kg=48000, **base),
        dict(record_id="a5", station_id="F1", passed_at=T0 + timedelta(days=1), gross_kg=48000, **base),
    ])  # fmt: skip
    build_weigh_events(db)
    events = db.execute(
        "select event_id, rids, gross_kg, over_limit from facts.weigh_events order by passed_at"
    ).fetchall()
    assert events[0][0] == "21:a3"
    assert sorted(events[0][1]) == ["21:a1", "21:a2", "21:a3", "21:a4"]
    assert events[0][2] == 57200 and events[0][3]  # the heaviest reading, never rewritten
    assert len(events) == 2
    assert build_wim_static_links(db) == 1
    link = db.execute(
        "select wim_event_id, static_event_id, wim_over_limit, static_over_limit, merged"
        " from facts.wim_static_links"
    ).fetchall()
    assert link == [("21:a1", "21:a3", True, True, True)]


@pytest.mark.parametrize("ids", [("b1", "b2", "b3"), ("b3", "b2", "b1")])
def test_reads_at_the_same_instant_share_a_passage(db, put, ids):
    """Two reads at the same instant are one passage whichever comes first in the sort; an earlier
    read more than the merge window before them stays a passage of its own."""
    _stations(db, put)
    base = dict(plate="辽A54321", axle_count=6, is_combination=True, single_drive_axle=False)
    first, tie_a, tie_b = ids
    put(db, "weigh_records", [
        dict(record_id=first, station_id="F1", passed_at=T0, gross_kg=40000, **base),
        dict(record_id=tie_a, station_id="F1", passed_at=T0 + timedelta(hours=1), gross_kg=41000, **base),
        dict(record_id=tie_b, station_id="F1", passed_at=T0 + timedelta(hours=1), gross_kg=42000, **base),
    ])  # fmt: skip
    out = build_weigh_events(db)
    events = db.execute(
        "select event_id, rids, gross_kg from facts.weigh_events order by passed_at"
    ).fetchall()
    assert events == [
        (f"21:{first}", [f"21:{first}"], 40000),
        (f"21:{tie_b}", sorted([f"21:{tie_a}", f"21:{tie_b}"]), 42000),
    ]
    assert out["passages"] == 2


def test_next_static_is_judged_by_its_own_station(db, put):
    """The WIM→static link takes the road and position of the very next fixed station: one with
    no road on record, far from the WIM, is not downstream — even when a later fixed station on
    the WIM's road follows (its road must not stand in for the missing one)."""
    _stations(db, put)
    put(db, "stations", [
        dict(station_id="FX", kind="fixed", province_code="21", lon=125.0, lat=45.0,
             calibrated_on=date(2026, 1, 10)),
    ])  # fmt: skip
    base = dict(plate="辽A67890", axle_count=6, is_combination=True, single_drive_axle=False)
    put(db, "weigh_records", [
        dict(record_id="n1", station_id="W1", passed_at=T0, gross_kg=50000, **base),
        dict(record_id="n2", station_id="FX", passed_at=T0 + timedelta(minutes=20), gross_kg=50000, **base),
        dict(record_id="n3", station_id="F1", passed_at=T0 + timedelta(hours=3), gross_kg=50000, **base),
    ])  # fmt: skip
    build_weigh_events(db)
    link = db.execute(
        "select wim_event_id, static_event_id, coalesce(downstream, false)"
        " from facts.wim_next_static"
    ).fetchall()
    assert link == [("21:n1", "21:n2", False)]
    events = db.execute("select event_id from facts.weigh_events order by passed_at").fetchall()
    assert events == [("21:n1",), ("21:n2",), ("21:n3",)]  # nothing absorbed


def test_evidence_gate_and_limitation(db, put):
    """R35: no or expired calibration → lead only; R34: older than 2 years → not penalty-eligible."""
    _stations(db, put)
    base = dict(axle_count=2, is_combination=False, single_drive_axle=False, gross_kg=25000)
    put(db, "weigh_records", [
        dict(record_id="e1", station_id="F1", passed_at=T0, plate="辽B00001", **base),
        dict(record_id="e2", station_id="W9", passed_at=T0, plate="辽B00002", **base),
        dict(record_id="e3", station_id="F9", passed_at=T0, plate="辽B00003", **base),
        dict(record_id="e4", station_id="F1", passed_at=datetime(2024, 5, 1), plate="辽B00004", **base),
    ])  # fmt: skip
    build_weigh_events(db)
    ok = dict(db.execute("select event_id, evidence_ok from facts.weigh_events").fetchall())
    assert ok == {"21:e1": True, "21:e2": False, "21:e3": False, "21:e4": False}
    build_over_limit_violations(db, date(2026, 9, 3))
    rows = dict(
        db.execute(
            "select event_id, struct_pack(limitation_expired, penalty_eligible)"
            " from facts.over_limit_violations"
        ).fetchall()
    )
    assert rows["21:e1"] == {"limitation_expired": False, "penalty_eligible": True}
    assert rows["21:e4"]["limitation_expired"] is True
    assert rows["21:e2"]["penalty_eligible"] is False


def test_fanout_four_subjects(db, put):
    """一超四罚: a confirmed case yields vehicle, driver, operator and source rows (R44)."""
    _stations(db, put)
    put(db, "vehicles", [dict(plate="辽C11111", vehicle_type="truck", axle_count=2,
                              registered_province="21", operator_uscc="U1", status="active")])  # fmt: skip
    put(db, "loadings", [dict(waybill_id="YD1", source_id="SRC1", plate="辽C11111",
                              loaded_at=T0 - timedelta(hours=1))])  # fmt: skip
    put(db, "weigh_records", [dict(record_id="f1", station_id="F1", passed_at=T0, plate="辽C11111",
                                   axle_count=2, gross_kg=21000, waybill_id="YD1",
                                   driver_id="210102199001011234")])  # fmt: skip
    build_weigh_events(db)
    build_over_limit_violations(db, date(2026, 9, 3))
    fan = db.execute(
        "select subject_kind, subject_key from facts.over_limit_fanout order by subject_kind"
    ).fetchall()
    assert fan == [
        ("driver", "210102199001011234"),
        ("operator", "U1"),
        ("source", "SRC1"),
        ("vehicle", "辽C11111|黄"),
    ]
