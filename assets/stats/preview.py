"""Markdown previews of stats tables for Dagster asset metadata."""

from __future__ import annotations

import math

import duckdb


def _cell(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1 else f"{v:,.1f}"
    return str(v).replace("|", "\\|").replace("\n", " ")[:60]


def markdown_table(columns: list[str], rows: list[tuple]) -> str:
    head = "| " + " | ".join(columns) + " |"
    sep = "|" + "---|" * len(columns)
    body = ["| " + " | ".join(_cell(v) for v in r) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def markdown_preview(
    conn: duckdb.DuckDBPyConnection, table: str, *, order: str | None = None, limit: int = 10
) -> str:
    """The first `limit` rows of `table` (a fixed stats.* name from our code) as markdown."""
    sql = f"select * from {table}"  # noqa: S608 — table names come from code, not data
    if order:
        sql += f" order by {order}"
    cur = conn.execute(sql + f" limit {int(limit)}")
    cols = [d[0] for d in cur.description]
    return markdown_table(cols, cur.fetchall())
