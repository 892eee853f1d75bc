"""Exact reconciliation of ingestion on the generator's tiny world against _truth/.

manifest.json says, per file, how many rows were written, which rows were planted bad (with
their kind) and which are exact duplicates; _truth/canonical/ is the clean world. Ingestion must
find every planted row at its row number with the right reason code, and staging must equal the
canonical world exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from assets.ingest.checks import reconciliation
from assets.ingest.loader import ingest_landing
from data_contracts.contract import TABLES, load_contract


@pytest.fixture(scope="module")
def ingested(tiny_world: Path, tmp_path_factory) -> tuple[Path, duckdb.DuckDBPyConnection, dict]:
    db = tmp_path_factory.mktemp("ingest_tiny") / "xiansuo.duckdb"
    conn = duckdb.connect(str(db))
    ingest_landing(conn, tiny_world)
    manifest = json.loads((tiny_world / "_truth" / "manifest.json").read_text(encoding="utf-8"))
    yield tiny_world, conn, manifest
    conn.close()


def test_every_file_reconciles_with_the_manifest(ingested) -> None:
    landing, conn, manifest = ingested
    ledger = {
        r[0]: r[1:]
        for r in conn.execute(
            "select path, rows_read, rows_quarantined, rows_duplicate, status from meta.file_ledger"
        ).fetchall()
    }
    unique = [f for f in manifest["files"] if not f.get("duplicate_of")]
    assert len(ledger) == len(unique)
    for f in manifest["files"]:
        if f.get("duplicate_of"):  # the same bytes re-dropped under another name: a no-op
            assert str(landing / f["file"]) not in ledger
            continue
        read, quarantined, duplicate, status = ledger[str(landing / f["file"])]
        assert status == "loaded"
        assert (read, quarantined, duplicate) == (f["rows"], f["bad_rows"], f["duplicates"]), f
    for t in TABLES:
        assert all(r["unaccounted"] == 0 for r in reconciliation(conn, t))


def test_every_planted_row_has_its_reason_code(ingested) -> None:
    landing, conn, manifest = ingested
    sha = dict(conn.execute("select path, sha256 from meta.file_ledger").fetchall())
    quarantined: dict[tuple[str, int], list[str]] = {}
    duplicates: set[tuple[str, int]] = set()
    for t in TABLES:
        for file_id, row_no, reasons in conn.execute(
            f"select _file_id, _row_no, reasons from quarantine.{t}"
        ).fetchall():
            quarantined[(file_id, row_no)] = reasons
    for file_id, row_no in conn.execute("select _file_id, _row_no from meta.duplicates").fetchall():
        duplicates.add((file_id, row_no))
    history = set(conn.execute("select _file_id, _row_no from history.weigh_records").fetchall())
    unknown_station = set(
        conn.execute(
            "select _file_id, _row_no from staging.weigh_records "
            "where list_contains(_flags, 'unknown_station')"
        ).fetchall()
    )
    planted = [p for p in manifest["planted_rows"] if str(landing / p["file"]) in sha]
    for p in planted:
        key = (sha[str(landing / p["file"])], p["row"])
        if p["kind"] == "exact_duplicate":
            assert key in duplicates, p
        elif p["kind"] == "superseded":  # the old version, replaced by a later re-send
            assert key in history, p
        elif p["kind"] == "unknown_station":  # a flag, not a quarantine reason
            assert key in unknown_station, p
        else:  # the planted reason, first; the generator's key mangling ('…X7') can make an
            # 18-character USCC/ID key unusable too, which adds `bad_value`
            reasons = quarantined.get(key)
            assert reasons and reasons[0] == p["kind"], p
            assert set(reasons[1:]) <= {"bad_value"}, p
    assert len(history) == sum(p["kind"] == "superseded" for p in planted)
    assert len(unknown_station) == sum(p["kind"] == "unknown_station" for p in planted)


def test_staging_equals_the_canonical_world(ingested) -> None:
    landing, conn, manifest = ingested
    for t in TABLES:
        path = landing / "_truth" / "canonical" / f"{t}.parquet"
        if not path.exists():
            continue
        c = load_contract(t)
        truth = pl.read_parquet(path)
        cols = [n for n, _ in c.staging_schema() if n not in ("_file_id", "_row_no", "_flags")]
        key = ["_province", *c.key]
        got = conn.sql(f"select {', '.join(cols)} from staging.{t}").pl().sort(key)
        want = truth.select(cols).with_columns(pl.col(pl.String).replace("", None)).sort(key)
        assert got.height == manifest["canonical_rows"][t]
        for col in cols:  # per column, so a failure names the column
            assert got[col].eq_missing(want[col].cast(got[col].dtype)).all(), (t, col)


@pytest.mark.parametrize(
    ("table", "column", "flag", "listed"),
    [
        ("drivers", "driver_id", "id_check", "driver_id"),
        ("vehicles", "vin", "vin_check", "vin"),
        ("operators", "uscc", "uscc_check", "uscc"),
    ],
)
def test_check_digit_failures_are_flagged(ingested, table, column, flag, listed) -> None:
    """Every planted broken check digit that is in the world is flagged (and kept)."""
    landing, conn, manifest = ingested
    truth = pl.read_parquet(landing / "_truth" / "canonical" / f"{table}.parquet")
    in_world = set(truth[column].drop_nulls().to_list())
    planted = set(manifest["invalid_check_digits"][listed]) & in_world
    flagged = {
        r[0]
        for r in conn.execute(
            f"select {column} from staging.{table} where list_contains(_flags, ?)", [flag]
        ).fetchall()
    }
    assert planted <= flagged
    if table != "drivers":  # ID numbers also fail on impossible birth dates
        assert flagged == planted


def test_hostile_values_arrive_verbatim(ingested) -> None:
    _, conn, manifest = ingested
    for h in manifest["hostile_values"]:
        c = load_contract(h["table"])
        got = conn.execute(
            f"select {h['column']} from staging.{h['table']} where {c.key[0]} = ?", [h["key"]]
        ).fetchall()
        assert got == [(h["value"],)], h


def test_rerun_on_the_same_landing_is_a_noop(ingested) -> None:
    landing, conn, _ = ingested
    before = conn.execute("select count(*) from meta.file_ledger").fetchall()
    result = ingest_landing(conn, landing)
    assert sum(r.new_files for r in result.values()) == 0
    assert conn.execute("select count(*) from meta.file_ledger").fetchall() == before
