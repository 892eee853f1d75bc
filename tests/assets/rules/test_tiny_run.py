"""The rules area inside the whole pipeline (lead's `tiny_run`): findings from ingested, messy
exports still match the generator's truth exactly for the legal thresholds."""

from __future__ import annotations

import json

import duckdb
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run_db(tiny_run, tiny_world):
    truth = json.loads((tiny_world / "_truth" / "truth.json").read_text(encoding="utf-8"))
    conn = duckdb.connect(str(tiny_run / "xiansuo.duckdb"), read_only=True)
    yield conn, truth
    conn.close()


@pytest.mark.parametrize(
    "lead_type", ["vehicle_repeat", "driver_repeat", "operator_fleet_ratio", "source_overloading"]
)
def test_pipeline_findings_match_truth(run_db, lead_type):
    conn, truth = run_db
    got = {
        r[0] for r in conn.execute(f"select subject_keys[1] from findings.{lead_type}").fetchall()
    }
    if lead_type == "source_overloading":
        assert got <= set(truth[lead_type])
    else:
        assert got == set(truth[lead_type])


def test_pipeline_scores_and_fanout(run_db):
    conn, _ = run_db
    bad = conn.execute(
        "select count(*) from scores.risk_scores where status = 'scored'"
        " and not (score_lo <= score and score <= score_hi)"
    ).fetchall()[0][0]
    assert bad == 0
    kinds = conn.execute("select distinct subject_kind from facts.over_limit_fanout").fetchall()
    assert {k for (k,) in kinds} == {"vehicle", "driver", "operator", "source"}


def test_every_monitoring_violation_kind_has_a_severity(run_db):
    """A kind without a scoring weight would silently count as a clean day in the risk score."""
    conn, _ = run_db
    kinds = {
        r[0]
        for r in conn.execute("select distinct kind from facts.monitoring_violations").fetchall()
    }
    weighted = {
        r[0] for r in conn.execute("select kind from scores.rule_monitoring_severity").fetchall()
    }
    assert kinds, "the tiny world produces monitoring violations"
    assert kinds <= weighted, sorted(kinds - weighted)
