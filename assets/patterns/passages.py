"""pattern_passages: every sighting with station geometry and registry attributes."""

from __future__ import annotations

import dagster as dg

from assets.patterns._io import STAGING_DEPS, count
from models.patterns.common import passages_sql, registration_view, table_exists


def build_passages(conn) -> int:
    """(Re)build patterns.passages from facts.weigh_events when present, else staging."""
    use_events = table_exists(conn, "facts", "weigh_events")
    conn.execute("create schema if not exists patterns")
    registration_view(conn)
    conn.execute(
        "create or replace table patterns.passages as "
        + passages_sql(use_weigh_events=use_events)
        + " order by plate_key, passed_at"
    )
    return count(conn, "patterns.passages")


@dg.asset(
    key="pattern_passages",
    group_name="patterns",
    deps=[*STAGING_DEPS, "weigh_events"],
    required_resource_keys={"duckdb"},
    description="All sightings (plate, station, time, weight) joined to station geometry and "
    "registry attributes: the input of every pattern detector.",
)
def pattern_passages(context) -> dg.MaterializeResult:
    with context.resources.duckdb.get_connection() as conn:
        conn.execute("begin")
        n = build_passages(conn)
        conn.execute("commit")
        readable = conn.execute(
            "select count(*) filter (where plate_readable) from patterns.passages"
        ).fetchone()[0]
    return dg.MaterializeResult(metadata={"rows": n, "readable": int(readable)})
