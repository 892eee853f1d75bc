"""Dagster resources: the run's settings as a configurable resource."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.settings import Settings

# Keep a year of four provinces on 24 GB shared with Python: DuckDB spills to disk past this.
DUCKDB_MEMORY_LIMIT = "3GB"

_DATA_DATE_QUERIES = (
    "select max(passed_at)::date from staging.weigh_records",
    "select max(started_at)::date from staging.monitoring_events",
    "select max(occurred_at)::date from staging.cases",
)


class XiansuoSettings(dg.ConfigurableResource):
    """Work dir, landing folder and reference date (`as_of`, '' = latest data date)."""

    workdir: str
    landing: str
    as_of: str = ""

    @property
    def out_dir(self) -> Path:
        return Path(self.workdir) / "out"

    def as_of_date(self, conn) -> date:
        """The reference date for rolling windows: the configured one, else the latest data date."""
        if self.as_of:
            return date.fromisoformat(self.as_of)
        latest = [d for d in (_first_value(conn, q) for q in _DATA_DATE_QUERIES) if d is not None]
        return max(latest) if latest else date.today()


def _first_value(conn, query: str):
    try:
        row = conn.execute(query).fetchone()
    except Exception:  # table not built yet (e.g. an isolated asset test)
        return None
    return row[0] if row else None


def duckdb_resource(settings: Settings) -> DuckDBResource:
    """The one DuckDB configuration every connection to the work dir's store uses.

    DuckDB refuses to open one file twice in a process with different settings, so the run
    engine and the assets must share this exact configuration.
    """
    return DuckDBResource(
        database=str(settings.db_path),
        connection_config={"memory_limit": DUCKDB_MEMORY_LIMIT},
    )
