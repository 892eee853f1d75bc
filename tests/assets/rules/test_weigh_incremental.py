"""Incremental weighing facts: a run that brings only new weigh files recomputes the vehicles they
touch and ends exactly where a full rebuild ends; anything else falls back to a full rebuild."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from assets.facts.weigh import build_weigh_events

PER_PLATE = ("facts.weigh_events", "facts.weigh_absorbed_wim", "facts.wim_next_static")
# Synthetic source files: one per exporting province and month, as the landing folder is cut.
FILE_ID = "_province || '-' || strftime(passed_at, '%Y-%m')"


def _load(conn, world: Path, weigh_filter: str | None) -> None:
    conn.execute("create schema staging")
    for pq in sorted((world / "_truth" / "canonical").glob("*.parquet")):
        conn.execute(f"create table staging.{pq.stem} as select * from read_parquet(?)", [str(pq)])
    conn.execute(f"update staging.weigh_records set _file_id = {FILE_ID}")  # noqa: S608
    if weigh_filter:
        conn.execute(f"delete from staging.weigh_records where not ({weigh_filter})")  # noqa: S608


def _same(a, b) -> None:
    for table in PER_PLATE:
        n_a, n_b = (c.execute(f"select count(*) from {table}").fetchall()[0][0] for c in (a, b))  # noqa: S608
        assert n_a == n_b, table
        rows = b.sql(f"select * from {table}").to_arrow_table()  # noqa: S608
        a.register("other_rows", rows)
        diff = a.execute(
            f"select count(*) from (select * from {table} except all select * from other_rows)"  # noqa: S608
        ).fetchall()[0][0]
        a.unregister("other_rows")
        assert diff == 0, table


@pytest.fixture(scope="module")
def full(tiny_world: Path):
    conn = duckdb.connect()
    _load(conn, tiny_world, None)
    out = build_weigh_events(conn)
    assert out["mode"] == "full"
    yield conn
    conn.close()


@pytest.mark.parametrize(
    "first_batch",
    [
        # the earlier half of the files (a later run lands the rest)
        f"{FILE_ID} <= (select quantile_disc({FILE_ID}, 0.5) from staging.weigh_records)",
        # every other file, so that re-reads, WIM→static pairs and merges span both batches
        f"hash({FILE_ID}) % 2 = 0",
    ],
)
def test_second_batch_incremental_equals_full_rebuild(tiny_world, full, first_batch):
    conn = duckdb.connect()
    _load(conn, tiny_world, first_batch)
    first = build_weigh_events(conn)
    assert first["mode"] == "full"
    rest = duckdb.connect()
    _load(rest, tiny_world, f"not ({first_batch})")
    batch2 = rest.sql("select * from staging.weigh_records").to_arrow_table()
    conn.register("batch2", batch2)
    conn.execute("insert into staging.weigh_records select * from batch2")
    conn.unregister("batch2")
    second = build_weigh_events(conn, max_touched_share=1.0)
    assert second["mode"] == "incremental", second["mode_reason"]
    assert second["new_files"] > 0 and second["touched_plates"] > 0
    assert second["passages_recomputed"] < second["passages"]  # only the touched vehicles
    _same(conn, full)
    # nothing new: still incremental, nothing touched, same result
    again = build_weigh_events(conn, max_touched_share=1.0)
    assert (again["mode"], again["new_files"], again["touched_plates"]) == ("incremental", 0, 0)
    _same(conn, full)
    rest.close()
    conn.close()


def _copy_of_full(tiny_world):
    conn = duckdb.connect()
    _load(conn, tiny_world, None)
    assert build_weigh_events(conn)["mode"] == "full"
    return conn


def _snapshot(conn) -> None:
    for table in PER_PLATE:
        conn.execute(f"create or replace temp table snap_{table.split('.')[1]} as from {table}")  # noqa: S608


def _equals_snapshot(conn) -> None:
    for table in PER_PLATE:
        snap = "snap_" + table.split(".")[1]
        for a, b in ((table, snap), (snap, table)):
            n = conn.execute(f"select count(*) from (from {a} except all from {b})").fetchall()  # noqa: S608
            assert n[0][0] == 0, table


# a record re-sent in a new file: ingestion keeps the old version in history.weigh_records and the
# new one (new values, here also another plate) replaces it in staging
RESEND = (
    "create schema if not exists history;"
    " create or replace table history.weigh_records as"
    " select *, 'resend-1' as _superseded_by_file, 1 as _superseded_by_row"
    " from staging.weigh_records where rid in (select rid from picked);"
    " update staging.weigh_records set gross_kg = gross_kg + 5000, _file_id = 'resend-1',"
    " plate_key = case when rid = (select max(rid) from picked)"
    "     then (select max(plate_key) from staging.weigh_records) else plate_key end"
    " where rid in (select rid from picked)"
)


def test_resent_records_in_new_files_stay_incremental(tiny_world):
    conn = _copy_of_full(tiny_world)
    conn.execute(
        "create temp table picked as select rid from staging.weigh_records"
        " where gross_kg is not null order by hash(rid) limit 3"
    )
    conn.execute(RESEND)
    out = build_weigh_events(conn, max_touched_share=1.0)
    assert out["mode"] == "incremental", out["mode_reason"]
    assert out["superseded"] == 3
    _snapshot(conn)
    assert build_weigh_events(conn, incremental=False)["mode"] == "full"
    _equals_snapshot(conn)
    conn.close()


def test_unexplained_change_forces_full_rebuild(tiny_world, full):
    conn = _copy_of_full(tiny_world)
    # a record changed and moved to a new file with no earlier version in history
    conn.execute(
        "update staging.weigh_records set gross_kg = gross_kg + 5000, _file_id = 'resend-1'"
        " where rid = (select min(rid) from staging.weigh_records where gross_kg is not null)"
    )
    out = build_weigh_events(conn)
    assert out["mode"] == "full" and "beyond the records re-sent" in out["mode_reason"]
    conn.close()


def test_changed_registry_or_rule_book_forces_full_rebuild(tiny_world, full):
    conn = _copy_of_full(tiny_world)
    conn.execute(
        "update staging.vehicles set operator_uscc = 'X' where plate_key ="
        " (select min(plate_key) from staging.vehicles)"
    )
    out = build_weigh_events(conn)
    assert out["mode"] == "full" and "staging.vehicles" in out["mode_reason"]
    conn.execute("update facts.weigh_build_state set value = 'old' where key = 'rules_sha256'")
    out = build_weigh_events(conn)
    assert out["mode"] == "full" and "rules_sha256" in out["mode_reason"]
    assert build_weigh_events(conn, incremental=False)["mode"] == "full"
    conn.close()


def test_many_touched_vehicles_fall_back_to_full_rebuild(tiny_world):
    conn = _copy_of_full(tiny_world)
    conn.execute("create temp table picked as select min(rid) as rid from staging.weigh_records")
    conn.execute(RESEND)
    out = build_weigh_events(conn, max_touched_share=0.0)
    assert out["mode"] == "full" and "cheaper" in out["mode_reason"]
    conn.close()
