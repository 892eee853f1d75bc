"""Ingestion into a temporary DuckDB: golden equivalence of the four export styles, exact
accounting, re-drop / re-send idempotency, kill -9 and rerun, hostile values as plain data."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import polars as pl
import pytest

from assets.ingest.checks import reconciliation
from assets.ingest.loader import ingest_landing, ingest_table, no_cyclic_gc
from data_contracts.contract import TABLES, load_contract

GOLDEN_TABLES = ("stations", "weigh_records", "vehicles", "operators", "monitoring_events")


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path))


def staging_content(conn, table: str) -> pl.DataFrame:
    """Canonical content of a staging table, independent of file, row number and province."""
    c = load_contract(table)
    cols = [*c.names, "_flags"] + (["plate_key", "plate_readable"] if c.plate_columns else [])
    order = ", ".join(c.key)
    return conn.sql(f"select {', '.join(cols)} from staging.{table} order by {order}").pl()


def assert_reconciled(conn) -> None:
    for t in TABLES:
        for row in reconciliation(conn, t):
            assert row["unaccounted"] == 0, row


def test_golden_equivalence_of_province_export_styles(tmp_path, world, styles, writer, now):
    """The same world written in each province's export style loads to identical content."""
    contents: dict[str, dict[str, pl.DataFrame]] = {}
    for name, style in styles.items():
        landing = tmp_path / f"landing_{name}"
        province = name if name.isdigit() else "21"
        writer.write_world(landing, world, province, style)
        with _connect(tmp_path / f"{name}.duckdb") as conn:
            result = ingest_landing(conn, landing, now=now)
            assert all(r.total("rows_quarantined") == 0 for r in result.values()), name
            contents[name] = {t: staging_content(conn, t) for t in GOLDEN_TABLES}
            assert_reconciled(conn)
    reference = contents["21"]
    for t in GOLDEN_TABLES:
        assert reference[t].height == world[t].height
        for name, content in contents.items():
            assert content[t].equals(reference[t]), (name, t)


def test_staging_matches_the_canonical_frame(tmp_path, world, styles, writer, now):
    landing = tmp_path / "landing"
    writer.write_world(landing, world, "22", styles["22"])  # the messiest style
    with _connect(tmp_path / "db.duckdb") as conn:
        ingest_landing(conn, landing, now=now)
        got = staging_content(conn, "weigh_records").drop("_flags", "plate_key", "plate_readable")
        rid = conn.sql("select rid from staging.weigh_records order by record_id").pl()
    want = world["weigh_records"].sort("record_id")
    assert got.equals(want)
    assert rid["rid"][0] == "22:R0000"


def test_redrop_under_another_name_is_a_noop(tmp_path, world, styles, writer, now):
    landing = tmp_path / "landing"
    files = writer.write_world(landing, world, "21", styles["21"])
    db = tmp_path / "db.duckdb"
    with _connect(db) as conn:
        ingest_landing(conn, landing, now=now)
        before = {t: staging_content(conn, t) for t in GOLDEN_TABLES}
        ledger = conn.execute("select count(*) from meta.file_ledger").fetchall()[0][0]
        for f in files:
            shutil.copy(f, f.with_name("again_" + f.name))
        result = ingest_landing(conn, landing, now=now)
        assert sum(r.new_files for r in result.values()) == 0
        assert conn.execute("select count(*) from meta.file_ledger").fetchall()[0][0] == ledger
        for t in GOLDEN_TABLES:
            assert staging_content(conn, t).equals(before[t])
        assert conn.execute("select count(*) from meta.duplicates").fetchall()[0][0] == 0
        redrops = conn.execute("select count(*) from meta.file_redrops").fetchall()[0][0]
        assert redrops == len(files)
        ingest_landing(conn, landing, now=now)  # recorded once, however often we look
        assert conn.execute("select count(*) from meta.file_redrops").fetchall()[0][0] == redrops


def test_resend_supersedes_and_keeps_history(tmp_path, world, styles, writer, now):
    landing = tmp_path / "landing"
    weigh = world["weigh_records"]
    writer.write_table(weigh, "weigh_records", styles["21"], landing / "21/weigh_records/a.csv")
    changed = weigh.head(3).with_columns(
        pl.when(pl.col("record_id") == "R0001").then(99_999).otherwise(pl.col("gross_kg"))
        .alias("gross_kg")
    )  # fmt: skip
    # the re-send arrives later, in another style: R0000/R0002 identical, R0001 corrected
    writer.write_table(changed, "weigh_records", styles["22"], landing / "21/weigh_records/b.txt")
    with _connect(tmp_path / "db.duckdb") as conn:
        ingest_landing(conn, landing, now=now)
        assert conn.execute("select count(*) from staging.weigh_records").fetchall()[0][0] == 40
        assert conn.execute(
            "select gross_kg from staging.weigh_records where record_id = 'R0001'"
        ).fetchall()[0] == (99_999,)
        hist = conn.execute("select record_id, gross_kg from history.weigh_records").fetchall()
        assert hist == [("R0001", 18_731)]
        dups = conn.execute("select count(*), min(kind) from meta.duplicates").fetchall()[0]
        assert dups == (2, "exact_duplicate")
        assert_reconciled(conn)
        # re-sending the same correction again is a duplicate, not a new version
        writer.write_table(
            changed, "weigh_records", styles["21"], landing / "21/weigh_records/c.csv"
        )
        ingest_landing(conn, landing, now=now)
        assert conn.execute("select count(*) from history.weigh_records").fetchall()[0][0] == 1
        assert conn.execute("select count(*) from meta.duplicates").fetchall()[0][0] == 5
        assert_reconciled(conn)


def test_duplicates_within_one_file(tmp_path, world, styles, writer, now):
    landing = tmp_path / "landing"
    weigh = world["weigh_records"]
    doubled = pl.concat([weigh, weigh.head(5)])
    writer.write_table(doubled, "weigh_records", styles["23"], landing / "23/weigh_records/a.xlsx")
    with _connect(tmp_path / "db.duckdb") as conn:
        ingest_landing(conn, landing, now=now)
        assert conn.execute("select count(*) from staging.weigh_records").fetchall()[0][0] == 40
        dup = conn.execute(
            "select _row_no, first_row_no from meta.duplicates order by _row_no"
        ).fetchall()
        assert dup == [(41 + i, 1 + i) for i in range(5)]
        assert_reconciled(conn)


def test_key_hash_collisions_change_nothing(tmp_path, world, styles, writer, now, monkeypatch):
    """The batch finds repeated keys by a 64-bit key hash: a collision (here: every key hashes
    alike) only sends rows through the exact classification, so the store is the same."""
    import assets.ingest.loader as loader

    landing = tmp_path / "landing"
    weigh = world["weigh_records"]
    writer.write_table(
        weigh.head(30), "weigh_records", styles["21"], landing / "21/weigh_records/a.csv"
    )
    changed = weigh.slice(20, 20).with_columns(pl.col("gross_kg") + 1)  # 10 corrected, 10 new
    writer.write_table(changed, "weigh_records", styles["22"], landing / "21/weigh_records/b.txt")
    later = tmp_path / "later.csv"
    writer.write_table(weigh.slice(35, 5), "weigh_records", styles["21"], later)

    def run(name: str) -> dict[str, list[tuple]]:
        with _connect(tmp_path / f"{name}.duckdb") as conn:
            ingest_landing(conn, landing, tables=("weigh_records",), now=now)
            shutil.copy(later, landing / "21/weigh_records/c.csv")  # second batch: staging has keys
            ingest_landing(conn, landing, tables=("weigh_records",), now=now)
            (landing / "21/weigh_records/c.csv").unlink()
            assert_reconciled(conn)
            queries = {
                "staging": "select record_id, gross_kg, _row_no from staging.weigh_records",
                "history": "select record_id, gross_kg, _superseded_by_row from history.weigh_records",
                "duplicates": "select _row_no, first_row_no, kind from meta.duplicates",
                "ledger": "select file_name, rows_loaded, rows_duplicate, rows_superseded "
                "from meta.file_ledger",
            }
            return {k: sorted(conn.execute(q).fetchall()) for k, q in queries.items()}

    normal = run("normal")
    monkeypatch.setattr(loader, "key_hash", lambda keys: pl.lit(7, pl.UInt64))
    assert run("colliding") == normal
    assert len(normal["history"]) == 15 and len(normal["staging"]) == 40


def test_hostile_values_load_as_plain_data(tmp_path, world, styles, writer, now):
    hostile = ["=cmd|' /C calc'!A0", "<script>alert(1)</script>", "'; drop table staging.x; --",
               "../../etc/passwd"]  # fmt: skip
    ops = world["operators"]
    frame = pl.concat([ops] * 2).with_columns(
        pl.Series("address", hostile), pl.Series("name", [f"公司{i}" for i in range(4)]),
        pl.Series("uscc", [ops["uscc"][0][:-1] + c for c in "ABCD"]),
    )  # fmt: skip
    landing = tmp_path / "landing"
    writer.write_table(frame, "operators", styles["21"], landing / "21/operators/x.csv")
    with _connect(tmp_path / "db.duckdb") as conn:
        ingest_landing(conn, landing, now=now)
        got = [
            r[0]
            for r in conn.execute("select address from staging.operators order by name").fetchall()
        ]
        assert got == hostile
        assert conn.execute("select count(*) from information_schema.tables").fetchall()[0][0] > 10


def test_unknown_station_is_a_flag_not_quarantine(tmp_path, world, styles, writer, now):
    landing = tmp_path / "landing"
    writer.write_table(
        world["stations"].head(2), "stations", styles["21"], landing / "21/stations/s.csv"
    )
    writer.write_table(
        world["weigh_records"], "weigh_records", styles["21"], landing / "21/weigh_records/w.csv"
    )
    with _connect(tmp_path / "db.duckdb") as conn:
        ingest_landing(conn, landing, now=now)
        n = conn.execute(
            "select count(*) from staging.weigh_records where list_contains(_flags, 'unknown_station')"
        ).fetchall()[0][0]
        assert n == 13  # S03 rows


def _unknown_station_rows(conn) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "select record_id from staging.weigh_records "
            "where list_contains(_flags, 'unknown_station') order by record_id"
        ).fetchall()
    ]


def test_unknown_station_does_not_depend_on_arrival_order(tmp_path, world, styles, writer, now):
    """Stations arriving in a later batch than the weigh records clear the flag of the
    records naming them; stations still missing keep it (same as loading all at once)."""
    stations, weigh = world["stations"], world["weigh_records"]
    together = tmp_path / "together"
    writer.write_table(stations.head(2), "stations", styles["21"], together / "21/stations/a.csv")
    writer.write_table(weigh, "weigh_records", styles["21"], together / "21/weigh_records/w.csv")
    with _connect(tmp_path / "together.duckdb") as conn:
        ingest_landing(conn, together, now=now)
        want = staging_content(conn, "weigh_records")
        assert len(_unknown_station_rows(conn)) == 13  # S03 rows
    landing = tmp_path / "landing"
    writer.write_table(weigh, "weigh_records", styles["21"], landing / "21/weigh_records/w.csv")
    with _connect(tmp_path / "db.duckdb") as conn:
        ingest_landing(conn, landing, now=now)
        assert len(_unknown_station_rows(conn)) == weigh.height  # no station known yet
        writer.write_table(
            stations.head(1), "stations", styles["21"], landing / "21/stations/a.csv"
        )
        ingest_landing(conn, landing, tables=("stations",), now=now)
        ingest_landing(conn, landing, tables=("weigh_records",), now=now)  # no new file
        assert len(_unknown_station_rows(conn)) == 26  # S02 and S03 rows
        writer.write_table(
            stations.slice(1, 1), "stations", styles["22"], landing / "21/stations/b.txt"
        )
        ingest_landing(conn, landing, now=now)
        assert staging_content(conn, "weigh_records").equals(want)
        assert_reconciled(conn)


def test_plate_colour_code_set_chosen_per_province(tmp_path, monkeypatch, now):
    """Province 23 numbers its plate colours the ETC way (0 蓝 1 黄 …), province 21 the
    INTERFACES way (1 蓝 2 黄 …): the same code reads as each province's colour."""
    import data_contracts.contract as contract_module

    settings = {"plate_color_code_set": {"default": "xiansuo", "provinces": {"23": "etc"}}}
    monkeypatch.setattr(contract_module, "feeds", lambda: settings)
    landing = tmp_path / "landing"
    for province, codes in (("21", ("1", "2", "6")), ("23", ("0", "1", "5"))):
        path = landing / province / "weigh_records" / "w.csv"
        path.parent.mkdir(parents=True)
        lines = ["检测单号,站点编号,检测时间,车牌号码,车牌颜色"] + [
            f"R{i},S01,2026-05-01 08:0{i}:00,{plate},{code}"
            for i, (plate, code) in enumerate(
                zip(("辽A12345", "吉B0K123", "辽D46234F"), codes, strict=True)
            )
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with _connect(tmp_path / "db.duckdb") as conn:
        ingest_landing(conn, landing, tables=("weigh_records",), now=now)
        got = conn.execute(
            "select _province, list(plate_color order by record_id) from staging.weigh_records "
            "group by all order by 1"
        ).fetchall()
        flagged = conn.execute(
            "select count(*) from staging.weigh_records "
            "where list_contains(_flags, 'plate_color_unknown')"
        ).fetchall()[0][0]
    assert got == [("21", ["蓝", "黄", "黄绿"]), ("23", ["蓝", "黄", "黄绿"])]
    assert flagged == 0


def test_unreadable_file_is_recorded_not_fatal(tmp_path, world, styles, writer, now):
    landing = tmp_path / "landing"
    bad = landing / "21/weigh_records/broken.xlsx"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"this is not a zip file")
    writer.write_table(
        world["weigh_records"], "weigh_records", styles["21"], landing / "21/weigh_records/w.csv"
    )
    with _connect(tmp_path / "db.duckdb") as conn:
        ingest_landing(conn, landing, now=now)
        assert conn.execute(
            "select status from meta.file_ledger where file_name = 'broken.xlsx'"
        ).fetchall()[0] == ("unreadable",)
        assert conn.execute("select count(*) from staging.weigh_records").fetchall()[0][0] == 40


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import datetime
    from pathlib import Path
    import duckdb
    import assets.ingest.loader as loader

    calls = {"n": 0}
    real = loader._ingest_file

    def crashing(conn, contract, *args, **kwargs):
        out = real(conn, contract, *args, **kwargs)
        if contract.table == "weigh_records":
            calls["n"] += 1
            if calls["n"] == 2:  # mid-transaction, after rows of two files were written
                os.kill(os.getpid(), signal.SIGKILL)
        return out

    loader._ingest_file = crashing
    conn = duckdb.connect(sys.argv[1])
    loader.ingest_landing(conn, Path(sys.argv[2]), now=datetime(2026, 11, 27, 12))
    """
)


def _dump(conn) -> dict[str, list]:
    tables = [("meta", "duplicates"), ("meta", "file_ledger")]
    for t in TABLES:
        tables += [("staging", t), ("history", t), ("quarantine", t)]
    out = {}
    for schema, t in tables:
        cols = [r[0] for r in conn.execute(
            "select column_name from information_schema.columns where table_schema = ? and "
            "table_name = ? order by ordinal_position", [schema, t]).fetchall()]  # fmt: skip
        cols = [c for c in cols if c not in ("ingested_at", "path")]
        rows = conn.execute(f"select {', '.join(cols)} from {schema}.{t}").fetchall()
        out[f"{schema}.{t}"] = sorted(map(repr, rows))
    return out


def test_kill_9_mid_run_then_rerun_equals_clean_run(tmp_path, world, styles, writer, now):
    landing = tmp_path / "landing"
    for prov in ("21", "22", "23"):
        writer.write_world(landing, world, prov, styles[prov])
    extra = world["weigh_records"].with_columns(pl.col("gross_kg") + 1)
    writer.write_table(extra, "weigh_records", styles["21"], landing / "21/weigh_records/z.csv")

    killed_db = tmp_path / "killed.duckdb"
    proc = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(killed_db), str(landing)],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == -9, proc.stderr
    with _connect(killed_db) as conn:
        # stations committed before the kill; weigh_records rolled back entirely
        assert conn.execute("select count(*) from staging.stations").fetchall()[0][0] > 0
        assert conn.execute("select count(*) from staging.weigh_records").fetchall()[0][0] == 0
        assert (
            conn.execute(
                "select count(*) from meta.file_ledger where table_name = 'weigh_records'"
            ).fetchall()[0][0]
            == 0
        )
        ingest_landing(conn, landing, now=now)
        after_rerun = _dump(conn)
    with _connect(tmp_path / "clean.duckdb") as conn:
        ingest_landing(conn, landing, now=now)
        clean = _dump(conn)
    assert after_rerun == clean


@pytest.mark.parametrize("table", ["weigh_records"])
def test_truncated_and_bad_rows_through_the_store(tmp_path, table, now):
    landing = tmp_path / "landing"
    path = landing / "21" / table / "w.csv"
    path.parent.mkdir(parents=True)
    path.write_text(
        "record_id,station_id,passed_at,gross_kg,axle_count\n"
        "R1,S01,2026-05-01 08:30:00,49000,6\n"
        "R2,S01,2026-05-01\n"
        "R3,S01,2031-01-01 00:00:00,49000,6\n"
        "R4,S01,2026-05-01 08:30:00,-5,6\n"
        "R1,S01,2026-05-01 08:30:00,49000,6\n",
        encoding="utf-8",
    )
    with _connect(tmp_path / "db.duckdb") as conn:
        ingest_landing(conn, landing, now=now)
        q = conn.execute(
            f"select _row_no, reasons, original->>'record_id' from quarantine.{table} order by 1"
        ).fetchall()
        assert q == [(2, ["truncated_row"], "R2"), (3, ["future_date"], "R3"),
                     (4, ["negative_weight"], "R4")]  # fmt: skip
        assert conn.execute("select _row_no from meta.duplicates").fetchall() == [(5,)]
        ledger = conn.execute(
            "select rows_read, rows_loaded, rows_quarantined, rows_duplicate from meta.file_ledger"
        ).fetchall()[0]
        assert ledger == (5, 1, 3, 1)


def test_cyclic_gc_paused_during_ingest_and_restored(
    tmp_path, world, styles, writer, now, monkeypatch
):
    """The collector is paused while a table's files are typed (in the prefetch threads) and
    restored as it was afterwards, also when the ingest fails, and left alone when the caller
    had disabled it."""
    from assets.ingest import loader

    landing = tmp_path / "landing"
    writer.write_table(
        world["weigh_records"], "weigh_records", styles["21"], landing / "21/weigh_records/w.csv"
    )
    enabled_while_typing: list[bool] = []
    cast = loader.cast_frame

    def recording_cast(*args, **kwargs):
        enabled_while_typing.append(gc.isenabled())
        return cast(*args, **kwargs)

    monkeypatch.setattr(loader, "cast_frame", recording_cast)
    with _connect(tmp_path / "db.duckdb") as conn:
        assert gc.isenabled()
        try:
            ingest_table(conn, "weigh_records", landing, now=now)
            assert enabled_while_typing == [False]
            assert gc.isenabled()
            with pytest.raises(ZeroDivisionError), no_cyclic_gc():
                assert not gc.isenabled()
                1 / 0  # noqa: B018
            assert gc.isenabled()
            gc.disable()
            with no_cyclic_gc():
                pass
            assert not gc.isenabled()
        finally:
            gc.enable()
        assert conn.execute("select count(*) from staging.weigh_records").fetchall()[0][0] == 40
