"""The pattern assets inside the whole pipeline (ingested staging, rules' weigh_events)."""

from __future__ import annotations

from pathlib import Path

import duckdb

LEAD_TYPES = (
    "cloned_plate",
    "convoy",
    "network_cluster",
    "registration_mismatch",
    "station_evasion",
    "high_risk_vehicle",
)


def test_pattern_findings_exist_after_a_full_run(tiny_run: Path) -> None:
    with duckdb.connect(str(tiny_run / "xiansuo.duckdb"), read_only=True) as conn:
        for lead_type in LEAD_TYPES:
            conn.execute(f"select count(*) from findings.{lead_type}").fetchone()
        scores = dict(
            conn.execute(
                "select detector, f1 from patterns.evaluation where f1 is not null"
            ).fetchall()
        )
    assert scores, "the evaluation found the generator's truth"
    for det in ("cloned_plate", "registration_mismatch", "station_evasion"):
        assert scores[det] >= 0.9, (det, scores[det])
    assert (tiny_run / "out" / "models" / "evaluation.md").exists()
