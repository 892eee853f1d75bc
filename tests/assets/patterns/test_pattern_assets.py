"""Materialise the pattern assets with Dagster into a temp DuckDB (staging loaded from the
tiny world's canonical copy) and check the findings contract and the truth scores."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from assets.patterns import ASSETS, CHECKS
from models.patterns.common import FINDINGS_COLUMNS
from pipelines.resources import XiansuoSettings

TABLES = ("stations", "weigh_records", "vehicles", "operators", "drivers", "sources", "loadings")
LEAD_TYPES = (
    "cloned_plate",
    "convoy",
    "network_cluster",
    "registration_mismatch",
    "station_evasion",
    "high_risk_vehicle",
)


@pytest.fixture(scope="module")
def patterns_run(tiny_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("patterns_run")
    db = workdir / "xiansuo.duckdb"
    with duckdb.connect(str(db)) as conn:
        conn.execute("create schema staging")
        for t in TABLES:
            conn.execute(
                f"create table staging.{t} as select * from read_parquet($p)",
                {"p": str(tiny_world / "_truth" / "canonical" / f"{t}.parquet")},
            )
    result = dg.materialize(
        [*ASSETS, *CHECKS],
        resources={
            "duckdb": DuckDBResource(database=str(db)),
            "settings": XiansuoSettings(workdir=str(workdir), landing=str(tiny_world)),
        },
    )
    assert result.success
    checks = result.get_asset_check_evaluations()
    assert len(checks) == len(CHECKS) and all(c.passed for c in checks)
    return workdir


def _conn(workdir: Path):
    return duckdb.connect(str(workdir / "xiansuo.duckdb"), read_only=True)


@pytest.mark.parametrize("lead_type", LEAD_TYPES)
def test_findings_follow_the_contract(patterns_run: Path, lead_type: str) -> None:
    with _conn(patterns_run) as conn:
        cols = [r[0] for r in conn.execute(f"describe findings.{lead_type}").fetchall()]
        assert cols == FINDINGS_COLUMNS
        bad = conn.execute(
            f"""
            select count(*) from findings.{lead_type}
            where lead_type <> $t or not starts_with(finding_key, $t || ':')
               or explanation is null or legal_basis is null
               or severity not between 0 and 1 or len(subject_keys) = 0
            """,
            {"t": lead_type},
        ).fetchone()[0]
        assert bad == 0
        dup = conn.execute(
            f"select count(*) - count(distinct finding_key) from findings.{lead_type}"
        ).fetchone()[0]
        assert dup == 0


def test_pattern_findings_carry_evidence_rids(patterns_run: Path) -> None:
    """Evidence ids are staging rids, so a lead packet can show the records."""
    with _conn(patterns_run) as conn:
        missing = conn.execute(
            """
            with ev as (
                select unnest(evidence_record_ids) as rid from findings.cloned_plate
                union all select unnest(evidence_record_ids) from findings.registration_mismatch
                union all select unnest(evidence_record_ids) from findings.station_evasion
            )
            select count(*) from ev where rid not in (select rid from staging.weigh_records)
            """
        ).fetchone()[0]
        assert missing == 0
        n_ev = conn.execute(
            "select min(len(evidence_record_ids)) from findings.cloned_plate"
        ).fetchone()[0]
        assert n_ev is None or n_ev > 0


def test_explanations_are_chinese_with_figures(patterns_run: Path) -> None:
    with _conn(patterns_run) as conn:
        for lead_type in LEAD_TYPES:
            rows = conn.execute(f"select explanation from findings.{lead_type} limit 3").fetchall()
            for (text,) in rows:
                assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
                assert any(ch.isdigit() for ch in text)


def test_detectors_meet_the_bar_on_the_tiny_world(patterns_run: Path) -> None:
    with _conn(patterns_run) as conn:
        rows = {
            r[0]: r[1:]
            for r in conn.execute(
                "select detector, precision, recall, f1 from patterns.evaluation"
            ).fetchall()
        }
    for det in ("cloned_plate", "registration_mismatch", "station_evasion", "obscured_plate"):
        precision, recall, f1 = rows[det]
        if recall is not None:
            assert f1 >= 0.9, (det, rows[det])
    for det in ("convoy", "network_cluster"):
        precision, recall, _ = rows[det]
        if recall is not None:
            assert recall >= 0.9 and precision >= 0.8, (det, rows[det])


def test_model_card_and_evaluation_report_written(patterns_run: Path) -> None:
    models = patterns_run / "out" / "models"
    assert (models / "risk_model.md").exists()
    html = (models / "risk_model.html").read_text(encoding="utf-8")
    # plotly.js is embedded (officers' machines are offline), not loaded from a CDN
    assert "Plotly.newPlot" in html and len(html) > 1_000_000
    assert '<script src="https://cdn.plot.ly' not in html
    assert "校准" in (models / "risk_model.md").read_text(encoding="utf-8")
    assert "precision" in (models / "evaluation.md").read_text(encoding="utf-8")
    with _conn(patterns_run) as conn:
        metrics = json.loads(conn.execute("select metrics from patterns.model_runs").fetchone()[0])
    assert metrics["n_test"] > 0


def test_high_risk_vehicles_carry_an_interval(patterns_run: Path) -> None:
    with _conn(patterns_run) as conn:
        rows = conn.execute(
            "select risk_score, risk_lo, risk_hi, explanation, details from "
            "findings.high_risk_vehicle"
        ).fetchall()
    assert rows
    for score, lo, hi, text, details in rows:
        assert lo is not None and hi is not None and lo <= score <= hi <= 1
        assert "90%区间" in text
        assert json.loads(details)["interval_90"] == [lo, hi]


def test_night_running_has_its_own_kind_and_evidence(patterns_run: Path) -> None:
    with _conn(patterns_run) as conn:
        night = conn.execute(
            "select subject_keys[1], evidence_record_ids, explanation, details "
            "from findings.station_evasion "
            "where list_contains(cast(details->'$.kinds' as varchar[]), 'night')"
        ).fetchall()
        rids = {r[0] for r in conn.execute("select rid from patterns.passages").fetchall()}
        scores = {
            r[0]: r[1:]
            for r in conn.execute(
                "select detector, precision, found from patterns.evaluation"
            ).fetchall()
        }
    assert night
    for _, evidence, text, details in night:
        d = json.loads(details)["night"]
        assert d["n_night"] >= 8 and d["n_night"] / d["n_journeys"] >= 0.6
        assert evidence and set(evidence) <= rids
        assert "夜间" in text and "趟" in text
    precision, found = scores["night_passage"]
    assert found == len(night) and precision >= 0.8


def test_model_and_rule_ranking_are_judged_on_the_same_picks(patterns_run: Path) -> None:
    with _conn(patterns_run) as conn:
        rows = {
            r[0]: r[1:]
            for r in conn.execute(
                "select detector, found, truth from patterns.evaluation "
                "where detector like '%precision@%'"
            ).fetchall()
        }
    for k in (20, 50, 100):
        assert rows[f"risk_model.precision@{k}"] == rows[f"rule_ranking.precision@{k}"]
        assert rows[f"random.precision@{k}"] == rows[f"risk_model.precision@{k}"]
        # the untriggered population: same picks for both rankings, a subset of all test rows
        untriggered = rows[f"risk_model.untriggered.precision@{k}"]
        assert untriggered == rows[f"rule_ranking.untriggered.precision@{k}"]
        assert untriggered[1] <= rows[f"risk_model.precision@{k}"][1]
    with _conn(patterns_run) as conn:
        n_untriggered, n_over_max = conn.execute(
            "select count(*), max(t.n_over_365) from patterns.model_test t "
            "join patterns.rule_ranking r using (plate_key, cutoff) where r.untriggered"
        ).fetchone()
    assert n_untriggered > 0 and n_over_max <= 3


def test_evaluation_skips_without_truth(patterns_run: Path, tmp_path: Path) -> None:
    """Real data has no _truth/: the evaluation notes it and writes no scores."""
    from assets.patterns.evaluation import evaluate

    with duckdb.connect(str(patterns_run / "xiansuo.duckdb")) as conn:
        conn.execute("create schema if not exists scratch")
        n, md = evaluate(conn, tmp_path / "no_landing", tmp_path / "out")
    assert n == 0 and "跳过" in md
