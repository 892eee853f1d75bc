"""All configuration in one place: environment variables with defaults (see .env.example)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DB_FILE = "xiansuo.duckdb"


@dataclass(frozen=True)
class Settings:
    """Where the pipeline reads and writes, and the reference date for rolling windows."""

    workdir: Path
    landing: Path
    as_of: date | None = None

    @property
    def db_path(self) -> Path:
        return self.workdir / DB_FILE

    @property
    def out_dir(self) -> Path:
        return self.workdir / "out"

    @property
    def dagster_home(self) -> Path:
        return self.workdir / ".dagster"

    @classmethod
    def from_env(cls) -> Settings:
        workdir = Path(os.environ.get("XIANSUO_WORKDIR", "work")).resolve()
        landing = Path(os.environ.get("XIANSUO_LANDING", str(workdir / "landing"))).resolve()
        as_of_text = os.environ.get("XIANSUO_AS_OF", "").strip()
        return cls(workdir, landing, date.fromisoformat(as_of_text) if as_of_text else None)


# Telemetry off. Step stdout/stderr are not captured to files: every asset reports through
# Dagster's event log, and the file capture spawns a `tail -F` per step that outlives a killed run.
DAGSTER_YAML = """telemetry:
  enabled: false
compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
"""


def prepare_dagster_home(settings: Settings) -> Path:
    """Create DAGSTER_HOME under the work dir with telemetry off, and point Dagster at it."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text(encoding="utf-8") != DAGSTER_YAML:
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
