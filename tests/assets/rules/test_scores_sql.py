"""Risk scores in SQL: insufficient ≠ low, the score sits in its interval, more violations score higher."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from assets.facts.monitoring import build_monitoring_violations
from assets.facts.weigh import build_over_limit_violations, build_weigh_events
from assets.scores.risk import build_risk_scores

AS_OF = date(2026, 10, 31)


def test_scores(db, put):
    put(db, "stations", [dict(station_id="F1", kind="fixed", province_code="21", road="G1",
                              calibrated_on=date(2026, 1, 1))])  # fmt: skip
    rows = []
    spec = {"辽A00001": (20, 0), "辽A00002": (20, 2), "辽A00003": (20, 6), "辽A00009": (2, 1)}
    for plate, (n, bad) in spec.items():
        for k in range(n):
            gross = 24000 if k < bad else 17000
            rows.append(dict(record_id=f"{plate}-{k}", station_id="F1", plate=plate, axle_count=2,
                             passed_at=datetime(2026, 10, 1, 8) - timedelta(days=3 * k),
                             gross_kg=gross))  # fmt: skip
    put(db, "weigh_records", rows)
    put(db, "vehicles", [dict(plate=p, vehicle_type="truck", registered_province="21",
                              status="active") for p in spec])  # fmt: skip
    build_weigh_events(db)
    build_over_limit_violations(db, AS_OF)
    build_monitoring_violations(db, AS_OF)
    build_risk_scores(db, AS_OF)
    got = {
        r[0]: r[1:]
        for r in db.execute(
            "select entity_key, status, score, score_lo, score_hi, breakdown_zh, top_contributions"
            " from scores.risk_scores where entity_kind = 'vehicle'"
        ).fetchall()
    }
    assert got["辽A00009|黄"][0] == "insufficient" and got["辽A00009|黄"][1] is None
    assert "数据不足" in got["辽A00009|黄"][4]
    s1, s2, s3 = (got[f"辽A0000{i}|黄"][1] for i in (1, 2, 3))
    assert s1 < s2 < s3
    for key in ("辽A00001|黄", "辽A00002|黄", "辽A00003|黄"):
        status, score, lo, hi, text, _ = got[key]
        assert status == "scored" and lo <= score <= hi
    assert "超限" in got["辽A00003|黄"][4]
