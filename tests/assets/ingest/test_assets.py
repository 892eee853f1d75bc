"""The Dagster wiring: staging_<table> assets and quality_report materialise with their blocking
checks into a temp DuckDB; metadata, incremental reruns and the quality files."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import openpyxl
import polars as pl
import pytest
from dagster_duckdb import DuckDBResource

import assets.ingest as ingest
from data_contracts.contract import TABLES
from pipelines.resources import XiansuoSettings


def _materialise(workdir: Path, landing: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*ingest.ASSETS, *ingest.CHECKS],
        resources={
            "duckdb": DuckDBResource(database=str(workdir / "xiansuo.duckdb")),
            "settings": XiansuoSettings(workdir=str(workdir), landing=str(landing)),
        },
        raise_on_error=False,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory, world, styles, writer):
    root = tmp_path_factory.mktemp("ingest_assets")
    landing, workdir = root / "landing", root / "work"
    workdir.mkdir()
    for prov in ("21", "22", "23", "15"):
        writer.write_world(landing, world, prov, styles[prov])
    hostile = world["operators"].with_columns(
        pl.Series("address", ["=cmd|' /C calc'!A0", "<script>alert(1)</script>"]),
        pl.Series("uscc", [world["operators"]["uscc"][0], "91210100MA0P1234"]),  # 2nd: bad key
    )
    writer.write_table(hostile, "operators", styles["21"], landing / "21/operators/hostile.csv")
    result = _materialise(workdir, landing)
    return landing, workdir, result


def test_assets_and_checks_succeed(run) -> None:
    _, _, result = run
    assert result.success
    keys = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {f"staging_{t}" for t in TABLES} | {"quality_report"} <= keys
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == 2 * len(TABLES)
    assert all(e.passed for e in evaluations), [
        (e.asset_key, e.check_name, e.metadata) for e in evaluations if not e.passed
    ]


def test_metadata_has_counts_reasons_and_preview(run) -> None:
    _, _, result = run
    mats = {
        e.asset_key.to_user_string(): e.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    ops = mats["staging_operators"]
    assert ops["rows_read"].value == 4 * 2 + 2
    assert ops["rows_quarantined"].value == 1
    assert ops["quarantine_by_reason_run"].value == {"bad_value": 1}
    assert "uscc" in ops["preview"].value
    assert "legal_rep" not in ops["preview"].value  # personal information stays out of previews


def test_quality_outputs(run) -> None:
    _, workdir, _ = run
    q = workdir / "out" / "quality"
    summary = pl.read_parquet(q / "summary.parquet")
    assert (
        summary["rows_read"].sum() == pl.read_parquet(q / "file_quality.parquet")["rows_read"].sum()
    )
    for name in ("table_quality.parquet", "quarantine_reasons.parquet", "data_dictionary.html",
                 "quality_report.html", "21/quality_report_21.html", "gx_docs/index.html"):  # fmt: skip
        assert (q / name).exists(), name
    html = (q / "quality_report.html").read_text(encoding="utf-8")
    assert "数据质量报告" in html and "取值不在允许范围内" in html
    assert "<script>alert" not in html
    dictionary = (q / "data_dictionary.html").read_text(encoding="utf-8")
    assert "总重(吨)" in dictionary and "车货总重(kg)" in dictionary
    wb = openpyxl.load_workbook(q / "quality_report.xlsx")
    assert {"按表汇总", "按文件", "隔离原因", "隔离样例"} <= set(wb.sheetnames)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and v.startswith(("=", "+", "@"))), v


def test_second_run_reads_nothing_new(run) -> None:
    landing, workdir, _ = run
    result = _materialise(workdir, landing)
    assert result.success
    for e in result.get_asset_materialization_events():
        if e.asset_key.to_user_string().startswith("staging_"):
            assert e.materialization.metadata["new_files"].value == 0
