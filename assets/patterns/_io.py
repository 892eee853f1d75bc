"""Small helpers shared by the pattern assets (SQL files beside the modules, previews)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

HERE = Path(__file__).resolve().parent

STAGING_DEPS = [
    "staging_weigh_records",
    "staging_stations",
    "staging_vehicles",
    "staging_operators",
    "staging_drivers",
    "staging_sources",
    "staging_loadings",
]


def load_sql(name: str) -> str:
    """Text of ``<name>.sql`` beside this module."""
    return (HERE / f"{name}.sql").read_text(encoding="utf-8")


def preview(conn, table: str, columns: str = "*", limit: int = 10) -> dg.MetadataValue:
    """Markdown preview of the first rows of a table."""
    frame = conn.execute(f"select {columns} from {table} limit {int(limit)}").df()  # noqa: S608 (identifiers from code; data values are parameters)
    return dg.MetadataValue.md(frame.to_markdown(index=False) if len(frame) else "_(empty)_")


def count(conn, table: str) -> int:
    return int(conn.execute(f"select count(*) from {table}").fetchone()[0])  # noqa: S608 (identifiers from code; data values are parameters)
