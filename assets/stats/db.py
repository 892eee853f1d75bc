"""DuckDB helpers shared by the stats builders: parameters, SQL files, existence checks,
one-transaction table writes and the source notes that the reports print."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from models.stats.legal import LegalConfig, load_legal_config

SQL_DIR = Path(__file__).with_name("sql")


@dataclass(frozen=True)
class StatsParams:
    as_of: date
    config: LegalConfig

    @classmethod
    def default(cls, as_of: date) -> StatsParams:
        return cls(as_of=as_of, config=load_legal_config())


def read_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def table_exists(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = conn.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()[0]
    return bool(row and row[0])


def table_columns(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    rows = conn.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return {r[0] for r in rows}


def count_rows(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    schema, name = table.split(".")
    if not table_exists(conn, schema, name):
        return 0
    return int(conn.execute(f"select count(*) from {schema}.{name}").fetchall()[0][0])  # noqa: S608


def write_note(conn: duckdb.DuckDBPyConnection, table: str, note: str | None) -> None:
    conn.execute("create table if not exists stats.source_notes (table_name varchar, note varchar)")
    conn.execute("delete from stats.source_notes where table_name = ?", [table])
    if note:
        conn.execute("insert into stats.source_notes values (?, ?)", [table, note])


def create_from_sql(
    conn: duckdb.DuckDBPyConnection, table: str, sql_name: str, params: dict
) -> int:
    """`create or replace table stats.<table> as <sql file>` in one transaction."""
    sql = read_sql(sql_name)
    conn.execute("begin")
    try:
        conn.execute(f"create or replace table stats.{table} as\n{sql}", params)
        write_note(conn, table, None)
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    return count_rows(conn, f"stats.{table}")


def ensure_schema(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("create schema if not exists stats")
    conn.execute("create table if not exists stats.source_notes (table_name varchar, note varchar)")
