"""登记不符 / 大吨小标 / 称重作弊 signals at their boundaries."""

from __future__ import annotations

import datetime as dt

from models.patterns.registration import DEFAULTS, mismatch_sql, registration_findings

from ._passages import T0, make_passages


def _kinds(conn) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for plate, kind in conn.execute(
        f"select plate_key, kind from ({mismatch_sql()})", DEFAULTS
    ).fetchall():
        out.setdefault(plate, set()).add(kind)
    return out


def _w(plate, day, **kw):
    return {
        "plate_key": plate,
        "station_kind": "wim",
        "passed_at": T0 + dt.timedelta(days=day),
        **kw,
    }


def test_axles_blue_plate_and_gvw() -> None:
    rows = []
    for d in range(5):
        rows.append(
            _w("A|黄", d, axle_count=6, reg_axle_count=2, gross_kg=40000, reg_total_mass_kg=18000)
        )
        rows.append(
            _w("B|蓝", d, axle_count=2, reg_axle_count=2, gross_kg=9010, reg_total_mass_kg=4495)
        )
        rows.append(
            _w("C|蓝", d, axle_count=2, reg_axle_count=2, gross_kg=9000, reg_total_mass_kg=4495)
        )
        # legal loads 1.5× the registered mass: 大吨小标
        rows.append(
            _w(
                "D|黄",
                d,
                axle_count=5,
                reg_axle_count=5,
                gross_kg=36000,
                reg_total_mass_kg=24000,
                limit_kg=43000,
            )
        )
        # overloaded trips only: an overloader, not a mis-registered truck
        rows.append(
            _w(
                "E|黄",
                d,
                axle_count=5,
                reg_axle_count=5,
                gross_kg=60000,
                reg_total_mass_kg=43000,
                limit_kg=43000,
                over_limit=True,
            )
        )
    kinds = _kinds(make_passages(rows))
    assert kinds["A|黄"] == {"axles"}  # the registered mass follows the wrong axle count
    assert kinds["B|蓝"] == {"blue_plate_heavy"}
    assert "C|蓝" not in kinds  # exactly 2 × 4.5 t is not ≫ 4.5 t
    assert kinds["D|黄"] == {"gvw_over_registered"}
    assert "E|黄" not in kinds


def test_weight_divergence_needs_a_device_pattern() -> None:
    rows = []
    for d in range(3):
        t = T0 + dt.timedelta(days=d)
        # 飞机轮: WIM reads 28 % low on every trip, legal static weight
        rows.append({"plate_key": "F|黄", "station_kind": "wim", "passed_at": t, "gross_kg": 28800})
        rows.append(
            {
                "plate_key": "F|黄",
                "station_kind": "fixed",
                "passed_at": t + dt.timedelta(minutes=8),
                "gross_kg": 40000,
                "tolerance_pct": 0.0,
            }
        )
        # within tolerance (5 % + 5 % margin)
        rows.append({"plate_key": "G|黄", "station_kind": "wim", "passed_at": t, "gross_kg": 36500})
        rows.append(
            {
                "plate_key": "G|黄",
                "station_kind": "fixed",
                "passed_at": t + dt.timedelta(minutes=8),
                "gross_kg": 40000,
                "tolerance_pct": 0.0,
            }
        )
    kinds = _kinds(make_passages(rows))
    assert kinds.get("F|黄") == {"weight_divergence"}
    assert "G|黄" not in kinds


def test_weight_divergence_needs_one_physical_vehicle() -> None:
    """A dynamic and a static weighing the same truck cannot link (reachable only above the
    clone detector's speed) are two vehicles under one plate (套牌), not a weighing device: the
    same 28 % gap 8 minutes and 2 km apart is a device; 8 minutes and 300 km apart is not."""
    rows = []
    for d in range(3):
        t = T0 + dt.timedelta(days=d)
        for plate, static_lat in (("NEAR|黄", 41.018), ("FAR|黄", 43.7)):
            rows.append(
                {
                    "plate_key": plate,
                    "station_kind": "wim",
                    "passed_at": t,
                    "gross_kg": 28800,
                    "lat": 41.0,
                    "lon": 123.0,
                }
            )
            rows.append(
                {
                    "plate_key": plate,
                    "station_kind": "fixed",
                    "passed_at": t + dt.timedelta(minutes=8),
                    "gross_kg": 40000,
                    "tolerance_pct": 0.0,
                    "lat": static_lat,
                    "lon": 123.0,
                }
            )
    kinds = _kinds(make_passages(rows))
    assert kinds.get("NEAR|黄") == {"weight_divergence"}
    assert "FAR|黄" not in kinds


def test_findings_text_cites_the_law() -> None:
    rows = [
        _w("A|黄", d, axle_count=6, reg_axle_count=2, gross_kg=40000, reg_total_mass_kg=18000)
        for d in range(3)
    ]
    conn = make_passages(rows)
    cur = conn.execute(mismatch_sql(), DEFAULTS)
    cols = [c[0] for c in cur.description]
    found = [
        dict(zip(cols, r, strict=True)) | {"registered_province": "21"} for r in cur.fetchall()
    ]
    (f,) = registration_findings(found, as_of=dt.date(2026, 6, 1))
    assert f["finding_key"] == "registration_mismatch:A|黄"
    assert "第四十五条" in f["legal_basis"] and "第六十九条" in f["legal_basis"]
    assert "6轴" in f["explanation"] and "2轴" in f["explanation"]
    assert len(f["evidence_record_ids"]) == 3


def test_origin_provinces_do_not_depend_on_row_order() -> None:
    """The provinces a finding is routed to come out sorted, whatever order the rows arrive in."""
    rows = [
        _w("A|黄", d, axle_count=6, reg_axle_count=2, gross_kg=40000, station_province=prov)
        for d, prov in enumerate(["23", "15", "21", "22", "23", "15"])
    ]
    seen = set()
    for order in (rows, rows[::-1], rows[2:] + rows[:2]):
        conn = make_passages(order)
        got = conn.execute(
            f"select origin_provinces from ({mismatch_sql()}) where kind = 'axles'", DEFAULTS
        ).fetchall()
        seen.add(tuple(got[0][0]))
    assert seen == {("15", "21", "22", "23")}
