"""套牌 logic: speed feasibility with road factor and clock skew, track splitting, SQL."""

from __future__ import annotations

import datetime as dt

import duckdb

from models.patterns.clones import (
    Sighting,
    axle_conflicts_sql,
    feasible,
    great_circle_km,
    impossible_pairs_sql,
    split_tracks,
)

SHENYANG = (41.80, 123.43)
HARBIN = (45.80, 126.53)  # ~520 km from Shenyang
T0 = dt.datetime(2026, 5, 1, 8, 0).timestamp()


def _s(rid, minutes, where, axles=None):
    return Sighting(rid, T0 + minutes * 60, where[0], where[1], axles)


def test_great_circle_shenyang_harbin() -> None:
    assert 500 < great_circle_km(*SHENYANG, *HARBIN) < 540


def test_speed_boundary_with_road_factor_and_skew() -> None:
    """520 km × 1.2 = 624 road km: feasible in ≥ 4h10m (150 km/h) incl. 5 min skew."""
    km = great_circle_km(*SHENYANG, *HARBIN) * 1.2
    limit_min = km / 150 * 60 - 5
    a = _s("a", 0, SHENYANG)
    assert feasible(a, _s("b", limit_min + 1, HARBIN))
    assert not feasible(a, _s("b", limit_min - 1, HARBIN))


def test_short_hops_are_always_feasible() -> None:
    """Neighbouring gantries (< min_km) never make a clone, whatever the clocks say."""
    a = _s("a", 0, SHENYANG)
    b = Sighting("b", T0 + 1, SHENYANG[0] + 0.05, SHENYANG[1])
    assert feasible(a, b)


def test_split_tracks_separates_two_vehicles() -> None:
    seq = [
        _s("s1", 0, SHENYANG, 6),
        _s("h1", 60, HARBIN, 3),  # impossible after s1
        _s("s2", 120, SHENYANG, 6),
        _s("h2", 180, HARBIN, 3),
        _s("s3", 24 * 60, SHENYANG),  # ANPR read, no axles: joins the nearby track
    ]
    tracks = split_tracks(seq)
    assert tracks == [["s1", "s2", "s3"], ["h1", "h2"]]


def test_split_tracks_keeps_one_vehicle_whole() -> None:
    seq = [_s("a", 0, SHENYANG, 6), _s("b", 6 * 60, HARBIN, 6), _s("c", 12 * 60, SHENYANG, 6)]
    assert split_tracks(seq) == [["a", "b", "c"]]


def _passages(conn, rows):
    conn.execute("create schema if not exists patterns")
    conn.execute(
        "create table patterns.passages (rid varchar, plate_key varchar, station_id varchar,"
        " station_kind varchar, lat double, lon double, passed_at timestamp, axle_count bigint,"
        " reg_axle_count bigint, plate_readable boolean, plate_confidence double)"
    )
    conn.executemany("insert into patterns.passages values (?,?,?,?,?,?,?,?,?,?,?)", rows)


def test_impossible_pairs_sql_ignores_low_confidence_reads() -> None:
    t = dt.datetime(2026, 5, 1, 8, 0)
    conn = duckdb.connect()
    _passages(
        conn,
        [
            ("r1", "辽A1|黄", "S", "fixed", *SHENYANG, t, 6, 6, True, None),
            ("r2", "辽A1|黄", "H", "anpr", *HARBIN, t + dt.timedelta(hours=1), None, 6, True, 0.95),
            ("r3", "辽B2|黄", "S", "fixed", *SHENYANG, t, 6, 6, True, None),
            ("r4", "辽B2|黄", "H", "anpr", *HARBIN, t + dt.timedelta(hours=1), None, 6, True, 0.5),
        ],
    )
    params = {
        "max_speed_kmh": 150.0,
        "road_factor": 1.2,
        "clock_skew_min": 5.0,
        "source_skew_min": 30.0,
        "min_confidence": 0.8,
        "min_km": 15.0,
    }
    rows = conn.execute(impossible_pairs_sql(), params).fetchall()
    assert len(rows) == 1 and rows[0][0] == "辽A1|黄"


def test_axle_conflicts_need_both_counts_interleaved() -> None:
    t = dt.datetime(2026, 5, 1)
    rows = []
    for i, axles in enumerate([6, 3, 6, 3, 6]):
        rows.append(
            (
                f"a{i}",
                "辽A1|黄",
                "S",
                "wim",
                *SHENYANG,
                t + dt.timedelta(days=i),
                axles,
                6,
                True,
                None,
            )
        )
    # a consistently different count is a registration mismatch, not a clone
    for i in range(4):
        rows.append(
            (f"b{i}", "辽B2|黄", "S", "wim", *SHENYANG, t + dt.timedelta(days=i), 3, 6, True, None)
        )
    conn = duckdb.connect()
    _passages(conn, rows)
    found = conn.execute(axle_conflicts_sql(), {"min_conflicts": 2}).fetchall()
    assert [r[0] for r in found] == ["辽A1|黄"]
